"""Event scores on columns: the TextEE definitions of ``eval/events.py`` with numpy, not sets.

``EventColumns`` holds every trigger ``(doc, type, start, end)`` and every argument ``(doc, type,
trigger start, trigger end, role, start, end)`` as int64 arrays; types and roles are codes into
``type_names``/``role_names``. Rows may repeat: ``score_columns`` packs each metric's projection
into one int64 key per row and compares the unique keys of both sides, so duplicates collapse as
in the set scorer. Because the doc, type and role are parts of every key that carries them, the
per-document, per-type and per-role counts are ``np.bincount`` over the unique (and the matched)
keys; restricted to one type, trigger_identification is trigger_classification, and restricted
to one role, the identification metrics are the classification ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as _compute

from .arrow_schema import ints as _numpy
from .counts import PRF
from .errors import Problem, ValidationError
from .events import ARGUMENT_METRICS, _capped, _offset_items
from .model import Document
from .report import EVENT_METRICS, EventScores

Ints = npt.NDArray[np.int64]
DocStats = dict[str, npt.NDArray[np.float64]]
Pair = tuple[int, int]  # offsets of an offset item
_LIMIT = 1 << 62  # a packed key stays below this
pc: Any = _compute  # pyarrow's stubs lack the compute functions (they are generated at import)


@dataclass(frozen=True, slots=True)
class EventColumns:
    """Triggers and arguments of numbered documents; types and roles as codes into the names."""

    trigger_doc: Ints
    trigger_type: Ints
    trigger_start: Ints
    trigger_end: Ints
    argument_doc: Ints
    argument_type: Ints
    argument_trigger_start: Ints
    argument_trigger_end: Ints
    argument_role: Ints
    argument_start: Ints
    argument_end: Ints
    type_names: tuple[str, ...]
    role_names: tuple[str, ...]

    def renumber(self, doc_map: Ints) -> EventColumns:
        """The rows of document ``d`` numbered ``doc_map[d]``; rows mapped to -1 are dropped."""
        t, a = doc_map[self.trigger_doc], doc_map[self.argument_doc]
        kt, ka = t >= 0, a >= 0
        return EventColumns(
            t[kt],
            self.trigger_type[kt],
            self.trigger_start[kt],
            self.trigger_end[kt],
            a[ka],
            self.argument_type[ka],
            self.argument_trigger_start[ka],
            self.argument_trigger_end[ka],
            self.argument_role[ka],
            self.argument_start[ka],
            self.argument_end[ka],
            self.type_names,
            self.role_names,
        )

    def window(self, lo: int, hi: int) -> EventColumns:
        """The rows of documents ``[lo, hi)``, numbered from 0."""
        size = int(max(self.trigger_doc.max(initial=-1), self.argument_doc.max(initial=-1), hi - 1)) + 1
        doc_map = np.full(size, -1, dtype=np.int64)
        doc_map[lo:hi] = np.arange(hi - lo, dtype=np.int64)
        return self.renumber(doc_map)

    def _argument_columns(self) -> tuple[Ints, ...]:
        return (
            self.argument_doc,
            self.argument_type,
            self.argument_trigger_start,
            self.argument_trigger_end,
            self.argument_role,
            self.argument_start,
            self.argument_end,
        )


EMPTY_INTS: Ints = np.zeros(0, dtype=np.int64)
NO_EVENTS = EventColumns(*(EMPTY_INTS,) * 11, (), ())


def join(parts: Sequence[tuple[EventColumns, int]]) -> EventColumns:
    """One set of columns of ``(columns, first document)`` parts: documents shifted by their
    part's first document, types and roles recoded by name."""
    if not parts:
        return NO_EVENTS
    if len(parts) == 1 and parts[0][1] == 0:
        return parts[0][0]
    types: dict[str, int] = {}
    roles: dict[str, int] = {}
    columns: list[list[Ints]] = [[] for _ in range(11)]
    for cols, first in parts:
        t = np.asarray([types.setdefault(n, len(types)) for n in cols.type_names] or [0], dtype=np.int64)
        r = np.asarray([roles.setdefault(n, len(roles)) for n in cols.role_names] or [0], dtype=np.int64)
        own = (
            cols.trigger_doc + first,
            t[cols.trigger_type],
            cols.trigger_start,
            cols.trigger_end,
            cols.argument_doc + first,
            t[cols.argument_type],
            cols.argument_trigger_start,
            cols.argument_trigger_end,
            r[cols.argument_role],
            cols.argument_start,
            cols.argument_end,
        )
        for into, column in zip(columns, own, strict=True):
            into.append(column)
    return EventColumns(*(np.concatenate(c) for c in columns), tuple(types), tuple(roles))


def _ints(values: Sequence[int]) -> Ints:
    return np.asarray(values, dtype=np.int64).reshape(len(values))


