"""The HTML page: self-contained, every data string escaped, sections only when present."""

from __future__ import annotations

import dataclasses
import html
import runpy
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from eval.counts import Scheme
from eval.render.html import render_html
from eval.report import Confusion, ErrorCase

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))

# Every element the page may contain: anything else got in through the data.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "section", "h1", "h2", "h3",
    "div", "span", "p", "ul", "li", "dl", "dt", "dd", "code", "strong", "table", "thead", "tbody", "tr", "th", "td",
    "mark", "svg", "rect", "line", "text", "polyline", "circle",
}  # fmt: skip


class Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser's tokenizer sees them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_script_in_document_text_is_shown_as_text() -> None:
    report = reports.hostile_report()
    source = render_html(report)
    page = Page(source)
    assert "script" not in page.tags
    assert "<script" not in source.lower()
    assert html.escape(reports.SCRIPT) in source
    assert any(reports.SCRIPT in chunk for chunk in page.text)  # readable as text
    assert set(page.tags) <= ALLOWED_TAGS
    assert "b" not in page.tags  # the <b> in the gold path


def test_page_is_self_contained() -> None:
    source = render_html(reports.full_report())
    page = Page(source)
    names = {name for name, _ in page.attrs}
    assert not names & {"src", "href", "srcset", "action", "onload", "onerror"}
    urls = [v for _, v in page.attrs if v and "://" in v]
    assert urls and set(urls) == {"http://www.w3.org/2000/svg"}  # the SVG namespace only
    assert "@import" not in source and "url(" not in source


@pytest.mark.parametrize(
    ("options", "present", "absent"),
    [
        ({}, {"entities", "labels"}, {"gate", "confusion", "events", "intervals", "comparison", "errors"}),
        ({"events": True, "with_gate": True}, {"gate", "events"}, {"confusion", "errors", "intervals"}),
        ({"errors": True, "with_intervals": True, "comparison": True},
         {"confusion", "errors", "intervals", "comparison"}, {"gate", "events"}),
    ],
)  # fmt: skip
def test_sections_follow_the_report(options: dict[str, bool], present: set[str], absent: set[str]) -> None:
    page = Page(render_html(reports.make_report(**options)))
    ids = {value for name, value in page.attrs if name == "id"}
    assert present <= ids
    assert not absent & ids


def test_headline_and_gate_badge() -> None:
    report = reports.make_report(with_gate=False, events=True)
    source = render_html(report)
    strict = report.entities.micro[Scheme.STRICT].metrics.f1
    assert f'<div class="title">strict F1</div><div class="value">{strict:.3f}</div>' in source
    assert '<span class="badge fail">gate failed</span>' in source
    assert "gate passed" in render_html(reports.make_report(with_gate=True))


def test_bar_chart_has_precision_recall_f1_of_every_label() -> None:
    report = reports.make_report()
    source = render_html(report)
    for label, by in report.entities.labels.items():
        m = by[Scheme.STRICT].metrics
        for name, value in (("precision", m.precision), ("recall", m.recall), ("F1", m.f1)):
            assert f"<title>{label} {name} {value:.3f}</title>" in source


def test_heatmap_has_one_cell_per_gold_predicted_pair() -> None:
    report = reports.make_report(errors=True)
    source = render_html(report)
    axis = report.confusion.labels
    assert source.count("<title>gold ") == len(axis) ** 2
    value = report.confusion.matrix[0][1]
    assert f"<title>gold {axis[0]}, predicted {axis[1]}: {value}</title>" in source


def test_a_confusion_without_the_none_column_is_rejected() -> None:
    report = dataclasses.replace(reports.make_report(), confusion=Confusion(("A", "B"), ((1, 0), (0, 1))))
    with pytest.raises(ValueError, match="not 3x3"):
        render_html(report)


def test_error_context_is_cut_to_sixty_characters_each_side() -> None:
    left, right = "l" * 100 + "0123456789" * 6, "9876543210" * 6 + "r" * 100
    case = ErrorCase("doc-1", "missed", 220, 228, "ORG", None, left, "Acme Ltd", right)
    page = render_html(dataclasses.replace(reports.make_report(), errors=(case,)))
    assert f'…{"0123456789" * 6}<mark class="missed">Acme Ltd</mark>{"9876543210" * 6}…' in page
    assert "l" * 61 not in page and "r" * 61 not in page


def test_error_table_is_capped() -> None:
    case = ErrorCase("d", "spurious", 0, 3, "LOC", None, "", "Rio", " de Janeiro")
    report = dataclasses.replace(reports.make_report(), errors=(case,) * 12)
    page = render_html(report, max_errors=5)
    assert page.count('<mark class="spurious">') == 5
    assert "7 more in the JSON report" in page
