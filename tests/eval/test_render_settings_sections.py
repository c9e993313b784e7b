"""Settings, grounding and score thresholds in the table, Markdown and HTML renderings."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

from eval.render import OutputFormat, render
from eval.render.common import grounding_texts, settings_rows
from eval.report import Settings

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))


def test_render_default_settings_show_nothing() -> None:
    assert settings_rows(Settings()) == []
    report = reports.make_report()
    for fmt in (OutputFormat.TABLE, OutputFormat.MARKDOWN, OutputFormat.HTML):
        text = render(report, fmt)
        assert "label map" not in text and "Grounding" not in text and "Score thresholds" not in text


def test_render_sections_in_table_markdown_and_html() -> None:
    report = reports.full_report()
    rows = dict(settings_rows(report.settings))
    assert rows["grounding"] == "first"
    assert rows["min overlap"] == "0.5" and rows["min score"] == "0.3"
    assert "MISC→drop" in rows["label map"] and "sha256 ab12ab12ab12" in rows["label map"]
    total = grounding_texts(report.grounding.total)
    assert total == ["30", "18", "6", "3", "3", "0.100"]
    table = render(report, OutputFormat.TABLE)
    assert "Grounding (first)" in table and "Score thresholds (strict)" in table and "min overlap: 0.5" in table
    markdown = render(report, OutputFormat.MARKDOWN)
    assert "**Grounding** (first)" in markdown and "| all | 30 | 18 | 6 | 3 | 3 | 0.100 |" in markdown
    assert "**Score thresholds** (strict)" in markdown and "| micro | 0.7 |" in markdown
    html = render(report, OutputFormat.HTML)
    assert '<section id="grounding">' in html and '<section id="thresholds">' in html
    assert 'aria-label="precision-recall curve"' in html
    assert html.count("<circle") == len(report.thresholds.micro.points) + 1  # points and the best ring
    assert "2 predictions without a score are kept" in html
