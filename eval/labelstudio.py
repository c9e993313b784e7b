"""Label Studio results as canonical data: pure functions shared by ``annotate`` (pull) and the
``label-studio`` predictions reader. No SDK, no network, no schema.

Label Studio's text regions carry ``value.start``/``value.end``; older versions (and JavaScript
tools) count UTF-16 code units, in which a character outside the Basic Multilingual Plane
takes two. ``resolve_offsets`` decides, for one annotation or prediction, whether its regions
are code points or UTF-16 units (all-or-nothing when every region fits as UTF-16, so regions
before the first emoji, which fit both ways, are not told apart wrongly) and repairs them.
``prediction_record`` turns one prediction's result list into a canonical JSONL record.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, NamedTuple

from .errors import plural, quote

# The names goldbench's labeling config gives its tags; results carry them as from_name/to_name.
TEXT_NAME = "text"
ENTITY_CONTROL = "entity"
TRIGGER_CONTROL = "trigger"


def _short(s: str, n: int = 40) -> str:
    return repr(s if len(s) <= n else s[: n - 1] + "…")


def span_problem(text: str, start: int, end: int, given: str | None) -> str | None:
    """What is wrong with ``[start, end)`` (and its ``given`` text) in ``text``, or None."""
    if not (0 <= start < end):
        return f"offsets {start}-{end} are not a span (need 0 <= start < end)"
    if end > len(text):
        return f"offsets {start}-{end} are past the end of the text ({plural(len(text), 'character')})"
    if given is not None and text[start:end] != given:
        return f"text {_short(given)} does not match the document text at {start}-{end} ({_short(text[start:end])})"
    return None


def utf16_table(text: str) -> dict[int, int] | None:
    """UTF-16 code-unit offset -> code-point offset, or None when the two are the same."""
    if all(ord(c) < 0x10000 for c in text):
        return None
    table: dict[int, int] = {}
    unit = 0
    for i, ch in enumerate(text):
        table[unit] = i
        unit += 2 if ord(ch) > 0xFFFF else 1
    table[unit] = len(text)
    return table


def fits(text: str, start: int, end: int, given: str) -> bool:
    return 0 <= start < end <= len(text) and text[start:end] == given


def from_utf16(table: dict[int, int] | None, text: str, start: int, end: int, given: str) -> tuple[int, int] | None:
    """The code-point offsets of UTF-16 offsets ``start``-``end`` if the text then matches."""
    if table is None:
        return None
    s, e = table.get(start), table.get(end)
    if s is None or e is None or not fits(text, s, e, given):
        return None
    return s, e


class Resolved(NamedTuple):
    """A region's code-point offsets; ``before`` holds the UTF-16 offsets when they were repaired."""

    start: int
    end: int
    before: tuple[int, int] | None = None


def resolve_offsets(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Resolved | None]:
    """The code-point offsets of each ``(start, end, text)`` of one annotation, None when it fits
    neither as code points nor as UTF-16 units.

    When every span fits as code points, they are code points. When some do not but all fit as
    UTF-16 units, all are read as UTF-16. Otherwise each is read as code points if it fits,
    else as UTF-16 if that fits.
    """
    table = utf16_table(text)
    checked = [(fits(text, s, e, g), from_utf16(table, text, s, e, g)) for s, e, g in spans]
    all_utf16 = any(not ok for ok, _ in checked) and all(cp is not None for _, cp in checked)
    out: list[Resolved | None] = []
    for (start, end, _), (ok, cp) in zip(spans, checked, strict=True):
        if cp is not None and (all_utf16 or not ok):
            out.append(Resolved(cp[0], cp[1], (start, end) if cp != (start, end) else None))
        elif ok:
            out.append(Resolved(start, end))
        else:
            out.append(None)
    return out


class BadResult(Exception):
    """A result item that cannot be read; the message names the region."""


