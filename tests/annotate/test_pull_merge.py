"""merge_pull (``pull --since``) offline: documents pulled again replace their old version, new
ones are added, the rest are kept; the manifest lists both pulls; bad input changes nothing."""

from __future__ import annotations

import json

import pytest

from annotate.convert_pull import AnnotationPolicy
from annotate.convert_push import document_to_results, document_to_task
from annotate.pull import merge_pull, write_pull
from annotate.schema import load_schema
from eval.errors import UsageError
from eval.model import Document, Entity
from eval.readers.jsonl import read_jsonl

SCHEMA = load_schema()


def task(tid: int, doc: Document) -> dict:
    return {
        **document_to_task(doc),
        "id": tid,
        "annotations": [{"id": tid, "completed_by": 1, "result": document_to_results(doc, SCHEMA)}],
    }


A = Document("a", "Ann met Bob .", (Entity(0, 3, "PERSON"),))
B = Document("b", "Rome .", (Entity(0, 4, "GPE"),))
A2 = A._replace(entities=(Entity(0, 3, "PERSON"), Entity(8, 11, "PERSON")))
C = Document("c", "Oslo .", (Entity(0, 4, "GPE"),))


def _first(tmp_path):
    gold = tmp_path / "gold"
    common = {"schema": SCHEMA, "policy": AnnotationPolicy.LATEST, "lenient": False}
    write_pull(
        [task(1, A), task(2, B)], out=gold, overwrite=False, provenance={"source": "one"}, source="one", **common
    )
    return gold, common


def test_pull_merge_replaces_adds_and_keeps(tmp_path) -> None:
    gold, common = _first(tmp_path)
    summary = merge_pull(
        [task(1, A2), task(3, C)], out=gold, provenance={"source": "two", "since": "T"}, source="two", **common
    )
    assert (summary.documents, summary.kept) == (3, 1)
    assert [(d.id, len(d.entities)) for d in read_jsonl(gold / "documents.jsonl")] == [("a", 2), ("b", 1), ("c", 1)]
    manifest = json.loads((gold / "manifest.json").read_text(encoding="utf-8"))
    assert [(s["source"], s.get("since")) for s in manifest["sources"]] == [("one", None), ("two", "T")]
    assert [p["doc"] for p in manifest["provenance"]] == ["b", "a", "c"]
    merge_pull([task(2, B)], out=gold, provenance={"source": "three"}, source="three", **common)
    again = json.loads((gold / "manifest.json").read_text(encoding="utf-8"))
    assert [s["source"] for s in again["sources"]] == ["one", "two", "three"]


def test_pull_merge_needs_an_existing_gold_set_and_one_policy(tmp_path) -> None:
    common = {"schema": SCHEMA, "lenient": False, "provenance": {}, "source": "x"}
    with pytest.raises(UsageError, match="pull once without --since"):
        merge_pull([], out=tmp_path / "none", policy=AnnotationPolicy.LATEST, **common)
    gold, _ = _first(tmp_path)
    with pytest.raises(UsageError, match="--annotations latest or ground-truth"):
        merge_pull([], out=gold, policy=AnnotationPolicy.ALL, **common)


def test_pull_merge_with_a_bad_task_writes_nothing(tmp_path) -> None:
    gold, common = _first(tmp_path)
    before = (gold / "documents.jsonl").read_bytes(), (gold / "manifest.json").read_bytes()
    bad = task(3, C)
    bad["annotations"][0]["result"][0]["value"]["end"] = 99
    with pytest.raises(Exception, match="past the end"):
        merge_pull([bad], out=gold, provenance={"source": "two"}, source="two", **common)
    assert ((gold / "documents.jsonl").read_bytes(), (gold / "manifest.json").read_bytes()) == before
