"""The CSV rendering: one row per (scope, name, scheme) of entity scores, for spreadsheets.

Scopes: ``micro`` (name empty), ``label``, ``document`` (only when per-document scores were
computed) and ``macro`` (name empty, counts empty: a macro average has no counts). Floats are
written unrounded. Event scores are in the JSON report only. A text cell that starts with
``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP's advice against CSV
injection), so that a label such as ``=HYPERLINK(...)`` is never run by a spreadsheet.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterator, Mapping

from ..counts import Counts, Scheme
from ..report import Report
from .common import COUNT_COLUMNS, schemes_of

COLUMNS: tuple[str, ...] = (
    "scope",
    "name",
    "scheme",
    *COUNT_COLUMNS,
    "possible",
    "actual",
    "precision",
    "recall",
    "f1",
)


class Scope(enum.Enum):
    MICRO = "micro"
    LABEL = "label"
    DOCUMENT = "document"
    MACRO = "macro"


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # With "\n" line ends the csv module does not quote a lone "\r"; a row holding one is quoted whole.
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(COLUMNS)
    for row in rows(report):
        cells = [neutralise(cell) for cell in row]
        (quoted if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)
    return buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str | int | float) -> str | int | float:
    """A text cell a spreadsheet would run as a formula, prefixed with ``'`` (OWASP CSV injection)."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell


def rows(report: Report) -> Iterator[list[str | int | float]]:
    """The data rows, in the order micro, label, document, macro; names sorted."""
    schemes = schemes_of(report)
    e = report.entities
    yield from _count_rows(Scope.MICRO, {"": e.micro}, schemes)
    yield from _count_rows(Scope.LABEL, e.labels, schemes)
    if e.documents is not None:
        yield from _count_rows(Scope.DOCUMENT, e.documents, schemes)
    for scheme in schemes:
        m = e.macro.get(scheme)
        if m is not None:
            yield [Scope.MACRO.value, "", scheme.value, *[""] * (len(COUNT_COLUMNS) + 2), m.precision, m.recall, m.f1]


def _count_rows(
    scope: Scope, by_name: Mapping[str, Mapping[Scheme, Counts]], schemes: tuple[Scheme, ...]
) -> Iterator[list[str | int | float]]:
    for name, by_scheme in sorted(by_name.items()):
        for scheme in schemes:
            c = by_scheme.get(scheme)
            if c is None:
                continue
            m = c.metrics
            counts = [c.correct, c.incorrect, c.partial, c.missed, c.spurious, c.possible, c.actual]
            yield [scope.value, name, scheme.value, *counts, m.precision, m.recall, m.f1]
