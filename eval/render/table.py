"""The terminal rendering: rich tables of micro, per-label, event, interval and gate results.

``print_table`` writes to a console (colour in a terminal); ``render_table`` returns the same
tables as plain text; ``print_out`` prints to stdout, as plain text that keeps every column
when stdout is not a terminal (a pipe, a CI log). Every name from the data goes in as
``rich.text.Text``, never as markup, so a label like ``[bold]`` prints as itself.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TextIO

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..counts import Metrics
from ..errors import plural
from ..report import Report
from .common import (
    COUNT_ABBREVIATIONS,
    GROUNDING_COLUMNS,
    THRESHOLD_COLUMNS,
    checks_failed_first,
    count_texts,
    delta_text,
    event_metric_names,
    grounding_rows,
    grounding_texts,
    headlines,
    label_rows,
    metric_title,
    number,
    optional_number,
    p_value_text,
    primary_scheme,
    ratio_texts,
    run_text,
    schemes_of,
    settings_rows,
    slice_tables,
    sweep_rows,
    sweep_texts,
    value_text,
)

WIDTH = 120


PIPE_WIDTH = 10_000  # wide enough that no column of any table is cut or wrapped


def print_table(report: Report, console: Console) -> None:
    """Print every table of the report to ``console``."""
    console.print(tables(report))


def render_table(report: Report, *, width: int = WIDTH) -> str:
    """The tables as plain text (no colour codes), ``width`` columns wide."""
    return plain_text(tables(report), width=width)


def plain_text(renderable: RenderableType, *, width: int) -> str:
    """``renderable`` as text without colour codes or trailing spaces, ``width`` columns wide."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False)
    console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def output_console(file: TextIO | None = None) -> Console:
    """A console for ``file`` (stdout) that keeps every column: rich's own in a terminal;
    elsewhere (a pipe, a CI log) no colour and ``COLUMNS`` or a width no table reaches."""
    stream = file if file is not None else sys.stdout
    if stream.isatty():
        return Console(file=stream, highlight=False)
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) else PIPE_WIDTH
    return Console(file=stream, width=width, color_system=None, highlight=False, soft_wrap=False)


def print_out(renderable: RenderableType, file: TextIO | None = None) -> None:
    """Print to ``file`` (stdout): in a terminal with rich's colours at its width; elsewhere (a
    pipe, a CI log) as plain aligned text at ``COLUMNS`` when set, else at a width that keeps
    every column whole."""
    stream = file if file is not None else sys.stdout
    columns = os.environ.get("COLUMNS", "")
    if stream.isatty():
        Console(file=stream, highlight=False).print(renderable)  # rich honours COLUMNS itself
        return
    stream.write(plain_text(renderable, width=int(columns) if columns.isdigit() and int(columns) else PIPE_WIDTH))


def tables(report: Report) -> RenderableType:
    """All the report's renderables, in reading order."""
    parts: list[RenderableType] = [_summary(report)]
    parts += [Text(f"note: {note}", style="yellow") for note in report.notes]
    if report.gate is not None:
        parts.append(_gate(report))
    if report.grounding is not None:
        parts.append(_grounding(report))
    parts += [_micro(report), _labels(report)]
    if report.thresholds is not None:
        parts.append(_thresholds(report))
    if report.events is not None:
        parts.append(_events(report))
    parts += _slices(report)
    if report.intervals:
        parts.append(_intervals(report))
    if report.comparison:
        parts.append(_comparison(report))
    spaced: list[RenderableType] = []
    for part in parts:  # one empty line before each table
        spaced += [Text(""), part] if isinstance(part, Table) else [part]
    return Group(*spaced)


def _summary(report: Report) -> Text:
    text = Text()
    for i, h in enumerate(headlines(report)):
        text.append(" · " if i else "")
        text.append(f"{h.title} ")
        text.append(value_text(h.value, h.path, report.intervals), style="bold")
    if report.gate is not None:
        passed = report.gate.passed
        text.append("   gate PASSED" if passed else "   gate FAILED", style="bold green" if passed else "bold red")
    for role, src in (("gold", report.gold), ("predictions", report.predictions)):
        text.append(f"\n{role}: ")
        text.append(src.path)
        text.append(f"  ({plural(src.documents, 'document')}, sha256 {src.sha256[:12]})", style="dim")
    text.append(f"\nlevel: {report.level.value}", style="dim")
    if report.run is not None:
        r = report.run
        text.append(f"\nextractor: {r.extractor} - {run_text(r)}", style="dim")
    for name, value in settings_rows(report.settings):
        text.append(f"\n{name}: {value}", style="dim")
    return text


def _grounding(report: Report) -> Table:
    assert report.grounding is not None
    table = _table(f"Grounding ({report.grounding.policy})", ["label", *GROUNDING_COLUMNS])
    for name, counts in grounding_rows(report.grounding):
        _add(table, name, *grounding_texts(counts))
    return table


