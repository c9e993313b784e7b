"""Every rendering of a ``Report``, in one registry keyed by ``OutputFormat``.

    render(report, OutputFormat.HTML)  ->  str

The JSON rendering is the versioned contract (``eval.render.json.report_to_dict``); the others
are for people and CI: a rich table, a Markdown pull-request comment, CSV, JUnit XML and a
self-contained HTML page. docs/reports.md describes each.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError, quote
from ..report import Report
from .csv import render_csv
from .html import render_html
from .json import flatten_metrics, read_metrics, render_json, report_to_dict
from .junit import render_junit
from .markdown import render_markdown
from .table import print_table, render_table

__all__ = [
    "RENDERERS",
    "OutputFormat",
    "flatten_metrics",
    "print_table",
    "read_metrics",
    "render",
    "report_to_dict",
]


class OutputFormat(enum.Enum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
    JUNIT = "junit"
    HTML = "html"

    @property
    def suffix(self) -> str:
        """The file extension a report of this format is written with."""
        return _SUFFIXES[self]

    @classmethod
    def parse(cls, name: str) -> OutputFormat:
        """The format named ``name`` (case-insensitive); ``UsageError`` naming the choices."""
        try:
            return cls(name.strip().lower())
        except ValueError:
            choices = ", ".join(f.value for f in cls)
            raise UsageError(f"unknown report format {quote(name)}; use one of: {choices}") from None

    @classmethod
    def for_path(cls, path: str | Path) -> OutputFormat:
        """The format a file name asks for by its extension (``report.html`` -> HTML)."""
        suffix = Path(path).suffix.lower()
        for fmt, known in _SUFFIXES.items():
            if suffix == known or (fmt is cls.MARKDOWN and suffix == ".markdown"):
                return fmt
        known_list = ", ".join(sorted(set(_SUFFIXES.values())))
        raise UsageError(
            f"{path}: cannot tell the report format from {quote(suffix or 'no extension')}; "
            f"use one of {known_list} or pass --format"
        )


_SUFFIXES: dict[OutputFormat, str] = {
    OutputFormat.TABLE: ".txt",
    OutputFormat.JSON: ".json",
    OutputFormat.MARKDOWN: ".md",
    OutputFormat.CSV: ".csv",
    OutputFormat.JUNIT: ".xml",
    OutputFormat.HTML: ".html",
}

RENDERERS: dict[OutputFormat, Callable[[Report], str]] = {
    OutputFormat.TABLE: render_table,
    OutputFormat.JSON: render_json,
    OutputFormat.MARKDOWN: render_markdown,
    OutputFormat.CSV: render_csv,
    OutputFormat.JUNIT: render_junit,
    OutputFormat.HTML: render_html,
}


def render(report: Report, fmt: OutputFormat | str) -> str:
    """The report as text in ``fmt`` (a format or its name)."""
    chosen = fmt if isinstance(fmt, OutputFormat) else OutputFormat.parse(fmt)
    return RENDERERS[chosen](report)
