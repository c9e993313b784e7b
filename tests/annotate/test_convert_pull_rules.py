"""Pull rules one at a time: region and relation checks, lenient dropping, annotation choice,
and export-level errors that name the task."""

from __future__ import annotations

from typing import Any

import pytest

from annotate.convert_pull import AnnotationPolicy, export_to_gold, results_to_document
from annotate.errors import ItemKind, RegionError
from annotate.schema import load_schema
from eval.errors import FormatError, UsageError, ValidationError

SCHEMA = load_schema()
TEXT = "Ministers of Laos met in Vientiane."
DATA = {"text": TEXT, "doc_id": "lao-1"}


def region(rid: str, sub: str, label: str, control: str = "entity", **value: Any) -> dict[str, Any]:
    start = TEXT.index(sub)
    v = {"start": start, "end": start + len(sub), "text": sub, "labels": [label]} | value
    return {"id": rid, "from_name": control, "to_name": "text", "type": "labels", "value": v}


def rel(src: str, dst: str, *roles: str, direction: str = "right") -> dict[str, Any]:
    return {"from_id": src, "to_id": dst, "type": "relation", "direction": direction, "labels": list(roles)}


LAOS = region("a", "Laos", "GPE")
CITY = region("b", "Vientiane", "GPE")
MET = region("t", "met", "Meet", "trigger")


def ann(aid: int, user: int, result: Any, updated: str, **kw: Any) -> dict[str, Any]:
    return {
        "id": aid,
        "completed_by": user,
        "result": result,
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": updated,
    } | kw


def test_relation_direction_does_not_matter() -> None:
    conv = results_to_document(1, DATA, [LAOS, CITY, MET, rel("b", "t", "Place", direction="left")], SCHEMA)
    (event,) = conv.document.events
    assert [(a.role, a.entity, a.start, a.end, a.text) for a in event.arguments] == [
        ("Place", "b", 25, 34, "Vientiane")
    ]


def test_relation_with_two_roles_gives_two_arguments() -> None:
    result = [LAOS, MET, rel("t", "a", "Participant", "Place")]
    (event,) = results_to_document(1, DATA, result, SCHEMA).document.events
    assert [a.role for a in event.arguments] == ["Participant", "Place"]


def test_entities_keep_region_ids_and_text_events_keep_trigger_ids() -> None:
    doc = results_to_document(1, DATA, [LAOS, CITY, MET, rel("t", "a", "Participant")], SCHEMA).document
    assert [(e.id, e.label, e.text) for e in doc.entities] == [("a", "GPE", "Laos"), ("b", "GPE", "Vientiane")]
    assert doc.events[0].id == "t" and doc.events[0].trigger.text == "met"
    assert doc.id == "lao-1" and doc.text == TEXT


BAD = [
    ("duplicate region id", [LAOS, dict(CITY, id="a")], "a", "the region id appears twice"),
    ("two labels", [region("a", "Laos", "GPE", labels=["GPE", "LOC"])], "a", "needs exactly one label"),
    ("no label", [region("a", "Laos", "GPE", labels=[])], "a", "needs exactly one label"),
    (
        "choices result",
        [{"id": "c", "from_name": "mood", "to_name": "text", "type": "choices", "value": {}}],
        "c",
        "is not part of the goldbench labeling config",
    ),
    ("wrong to_name", [dict(LAOS, to_name="body")], "a", "to_name is 'body'"),
    ("unknown event type", [region("t", "met", "Visit", "trigger")], "t", "event type 'Visit' is not in the schema"),
    ("offsets not integers", [region("a", "Laos", "GPE", start="13")], "a", "must be integers"),
    ("no value.text", [{**LAOS, "value": {"start": 13, "end": 17, "labels": ["GPE"]}}], "a", "value.text is missing"),
    ("empty span", [region("a", "Laos", "GPE", end=13)], "a", "offsets 13-13 are not a span"),
    ("relation between entities", [LAOS, CITY, rel("a", "b", "Place")], "a->b", "joins two entity regions"),
    ("relation without role", [LAOS, MET, rel("t", "a")], "t->a", "has no role"),
    ("result item without id", [{"type": "labels", "from_name": "entity"}], None, "has no region id"),
]