def _thresholds(report: Report) -> Table:
    assert report.thresholds is not None
    title = "Score thresholds (strict)"
    if report.thresholds.unscored:
        title += f"; {report.thresholds.unscored} unscored predictions always kept"
    table = _table(title, ["", *THRESHOLD_COLUMNS])
    for name, sweep in sweep_rows(report.thresholds):
        _add(table, name, *sweep_texts(sweep))
    return table


def _table(title: str, columns: list[str], *, left: int = 1) -> Table:
    """A table whose first ``left`` columns are text and the rest numbers (right-aligned)."""
    table = Table(title=Text(title, style="bold"), box=box.SIMPLE_HEAVY, title_justify="left", show_edge=False)
    for i, name in enumerate(columns):
        table.add_column(Text(name), justify="left" if i < left else "right")
    return table


def _add(table: Table, *cells: str | Text) -> None:
    """Add a row; plain strings become ``Text`` so that nothing is read as rich markup."""
    table.add_row(*(c if isinstance(c, Text) else Text(c) for c in cells))


def _count_table(title: str, first: str) -> Table:
    return _table(title, [first, *COUNT_ABBREVIATIONS, "P", "R", "F1"])


def _ratios(m: Metrics, path: str, report: Report) -> list[str]:
    return ratio_texts(m, path, report.intervals)


def _micro(report: Report) -> Table:
    table = _count_table("Entities, micro", "scheme")
    for scheme in schemes_of(report):
        c = report.entities.micro[scheme]
        _add(table, scheme.value, *count_texts(c), *_ratios(c.metrics, f"entities.{scheme.value}", report))
    return table


def _labels(report: Report) -> Table:
    scheme = primary_scheme(report)
    table = _count_table(f"Entities per label ({scheme.value})", "label")
    for label, c in label_rows(report, scheme):
        path = f"entities.labels.{label}.{scheme.value}"
        _add(table, label, *count_texts(c), *_ratios(c.metrics, path, report))
    macro = report.entities.macro.get(scheme)
    if macro is not None:
        table.add_section()
        path = f"entities.macro.{scheme.value}"
        blanks = [""] * len(COUNT_ABBREVIATIONS)
        _add(table, Text("macro", style="italic"), *blanks, *_ratios(macro, path, report))
    return table


def _slices(report: Report) -> list[Table]:
    tables = []
    for name, scheme, rows in slice_tables(report):
        table = _table(f"Slices by {name} ({scheme.value})", ["value", "docs", *COUNT_ABBREVIATIONS, "P", "R", "F1"])
        for r in rows:
            _add(table, r.value, str(r.documents), *count_texts(r.counts), *_ratios(r.counts.metrics, r.path, report))
        tables.append(table)
    return tables


def _events(report: Report) -> Table:
    assert report.events is not None
    table = _table("Events, micro", ["metric", "tp", "fp", "fn", "P", "R", "F1"])
    for name in event_metric_names(report.events.micro):
        prf = report.events.micro[name]
        counts = [str(prf.tp), str(prf.fp), str(prf.fn)]
        _add(table, metric_title(name), *counts, *_ratios(prf.metrics, f"events.{name}", report))
    return table


def _gate(report: Report) -> Table:
    assert report.gate is not None
    columns = ["", "metric", "check", "threshold", "value", "baseline", "delta", "message"]
    table = _table("Gate", columns, left=3)
    table.columns[-1].justify = "left"
    table.columns[1].min_width = max((len(c.metric) for c in report.gate.checks), default=0)
    for c in checks_failed_first(report.gate):
        mark = Text("PASS", style="green") if c.passed else Text("FAIL", style="bold red")
        delta = delta_text(c.delta) if c.delta is not None else "n/a"
        numbers = [number(c.threshold), optional_number(c.value), optional_number(c.baseline), delta]
        _add(table, mark, c.metric, c.kind.value, *numbers, c.message)
    return table


def _intervals(report: Report) -> Table:
    assert report.intervals
    table = _table("Confidence intervals (bootstrap)", ["metric", "estimate [low, high]", "level"])
    for path, iv in sorted(report.intervals.items()):
        _add(table, path, value_text(iv.estimate, path, report.intervals), f"{iv.level:.0%}")
    return table


def _comparison(report: Report) -> Table:
    assert report.comparison
    columns = ["metric", "A", "B", "delta (B - A)", "p bootstrap", "p randomization", "samples"]
    table = _table("Comparison", columns)
    for c in report.comparison:
        ps = [p_value_text(c.p_bootstrap), p_value_text(c.p_randomization)]
        _add(table, c.metric, number(c.a), number(c.b), delta_text(c.delta), *ps, str(c.samples))
    return table