def prediction_record(
    doc_id: str, text: str, results: Any, *, event_types: Collection[str] = ()
) -> tuple[dict[str, Any], int]:
    """One prediction's result list -> a canonical record and how many offsets were repaired.

    ``labels`` regions of the ``entity`` control are entities, of the ``trigger`` control event
    triggers; a region of any other ``<Labels>`` control is a trigger when its label is one of
    ``event_types`` (a config with one group for both kinds), else an entity. ``relation``
    items from a trigger to an entity are arguments, their labels the roles. A region's
    ``score`` is kept. Label names and roles are not checked against a schema: a prediction's
    labels are what is being scored. Raises ``BadResult`` for an item that cannot be read.
    """
    if not isinstance(results, list):
        raise BadResult(f"the result must be a list, got {type(results).__name__}")
    regions: dict[str, dict[str, Any]] = {}
    kinds: dict[str, bool] = {}  # region id -> is a trigger
    raw: list[tuple[str, int, int, str]] = []
    relations: list[Mapping[str, Any]] = []
    for i, item in enumerate(results):
        if not isinstance(item, dict):
            raise BadResult(f"result item {i} is not an object")
        if item.get("type") == "relation":
            relations.append(item)
            continue
        if item.get("type") != "labels":
            continue  # choices, ratings, text areas: not spans
        rid = item.get("id")
        if not isinstance(rid, str) or not rid:
            rid = f"#{i}"
        if rid in regions:
            raise BadResult(f"region {quote(rid)} appears twice")
        value = item.get("value")
        labels = value.get("labels") if isinstance(value, dict) else None
        if (
            not isinstance(value, dict)
            or not isinstance(labels, list)
            or len(labels) != 1
            or not isinstance(labels[0], str)
        ):
            raise BadResult(f"region {quote(rid)} needs exactly one label, has {quote(labels)}")
        start, end, given = value.get("start"), value.get("end"), value.get("text")
        if type(start) is not int or type(end) is not int:
            raise BadResult(
                f"region {quote(rid)}: value.start/value.end must be integers, got {quote(start)}/{quote(end)}"
            )
        if given is not None and not isinstance(given, str):
            raise BadResult(f"region {quote(rid)}: value.text must be a string, got {quote(given)}")
        control = item.get("from_name")
        label = labels[0]
        kinds[rid] = control == TRIGGER_CONTROL or (control != ENTITY_CONTROL and label in event_types)
        entry: dict[str, Any] = {"label": label}
        if "score" in item and item["score"] is not None:
            entry["score"] = item["score"]
        regions[rid] = entry
        raw.append((rid, start, end, given if given is not None else text[start:end]))
    repaired = 0
    for (rid, start, end, given), resolved in zip(raw, resolve_offsets(text, [r[1:] for r in raw]), strict=True):
        if resolved is None:
            raise BadResult(f"region {quote(rid)}: {span_problem(text, start, end, given) or 'bad offsets'}")
        repaired += resolved.before is not None
        regions[rid].update(start=resolved.start, end=resolved.end, text=text[resolved.start : resolved.end])
    arguments: dict[str, list[dict[str, Any]]] = {rid: [] for rid, trigger in kinds.items() if trigger}
    for item in relations:
        src, dst = item.get("from_id"), item.get("to_id")
        if src not in regions or dst not in regions:
            raise BadResult(f"relation {src}->{dst} points to a region that is not in the result")
        trigger, entity = (src, dst) if kinds[str(src)] else (dst, src)
        if not kinds[str(trigger)] or kinds[str(entity)]:
            raise BadResult(f"relation {src}->{dst} must join an event trigger and an entity")
        roles = item.get("labels") or []
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
            raise BadResult(f"relation {src}->{dst} has no role; label it with the argument's role")
        arguments[str(trigger)] += [{"role": role, "entity": entity} for role in roles]
    entities = [{"id": rid, **r} for rid, r in regions.items() if not kinds[rid]]
    events = [
        {
            "id": rid,
            "type": r["label"],
            "trigger": {"start": r["start"], "end": r["end"], "text": r["text"]},
            "arguments": arguments[rid],
        }
        for rid, r in regions.items()
        if kinds[rid]
    ]
    record: dict[str, Any] = {"id": doc_id, "text": text, "entities": entities}
    if events:
        record["events"] = events
    return record, repaired
