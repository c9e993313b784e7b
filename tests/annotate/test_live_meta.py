"""Gold documents keep their metadata through a real Label Studio.

``annotate push`` sends a document's ``meta`` as the task's own ``meta`` (the server stores it
and writes it in the JSON export); ``annotate pull`` and ``pull --from-export`` give it back
as the document's ``meta``. Other unknown fields ride in ``data.extra``; a document without
meta gets none.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from annotate.goldset import read_gold_set
from eval.io import write_documents
from eval.model import Document, Entity

pytestmark = pytest.mark.live

TEXT_A = "TASS reports that Putin arrived in Tashkent on Sunday.\n"
TEXT_B = "Kazinform: Tokayev met Mirziyoyev in Astana.\n"
META_A = {"source": "tass", "date": "2024-05-26", "desk": {"region": "Central Asia"}, "rank": 3}


def _docs() -> list[Document]:
    putin = Entity(18, 23, "PERSON", "e1", "Putin")
    tashkent = Entity(35, 43, "GPE", "e2", "Tashkent")
    tokayev = Entity(11, 18, "PERSON", "e1", "Tokayev")
    return [
        Document("meta-a", TEXT_A, (putin, tashkent), extra={"meta": META_A, "wire": "ru-1"}),
        Document("meta-b", TEXT_B, (tokayev,)),
    ]


def test_live_meta_goes_to_the_task_and_comes_back(live_server, live_client, tmp_path: Path) -> None:
    source = tmp_path / "docs.jsonl"
    write_documents(source, _docs())
    title = live_server.title("meta round trip")
    pushed = live_server.cli("push", str(source), "--project", title, "--as-annotations")
    assert pushed.exit_code == 0, pushed.output

    (project,) = live_client.find_projects(title)
    export = live_client.export_json(project.id)
    by_doc = {t["data"]["doc_id"]: t for t in export.tasks}
    assert by_doc["meta-a"]["meta"] == META_A
    assert by_doc["meta-a"]["data"]["extra"] == {"wire": "ru-1"}
    assert not by_doc["meta-b"].get("meta") and "extra" not in by_doc["meta-b"]["data"]

    out = tmp_path / "pulled"
    pulled = live_server.cli("pull", "--project", title, "--out", str(out))
    assert pulled.exit_code == 0, pulled.output
    got = {d.id: d for d in read_gold_set(out).documents}
    assert got["meta-a"].extra == {"meta": META_A, "wire": "ru-1"}
    assert got["meta-b"].extra == {}
    assert [(e.start, e.end, e.label) for e in got["meta-a"].entities] == [(18, 23, "PERSON"), (35, 43, "GPE")]

    export_file = tmp_path / "export.json"
    export_file.write_bytes(orjson.dumps(export.tasks))
    offline = tmp_path / "offline"
    result = live_server.cli("pull", "--from-export", str(export_file), "--out", str(offline))
    assert result.exit_code == 0, result.output
    assert {d.id: d.extra for d in read_gold_set(offline).documents} == {"meta-a": got["meta-a"].extra, "meta-b": {}}
