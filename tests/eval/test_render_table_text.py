"""The rich tables: numbers to three decimals, intervals beside values, names printed literally."""

from __future__ import annotations

import io
import runpy
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console

from eval.counts import Scheme
from eval.render.table import print_table, render_table

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))


def _row(text: str, first: str) -> str:
    """The first table row whose first cell is ``first`` (rows are indented, titles are not)."""
    return next(line for line in text.splitlines() if line.startswith(" ") and line.strip().startswith(first + " "))


def test_micro_rows_carry_counts_and_three_decimal_ratios() -> None:
    report = reports.make_report()
    text = render_table(report)
    for scheme, c in report.entities.micro.items():
        cells = _row(text, scheme.value).split()
        m = c.metrics
        expected = [c.correct, c.incorrect, c.partial, c.missed, c.spurious]
        assert cells[1:6] == [str(x) for x in expected]
        assert cells[6:9] == [f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}"]


def test_per_label_table_uses_the_first_scheme_and_ends_with_macro() -> None:
    report = reports.make_report(schemes=(Scheme.PARTIAL, Scheme.TYPE))
    text = render_table(report)
    assert "Entities per label (partial)" in text
    for label, by in report.entities.labels.items():
        assert _row(text, label).split()[-1] == f"{by[Scheme.PARTIAL].metrics.f1:.3f}"
    assert _row(text, "macro").split()[-1] == f"{report.entities.macro[Scheme.PARTIAL].f1:.3f}"


def test_intervals_are_shown_beside_the_value() -> None:
    report = reports.make_report(with_intervals=True)
    iv = report.intervals["entities.strict.f1"]
    text = render_table(report)
    assert f"{iv.estimate:.3f} [{iv.low:.3f}, {iv.high:.3f}]" in _row(text, "strict")
    assert "Confidence intervals" in text


def test_events_gate_and_notes_appear_only_when_present() -> None:
    plain = render_table(reports.make_report())
    assert "Events" not in plain and "Gate" not in plain and "note:" not in plain
    full = reports.full_report()
    text = render_table(full)
    assert _row(text, "trigger classification").split()[2] == str(full.events.micro["trigger_classification"].tp)
    assert f"note: {full.notes[0]}" in text
    gate_rows = [line.split()[0] for line in text.splitlines() if line.strip().startswith(("PASS", "FAIL"))]
    assert gate_rows == sorted(gate_rows)  # FAIL before PASS
    assert gate_rows.count("FAIL") == sum(not c.passed for c in full.gate.checks)


def test_names_are_not_read_as_markup() -> None:
    report = reports.make_report(labels=("[bold]ORG[/bold]", "[red]", "LOC"))
    text = render_table(report)
    assert "[bold]ORG[/bold]" in text
    assert "[red]" in text


def test_print_table_colours_a_terminal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=140)
    print_table(reports.make_report(notes=("2 documents skipped",)), console)
    out = buffer.getvalue()
    assert "\x1b[33m" in out  # the note in yellow
    assert "2 documents skipped" in out
