"""The round trip through a real Label Studio is exact.

Annotations are stored through the API in the form the 1.23.2 web editor submits them
(random region ids, ``origin: manual``, code-point offsets also for emoji text, relations
between trigger and entity regions labelled with the role), on a text with emoji and one with
CRLF line ends. ``annotate pull`` must give back exactly the expected documents.

Set ``GOLDBENCH_CAPTURE_LIVE_EXPORT=DIR`` to save the server's full JSON export of this test
into DIR (that is how tests/fixtures/annotate/live_export/ was made).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotate.goldset import read_gold_set
from eval.io import document_to_json, write_documents
from eval.model import Argument, Document, Entity, Event, Span

pytestmark = pytest.mark.live

EMOJI_TEXT = "Putin 🇷🇺 landed in Tashkent 🛬 on Sunday and met Mirziyoyev 🤝 at the airport.\n"
CRLF_TEXT = "Uzbekistan and Russia signed a gas deal in Moscow.\r\nGazprom will supply 5 billion cubic metres.\r\n"

# (region id, label, surface, occurrence) per document; events: (trigger id, type, surface,
# [(role, entity region id, drawn from trigger to entity?)]).
SPEC: dict[str, dict[str, Any]] = {
    "emoji_visit": {
        "text": EMOJI_TEXT,
        "entities": [
            ("Qm3xZ_p1aT", "PERSON", "Putin"),
            ("b7Kd02LwEr", "GPE", "Tashkent"),
            ("Hh8sUe4n0c", "DATE", "Sunday"),
            ("pL0q-9WxYz", "PERSON", "Mirziyoyev"),
        ],
        "events": [
            ("T1rAvEl0aa", "Travel", "landed", [("Agent", "Qm3xZ_p1aT", True), ("Destination", "b7Kd02LwEr", True),
                                                ("Time", "Hh8sUe4n0c", False)]),
            ("M3eTzz9Qb1", "Meet", "met", [("Participant", "Qm3xZ_p1aT", True),
                                           ("Participant", "pL0q-9WxYz", True)]),
        ],
    },
    "crlf_gas_deal": {
        "text": CRLF_TEXT,
        "entities": [
            ("uZ1bek0000", "GPE", "Uzbekistan"),
            ("rU2ss1a000", "GPE", "Russia"),
            ("mOsc0w0000", "GPE", "Moscow"),
            ("gAzPr0m000", "ORG", "Gazprom"),
            ("qTy5bcm000", "QUANTITY", "5 billion cubic metres"),
        ],
        "events": [
            ("s1GnEd0000", "Sign-Agreement", "signed", [("Party", "uZ1bek0000", True), ("Party", "rU2ss1a000", True),
                                                        ("Place", "mOsc0w0000", False)]),
            ("sUpp1y0000", "Trade", "supply", [("Seller", "gAzPr0m000", True), ("Amount", "qTy5bcm000", True)]),
        ],
    },
}


def span_of(text: str, surface: str) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


def editor_results(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Result items as the web editor submits them."""
    text = spec["text"]
    out: list[dict[str, Any]] = []
    for rid, label, surface in spec["entities"]:
        s, e = span_of(text, surface)
        out.append({"value": {"start": s, "end": e, "text": surface, "labels": [label]},
                    "id": rid, "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual"})
    for tid, etype, surface, _ in spec["events"]:
        s, e = span_of(text, surface)
        out.append({"value": {"start": s, "end": e, "text": surface, "labels": [etype]},
                    "id": tid, "from_name": "trigger", "to_name": "text", "type": "labels", "origin": "manual"})
    for tid, _, _, args in spec["events"]:
        for role, rid, forward in args:
            src, dst = (tid, rid) if forward else (rid, tid)
            out.append({"from_id": src, "to_id": dst, "type": "relation", "direction": "right", "labels": [role]})
    return out