# ---------------------------------------------------------------------------------------------
# building


def from_documents(docs: Sequence[Document]) -> EventColumns:
    """The columns of ``docs``, numbered by position; entity-id arguments take the entity's offsets.

    Raises the ``ValidationError`` of ``events.offset_items`` (all documents' problems, capped).
    """
    problems: list[Problem] = []
    types: dict[str, int] = {}
    roles: dict[str, int] = {}
    trig: list[tuple[int, int, int, int]] = []
    args: list[tuple[int, int, int, int, int, int, int]] = []
    for d, doc in enumerate(docs):
        items = _offset_items(doc, problems)
        for ty, trigger in items.triggers:
            trig.append((d, types.setdefault(ty, len(types)), *cast("Pair", trigger)))
        for ty, trigger, role, arg in items.arguments:
            ts, te = cast("Pair", trigger)
            args.append(
                (d, types.setdefault(ty, len(types)), ts, te, roles.setdefault(role, len(roles)), *cast("Pair", arg))
            )
    if problems:
        raise ValidationError(_capped(problems))
    t = np.asarray(trig, dtype=np.int64).reshape(len(trig), 4).T
    a = np.asarray(args, dtype=np.int64).reshape(len(args), 7).T
    return EventColumns(t[0], t[1], t[2], t[3], a[0], a[1], a[2], a[3], a[4], a[5], a[6], tuple(types), tuple(roles))


def from_arrow(
    events: pa.Array | pa.ChunkedArray, entities: pa.Array | pa.ChunkedArray | None, *, first_doc: int = 0
) -> EventColumns | None:
    """The columns of Arrow ``events``/``entities`` lists (``eval/arrow_schema.py``), one per document.

    Documents are numbered from ``first_doc``; a null list is a document without events. An
    argument with an ``entity`` takes the offsets of the entity of its document with that ``id``
    (a join on (document, id) codes), whatever offsets it has itself, as ``events.offset_items``.
    Returns None, for the exact path to name the line, when: an event or argument is null, a
    type, trigger or role is null, a trigger has a null offset or is (-1, -1), an argument
    without entity lacks an offset, or an entity id matches no entity, several, or one with a
    null offset. What ``events.validate_events`` checks beyond that (offsets within the text,
    given texts equal to it, the schema's types and roles) is left to the caller.
    """
    events, entities = _combined(events), _combined(entities) if entities is not None else None
    ev = pc.list_flatten(events)
    ev_doc = _parents(events) + first_doc
    trigger = pc.struct_field(ev, "trigger")
    ty, arg_lists = pc.struct_field(ev, "type"), pc.struct_field(ev, "arguments")
    t_start, t_end = pc.struct_field(trigger, "start"), pc.struct_field(trigger, "end")
    if any(c.null_count for c in (ev, ty, t_start, t_end)):
        return None
    ts, te = _numpy(t_start), _numpy(t_end)
    if np.any((ts == -1) & (te == -1)):
        return None
    arg = pc.list_flatten(arg_lists)
    role = pc.struct_field(arg, "role")
    if arg.null_count or role.null_count:
        return None
    of_event = _parents(arg_lists)
    offsets = _argument_offsets(arg, ev_doc[of_event], entities, first_doc)
    if offsets is None:
        return None
    type_codes, type_names = _codes(ty)
    role_codes, role_names = _codes(role)
    return EventColumns(
        ev_doc,
        type_codes,
        ts,
        te,
        ev_doc[of_event],
        type_codes[of_event],
        ts[of_event],
        te[of_event],
        role_codes,
        *offsets,
        type_names,
        role_names,
    )


def gold_order(gold_ids: pa.Array | pa.ChunkedArray, pred_ids: pa.Array | pa.ChunkedArray) -> Ints | None:
    """Per predicted document, the position of its id among the gold ids, -1 when not there.

    None when an id is null or occurs twice on one side (``events.pair_documents`` names them).
    """
    gold_ids, pred_ids = _combined(gold_ids), _combined(pred_ids)
    for ids in (gold_ids, pred_ids):
        if ids.null_count or pc.count_distinct(ids).as_py() != len(ids):
            return None
    found = pc.index_in(pred_ids, value_set=gold_ids)
    return np.where(_numpy(found.is_valid()) == 1, _numpy(found), -1)


