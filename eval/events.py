"""Event checks and event scores with the definitions of TextEE's unified scorer.

Each document's events become two sets: trigger items ``(type, trigger)`` and argument items
``(type, trigger, role, argument)``, where ``trigger``/``argument`` are half-open offset pairs
(``eval.docmatch`` uses normalised text instead). The six metrics of ``EVENT_METRICS`` are
projections of these sets, compared as sets per document, so duplicates collapse:

    trigger_identification             trigger
    trigger_classification             type, trigger
    argument_identification            type, argument
    argument_classification            type, role, argument
    argument_identification_attached   type, trigger, argument
    argument_classification_attached   type, trigger, role, argument

Per event type, both sides keep only items of that type; per role, both sides keep only the
argument items of that role and only the four argument metrics are reported (see docs/events.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple, cast

import numpy as np
import numpy.typing as npt

from .counts import PRF
from .errors import Problem, ValidationError, quote
from .model import Argument, Document, Entity
from .report import EVENT_METRICS, EventErrorCase, EventErrorKind, EventScores
from .stats import stats_rows
from .validate import utf16_fits

ARGUMENT_METRICS: tuple[str, ...] = EVENT_METRICS[2:]
MAX_PROBLEMS = 20  # a ValidationError lists at most this many problems, then a count of the rest

TriggerItem = tuple[str, Hashable]  # (type, trigger key)
ArgumentItem = tuple[str, Hashable, str, Hashable]  # (type, trigger key, role, argument key)


class EventItems(NamedTuple):
    """One document's events as TextEE-style tuple sets."""

    triggers: frozenset[TriggerItem]
    arguments: frozenset[ArgumentItem]


NO_ITEMS = EventItems(frozenset(), frozenset())


# ---------------------------------------------------------------------------------------------
# validation


def validate_events(
    doc: Document,
    *,
    event_types: Collection[str] | None = None,
    roles: Mapping[str, Collection[str]] | None = None,
    require_offsets: bool = True,
) -> list[Problem]:
    """Every problem with ``doc``'s events: offsets, texts, entity references, schema.

    ``roles`` maps an event type to its allowed roles. With ``require_offsets=False``
    (offset-free scoring) triggers and arguments given by text alone are accepted.
    """
    problems: list[str] = []
    ids = entities_by_id(doc.entities)
    for i, ev in enumerate(doc.events):
        where = f"events[{i}]" + (f" (id {quote(ev.id)})" if ev.id is not None else "")
        known_type = event_types is None or ev.type in event_types
        if not known_type:
            problems.append(f"{where}: event type {quote(ev.type)} is not in the schema; add it or fix the type")
        trig = ev.trigger
        if trig.start == -1 and trig.end == -1:
            if require_offsets:
                problems.append(f"{where}.trigger has a text but no offsets; add start/end or use --level document")
        else:
            problems += _span_problems(doc.text, trig.start, trig.end, trig.text, f"{where}.trigger")
        allowed = roles.get(ev.type) if roles is not None and known_type else None
        for j, arg in enumerate(ev.arguments):
            at = f"{where}.arguments[{j}]"
            if roles is not None and known_type and (allowed is None or arg.role not in allowed):
                problems.append(
                    f"{at}: role {quote(arg.role)} is not allowed for event type {quote(ev.type)}; "
                    f"use one of: {', '.join(sorted(allowed or ())) or '(none)'}"
                )
            problems += _argument_problems(doc, arg, at, ids, require_offsets=require_offsets)
    return [Problem(doc.where, p, doc.id) for p in problems]


def _argument_problems(
    doc: Document, arg: Argument, at: str, ids: Mapping[str, list[Entity]], *, require_offsets: bool
) -> list[str]:
    if arg.entity is not None:
        found = ids.get(arg.entity, [])
        if not found:
            return [f"{at}: entity {quote(arg.entity)} is not the id of any entity of this document; fix the id"]
        if len(found) > 1:
            return [f"{at}: entity id {quote(arg.entity)} is used by {len(found)} entities; make entity ids unique"]
        return []
    if arg.start is None or arg.end is None:
        if arg.text is None:
            return [f"{at} has neither offsets nor an entity id; add start/end or entity"]
        if require_offsets:
            return [f"{at} has a text but no offsets; add start/end or an entity id, or use --level document"]
        return []
    return _span_problems(doc.text, arg.start, arg.end, arg.text, at)


def _span_problems(text: str, start: int, end: int, given: str | None, at: str) -> list[str]:
    if not 0 <= start < end <= len(text):
        msg = f"{at}: offsets [{start}, {end}) do not fit the text (length {len(text)}); need 0 <= start < end"
        return [msg + _utf16_hint(text, start, end, given)]
    if given is not None and text[start:end] != given:
        msg = f"{at}: text {quote(given)} differs from the document's text[{start}:{end}] = {quote(text[start:end])}"
        return [msg + (_utf16_hint(text, start, end, given) or "; fix the offsets or the text")]
    return []