@pytest.mark.parametrize(("result", "item", "message"), [pytest.param(r, i, m, id=n) for n, r, i, m in BAD])
def test_bad_item_raises_region_error_or_is_dropped_when_lenient(
    result: list[dict[str, Any]], item: str | None, message: str
) -> None:
    with pytest.raises(RegionError) as info:
        results_to_document(9, DATA, result, SCHEMA)
    first = info.value.issues[0]
    assert (first.task_id, first.item) == (9, item)
    assert message in first.message
    assert info.value.lines()[0].startswith("task 9 ")
    conv = results_to_document(9, DATA, result, SCHEMA, lenient=True)
    assert message in conv.dropped[0].message
    kept = [e.id for e in conv.document.entities] + [ev.id for ev in conv.document.events]
    if first.kind is ItemKind.RELATION:
        assert all(ev.arguments == () for ev in conv.document.events)
    elif item is not None:
        assert kept.count(item) == (1 if "twice" in message else 0)  # the first of two same ids stays


def test_dropped_region_takes_its_relations_with_it() -> None:
    bad_city = region("b", "Vientiane", "GPE", text="Vientian")
    conv = results_to_document(
        3, DATA, [LAOS, bad_city, MET, rel("t", "a", "Participant"), rel("t", "b", "Place")], SCHEMA, lenient=True
    )
    assert [str(d) for d in conv.dropped] == [
        "task 3 region 'b': text 'Vientian' does not match the document text at 25-34 ('Vientiane')",
        "task 3 relation 't'->'b': points to region 'b', which was dropped",
    ]
    assert [a.entity for a in conv.document.events[0].arguments] == ["a"]


def test_task_without_text_is_a_format_error_naming_the_task() -> None:
    with pytest.raises(FormatError, match=r"^task 5: data.text is missing"):
        results_to_document(5, {"body": TEXT}, [], SCHEMA)


def test_doc_id_falls_back_to_the_task_id() -> None:
    assert results_to_document(77, {"text": TEXT}, [], SCHEMA).document.id == "77"


# --- the export level ---------------------------------------------------------------------------


def task(tid: int, annotations: list[dict[str, Any]], doc_id: str = "lao-1") -> dict[str, Any]:
    return {"id": tid, "data": {"text": TEXT, "doc_id": doc_id}, "annotations": annotations, "predictions": []}


def test_latest_is_the_most_recently_updated_not_the_last_listed() -> None:
    newer = ann(2, 8, [LAOS, CITY], "2025-03-02T10:00:00.000000Z")
    older = ann(3, 9, [LAOS], "2025-03-01T10:00:00Z")
    result = export_to_gold([task(1, [newer, older])], SCHEMA)
    assert len(result.documents[0].entities) == 2
    assert result.converted[0].annotation_id == 2 and result.converted[0].annotator == "8"


def test_cancelled_annotation_is_never_latest() -> None:
    skipped = ann(2, 8, [], "2025-05-01T00:00:00Z", was_cancelled=True)
    result = export_to_gold([task(1, [ann(1, 9, [LAOS], "2025-01-01T00:00:00Z"), skipped])], SCHEMA)
    assert len(result.documents[0].entities) == 1
    assert result.counts.cancelled == 1


def test_ground_truth_has_no_fallback() -> None:
    result = export_to_gold(
        [task(1, [ann(1, 9, [LAOS], "2025-01-01T00:00:00Z")])], SCHEMA, policy=AnnotationPolicy.GROUND_TRUTH
    )
    assert result.documents == () and result.counts.no_ground_truth == 1


def test_all_takes_each_annotators_latest_and_refuses_a_single_document_list() -> None:
    anns = [
        ann(1, 9, [LAOS], "2025-01-01T00:00:00Z"),
        ann(2, 9, [LAOS, CITY], "2025-01-02T00:00:00Z"),
        ann(3, 4, [CITY], "2025-01-01T00:00:00Z"),
    ]
    result = export_to_gold([task(1, anns)], SCHEMA, policy=AnnotationPolicy.ALL)
    assert {k: len(v[0].entities) for k, v in result.by_annotator.items()} == {"9": 2, "4": 1}
    with pytest.raises(UsageError, match="by_annotator"):
        result.documents  # noqa: B018


def test_issues_under_policy_all_name_the_annotation() -> None:
    bad = region("a", "Laos", "GPE", text="Lao")
    with pytest.raises(RegionError, match=r"task 1 annotation 6 region 'a'"):
        export_to_gold([task(1, [ann(6, 9, [bad], "2025-01-01T00:00:00Z")])], SCHEMA, policy=AnnotationPolicy.ALL)


