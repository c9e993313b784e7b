"""The CSV: one row per (scope, name, scheme) with the counts and unrounded ratios."""

from __future__ import annotations

import csv
import io
import runpy
from pathlib import Path
from types import SimpleNamespace

from eval.counts import Scheme
from eval.render.csv import COLUMNS, render_csv

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))


def _read(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_row_count_is_scopes_times_schemes() -> None:
    report = reports.make_report(documents=True)
    rows = _read(render_csv(report))
    n = len(report.schemes)
    assert len(rows) == n * (1 + len(report.entities.labels) + len(report.entities.documents) + 1)
    assert [r["scope"] for r in rows][::n] == (
        ["micro"] + ["label"] * len(report.entities.labels) + ["document"] * len(report.entities.documents) + ["macro"]
    )


def test_documents_appear_only_when_scored() -> None:
    rows = _read(render_csv(reports.make_report(documents=False)))
    assert {r["scope"] for r in rows} == {"micro", "label", "macro"}


def test_values_are_the_counts_and_unrounded_ratios() -> None:
    report = reports.make_report(labels=("PERSON", "LOC", "ORG"))
    rows = _read(render_csv(report))
    label_rows = [r for r in rows if r["scope"] == "label"]
    assert [r["name"] for r in label_rows if r["scheme"] == "strict"] == ["LOC", "ORG", "PERSON"]
    for r in label_rows:
        c = report.entities.labels[r["name"]][Scheme(r["scheme"])]
        assert int(r["missed"]) == c.missed and int(r["possible"]) == c.possible
        assert float(r["f1"]) == c.metrics.f1
    micro = next(r for r in rows if r["scope"] == "micro" and r["scheme"] == "partial")
    assert float(micro["precision"]) == report.entities.micro[Scheme.PARTIAL].metrics.precision


def test_macro_rows_have_ratios_and_no_counts() -> None:
    report = reports.make_report()
    for r in (r for r in _read(render_csv(report)) if r["scope"] == "macro"):
        assert r["correct"] == r["possible"] == ""
        assert float(r["f1"]) == report.entities.macro[Scheme(r["scheme"])].f1


def test_names_with_commas_quotes_and_newlines_survive() -> None:
    report = reports.make_report(labels=('ORG, "the"', "LOC\nX", "PER"))
    names = {r["name"] for r in _read(render_csv(report)) if r["scope"] == "label"}
    assert names == set(report.entities.labels)


def test_formula_cells_are_neutralised_per_owasp() -> None:
    dangerous = ("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR")
    report = reports.make_report(labels=(*dangerous, "PER", "a=b"))
    rows = csv.DictReader(io.StringIO(render_csv(report), newline=""))
    names = {r["name"] for r in rows if r["scope"] == "label"}
    assert names == {"'" + d for d in dangerous} | {"PER", "a=b"}
    assert all(not n.startswith(("=", "+", "-", "@", "\t", "\r")) for n in names)