def _utf16_hint(text: str, start: int, end: int, given: str | None) -> str:
    """Say so when the offsets select ``given`` if read as UTF-16 code units (as JavaScript does)."""
    if given is None or not utf16_fits(text, start, end, given):
        return ""
    return "; these offsets fit as UTF-16 code units: convert them to Python code points"


def entities_by_id(entities: Iterable[Entity]) -> dict[str, list[Entity]]:
    ids: dict[str, list[Entity]] = defaultdict(list)
    for e in entities:
        if e.id is not None:
            ids[e.id].append(e)
    return ids


# ---------------------------------------------------------------------------------------------
# tuples


def offset_items(doc: Document) -> EventItems:
    """A document's events keyed by offsets; arguments given by entity id use the entity's offsets.

    Raises ``ValidationError`` when an argument cannot be resolved to offsets.
    """
    problems: list[Problem] = []
    items = _offset_items(doc, problems)
    if problems:
        raise ValidationError(problems)
    return items


def _offset_items(doc: Document, problems: list[Problem]) -> EventItems:
    if not doc.events:
        return NO_ITEMS
    ids = entities_by_id(doc.entities)
    triggers: set[TriggerItem] = set()
    arguments: set[ArgumentItem] = set()
    for i, ev in enumerate(doc.events):
        if ev.trigger.start == -1 and ev.trigger.end == -1:
            msg = f"events[{i}].trigger has no offsets; add start/end or score with --level document"
            problems.append(Problem(doc.where, msg, doc.id))
            continue
        trig = (ev.trigger.start, ev.trigger.end)
        triggers.add((ev.type, trig))
        for j, arg in enumerate(ev.arguments):
            key = _argument_offsets(arg, ids)
            if key is None:
                at = f"events[{i}].arguments[{j}]"
                found = _argument_problems(doc, arg, at, ids, require_offsets=True)
                problems += [Problem(doc.where, m, doc.id) for m in found]
                continue
            arguments.add((ev.type, trig, arg.role, key))
    return EventItems(frozenset(triggers), frozenset(arguments))


def _argument_offsets(arg: Argument, ids: Mapping[str, list[Entity]]) -> tuple[int, int] | None:
    if arg.entity is not None:
        found = ids.get(arg.entity, [])
        return (found[0].start, found[0].end) if len(found) == 1 else None
    if arg.start is None or arg.end is None:
        return None
    return (arg.start, arg.end)


def project(items: EventItems) -> dict[str, set[Hashable]]:
    """The six TextEE tuple sets of one document (see the module docstring)."""
    return {
        "trigger_identification": {t for _, t in items.triggers},
        "trigger_classification": set(items.triggers),
        **_project_arguments(items.arguments),
    }


def _project_arguments(arguments: Iterable[ArgumentItem]) -> dict[str, set[Hashable]]:
    ident: set[Hashable] = set()
    cls: set[Hashable] = set()
    ident_att: set[Hashable] = set()
    for ty, trig, role, arg in arguments:
        ident.add((ty, arg))
        cls.add((ty, role, arg))
        ident_att.add((ty, trig, arg))
    return {
        "argument_identification": ident,
        "argument_classification": cls,
        "argument_identification_attached": ident_att,
        "argument_classification_attached": set(arguments),
    }


def _prf(gold: set[Hashable], pred: set[Hashable]) -> PRF:
    tp = len(gold & pred)
    return PRF(tp, len(pred) - tp, len(gold) - tp)


def _compare(gold: dict[str, set[Hashable]], pred: dict[str, set[Hashable]]) -> dict[str, PRF]:
    return {m: _prf(gold[m], pred[m]) for m in gold}


def _by_type(items: EventItems) -> dict[str, EventItems]:
    triggers: dict[str, set[TriggerItem]] = defaultdict(set)
    arguments: dict[str, set[ArgumentItem]] = defaultdict(set)
    for t in items.triggers:
        triggers[t[0]].add(t)
    for a in items.arguments:
        arguments[a[0]].add(a)
    return {
        ty: EventItems(frozenset(triggers.get(ty, ())), frozenset(arguments.get(ty, ())))
        for ty in triggers.keys() | arguments.keys()
    }


def _by_role(items: EventItems) -> dict[str, set[ArgumentItem]]:
    out: dict[str, set[ArgumentItem]] = defaultdict(set)
    for a in items.arguments:
        out[a[2]].add(a)
    return out


# ---------------------------------------------------------------------------------------------
# scoring


