"""validate_events: offsets, texts (with the UTF-16 hint), entity references, schema; and
score_events refusing what it cannot score, with file:line and document id."""

from __future__ import annotations

import pytest

from eval.errors import ValidationError
from eval.events import score_events, validate_events
from eval.model import Argument, Document, Entity, Event, Span

TEXT = "Leaders met in Samarkand 🙂 and Khiva."


def _doc(*events: Event, entities: tuple[Entity, ...] = ()) -> Document:
    return Document("d7", TEXT, entities, events, path="gold.jsonl", line=3)


def _messages(doc: Document, **kw) -> list[str]:
    return [str(p) for p in validate_events(doc, **kw)]


def _at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def test_events_validate_clean_document_has_no_problems() -> None:
    ent = Entity(*_at("Khiva"), "LOC", "e1")
    ev = Event(
        "Meet",
        Span(*_at("met"), "met"),
        (Argument("Place", *_at("Samarkand"), text="Samarkand"), Argument("Place", entity="e1")),
    )
    assert validate_events(_doc(ev, entities=(ent,)), event_types={"Meet"}, roles={"Meet": {"Place"}}) == []


def test_events_validate_trigger_offsets_outside_text_and_reversed() -> None:
    out = _messages(_doc(Event("Meet", Span(30, 99)), Event("Meet", Span(5, 5))))
    assert len(out) == 2
    assert out[0].startswith("gold.jsonl:3: document 'd7': events[0].trigger: offsets [30, 99)")
    assert f"length {len(TEXT)}" in out[0]
    assert "events[1].trigger: offsets [5, 5)" in out[1]


def test_events_validate_trigger_text_mismatch() -> None:
    (msg,) = _messages(_doc(Event("Meet", Span(*_at("met"), "meets"))))
    assert "'meets' differs from the document's text[8:11] = 'met'" in msg
    assert "UTF-16" not in msg


def test_events_validate_says_when_offsets_are_utf16_units() -> None:
    # After the emoji (2 UTF-16 code units, 1 code point), JavaScript offsets are one higher.
    start, end = _at("Khiva")
    (msg,) = _messages(_doc(Event("Meet", Span(*_at("met")), (Argument("Place", start + 1, end + 1, text="Khiva"),))))
    assert "events[0].arguments[0]" in msg and "UTF-16 code units" in msg


def test_events_validate_utf16_hint_when_offsets_run_past_the_end() -> None:
    text = "Talks 🙂🙂 Bukhara"
    start = text.index("Bukhara") + 2  # two astral characters before it: +2 in UTF-16
    doc = Document("d1", text, (), (Event("Meet", Span(start, start + 7, "Bukhara")),))
    (msg,) = _messages(doc)
    assert "do not fit the text" in msg and "UTF-16 code units" in msg


def test_events_validate_unknown_and_ambiguous_entity_ids() -> None:
    ents = (Entity(0, 7, "PER", "e1"), Entity(0, 7, "PER", "e1"))
    ev = Event("Meet", Span(*_at("met")), (Argument("Entity", entity="e9"), Argument("Entity", entity="e1")))
    out = _messages(_doc(ev, entities=ents))
    assert "entity 'e9' is not the id of any entity" in out[0]
    assert "entity id 'e1' is used by 2 entities" in out[1]


def test_events_validate_schema_types_and_roles() -> None:
    evs = (
        Event("Wedding", Span(*_at("met")), (Argument("Bride", *_at("Khiva")),)),
        Event("Meet", Span(*_at("met")), (Argument("Place", *_at("Khiva")), Argument("Time", *_at("Khiva")))),
    )
    out = _messages(_doc(*evs), event_types={"Meet"}, roles={"Meet": {"Place", "Entity"}})
    assert len(out) == 2  # no role complaint for an event whose type is already unknown
    assert "event type 'Wedding' is not in the schema" in out[0]
    assert "role 'Time' is not allowed for event type 'Meet'; use one of: Entity, Place" in out[1]


def test_events_validate_argument_without_offsets_or_entity() -> None:
    ev = Event("Meet", Span(-1, -1, "met"), (Argument("Place", text="Khiva"), Argument("Place")))
    strict = _messages(_doc(ev))
    assert len(strict) == 3
    assert "trigger has a text but no offsets" in strict[0]
    assert "arguments[0] has a text but no offsets" in strict[1]
    assert "arguments[1] has neither offsets nor an entity id" in strict[2]
    loose = _messages(_doc(ev), require_offsets=False)
    assert len(loose) == 1 and "neither offsets nor an entity id" in loose[0]


def test_score_events_refuses_unresolvable_arguments() -> None:
    ev = Event("Meet", Span(*_at("met")), (Argument("Place", entity="nope"),))
    with pytest.raises(ValidationError) as info:
        score_events([_doc(ev)], [])
    assert info.value.lines() == [
        "gold.jsonl:3: document 'd7': events[0].arguments[0]: entity 'nope' is not the id of any entity "
        "of this document; fix the id"
    ]


def test_score_events_refuses_text_only_triggers_and_caps_the_list() -> None:
    docs = [
        Document(f"d{i}", TEXT, (), (Event("Meet", Span(-1, -1, "met")),), path="p.jsonl", line=i + 1)
        for i in range(30)
    ]
    with pytest.raises(ValidationError) as info:
        score_events(docs, docs)
    lines = info.value.lines()
    assert len(lines) == 21
    assert "use --level document" in lines[0] or "--level document" in lines[0]
    assert lines[-1].endswith("... and 40 more problems")


def test_score_events_refuses_duplicate_document_ids() -> None:
    a = Document("same", TEXT, path="pred.jsonl", line=1)
    b = Document("same", TEXT, path="pred.jsonl", line=9)
    with pytest.raises(ValidationError) as info:
        score_events([a], [a, b])
    assert info.value.lines() == [
        "pred.jsonl:9: document 'same': the id is used again (first at pred.jsonl:1); document ids must be unique"
    ]