def _combined(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _parents(lists: pa.Array) -> Ints:
    return _numpy(pc.list_parent_indices(lists))


def _codes(strings: pa.Array) -> tuple[Ints, tuple[str, ...]]:
    enc = pc.dictionary_encode(strings)
    return _numpy(enc.indices), tuple(enc.dictionary.to_pylist())


def _argument_offsets(arg: pa.Array, doc: Ints, entities: pa.Array | None, first_doc: int) -> tuple[Ints, Ints] | None:
    """(start, end) of every argument: its own, or its entity's by (doc, id); None if any fails."""
    entity = pc.struct_field(arg, "entity")
    start, end = pc.struct_field(arg, "start"), pc.struct_field(arg, "end")
    by_id = _numpy(entity.is_valid()) == 1
    own = _numpy(pc.and_(start.is_valid(), end.is_valid())) == 1
    if not np.all(by_id | own):
        return None
    a_start, a_end = _numpy(start), _numpy(end)
    if not by_id.any():
        return a_start, a_end
    if entities is None:
        return None
    ents = pc.list_flatten(entities)
    e_id = pc.struct_field(ents, "id")
    has_id = e_id.is_valid()
    e_doc = (_parents(entities) + first_doc)[_numpy(has_id) == 1]
    wanted = pc.filter(entity, pc.is_valid(entity))
    codes, names = _codes(pa.concat_arrays([pc.filter(e_id, has_id), wanted]))
    n = max(len(names), 1)
    e_key = e_doc * n + codes[: len(e_doc)]
    a_key = doc[by_id] * n + codes[len(e_doc) :]
    keys, first, count = np.unique(e_key, return_index=True, return_counts=True)
    pos = np.minimum(np.searchsorted(keys, a_key), max(len(keys) - 1, 0))
    if not len(keys) or not np.all((keys[pos] == a_key) & (count[pos] == 1)):
        return None
    ents = pc.filter(ents, has_id)
    e_start, e_end = pc.struct_field(ents, "start"), pc.struct_field(ents, "end")
    row = first[pos]
    valid = _numpy(pc.and_(e_start.is_valid(), e_end.is_valid())) == 1
    if not valid[row].all():
        return None
    a_start[by_id], a_end[by_id] = _numpy(e_start)[row], _numpy(e_end)[row]
    return a_start, a_end


# ---------------------------------------------------------------------------------------------
# scoring


def score_columns(gold: EventColumns, pred: EventColumns, n_docs: int) -> tuple[EventScores, DocStats]:
    """``events.score_events_with_stats`` on columns; pred is numbered in gold document order.

    ``n_docs`` is the number of gold documents (the rows of every ``DocStats`` family).
    """
    types = sorted(set(gold.type_names) | set(pred.type_names))
    roles = sorted(set(gold.role_names) | set(pred.role_names))
    g, p = _Recoded.of(gold, types, roles), _Recoded.of(pred, types, roles)
    present_types = np.flatnonzero(_count(g.t[1], len(types)) + _count(p.t[1], len(types)))
    present_roles = np.flatnonzero(_count(g.a[4], len(roles)) + _count(p.a[4], len(roles)))
    micro: dict[str, PRF] = {}
    by_type: dict[str, Ints] = {}
    by_role: dict[str, Ints] = {}
    stats: DocStats = {}
    for metric, side, fields in _KEYS:
        gc, pc_ = (g.t, p.t) if side == "t" else (g.a, p.a)
        by = {"doc": 0} | ({"type": fields.index(1)} if 1 in fields else {})
        by |= {"role": fields.index(4)} if side == "a" and 4 in fields else {}
        matched, gold_by, pred_by = _match([gc[i] for i in fields], [pc_[i] for i in fields], by)
        per_doc = _triples(gold_by["doc"], pred_by["doc"], matched, n_docs)
        micro[metric] = PRF(*(int(x) for x in per_doc.sum(axis=1)))
        stats[f"events.{metric}"] = np.stack([per_doc[0], per_doc[0] + per_doc[2], per_doc[0] + per_doc[1]], 1)
        if "type" in by:
            by_type[metric] = _triples(gold_by["type"], pred_by["type"], matched, len(types))
        if "role" in by:
            by_role[metric] = _triples(gold_by["role"], pred_by["role"], matched, len(roles))
    by_type["trigger_identification"] = by_type["trigger_classification"]
    by_role["argument_identification"] = by_role["argument_classification"]
    by_role["argument_identification_attached"] = by_role["argument_classification_attached"]
    type_scores = {types[c]: {m: _prf(by_type[m], c) for m in EVENT_METRICS} for c in present_types}
    role_scores = {roles[c]: {m: _prf(by_role[m], c) for m in ARGUMENT_METRICS} for c in present_roles}
    return EventScores(micro, type_scores, role_scores), {k: v.astype(np.float64) for k, v in stats.items()}


# metric, trigger ("t") or argument ("a") rows, the fields of its key (doc first)
_KEYS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("trigger_identification", "t", (0, 2, 3)),
    ("trigger_classification", "t", (0, 1, 2, 3)),
    ("argument_identification", "a", (0, 1, 5, 6)),
    ("argument_classification", "a", (0, 1, 4, 5, 6)),
    ("argument_identification_attached", "a", (0, 1, 2, 3, 5, 6)),
    ("argument_classification_attached", "a", (0, 1, 2, 3, 4, 5, 6)),
)


