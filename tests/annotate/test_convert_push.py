"""Documents -> Label Studio tasks and results: the shape the editor stores, stable region ids,
arguments as relations, and a ValidationError naming document and record for bad input."""

from __future__ import annotations

import pytest

from annotate.convert_push import document_problems, document_to_results, document_to_task
from annotate.schema import labeling_config, load_schema
from eval.errors import ValidationError
from eval.model import Argument, Document, Entity, Event, Mention, Span

SCHEMA = load_schema()
TEXT = "Envoy Sadykova met Premier Tokayev in Astana on Monday."


def ent(sub: str, label: str, ident: str | None = None) -> Entity:
    start = TEXT.index(sub)
    return Entity(start, start + len(sub), label, ident, sub)


def trig(sub: str) -> Span:
    start = TEXT.index(sub)
    return Span(start, start + len(sub), sub)


SADYKOVA, TOKAYEV, ASTANA, MONDAY = (
    ent("Sadykova", "PERSON", "p1"),
    ent("Tokayev", "PERSON", "p2"),
    ent("Astana", "GPE", "g1"),
    ent("Monday", "DATE", "d1"),
)


def doc(entities: tuple[Entity, ...] = (), events: tuple[Event, ...] = (), **kw: object) -> Document:
    return Document("doc-7", TEXT, entities, events, **kw)  # type: ignore[arg-type]


def test_task_holds_text_and_doc_id_in_data() -> None:
    assert document_to_task(doc()) == {"data": {"text": TEXT, "doc_id": "doc-7"}}
    with_extra = document_to_task(doc(extra={"url": "https://example.org/a"}))
    assert with_extra["data"]["extra"] == {"url": "https://example.org/a"}


def test_entities_become_labels_regions_with_their_ids() -> None:
    results = document_to_results(doc((SADYKOVA, ASTANA)), SCHEMA)
    assert results == [
        {
            "id": "p1",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 6, "end": 14, "text": "Sadykova", "labels": ["PERSON"]},
        },
        {
            "id": "g1",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 38, "end": 44, "text": "Astana", "labels": ["GPE"]},
        },
    ]


def test_event_is_a_trigger_region_and_one_relation_per_argument() -> None:
    meet = Event(
        "Meet",
        trig("met"),
        (Argument("Participant", entity="p1"), Argument("Participant", entity="p2"), Argument("Place", entity="g1")),
        "ev1",
    )
    results = document_to_results(doc((SADYKOVA, TOKAYEV, ASTANA), (meet,)), SCHEMA)
    trigger = results[3]
    assert trigger["id"] == "ev1" and trigger["from_name"] == "label"
    assert trigger["value"] == {"start": 15, "end": 18, "text": "met", "labels": ["Meet"]}
    assert results[4:] == [
        {"from_id": "ev1", "to_id": "p1", "type": "relation", "direction": "right", "labels": ["Participant"]},
        {"from_id": "ev1", "to_id": "p2", "type": "relation", "direction": "right", "labels": ["Participant"]},
        {"from_id": "ev1", "to_id": "g1", "type": "relation", "direction": "right", "labels": ["Place"]},
    ]


def test_missing_ids_are_generated_deterministically_without_clashing() -> None:
    anonymous = (SADYKOVA._replace(id=None), ASTANA._replace(id="e0"), MONDAY._replace(id=None))
    event = Event("Meet", trig("met"), (Argument("Place", entity="e0"),))
    results = document_to_results(doc(anonymous, (event,)), SCHEMA)
    ids = [r["id"] for r in results if r["type"] == "labels"]
    assert ids == ["e0-1", "e0", "e2", "t0"]
    assert document_to_results(doc(anonymous, (event,)), SCHEMA) == results


def test_argument_given_by_offsets_links_to_the_entity_with_those_offsets() -> None:
    by_offsets = Argument("Place", ASTANA.start, ASTANA.end, None, "Astana")
    event = Event("Meet", trig("met"), (by_offsets,), "ev1")
    results = document_to_results(doc((SADYKOVA, ASTANA), (event,)), SCHEMA)
    assert results[-1]["to_id"] == "g1" and results[-1]["labels"] == ["Place"]