def test_expanded_completed_by_is_keyed_by_user_id() -> None:
    a = ann(1, 0, [LAOS], "2025-01-01T00:00:00Z", completed_by={"id": 12, "email": "x@example.org"})
    assert export_to_gold([task(1, [a])], SCHEMA, policy=AnnotationPolicy.ALL).by_annotator.keys() == {"12"}


def test_strict_pull_reports_every_bad_region_of_every_task_at_once() -> None:
    bad = region("a", "Laos", "GPE", start=90, end=95)
    export = [
        task(1, [ann(1, 9, [bad], "2025-01-01T00:00:00Z")], "d1"),
        task(2, [ann(2, 9, [LAOS, dict(bad, id="z")], "2025-01-01T00:00:00Z")], "d2"),
    ]
    with pytest.raises(RegionError) as info:
        export_to_gold(export, SCHEMA)
    assert [line.split(":")[0] for line in info.value.lines()] == ["task 1 region 'a'", "task 2 region 'z'"]
    assert "offsets 90-95 are past the end of the text (35 characters)" in info.value.lines()[0]


def test_same_document_in_two_tasks_is_a_validation_error() -> None:
    export = [task(1, [ann(1, 9, [LAOS], "2025-01-01T00:00:00Z")]), task(2, [ann(2, 9, [], "2025-01-01T00:00:00Z")])]
    with pytest.raises(ValidationError, match="task 2: holds document 'lao-1', as does task 1"):
        export_to_gold(export, SCHEMA)


@pytest.mark.parametrize(
    ("export", "message"),
    [
        ({"tasks": []}, "a Label Studio JSON export is a list of tasks"),
        ([{"text": TEXT, "id": 1, "entity": []}], "looks like a JSON_MIN or CSV export"),
        (["nope"], "task #0 is not an object"),
        ([{"data": DATA, "annotations": []}], "task #0 has no id"),
        ([{"id": 3, "data": DATA, "annotations": {"x": 1}}], "task 3: 'annotations' must be a list"),
        ([task(4, [ann(1, 9, [], "yesterday")])], "task 4 annotation 1: updated_at 'yesterday' is not an ISO 8601"),
        ([task(4, [ann(1, 9, {"a": 1}, "2025-01-01T00:00:00Z")])], "task 4: an annotation's result must be a list"),
    ],
)
def test_malformed_export_is_a_format_error_naming_the_task(export: Any, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        export_to_gold(export, SCHEMA, source="x.json")


def test_task_without_annotations_is_counted_not_converted() -> None:
    result = export_to_gold([task(1, []), {"id": 2, "data": {"text": TEXT, "doc_id": "other"}}], SCHEMA)
    assert result.documents == ()
    assert (result.counts.tasks, result.counts.unannotated, result.counts.annotated) == (2, 2, 0)


def test_pull_reads_the_one_group_config_and_the_previous_two_group_config_alike() -> None:
    """Results of the current config (``label``) and of configs made before it (``entity`` and
    ``trigger`` groups) give the same document."""
    legacy = [LAOS, CITY, MET, rel("t", "a", "Participant")]
    current = [dict(r, from_name="label") if r.get("type") == "labels" else r for r in legacy]
    assert {r.get("from_name") for r in current} == {"label", None}
    old, new = (results_to_document(1, DATA, r, SCHEMA).document for r in (legacy, current))
    assert new == old
    assert [e.label for e in new.entities] == ["GPE", "GPE"] and [ev.type for ev in new.events] == ["Meet"]


def test_pull_names_a_region_with_an_entity_and_a_trigger_label() -> None:
    """The double-label mistake of the two-group config: one region id, once per group."""
    both = [region("a", "met", "GPE"), region("a", "met", "Meet", "trigger")]
    with pytest.raises(RegionError) as err:
        results_to_document(1, DATA, both, SCHEMA)
    (issue,) = err.value.issues
    assert issue.item == "a" and "both an entity label and an event trigger label" in issue.message


def test_pull_refuses_a_label_of_neither_kind_in_the_one_group_config() -> None:
    with pytest.raises(RegionError, match="label 'Visit' is not in the schema"):
        results_to_document(1, DATA, [region("a", "Laos", "Visit", "label")], SCHEMA)