def expected_document(doc_id: str, spec: dict[str, Any]) -> Document:
    text = spec["text"]
    entities = {}
    for rid, label, surface in spec["entities"]:
        s, e = span_of(text, surface)
        entities[rid] = Entity(s, e, label, rid, surface)
    events = []
    for tid, etype, surface, args in spec["events"]:
        s, e = span_of(text, surface)
        arguments = tuple(
            Argument(role, entities[rid].start, entities[rid].end, rid, entities[rid].text) for role, rid, _ in args
        )
        events.append(Event(etype, Span(s, e, surface), arguments, tid))
    return Document(doc_id, text, tuple(entities.values()), tuple(events))


def canonical(docs: list[Document] | tuple[Document, ...]) -> list[dict[str, Any]]:
    return sorted((document_to_json(d) for d in docs), key=lambda d: d["id"])


def test_editor_annotations_pull_back_exactly(live_server, live_client, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    for doc_id, spec in SPEC.items():
        (articles / f"{doc_id}.txt").write_bytes(spec["text"].encode("utf-8"))  # CRLF kept as is
    title = live_server.title("round trip")
    pushed = live_server.cli("push", str(articles), "--project", title)
    assert pushed.exit_code == 0, pushed.output

    (project,) = live_client.find_projects(title)
    tasks = {t.doc_id: t for t in live_client.list_tasks(project.id)}
    for doc_id, spec in SPEC.items():
        live_client.create_annotation(tasks[doc_id].id, editor_results(spec))

    out = tmp_path / "gold" / "roundtrip"
    pulled = live_server.cli("pull", "--project", title, "--out", str(out))
    assert pulled.exit_code == 0, pulled.output

    gold = read_gold_set(out)
    expected = [expected_document(doc_id, spec) for doc_id, spec in SPEC.items()]
    assert canonical(gold.documents) == canonical(expected)
    assert "\r\n" in next(d.text for d in gold.documents if d.id == "crlf_gas_deal")
    manifest = gold.manifest
    assert manifest["label_studio"]["project_id"] == project.id
    assert manifest["label_studio"]["project_title"] == title
    assert manifest["label_studio"]["url"] == live_server.info.url
    assert manifest["label_studio"]["version"] == live_client.version()
    assert manifest["policy"] == "latest" and manifest["repairs"] == []
    assert manifest["counts"]["annotated"] == 2

    capture = os.environ.get("GOLDBENCH_CAPTURE_LIVE_EXPORT")
    if capture:
        _capture(Path(capture), live_client.export_json(project.id).tasks, expected)


def _capture(folder: Path, tasks: list[dict[str, Any]], expected: list[Document]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.json").write_bytes(orjson.dumps(tasks, option=orjson.OPT_INDENT_2) + b"\n")
    write_documents(folder / "expected.jsonl", sorted(expected, key=lambda d: d.id))


def test_as_annotations_ground_truth_round_trip(live_server, live_client, tmp_path):
    docs = [expected_document(doc_id, spec) for doc_id, spec in SPEC.items()]
    source = tmp_path / "gold.jsonl"
    write_documents(source, docs)
    title = live_server.title("as annotations")
    first = live_server.cli("push", str(source), "--project", title, "--as-annotations", "--ground-truth")
    assert first.exit_code == 0, first.output
    assert "annotations: 2 created" in first.output
    again = live_server.cli("push", str(source), "--project", title, "--as-annotations", "--ground-truth")
    assert again.exit_code == 0, again.output
    assert "annotations: 0 created, 2 tasks already annotated" in again.output

    out = tmp_path / "gold" / "gt"
    pulled = live_server.cli("pull", "--project", title, "--out", str(out), "--annotations", "ground-truth")
    assert pulled.exit_code == 0, pulled.output
    assert canonical(read_gold_set(out).documents) == canonical(docs)
    assert json.loads((out / "manifest.json").read_text())["policy"] == "ground_truth"