def test_entity_filling_two_roles_is_one_relation_with_two_labels() -> None:
    airline = Entity(0, 5, "ORG", "o1", "Envoy")
    trade = Event("Trade", trig("met"), (Argument("Seller", entity="o1"), Argument("Buyer", entity="o1")), "ev1")
    results = document_to_results(doc((airline,), (trade,)), SCHEMA)
    relations = [r for r in results if r["type"] == "relation"]
    assert relations == [
        {"from_id": "ev1", "to_id": "o1", "type": "relation", "direction": "right", "labels": ["Seller", "Buyer"]}
    ]


def test_label_studio_sdk_accepts_the_results() -> None:
    interface = pytest.importorskip("label_studio_sdk.label_interface").LabelInterface
    meet = Event("Meet", trig("met"), (Argument("Participant", entity="p1"), Argument("Time", entity="d1")), "ev1")
    results = document_to_results(doc((SADYKOVA, TOKAYEV, ASTANA, MONDAY), (meet,)), SCHEMA)
    li = interface(labeling_config(SCHEMA))
    assert li.validate_prediction({"result": results}, return_errors=True) == []
    regions = [r for r in results if r["type"] == "labels"]
    for r in results[len(regions) :]:
        assert li.validate_relation(r, regions)


BAD = [
    (
        "offsets past the end",
        doc((Entity(50, 70, "GPE", "x1"),)),
        "entity 'x1' (GPE at 50-70): offsets 50-70 are past the end",
    ),
    ("reversed offsets", doc((Entity(9, 3, "GPE", "x1"),)), "offsets 9-3 are not a span"),
    ("text mismatch", doc((Entity(6, 14, "PERSON", "x1", "Sadykov"),)), "text 'Sadykov' does not match"),
    ("unknown label", doc((SADYKOVA._replace(label="PER"),)), "label 'PER' is not in the schema"),
    ("duplicate id", doc((SADYKOVA, TOKAYEV._replace(id="p1"))), "id 'p1' is used more than once"),
    ("hash in id", doc((SADYKOVA._replace(id="a#1"),)), "contains '#'"),
    ("mentions", doc(mentions=(Mention("PERSON", "Sadykova"),)), "1 entity has no offsets"),
    ("unknown event type", doc(events=(Event("Visit", trig("met")),)), "event type 'Visit' is not in the schema"),
    ("trigger without offsets", doc(events=(Event("Meet", Span(-1, -1, "met")),)), "the trigger has no offsets"),
    (
        "argument matching no entity",
        doc((SADYKOVA,), (Event("Meet", trig("met"), (Argument("Place", 38, 44, None, "Astana"),), "ev1"),)),
        "event 'ev1' (Meet) argument 0 (Place): offsets 38-44 match no entity",
    ),
    (
        "argument to unknown entity",
        doc((SADYKOVA,), (Event("Meet", trig("met"), (Argument("Place", entity="zz"),), "ev1"),)),
        "entity 'zz' is not an entity of this document",
    ),
    (
        "role not allowed",
        doc((ASTANA,), (Event("Meet", trig("met"), (Argument("Destination", entity="g1"),), "ev1"),)),
        "role 'Destination' is not allowed for 'Meet'",
    ),
    (
        "label cannot fill role",
        doc((MONDAY,), (Event("Meet", trig("met"), (Argument("Place", entity="d1"),), "ev1"),)),
        "entity 'd1' is DATE, which cannot fill 'Place'",
    ),
    (
        "argument twice",
        doc((ASTANA,), (Event("Meet", trig("met"), (Argument("Place", entity="g1"),) * 2, "ev1"),)),
        "the same role and entity appear twice",
    ),
]


@pytest.mark.parametrize(("bad", "message"), [pytest.param(d, m, id=i) for i, d, m in BAD])
def test_bad_document_is_refused_naming_document_and_record(bad: Document, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        document_to_results(bad, SCHEMA)
    lines = info.value.lines()
    assert any(message in line for line in lines), lines
    assert all("document 'doc-7'" in line for line in lines)
    assert [str(p) for p in document_problems(bad, SCHEMA)] == lines


def test_good_document_has_no_problems() -> None:
    meet = Event("Meet", trig("met"), (Argument("Participant", entity="p1"),), "ev1")
    assert document_problems(doc((SADYKOVA,), (meet,)), SCHEMA) == []