class DocumentEventCounts(NamedTuple):
    """Counts of one document: micro, per event type, per role (argument metrics only)."""

    micro: dict[str, PRF]
    types: dict[str, dict[str, PRF]]
    roles: dict[str, dict[str, PRF]]


def compare_items(gold: EventItems, pred: EventItems) -> DocumentEventCounts:
    """tp/fp/fn of every metric for one document's gold and predicted tuple sets."""
    micro = _compare(project(gold), project(pred))
    gold_types, pred_types = _by_type(gold), _by_type(pred)
    types = {
        ty: _compare(project(gold_types.get(ty, NO_ITEMS)), project(pred_types.get(ty, NO_ITEMS)))
        for ty in gold_types.keys() | pred_types.keys()
    }
    gold_roles, pred_roles = _by_role(gold), _by_role(pred)
    roles = {
        role: _compare(_project_arguments(gold_roles.get(role, ())), _project_arguments(pred_roles.get(role, ())))
        for role in gold_roles.keys() | pred_roles.keys()
    }
    return DocumentEventCounts(micro, types, roles)


ItemsFn = Callable[[Document, list[Problem]], EventItems]


def pair_documents(gold: Sequence[Document], pred: Sequence[Document]) -> list[tuple[Document, Document | None]]:
    """Each gold document with the prediction of the same id (None when absent).

    Predicted documents whose id is not in the gold are left out: scores are over the gold set.
    Raises ``ValidationError`` when an id occurs twice on one side.
    """
    problems = _duplicate_ids(gold) + _duplicate_ids(pred)
    if problems:
        raise ValidationError(problems)
    by_id = {d.id: d for d in pred}
    return [(g, by_id.get(g.id)) for g in gold]


def _duplicate_ids(docs: Sequence[Document]) -> list[Problem]:
    seen: dict[str, Document] = {}
    problems: list[Problem] = []
    for d in docs:
        first = seen.setdefault(d.id, d)
        if first is not d:
            msg = f"the id is used again (first at {first.where}); document ids must be unique"
            problems.append(Problem(d.where, msg, d.id))
    return problems


def counts_by_document(
    gold: Sequence[Document], pred: Sequence[Document], items: ItemsFn
) -> dict[str, DocumentEventCounts]:
    """Per gold document id, the counts of ``compare_items`` on tuple sets made by ``items``.

    Problems from every document are gathered and raised together as one ``ValidationError``.
    """
    problems: list[Problem] = []
    out: dict[str, DocumentEventCounts] = {}
    for g, p in pair_documents(gold, pred):
        gold_items = items(g, problems)
        pred_items = items(p, problems) if p is not None else NO_ITEMS
        out[g.id] = compare_items(gold_items, pred_items)
    if problems:
        raise ValidationError(_capped(problems))
    return out


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [Problem(problems[MAX_PROBLEMS].where, f"... and {rest} more problems")]


def total(per_document: Iterable[DocumentEventCounts]) -> EventScores:
    """Sum per-document counts into micro, per-type and per-role scores."""
    micro = {m: PRF() for m in EVENT_METRICS}
    types: dict[str, dict[str, PRF]] = {}
    roles: dict[str, dict[str, PRF]] = {}
    for doc in per_document:
        _add(micro, doc.micro)
        for ty, counts in doc.types.items():
            _add(types.setdefault(ty, {m: PRF() for m in EVENT_METRICS}), counts)
        for role, counts in doc.roles.items():
            _add(roles.setdefault(role, {m: PRF() for m in ARGUMENT_METRICS}), counts)
    return EventScores(micro, dict(sorted(types.items())), dict(sorted(roles.items())))


def _add(into: dict[str, PRF], counts: Mapping[str, PRF]) -> None:
    for m, c in counts.items():
        into[m] = into[m] + c


def score_events(gold: Sequence[Document], pred: Sequence[Document]) -> EventScores:
    """TextEE scores of predicted events against gold, documents paired by id.

    A gold document with no prediction counts all its tuples as missed.
    """
    return total(counts_by_document(gold, pred, _offset_items).values())


def score_events_with_stats(
    gold: Sequence[Document], pred: Sequence[Document], *, items: ItemsFn | None = None
) -> tuple[EventScores, dict[str, npt.NDArray[np.float64]]]:
    """``score_events`` and ``event_doc_stats`` from one pass over the documents."""
    per_doc = counts_by_document(gold, pred, items or _offset_items)
    return total(per_doc.values()), _doc_stats(per_doc)


