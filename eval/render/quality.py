"""Renderings of a ``QualityReport``: JSON (the contract), Markdown, HTML and a rich table.

The tables a person reads are made once, in ``sections``, as plain text cells; Markdown, HTML
and the terminal differ only in markup (HTML escapes every cell at the edge, with the CSS of
the evaluation report). JSON carries every count, with its derived precision/recall/F1.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..counts import PRF, Counts, Scheme
from ..errors import UsageError, quote
from ..quality import Edits, QualityReport, Scores
from .common import number, optional_number

if TYPE_CHECKING:
    from rich.console import Console

SCHEMA = "goldbench.quality/1"
SCHEMES: tuple[Scheme, ...] = (Scheme.STRICT, Scheme.PARTIAL)


class QualityFormat(enum.Enum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"

    @classmethod
    def parse(cls, name: str) -> QualityFormat:
        try:
            return cls(name.strip().lower())
        except ValueError:
            choices = ", ".join(f.value for f in cls)
            raise UsageError(f"unknown quality report format {quote(name)}; use one of: {choices}") from None


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


def _seconds(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1f} s"


def _f1(prf: PRF | None) -> str:
    return "n/a" if prf is None else number(prf.metrics.f1)


def _prf(c: Counts) -> list[str]:
    m = c.metrics
    return [number(m.precision), number(m.recall), number(m.f1)]


def _score_rows(who: str, s: Scores) -> list[tuple[str, ...]]:
    rows = [
        (
            who,
            "(micro)",
            str(s.documents),
            *_prf(s.entities[Scheme.STRICT]),
            number(s.entities[Scheme.PARTIAL].metrics.f1),
        )
    ]
    rows += [
        (who, label, "", *_prf(by[Scheme.STRICT]), number(by[Scheme.PARTIAL].metrics.f1))
        for label, by in s.labels.items()
    ]
    return rows


SCORE_HEADERS = ("", "label", "documents", "strict P", "strict R", "strict F1", "partial F1")


def sections(r: QualityReport) -> list[Section]:
    """Every table of the report, in reading order."""
    out = [
        Section(
            "Annotators",
            (
                "annotator",
                "email",
                "tasks",
                "cancelled",
                "skipped",
                "lead time median",
                "lead time p90",
                "regions/task",
            ),
            tuple(
                (
                    a.annotator,
                    a.email or "",
                    str(a.tasks),
                    str(a.cancelled),
                    str(a.skipped),
                    _seconds(a.lead_time_median),
                    _seconds(a.lead_time_p90),
                    optional_number(a.regions_per_task),
                )
                for a in r.annotators
            ),
        )
    ]
    if r.scores:
        out.append(
            Section(
                f"Annotators against the reference ({r.reference})",
                (
                    "annotator",
                    "documents",
                    "strict P",
                    "strict R",
                    "strict F1",
                    "partial F1",
                    "trigger F1",
                    "argument F1",
                ),
                tuple(
                    (
                        s.annotator,
                        str(s.scores.documents),
                        *_prf(s.scores.entities[Scheme.STRICT]),
                        number(s.scores.entities[Scheme.PARTIAL].metrics.f1),
                        _f1(s.scores.triggers),
                        _f1(s.scores.arguments),
                    )
                    for s in r.scores
                ),
            )
        )
        out.append(
            Section(
                "Per label against the reference",
                SCORE_HEADERS,
                tuple(row for s in r.scores for row in _score_rows(s.annotator, s.scores)[1:]),
            )
        )
        out.append(
            Section(
                "Most frequent confusions (reference label -> annotator's label, exact boundaries)",
                ("annotator", "reference", "annotator's", "spans"),
                tuple((s.annotator, c.reference, c.given, str(c.spans)) for s in r.scores for c in s.scores.confusions),
            )
        )
    if r.agreement is not None:
        a = r.agreement
        out.append(
            Section(
                "Agreement between annotators",
                ("pair", "documents", "strict F1", "partial F1", "trigger F1", "token kappa"),
                tuple(
                    (
                        f"{p.first} / {p.second}",
                        str(p.documents),
                        optional_number(p.f1(Scheme.STRICT)),
                        optional_number(p.f1(Scheme.PARTIAL)),
                        _f1(p.triggers),
                        optional_number(p.kappa),
                    )
                    for p in a.pairs
                ),
                note=f"Krippendorff's alpha over tokens, all annotators: {optional_number(r.alpha)} "
                f"({r.alpha_units} pairable tokens)",
            )
        )
        out.append(
            Section(
                "Documents, lowest agreement first",
                ("document", "annotators", "mean pairwise strict F1", "token alpha"),
                tuple(
                    (d.doc_id, str(d.annotators), number(d.strict_f1), optional_number(d.alpha)) for d in r.documents
                ),
            )
        )
    if r.models:
        out.append(
            Section(
                "Pre-annotations per model version (prediction against the submitted annotation)",
                (
                    "model version",
                    "tasks",
                    "annotations",
                    "strict P",
                    "strict R",
                    "strict F1",
                    "trigger F1",
                    "argument F1",
                    "kept",
                    "changed",
                    "deleted",
                    "added",
                    "lead time with",
                    "lead time without",
                ),
                tuple(
                    (
                        m.model_version,
                        str(m.tasks),
                        str(m.annotations),
                        *_prf(m.scores.entities[Scheme.STRICT]),
                        _f1(m.scores.triggers),
                        _f1(m.scores.arguments),
                        *(str(x) for x in m.edits),
                        _seconds(m.lead_time_with),
                        _seconds(m.lead_time_without),
                    )
                    for m in r.models
                ),
            )
        )
        out.append(
            Section(
                "Pre-annotations per label",
                ("model version", *SCORE_HEADERS[1:]),
                tuple(row for m in r.models for row in _score_rows(m.model_version, m.scores)[1:]),
            )
        )
    return out


def _title(r: QualityReport) -> str:
    ref = f" · reference: {r.reference}" if r.reference else ""
    return f"Annotation quality · {r.source}{ref}"


# --- markup ------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def quality_markdown(r: QualityReport) -> str:
    out = [f"## {_title(r)}", ""]
    out += [f"> {n}" for n in r.notes]
    for s in sections(r):
        out += [f"### {s.title}", ""]
        if s.note:
            out += [s.note, ""]
        if not s.rows:
            out += ["(none)", ""]
            continue
        out.append("| " + " | ".join(map(_md_cell, s.headers)) + " |")
        out.append("|" + "|".join(" --- " for _ in s.headers) + "|")
        out += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in s.rows]
        out.append("")
    return "\n".join(out)


def quality_html(r: QualityReport) -> str:
    from html import escape

    from .html import CSS

    def _e(text: str) -> str:
        return escape(text, quote=True)

    parts = [f"<h1>{_e(_title(r))}</h1>"]
    if r.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in r.notes) + "</ul>")
    for s in sections(r):
        parts.append(f"<h2>{_e(s.title)}</h2>")
        if s.note:
            parts.append(f"<p>{_e(s.note)}</p>")
        if not s.rows:
            parts.append('<p class="muted">(none)</p>')
            continue
        head = "".join(f"<th>{_e(h)}</th>" for h in s.headers)
        body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in s.rows)
        parts.append(f'<table class="l2"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(_title(r))}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(parts)
        + f"\n<footer>{_e(SCHEMA)} · rendered by goldbench</footer>\n</main>\n</body>\n</html>\n"
    )


def print_quality(r: QualityReport, console: Console) -> None:
    """The terminal rendering: one rich table per section, fitted to ``console``."""
    from rich.table import Table

    console.print(_title(r))
    for n in r.notes:
        console.print(f"note: {n}")
    for s in sections(r):
        table = Table(title=s.title, caption=s.note or None)
        for i, h in enumerate(s.headers):
            table.add_column(h, justify="left" if i < 2 else "right")
        for row in s.rows:
            table.add_row(*row)
        console.print(table)


def quality_table(r: QualityReport) -> str:
    """The terminal rendering as text (160 columns), for a file."""
    from rich.console import Console

    console = Console(record=True, width=160, file=io.StringIO(), highlight=False)
    print_quality(r, console)
    return console.export_text()


# --- JSON --------------------------------------------------------------------------------------


def _scores_json(s: Scores) -> dict[str, Any]:
    return {
        "documents": s.documents,
        "entities": {k.value: c.as_dict() for k, c in s.entities.items()},
        "labels": {label: {k.value: c.as_dict() for k, c in by.items()} for label, by in s.labels.items()},
        "triggers": s.triggers.as_dict() if s.triggers is not None else None,
        "arguments": s.arguments.as_dict() if s.arguments is not None else None,
        "confusions": [c._asdict() for c in s.confusions],
    }


def _edits_json(e: Edits) -> dict[str, int]:
    return e._asdict()


def quality_json(r: QualityReport) -> dict[str, Any]:
    from ..agreement import agreement_json

    return {
        "schema": SCHEMA,
        "source": r.source,
        "reference": r.reference,
        "notes": list(r.notes),
        "annotators": [
            {
                "annotator": a.annotator,
                "email": a.email,
                "tasks": a.tasks,
                "cancelled": a.cancelled,
                "skipped": a.skipped,
                "lead_time": {"median": a.lead_time_median, "p90": a.lead_time_p90},
                "regions_per_task": a.regions_per_task,
            }
            for a in r.annotators
        ],
        "reference_scores": {s.annotator: _scores_json(s.scores) for s in r.scores},
        "agreement": agreement_json(r.agreement) if r.agreement is not None else None,
        "krippendorff_alpha": {"tokens": r.alpha, "pairable_tokens": r.alpha_units},
        "documents": [
            {"doc": d.doc_id, "annotators": d.annotators, "strict_f1": d.strict_f1, "alpha": d.alpha}
            for d in r.documents
        ],
        "models": [
            {
                "model_version": m.model_version,
                "tasks": m.tasks,
                "annotations": m.annotations,
                "scores": _scores_json(m.scores),
                "edits": _edits_json(m.edits),
                "lead_time": {
                    "median_with": m.lead_time_with,
                    "median_without": m.lead_time_without,
                    "annotations_with": m.annotations_with,
                    "annotations_without": m.annotations_without,
                },
            }
            for m in r.models
        ],
    }


def _render_json(r: QualityReport) -> str:
    import json

    return json.dumps(quality_json(r), indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[QualityFormat, Callable[[QualityReport], str]] = {
    QualityFormat.TABLE: quality_table,
    QualityFormat.JSON: _render_json,
    QualityFormat.MARKDOWN: quality_markdown,
    QualityFormat.HTML: quality_html,
}


def render_quality(r: QualityReport, fmt: QualityFormat) -> str:
    return RENDERERS[fmt](r)


__all__ = ["RENDERERS", "QualityFormat", "Section", "print_quality", "quality_json", "render_quality", "sections"]
