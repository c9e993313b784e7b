"""Slices of the corpus: gold documents grouped by their metadata, text length or date.

A slice spec names how a gold document is put in a group (``evaluate --slice-by``)::

    meta.source        the value of a dotted field kept from the gold record (any JSON scalar)
    length:3           equal-count groups by text length (code points): q1 (shortest) .. q3
    date:month         a date field, by year|quarter|month|week|day; ``date`` means ``meta.date``,
                       any other dotted field may be named: ``meta.published:year``

Several specs give their cross product, named by joining the specs and the values with ``&``
(``meta.source&length:3`` -> ``tass&q1``); values are sorted (dates in time order, length groups
from the shortest, ``(missing)`` last). A document without the field goes to ``(missing)``;
a field holding an object or a list, or a date that is not ISO 8601, is a ``ValidationError``
naming the gold file, line and document. Only the groups are made here: the scores of a slice
are sums of per-document counts (``eval.entities``), never a new matching.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import Problem, UsageError, ValidationError, quote
from .table import Table
from .texts import lengths as text_lengths

MISSING = "(missing)"
JOIN = "&"
DATE_FIELD = ("meta", "date")
MAX_PROBLEMS = 20


class SliceKind(enum.Enum):
    FIELD = "field"
    LENGTH = "length"
    DATE = "date"


class DateUnit(enum.Enum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"

    def key(self, d: dt.date) -> str:
        """The group of a date: ``2026``, ``2026-Q2``, ``2026-05``, ``2026-W21``, ``2026-05-26``."""
        if self is DateUnit.YEAR:
            return f"{d.year:04d}"
        if self is DateUnit.QUARTER:
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if self is DateUnit.MONTH:
            return f"{d.year:04d}-{d.month:02d}"
        if self is DateUnit.WEEK:
            year, week, _ = d.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return d.isoformat()


@dataclass(frozen=True, slots=True)
class SliceSpec:
    """One parsed ``--slice-by`` value; ``name`` is how it was written (the report's key)."""

    name: str
    kind: SliceKind
    field: tuple[str, ...] = ()
    bins: int = 0
    unit: DateUnit | None = None


@dataclass(frozen=True, slots=True)
class Grouping:
    """Every gold document's group: ``codes[i]`` indexes ``values``; ``name`` is the report key."""

    name: str
    values: tuple[str, ...]
    codes: npt.NDArray[np.int64]
    bounds: dict[str, tuple[int, int]]  # length slices: value -> (shortest, longest) text
    order: tuple[tuple[Any, ...], ...] = ()  # each value's sort key (how chunks' values are merged)

    def documents(self) -> npt.NDArray[np.int64]:
        """Documents per value."""
        return np.bincount(self.codes, minlength=len(self.values))


_USAGE = (
    "use a dotted field of the gold documents (meta.source), length:N (N equal-count groups by text "
    "length) or FIELD:UNIT for dates (date:month, meta.published:year; units: "
    + ", ".join(u.value for u in DateUnit)
    + ")"
)


def parse_slice(spec: str) -> SliceSpec:
    """``meta.source`` / ``length:3`` / ``date:month`` -> ``SliceSpec``; ``UsageError`` otherwise."""
    text = spec.strip()
    head, sep, tail = text.partition(":")
    if not head or any(not part for part in head.split(".")) or JOIN in text:
        raise UsageError(f"--slice-by {quote(spec)} is not a slice; {_USAGE}")
    if not sep:
        return SliceSpec(text, SliceKind.FIELD, tuple(head.split(".")))
    if head == "length":
        if not tail.isdigit() or not 2 <= int(tail) <= 100:
            raise UsageError(f"--slice-by {quote(spec)}: length takes a number of groups from 2 to 100, e.g. length:3")
        return SliceSpec(text, SliceKind.LENGTH, bins=int(tail))
    units = {u.value: u for u in DateUnit}
    if tail not in units:
        raise UsageError(f"--slice-by {quote(spec)}: {quote(tail)} is not a date unit; use one of {', '.join(units)}")
    field = DATE_FIELD if head == "date" else tuple(head.split("."))
    return SliceSpec(text, SliceKind.DATE, field, unit=units[tail])


def group_documents(specs: Sequence[str], gold: Table) -> Grouping:
    """The cross product of ``specs`` over the gold documents (``ValidationError`` on bad metadata)."""
    problems: list[Problem] = []
    grouping = group_with_problems(parse_slices(specs), gold, problems)
    if problems:
        raise capped(problems, gold.path)
    return grouping


def parse_slices(specs: Sequence[str]) -> list[SliceSpec]:
    """Every spec parsed; ``UsageError`` when one is not a slice, none is given or one is given twice."""
    parsed = [parse_slice(s) for s in specs]
    if not parsed:
        raise UsageError("no slice given; pass --slice-by FIELD")
    names = [p.name for p in parsed]
    if len(set(names)) != len(names):
        raise UsageError(f"--slice-by {', '.join(names)}: a slice is given twice; give each once")
    return parsed


def capped(problems: list[Problem], path: str) -> ValidationError:
    """The error listing the first ``MAX_PROBLEMS`` problems of bad metadata, then a count."""
    shown = problems[:MAX_PROBLEMS]
    if len(problems) > MAX_PROBLEMS:
        shown.append(Problem(path, f"... and {len(problems) - MAX_PROBLEMS} more documents like these"))
    return ValidationError(shown)


def group_with_problems(parsed: Sequence[SliceSpec], gold: Table, problems: list[Problem]) -> Grouping:
    """``group_documents`` adding metadata problems to ``problems`` (such documents go to ``(missing)``)."""
    names = [p.name for p in parsed]
    columns = [_labels_of(p, gold, problems) for p in parsed]
    keys = list(zip(*(c[0] for c in columns), strict=True))
    orders = [c[1] for c in columns]

    def order(k: tuple[str, ...]) -> tuple[Any, ...]:
        return tuple(o[v] for o, v in zip(orders, k, strict=True))

    distinct = sorted(set(keys), key=order)
    index = {k: i for i, k in enumerate(distinct)}
    codes = np.fromiter((index[k] for k in keys), dtype=np.int64, count=len(keys))
    values = tuple(JOIN.join(k) for k in distinct)
    bounds: dict[str, tuple[int, int]] = {}
    if len(parsed) == 1 and parsed[0].kind is SliceKind.LENGTH:
        lengths = text_lengths(gold.texts)
        for i, v in enumerate(values):
            mine = lengths[codes == i]
            bounds[v] = (int(mine.min()), int(mine.max()))
    return Grouping(JOIN.join(names), values, codes, bounds, tuple(order(k) for k in distinct))


def _labels_of(spec: SliceSpec, gold: Table, problems: list[Problem]) -> tuple[list[str], dict[str, tuple[Any, ...]]]:
    """Each document's value of one spec, and a sort key per value."""
    if spec.kind is SliceKind.LENGTH:
        lengths = text_lengths(gold.texts)
        order = np.argsort(lengths, kind="stable")
        group = np.empty(len(gold), dtype=np.int64)
        group[order] = np.arange(len(gold)) * spec.bins // max(len(gold), 1)
        labels = [f"q{g + 1}" for g in group.tolist()]
        return labels, {f"q{g + 1}": (g,) for g in range(spec.bins)}
    labels = []
    for i in range(len(gold)):
        value = _field(gold.extras.get(i, {}), spec.field)
        labels.append(_value_text(value, spec, gold, i, problems))
    return labels, {v: (v == MISSING, v) for v in labels}


_ABSENT = object()


def _field(extra: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = extra
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return _ABSENT
        node = node[key]
    return node


def _value_text(value: Any, spec: SliceSpec, gold: Table, i: int, problems: list[Problem]) -> str:
    field = ".".join(spec.field)
    if value is _ABSENT or value is None:
        return MISSING
    if isinstance(value, Mapping | list):
        kind = "an object" if isinstance(value, Mapping) else "a list"
        problems.append(Problem(gold.where(i), f"{field} is {kind}; slice by one of its fields instead", gold.ids[i]))
        return MISSING
    if spec.kind is SliceKind.DATE:
        assert spec.unit is not None
        day = _date(value)
        if day is None:
            message = f"{field} is {quote(value)}, not an ISO 8601 date; write e.g. 2026-05-26"
            problems.append(Problem(gold.where(i), message, gold.ids[i]))
            return MISSING
        return spec.unit.key(day)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None