@dataclass(frozen=True, slots=True)
class _Recoded:
    """One side's trigger and argument columns with codes in the shared name order.

    A span is kept as (start, end - start): the same key, in fewer bits (spans are short).
    """

    t: tuple[Ints, ...]
    a: tuple[Ints, ...]

    @classmethod
    def of(cls, cols: EventColumns, types: list[str], roles: list[str]) -> _Recoded:
        type_index, role_index = {n: i for i, n in enumerate(types)}, {n: i for i, n in enumerate(roles)}
        tmap = _ints([type_index[n] for n in cols.type_names])
        rmap = _ints([role_index[n] for n in cols.role_names])
        d, ty, ts, te, role, s, e = cols._argument_columns()
        return cls(
            (cols.trigger_doc, tmap[cols.trigger_type], cols.trigger_start, cols.trigger_end - cols.trigger_start),
            (d, tmap[ty], ts, te - ts, rmap[role], s, e - s),
        )


def _count(codes: Ints, n: int) -> Ints:
    return np.bincount(codes, minlength=n)[:n]


def _prf(triples: Ints, code: int) -> PRF:
    return PRF(int(triples[0, code]), int(triples[1, code]), int(triples[2, code]))


def _triples(gold_by: Ints, pred_by: Ints, matched: npt.NDArray[np.bool_], n: int) -> Ints:
    """(3, n) tp, fp, fn per value of ``by``, given per unique gold and per unique pred key."""
    tp = _count(gold_by[matched], n)
    return np.stack([tp, _count(pred_by, n) - tp, _count(gold_by, n) - tp])


def _match(
    gold: list[Ints], pred: list[Ints], by: dict[str, int]
) -> tuple[npt.NDArray[np.bool_], dict[str, Ints], dict[str, Ints]]:
    """Which unique gold keys are predicted, and the columns ``by`` names of the unique gold and pred keys."""
    n_gold = len(gold[0])
    key, radix = _pack([np.concatenate([g, p]) for g, p in zip(gold, pred, strict=True)])
    if radix is not None:  # the columns are digits of the key: sort values only
        gold_keys, pred_keys = np.unique(key[:n_gold]), np.unique(key[n_gold:])
        gold_by = {name: _digit(gold_keys, *radix[i], top=i == 0) for name, i in by.items()}
        pred_by = {name: _digit(pred_keys, *radix[i], top=i == 0) for name, i in by.items()}
    else:
        (gold_keys, gold_rows), (pred_keys, pred_rows) = _unique(key[:n_gold]), _unique(key[n_gold:])
        gold_by = {name: gold[i][gold_rows] for name, i in by.items()}
        pred_by = {name: pred[i][pred_rows] for name, i in by.items()}
    if not len(pred_keys):
        return np.zeros(len(gold_keys), dtype=bool), gold_by, pred_by
    pos = np.minimum(np.searchsorted(pred_keys, gold_keys), len(pred_keys) - 1)
    return pred_keys[pos] == gold_keys, gold_by, pred_by


def _digit(keys: Ints, lo: int, stride: int, width: int, *, top: bool) -> Ints:
    """One column read back from mixed-radix keys; the top digit needs no modulo."""
    return (keys // stride if top else keys // stride % width) + lo


def _unique(key: Ints) -> tuple[Ints, Ints]:
    """The sorted unique keys and one row of each."""
    order = np.argsort(key)
    s = key[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = s[1:] != s[:-1]
    return s[first], order[first]


def _pack(columns: list[Ints]) -> tuple[Ints, list[tuple[int, int, int]] | None]:
    """One int64 per row, ordered and equal as the rows of ``columns`` are, in mixed radix.

    With the radix, (lowest value, stride, width) per column, to read the columns back from a
    key; None when a column was replaced by ranks to fit 62 bits (then they cannot be).
    """
    key: Ints = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1
    digits: list[tuple[int, int]] | None = []
    for col in columns:
        col, lo, width = _shifted(col)
        if span * width >= _LIMIT:
            (key, span), digits = _rank(key), None
            if span * width >= _LIMIT:
                (col, width), lo = _rank(col), 0
        key = key * width + col
        span *= width
        if digits is not None:
            digits.append((lo, width))
    if digits is None:
        return key, None
    radix, stride = [], 1
    for lo, width in reversed(digits):
        radix.append((lo, stride, width))
        stride *= width
    return key, radix[::-1]


def _shifted(col: Ints) -> tuple[Ints, int, int]:
    if not len(col):
        return col, 0, 1
    lo, hi = int(col.min()), int(col.max())
    return col - lo, lo, hi - lo + 1


def _rank(col: Ints) -> tuple[Ints, int]:
    values, inverse = np.unique(col, return_inverse=True)
    return inverse.astype(np.int64).reshape(len(col)), max(len(values), 1)
