"""The news demo gold set round-trips through a real Label Studio exactly.

``gold/news-demo`` (15 articles, 557 entities, 170 events, one CRLF text, one with emoji and
flags) is pushed with its annotations through ``annotate push --as-annotations`` and pulled
back with ``annotate pull``: every document, entity, event and argument must come back the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.goldset import read_gold_set
from eval.io import document_to_json
from eval.readers.jsonl import read_jsonl

pytestmark = pytest.mark.live

GOLD = Path(__file__).resolve().parents[2] / "gold" / "news-demo"


def _plain(docs: list) -> list[dict]:
    return sorted((document_to_json(d) for d in docs), key=lambda d: d["id"])


def test_live_newsdemo_gold_set_pushes_and_pulls_back_identical(live_server, live_client, tmp_path):
    title = live_server.title("news demo")
    pushed = live_server.cli("push", str(GOLD), "--project", title, "--as-annotations")
    assert pushed.exit_code == 0, pushed.output
    assert "annotations: 15 created" in pushed.output
    out = tmp_path / "news-demo-pulled"
    pulled = live_server.cli("pull", "--project", title, "--out", str(out))
    assert pulled.exit_code == 0, pulled.output

    expected = read_jsonl(GOLD / "documents.jsonl")
    got = read_gold_set(out)
    assert len(got.documents) == 15
    assert sum(len(d.entities) for d in got.documents) == sum(len(d.entities) for d in expected) == 557
    assert sum(len(d.events) for d in got.documents) == 170
    assert _plain(list(got.documents)) == _plain(expected)
    assert got.manifest["repairs"] == []
    assert any("\r\n" in d.text for d in got.documents)
