"""The Markdown pull-request comment: headline, failed checks first, deltas, escaped names."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from eval.counts import Scheme
from eval.render.markdown import escape, render_markdown

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _table_rows(text: str, heading: str) -> list[str]:
    """The data rows of the table under ``heading``."""
    block = text.split(heading, 1)[1].split("\n\n")[1]
    return block.splitlines()[2:]


def test_headline_leads_with_strict_f1_and_event_f1() -> None:
    report = reports.make_report(events=True)
    first = render_markdown(report).splitlines()[0]
    strict = report.entities.micro[Scheme.STRICT].metrics.f1
    trigger = report.events.micro["trigger_classification"].metrics.f1
    argument = report.events.micro["argument_classification"].metrics.f1
    assert first.startswith("## goldbench: ")
    assert f"strict F1 **{strict:.3f}**" in first
    assert f"trigger classification F1 **{trigger:.3f}**" in first
    assert f"argument classification F1 **{argument:.3f}**" in first
    assert "✅" not in first and "❌" not in first


def test_headline_marks_the_gate() -> None:
    assert render_markdown(reports.make_report(with_gate=True)).startswith("## ✅ gate passed")
    assert render_markdown(reports.make_report(with_gate=False)).startswith("## ❌ gate failed")
    assert "trigger classification" not in render_markdown(reports.make_report()).splitlines()[0]


def test_failed_checks_come_first() -> None:
    report = reports.make_report(with_gate=False)
    text = render_markdown(report)
    failed_at = text.index("### ❌ Failed checks")
    assert failed_at < text.index("Passed checks") < text.index("### Entities (micro)")
    failed_rows = _table_rows(text, "### ❌ Failed checks")
    assert len(failed_rows) == sum(not c.passed for c in report.gate.checks)
    assert all(row.startswith("| ❌ |") for row in failed_rows)
    assert text.index("entities.strict.f1 = 0.801 is below") < text.index("dropped 0.016")


def test_baseline_deltas_carry_direction_and_sign() -> None:
    report = reports.make_report(baseline=True)
    text = render_markdown(report)
    rows = _table_rows(text, "### Per label (strict)")
    assert rows[0].split("|")[1].strip() == sorted(report.entities.labels)[0]
    for label, by in sorted(report.entities.labels.items()):
        delta = by[Scheme.STRICT].metrics.f1 - report.baseline[f"entities.labels.{label}.strict.f1"]
        arrow = "▲ +" if delta > 0 else "▼ -"
        row = next(r for r in rows if r.startswith(f"| {label} |"))
        assert row.rstrip(" |").endswith(f"{arrow}{abs(delta):.3f}")
    headline = text.splitlines()[0]
    assert "(▲ +0.020)" in headline  # the fixture baseline is 0.02 below every headline metric
    assert "Δ F1" not in render_markdown(reports.make_report())


def test_events_intervals_and_comparison_sections() -> None:
    report = reports.full_report()
    text = render_markdown(report)
    iv = report.intervals["entities.strict.f1"]
    assert f"| entities.strict.f1 | {iv.estimate:.3f} [{iv.low:.3f}, {iv.high:.3f}] | 95% |" in text
    c = report.comparison[0]
    assert f"| {c.p_bootstrap:.4f} | {c.p_randomization:.4f} | {c.samples} |" in text
    events = _table_rows(text, "### Events (micro)")
    assert len(events) == len(report.events.micro)
    assert text.index("### Events") < text.index("### Confidence intervals") < text.index("### Comparison")


def test_hostile_names_cannot_break_tables_or_inject_markup() -> None:
    text = render_markdown(reports.hostile_report())
    assert "<script>" not in text and "<b>" not in text
    assert r"\<script\>alert\(1\)\</script\>" in text
    for heading in ("### Per label (strict)", "### Entities (micro)", "### ❌ Failed checks"):
        block = text.split(heading, 1)[1].split("\n\n")[1].splitlines()
        widths = {len(UNESCAPED_PIPE.findall(line)) for line in block}
        assert len(widths) == 1, heading  # every row has as many cells as the header
    assert "ORG\\|GPE" in text


@given(st.text(max_size=40))
def test_escaped_text_has_no_unescaped_specials(text: str) -> None:
    out = escape(text)
    assert "\n" not in out
    assert not UNESCAPED_PIPE.search(out.replace("\\\\", ""))
    unescaped = re.sub(r"\\(.)", "", out)
    assert not set(unescaped) & set("\\`*_[]<>|#")