def event_counts_by_document(
    gold: Sequence[Document], pred: Sequence[Document], *, items: ItemsFn | None = None
) -> dict[str, dict[str, PRF]]:
    """metric -> gold document id -> tp/fp/fn; summed over documents they give the micro counts.

    ``items`` builds the tuple sets (offsets by default; ``eval.docmatch.event_items`` for names).
    """
    per_doc = counts_by_document(gold, pred, items or _offset_items)
    return {m: {doc_id: c.micro[m] for doc_id, c in per_doc.items()} for m in EVENT_METRICS}


def event_doc_stats(
    gold: Sequence[Document], pred: Sequence[Document], *, items: ItemsFn | None = None
) -> dict[str, npt.NDArray[np.float64]]:
    """``"events.<metric>"`` -> (gold documents, 3) array of matched, possible, actual (eval/stats.py)."""
    return _doc_stats(counts_by_document(gold, pred, items or _offset_items))


def _doc_stats(per_doc: Mapping[str, DocumentEventCounts]) -> dict[str, npt.NDArray[np.float64]]:
    return {f"events.{m}": stats_rows([c.micro[m] for c in per_doc.values()]) for m in EVENT_METRICS}


# ---------------------------------------------------------------------------------------------
# error cases (the HTML report)

CONTEXT = 60  # characters of text on each side of an error


def event_error_cases(
    gold: Sequence[Document], pred: Sequence[Document], *, limit: int = 200
) -> tuple[EventErrorCase, ...]:
    """The errors behind trigger_classification and argument_classification_attached.

    Per document: a gold trigger ``(type, span)`` not predicted is a ``wrong type`` when a
    prediction has the same span with another type, else ``missed trigger``; a predicted one
    on no gold trigger span is ``spurious trigger``. A gold argument ``(type, trigger, role,
    span)`` not predicted is a ``wrong role`` when the prediction has the same argument of the
    same event with another role, else ``missed argument``; a predicted one that is neither is
    ``spurious argument``. In document order, at most ``limit`` cases.
    """
    out: list[EventErrorCase] = []
    for g, p in pair_documents(gold, pred):
        if len(out) >= limit:
            break
        gold_items = offset_items(g)
        pred_items = offset_items(p) if p is not None else NO_ITEMS
        out += _document_errors(g, gold_items, pred_items)
    return tuple(out[:limit])


def _document_errors(doc: Document, gold: EventItems, pred: EventItems) -> list[EventErrorCase]:
    text = doc.text
    rows: list[tuple[int, int, int, EventErrorCase]] = []

    def add(kind: EventErrorKind, ty: str, role: str | None, other: str | None, span: Hashable, trig: Hashable) -> None:
        start, end = cast("tuple[int, int]", span)  # offset items: (start, end) pairs
        t_start, t_end = cast("tuple[int, int]", trig)
        trigger = text[t_start:t_end] if role is not None else None
        left, right = text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
        case = EventErrorCase(doc.id, kind, ty, role, other, start, end, left, text[start:end], right, trigger)
        rows.append((start, end, len(rows), case))

    gold_types = _types_at(gold.triggers)
    pred_types = _types_at(pred.triggers)
    for ty, trig in gold.triggers - pred.triggers:
        others = sorted(pred_types.get(trig, set()) - gold_types.get(trig, set()))
        if others:
            add("wrong type", ty, None, others[0], trig, trig)
        else:
            add("missed trigger", ty, None, None, trig, trig)
    for ty, trig in pred.triggers - gold.triggers:
        if trig not in gold_types:
            add("spurious trigger", ty, None, None, trig, trig)
    gold_roles = _roles_of(gold.arguments)
    pred_roles = _roles_of(pred.arguments)
    for ty, trig, role, arg in gold.arguments - pred.arguments:
        others = sorted(pred_roles.get((ty, trig, arg), set()) - gold_roles.get((ty, trig, arg), set()))
        if others:
            add("wrong role", ty, role, others[0], arg, trig)
        else:
            add("missed argument", ty, role, None, arg, trig)
    for ty, trig, role, arg in pred.arguments - gold.arguments:
        if (ty, trig, arg) not in gold_roles:
            add("spurious argument", ty, role, None, arg, trig)
    rows.sort(key=lambda r: (r[0], r[1], r[3].kind, r[3].event_type, r[3].role or ""))
    return [r[3] for r in rows]


def _types_at(triggers: Iterable[TriggerItem]) -> dict[Hashable, set[str]]:
    out: dict[Hashable, set[str]] = defaultdict(set)
    for ty, trig in triggers:
        out[trig].add(ty)
    return out


def _roles_of(arguments: Iterable[ArgumentItem]) -> dict[tuple[str, Hashable, Hashable], set[str]]:
    out: dict[tuple[str, Hashable, Hashable], set[str]] = defaultdict(set)
    for ty, trig, role, arg in arguments:
        out[(ty, trig, arg)].add(role)
    return out
