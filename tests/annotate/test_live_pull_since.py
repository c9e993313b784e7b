"""``annotate pull --since``: a filtered export snapshot of the tasks annotated since then, merged
into the gold set already there, with both pulls in the manifest's ``sources``."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from annotate.convert_push import document_to_results
from annotate.push import push
from annotate.schema import load_schema
from eval.model import Document, Entity
from eval.readers.jsonl import read_jsonl

pytestmark = pytest.mark.live

SCHEMA = load_schema()
TEXTS = {"s1": "Putin visited Tashkent .", "s2": "Lavrov met Saidov .", "s3": "Russia exports gas ."}


def doc(doc_id: str, *spans: tuple[str, str]) -> Document:
    text = TEXTS[doc_id]
    return Document(doc_id, text, tuple(Entity(text.index(w), text.index(w) + len(w), label) for w, label in spans))


def test_live_pull_since_merges_only_the_tasks_annotated_since(live_server, live_client, tmp_path) -> None:
    title = live_server.title("since")
    push(live_client, [Document(k, t) for k, t in TEXTS.items()], project=title, schema=SCHEMA)
    (project,) = live_client.find_projects(title)
    tasks = {t.doc_id: t.id for t in live_client.list_tasks(project.id)}
    first = {"s1": doc("s1", ("Putin", "PERSON")), "s2": doc("s2", ("Lavrov", "PERSON"))}
    for k, d in first.items():
        live_client.create_annotation(tasks[k], document_to_results(d, SCHEMA))
    gold = tmp_path / "gold"
    pulled = live_server.cli("pull", "--project", title, "--out", str(gold))
    assert pulled.exit_code == 0, pulled.output

    time.sleep(1.5)
    since = datetime.now(UTC)
    time.sleep(1.5)
    later = {"s1": doc("s1", ("Putin", "PERSON"), ("Tashkent", "GPE")), "s3": doc("s3", ("Russia", "GPE"))}
    for k, d in later.items():  # s1: a newer annotation (latest wins); s3: annotated for the first time
        live_client.create_annotation(tasks[k], document_to_results(d, SCHEMA))

    merged = live_server.cli("pull", "--project", title, "--out", str(gold), "--since", since.isoformat())
    assert merged.exit_code == 0, merged.output
    assert "merged: 2 documents pulled again or new, 1 kept" in merged.output
    docs = {d.id: [(e.start, e.end, e.label) for e in d.entities] for d in read_jsonl(gold / "documents.jsonl")}
    expected = {**first, **later}
    assert docs == {k: [(e.start, e.end, e.label) for e in d.entities] for k, d in expected.items()}
    manifest = json.loads((gold / "manifest.json").read_text(encoding="utf-8"))
    assert [s.get("since") for s in manifest["sources"]] == [None, since.isoformat()]
    assert manifest["sources"][1]["counts"]["tasks"] == 2  # the filtered snapshot held only s1 and s3
    assert manifest["sources"][0]["counts"]["tasks"] == 3
    assert sorted(p["doc"] for p in manifest["provenance"]) == ["s1", "s2", "s3"]

    again = live_server.cli("pull", "--project", title, "--out", str(tmp_path / "none"), "--since", since.isoformat())
    assert again.exit_code == 2
    assert "there is none here; pull once without --since" in again.output
