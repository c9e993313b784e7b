"""Every output format is registered, chosen by name, enum or file suffix, and renders every report shape."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from eval.errors import UsageError
from eval.render import RENDERERS, OutputFormat, render
from eval.report import Report

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))

SHAPES = {
    "minimal": lambda: reports.make_report(),
    "events only": lambda: reports.make_report(events=True),
    "gate passing": lambda: reports.make_report(with_gate=True),
    "gate failing with baseline": lambda: reports.make_report(with_gate=False, baseline=True),
    "intervals and comparison": lambda: reports.make_report(with_intervals=True, comparison=True),
    "per document with errors": lambda: reports.make_report(documents=True, errors=True),
    "full": lambda: reports.full_report(),
    "hostile": lambda: reports.hostile_report(),
}


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(OutputFormat)
    assert [f.value for f in OutputFormat] == ["table", "json", "markdown", "csv", "junit", "html"]


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_format_renders_every_shape(fmt: OutputFormat, shape: str) -> None:
    report: Report = SHAPES[shape]()
    text = render(report, fmt)
    assert text.endswith("\n")
    assert len(text.splitlines()) > 3
    assert render(report, fmt.value) == text  # by name as the CLI passes it


def test_rendering_is_deterministic() -> None:
    for fmt in OutputFormat:
        assert render(reports.full_report(), fmt) == render(reports.full_report(), fmt)


def test_format_names_parse_case_insensitively() -> None:
    assert OutputFormat.parse(" HTML ") is OutputFormat.HTML
    with pytest.raises(UsageError, match="unknown report format 'xml'; use one of: table, json, markdown"):
        OutputFormat.parse("xml")
    with pytest.raises(UsageError):
        render(reports.make_report(), "pdf")


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_suffix_round_trips(fmt: OutputFormat) -> None:
    assert OutputFormat.for_path(f"reports/run{fmt.suffix}") is fmt
    assert OutputFormat.for_path(f"RUN{fmt.suffix.upper()}") is fmt


def test_unknown_suffix_is_a_usage_error() -> None:
    assert OutputFormat.for_path("notes.markdown") is OutputFormat.MARKDOWN
    with pytest.raises(UsageError, match=r"out\.pdf: cannot tell the report format from '\.pdf'"):
        OutputFormat.for_path("out.pdf")
