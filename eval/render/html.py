"""The HTML rendering: one self-contained page (inline CSS and SVG, no script, no external URL).

Sections: headline cards, sources, notes, gate, micro scores, per-label bar chart, confusion
heatmap, events, intervals, comparison, and the error table with context. Every string that
comes from the data - document text, labels, ids, paths, messages - passes through ``_e``
(``html.escape``) exactly once, at the point it is put into markup.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

from ..counts import PRF, Metrics
from ..errors import plural
from ..report import SCHEMA, Check, Confusion, ErrorCase, EventErrorCase, Report, Sweep
from .common import (
    CONTEXT_CHARS,
    GROUNDING_COLUMNS,
    THRESHOLD_COLUMNS,
    checks_failed_first,
    confusion_axis,
    delta_text,
    error_context,
    error_labels,
    event_error_labels,
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

MAX_ERRORS = 1000
BAR_COLOURS: tuple[tuple[str, str], ...] = (("precision", "#4c78a8"), ("recall", "#f58518"), ("F1", "#54a24b"))
_NEWLINES = re.compile(r"\s*\n\s*")

CSS = """
:root { --ink:#1f2328; --muted:#656d76; --line:#d0d7de; --soft:#f6f8fa; --good:#1a7f37; --bad:#cf222e; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
       color:var(--ink); background:#fff; }
main { max-width:1180px; margin:0 auto; padding:24px 28px 48px; }
h1 { font-size:22px; margin:0 0 12px; display:flex; align-items:center; gap:12px; }
h2 { font-size:17px; margin:32px 0 10px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:14px; margin:18px 0 6px; color:var(--muted); }
.badge { font-size:13px; font-weight:600; padding:3px 10px; border-radius:999px; color:#fff; }
.badge.pass { background:var(--good); } .badge.fail { background:var(--bad); }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:8px 0 14px; }
.card { border:1px solid var(--line); border-radius:8px; padding:12px 16px; min-width:210px; background:var(--soft); }
.card .title { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card .value { font-size:30px; font-weight:650; font-variant-numeric:tabular-nums; }
.card .sub { color:var(--muted); font-size:12px; }
.up { color:var(--good); } .down { color:var(--bad); }
dl.sources { display:grid; grid-template-columns:max-content 1fr; gap:2px 14px; margin:0; color:var(--muted); }
dl.sources dt { font-weight:600; } dl.sources dd { margin:0; overflow-wrap:anywhere; }
code { font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
ul.notes { padding:10px 14px 10px 30px; background:#fff8c5; border:1px solid #d4a72c; border-radius:6px; }
table { border-collapse:collapse; margin:6px 0 8px; font-variant-numeric:tabular-nums; }
th, td { padding:5px 10px; border-bottom:1px solid var(--line); text-align:right; vertical-align:top; }
th { background:var(--soft); font-weight:600; }
table.l1 :is(th,td):first-child, table.l2 :is(th,td):nth-child(-n+2),
table.l3 :is(th,td):nth-child(-n+3), table.gate :is(th,td):last-child, table.errors :is(th,td) { text-align:left; }
tr.fail td { background:#ffebe9; } tr.macro td { font-style:italic; }
.pass-mark { color:var(--good); font-weight:600; } .fail-mark { color:var(--bad); font-weight:700; }
svg { display:block; max-width:100%; height:auto; }
svg text { font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif; fill:var(--ink); }
.errors td.ctx { text-align:left; max-width:640px; font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
                 white-space:normal; overflow-wrap:anywhere; }
mark { padding:0 2px; border-radius:3px; }
mark.missed { background:#ffd8b5; } mark.spurious { background:#ffcecb; }
mark.incorrect, mark.partial, mark.wrong { background:#fff1a8; } mark.ungrounded { background:#e5d4ff; }
.kind { font-size:12px; font-weight:600; padding:1px 7px; border-radius:999px; background:var(--soft);
        border:1px solid var(--line); white-space:nowrap; }
.muted { color:var(--muted); }
footer { margin-top:40px; color:var(--muted); font-size:12px; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_html(report: Report, *, max_errors: int = MAX_ERRORS) -> str:
    """The page; at most ``max_errors`` rows in the error table (all of them are in the JSON)."""
    sections = [_header(report)]
    if report.notes:
        sections.append('<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>")
    if report.gate is not None:
        sections.append(_gate(report))
    if report.grounding is not None:
        sections.append(_grounding(report))
    sections += [_micro(report), _labels(report)]
    if report.thresholds is not None:
        sections.append(_thresholds(report))
    if report.confusion is not None:
        sections.append(_confusion(report.confusion))
    if report.events is not None:
        sections.append(_events(report))
    sections += _slices(report)
    if report.intervals:
        sections.append(_intervals(report))
    if report.comparison:
        sections.append(_comparison(report))
    if report.errors:
        sections.append(_errors(report.errors, max_errors))
    if report.event_errors:
        sections.append(_event_errors(report.event_errors, max_errors))
    title = " · ".join(f"{h.title} {number(h.value)}" for h in headlines(report))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>goldbench report - {_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(sections)
        + f"\n<footer>{_e(SCHEMA)} · rendered by goldbench</footer>\n</main>\n</body>\n</html>\n"
    )


def _table(header: Sequence[str], rows: Iterable[str], *, left: int = 1, cls: str = "") -> str:
    """A table; ``header`` cells are plain text, ``rows`` ready ``<tr>`` markup.

    The first ``left`` columns are text (left-aligned), the others numbers (see ``CSS``).
    """
    cells = "".join(f"<th>{_e(h)}</th>" for h in header)
    classes = f"l{left} {cls}".strip()
    return f'<table class="{classes}"><thead><tr>{cells}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _tr(cells: Iterable[str], *, cls: str = "") -> str:
    """A row of ready cell markup (``<td>`` contents already escaped)."""
    attr = f' class="{cls}"' if cls else ""
    return f"<tr{attr}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _header(report: Report) -> str:
    badge = ""
    if report.gate is not None:
        ok = report.gate.passed
        badge = f'<span class="badge {"pass" if ok else "fail"}">gate {"passed" if ok else "failed"}</span>'
    cards = []
    baseline = report.baseline or {}
    for h in headlines(report):
        iv = report.intervals.get(h.path) if report.intervals else None
        sub = f"{iv.level:.0%} CI [{number(iv.low)}, {number(iv.high)}]" if iv is not None else ""
        if h.path in baseline:
            delta = h.value - baseline[h.path]
            cls = "up" if delta > 0 else "down" if delta < 0 else ""
            sub += f' <span class="{cls}">{_e(delta_text(delta))} vs baseline</span>'
        cards.append(
            f'<div class="card"><div class="title">{_e(h.title)}</div>'
            f'<div class="value">{number(h.value)}</div><div class="sub">{sub or "&nbsp;"}</div></div>'
        )
    rows = [
        (
            "gold",
            f"{_e(report.gold.path)} <span class=muted>({plural(report.gold.documents, 'document')}, sha256 "
            f"<code>{_e(report.gold.sha256[:12])}</code>)</span>",
        ),
        (
            "predictions",
            f"{_e(report.predictions.path)} <span class=muted>({plural(report.predictions.documents, 'document')}, "
            f"sha256 <code>{_e(report.predictions.sha256[:12])}</code>)</span>",
        ),
        ("level", _e(report.level.value)),
    ]
    if report.run is not None:
        r = report.run
        rows.append(
            (
                "extractor",
                f"{_e(r.extractor)}: {run_text(r)}",
            )
        )
    rows += [(name, _e(value)) for name, value in settings_rows(report.settings)]
    if report.gate is not None and report.gate.baseline_path is not None:
        same = report.gate.baseline_gold_matches
        warning = " <strong>(scored on a different gold set)</strong>" if same is False else ""
        rows.append(("baseline", _e(report.gate.baseline_path) + warning))
    sources = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return (
        f"<header><h1>goldbench report {badge}</h1>"
        f'<div class="cards">{"".join(cards)}</div><dl class="sources">{sources}</dl></header>'
    )


def _check_row(c: Check) -> str:
    mark = '<span class="pass-mark">PASS</span>' if c.passed else '<span class="fail-mark">FAIL</span>'
    delta = delta_text(c.delta) if c.delta is not None else "n/a"
    cells = [mark, _e(c.metric), _e(c.kind.value), number(c.threshold), optional_number(c.value)]
    cells += [optional_number(c.baseline), _e(delta), _e(c.message)]
    return _tr(cells, cls="" if c.passed else "fail")


def _gate(report: Report) -> str:
    assert report.gate is not None
    checks = checks_failed_first(report.gate)
    failed = sum(not c.passed for c in checks)
    header = ["", "metric", "check", "threshold", "value", "baseline", "Δ", "message"]
    body = _table(header, (_check_row(c) for c in checks), left=3, cls="gate") if checks else "<p>no checks</p>"
    return f'<section id="gate"><h2>Gate: {failed} of {plural(len(checks), "check")} failed</h2>{body}</section>'


def _ratio_cells(m: Metrics, path: str, report: Report) -> list[str]:
    return [_e(t) for t in ratio_texts(m, path, report.intervals)]


def _micro(report: Report) -> str:
    rows = []
    for scheme in schemes_of(report):
        c = report.entities.micro[scheme]
        counts = [str(x) for x in (c.correct, c.incorrect, c.partial, c.missed, c.spurious)]
        rows.append(_tr([scheme.value, *counts, *_ratio_cells(c.metrics, f"entities.{scheme.value}", report)]))
    for scheme in schemes_of(report):
        macro = report.entities.macro.get(scheme)
        if macro is not None:
            cells = [f"macro {scheme.value}", *[""] * 5, *_ratio_cells(macro, f"entities.macro.{scheme.value}", report)]
            rows.append(_tr(cells, cls="macro"))
    header = ["scheme", "correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "F1"]
    return f'<section id="entities"><h2>Entities</h2>{_table(header, rows)}</section>'


def _labels(report: Report) -> str:
    scheme = primary_scheme(report)
    items = label_rows(report, scheme)
    rows = []
    for label, c in items:
        counts = [str(x) for x in (c.possible, c.actual, c.correct, c.incorrect, c.partial, c.missed, c.spurious)]
        path = f"entities.labels.{label}.{scheme.value}"
        rows.append(_tr([_e(label), *counts, *_ratio_cells(c.metrics, path, report)]))
    header = ["label", "gold", "predicted", "correct", "incorrect", "partial", "missed", "spurious"]
    table = _table([*header, "precision", "recall", "F1"], rows)
    chart = _bar_chart([(label, c.metrics) for label, c in items]) if items else "<p>no labels</p>"
    return f'<section id="labels"><h2>Per label ({_e(scheme.value)})</h2>{chart}{table}</section>'


def _grounding(report: Report) -> str:
    assert report.grounding is not None
    rows = [_tr([_e(name), *grounding_texts(c)]) for name, c in grounding_rows(report.grounding)]
    table = _table(["label", *GROUNDING_COLUMNS], rows)
    policy = _e(report.grounding.policy)
    return f'<section id="grounding"><h2>Grounding of offset-free mentions ({policy})</h2>{table}</section>'


def _thresholds(report: Report) -> str:
    assert report.thresholds is not None
    t = report.thresholds
    rows = [_tr([_e(name), *[_e(x) for x in sweep_texts(sw)]]) for name, sw in sweep_rows(t)]
    note = f"<p class=muted>{t.unscored} predictions without a score are kept at every threshold.</p>"
    return (
        '<section id="thresholds"><h2>Score thresholds (strict)</h2>'
        + _pr_curve(t.micro)
        + _table(["", *THRESHOLD_COLUMNS], rows)
        + (note if t.unscored else "")
        + "</section>"
    )


def _pr_curve(sweep: Sweep) -> str:
    """Precision (y) against recall (x) of the micro sweep, one point per threshold; the best-F1 point ringed."""
    left, top, size = 56, 16, 320
    width, height = left + size + 30, top + size + 46
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="precision-recall curve">'
    ]
    for k in range(5):
        v = k / 4
        x, y = left + size * v, top + size * (1 - v)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + size}" stroke="#d0d7de"/>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + size}" y2="{y:.1f}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + size + 16}" text-anchor="middle" fill="#656d76">{v:.2f}</text>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#656d76">{v:.2f}</text>')
    parts.append(f'<text x="{left + size / 2}" y="{height - 6}" text-anchor="middle">recall</text>')
    parts.append(
        f'<text x="14" y="{top + size / 2}" text-anchor="middle" transform="rotate(-90 14 {top + size / 2})">'
        "precision</text>"
    )

    def xy(recall: float, precision: float) -> str:
        return f"{left + size * recall:.1f},{top + size * (1 - precision):.1f}"

    if sweep.points:
        line = " ".join(xy(p.recall, p.precision) for p in sweep.points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BAR_COLOURS[0][1]}" stroke-width="2"/>')
        for p in sweep.points:
            cx, cy = xy(p.recall, p.precision).split(",")
            tip = f"threshold {p.threshold:g}: P {number(p.precision)}, R {number(p.recall)}, F1 {number(p.f1)}"
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{BAR_COLOURS[0][1]}"><title>{_e(tip)}</title></circle>'
            )
    if sweep.best is not None:
        cx, cy = xy(sweep.best.recall, sweep.best.precision).split(",")
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="6" fill="none" stroke="{BAR_COLOURS[2][1]}" stroke-width="2">')
        parts.append(f"<title>best F1 at threshold {sweep.best.threshold:g}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def _slices(report: Report) -> list[str]:
    """Per ``--slice-by``: a bar chart of each value's precision, recall and F1, then its table."""
    sections = []
    for name, scheme, rows in slice_tables(report):
        body = []
        for r in rows:
            c = r.counts
            counts = [str(x) for x in (r.documents, c.possible, c.actual, c.correct, c.incorrect, c.partial, c.missed)]
            body.append(_tr([_e(r.value), *counts, str(c.spurious), *_ratio_cells(c.metrics, r.path, report)]))
        header = ["value", "documents", "gold", "predicted", "correct", "incorrect", "partial", "missed", "spurious"]
        table = _table([*header, "precision", "recall", "F1"], body)
        chart = _bar_chart([(r.value, r.counts.metrics) for r in rows], what=f"slice of {name}")
        sections.append(
            f'<section class="slice"><h2>Slices by {_e(name)} ({_e(scheme.value)})</h2>{chart}{table}</section>'
        )
    return sections


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bar_chart(items: Sequence[tuple[str, Metrics]], *, what: str = "label") -> str:
    """Horizontal grouped bars: precision, recall, F1 of each item (label, slice value) on a 0-1 axis."""
    left, plot, bar, gap, pad, top = 190, 520, 11, 2, 14, 44
    row = 3 * (bar + gap) + pad
    width, height = left + plot + 70, top + row * len(items) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="precision, recall and F1 per {_e(what)}">'
    ]
    for i, (name, colour) in enumerate(BAR_COLOURS):
        lx = left + i * 110
        parts.append(f'<rect x="{lx}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 17}" y="14">{name}</text>')
    for k in range(5):
        x = left + plot * k / 4
        parts.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{height - 4}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{x:.1f}" y="{top - 12}" text-anchor="middle" fill="#656d76">{k / 4:.2f}</text>')
    for j, (label, m) in enumerate(items):
        y = top + j * row
        parts.append(
            f'<text x="{left - 10}" y="{y + row / 2 - 2:.1f}" text-anchor="end" dominant-baseline="middle">'
            f"<title>{_e(label)}</title>{_e(_short(label, 26))}</text>"
        )
        for i, ((name, colour), value) in enumerate(zip(BAR_COLOURS, (m.precision, m.recall, m.f1), strict=True)):
            by = y + i * (bar + gap)
            w = max(plot * value, 0.0)
            parts.append(
                f'<rect x="{left}" y="{by}" width="{w:.1f}" height="{bar}" fill="{colour}" rx="2">'
                f"<title>{_e(label)} {name} {number(value)}</title></rect>"
            )
            parts.append(f'<text x="{left + w + 5:.1f}" y="{by + bar - 1}" font-size="11">{number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _mix(colour: tuple[int, int, int], t: float) -> str:
    """``colour`` blended over white by ``t`` in [0, 1]."""
    r, g, b = (round(255 + (c - 255) * t) for c in colour)
    return f"#{r:02x}{g:02x}{b:02x}"


def _confusion(confusion: Confusion) -> str:
    """Heatmap: rows gold labels then (none), columns predicted labels then (none)."""
    axis = confusion_axis(confusion)
    n = len(axis)
    columns = [_short(name, 16) for name in axis]
    rows = [_short(name, 20) for name in axis]
    # Room for the row names and for the column names rotated by 40 degrees (about 7px a character).
    cell = 46
    left = 40 + 7 * max(len(r) for r in rows)
    top = 40 + round(7 * math.sin(math.radians(40)) * max(len(c) for c in columns))
    width, height = left + n * cell + 10, top + n * cell + 30
    peak = max((v for row in confusion.matrix for v in row), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="label confusion matrix">'
    ]
    parts.append(f'<text x="{left + n * cell / 2:.0f}" y="14" text-anchor="middle" font-weight="600">predicted</text>')
    parts.append(
        f'<text x="12" y="{top + n * cell / 2:.0f}" font-weight="600" '
        f'transform="rotate(-90 12 {top + n * cell / 2:.0f})" text-anchor="middle">gold</text>'
    )
    for k, name in enumerate(axis):
        cx, cy = left + k * cell + cell / 2, top + k * cell + cell / 2
        parts.append(
            f'<text x="{cx:.0f}" y="{top - 8}" transform="rotate(-40 {cx:.0f} {top - 8})">'
            f"<title>{_e(name)}</title>{_e(columns[k])}</text>"
        )
        parts.append(
            f'<text x="{left - 8}" y="{cy:.0f}" text-anchor="end" dominant-baseline="middle">'
            f"<title>{_e(name)}</title>{_e(rows[k])}</text>"
        )
    for i, row in enumerate(confusion.matrix):
        for j, v in enumerate(row):
            t = math.sqrt(v / peak)
            hue = (26, 127, 55) if i == j and axis[i] != Confusion.NONE else (207, 34, 46)
            x, y = left + j * cell, top + i * cell
            ink = "#ffffff" if t > 0.6 else "#1f2328"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{_mix(hue, t)}" '
                f'stroke="#ffffff"><title>gold {_e(axis[i])}, predicted {_e(axis[j])}: {v}</title></rect>'
            )
            if v:
                parts.append(
                    f'<text x="{x + cell / 2}" y="{y + cell / 2}" text-anchor="middle" '
                    f'dominant-baseline="middle" style="fill:{ink}">{v}</text>'
                )
    parts.append("</svg>")
    note = (
        "<p class=muted>Spans with the same boundaries, by gold label (rows) and predicted label "
        "(columns). The (none) column counts gold spans with no prediction of the same boundaries "
        "(missed, or predicted with other boundaries); the (none) row counts predictions with no gold "
        "span of the same boundaries (spurious, or boundary mismatches).</p>"
    )
    return f'<section id="confusion"><h2>Label confusion</h2>{note}{"".join(parts)}</section>'


def _prf_row(first: str, prf: PRF, path: str, report: Report) -> str:
    return _tr([first, str(prf.tp), str(prf.fp), str(prf.fn), *_ratio_cells(prf.metrics, path, report)])


def _events(report: Report) -> str:
    assert report.events is not None
    ev = report.events
    header = ["metric", "tp", "fp", "fn", "precision", "recall", "F1"]
    micro = [_prf_row(_e(metric_title(m)), ev.micro[m], f"events.{m}", report) for m in event_metric_names(ev.micro)]
    parts = [f'<section id="events"><h2>Events</h2>{_table(header, micro)}']
    for group, by_name in (("type", ev.types), ("role", ev.roles)):
        if not by_name:
            continue
        metrics = event_metric_names({m for scores in by_name.values() for m in scores})
        rows = []
        for name, scores in sorted(by_name.items()):
            cells = [number(scores[m].metrics.f1) if m in scores else "" for m in metrics]
            rows.append(_tr([_e(name), *cells]))
        parts.append(f"<h3>F1 per event {group}</h3>" + _table([group, *(metric_title(m) for m in metrics)], rows))
    return "".join(parts) + "</section>"


def _intervals(report: Report) -> str:
    assert report.intervals
    rows = [
        _tr([_e(path), _e(value_text(iv.estimate, path, report.intervals)), f"{iv.level:.0%}"])
        for path, iv in sorted(report.intervals.items())
    ]
    table = _table(["metric", "estimate [low, high]", "level"], rows)
    return f'<section id="intervals"><h2>Confidence intervals (bootstrap)</h2>{table}</section>'


def _comparison(report: Report) -> str:
    assert report.comparison
    rows = [
        _tr(
            [
                _e(c.metric),
                number(c.a),
                number(c.b),
                _e(delta_text(c.delta)),
                p_value_text(c.p_bootstrap),
                p_value_text(c.p_randomization),
                str(c.samples),
            ]
        )
        for c in report.comparison
    ]
    header = ["metric", "A", "B", "Δ (B − A)", "p bootstrap", "p randomization", "samples"]
    return f'<section id="comparison"><h2>Comparison</h2>{_table(header, rows)}</section>'


def _one_line(text: str) -> str:
    return _NEWLINES.sub(" ↵ ", text)


def _error_row(case: ErrorCase) -> str:
    left, span, right = error_context(case)
    gold, predicted = error_labels(case)
    context = f'{_e(_one_line(left))}<mark class="{_e(case.kind)}">{_e(_one_line(span))}</mark>{_e(_one_line(right))}'
    cells = [_e(case.doc_id), f'<span class="kind">{_e(case.kind)}</span>', _e(gold), _e(predicted)]
    cells += [f"{case.start}–{case.end}" if case.start >= 0 else "not in the text", context]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells[:-1]) + f'<td class="ctx">{cells[-1]}</td></tr>'


def _errors(errors: Sequence[ErrorCase], max_errors: int) -> str:
    shown = errors[:max_errors]
    header = ["document", "kind", "gold", "predicted", "offsets", "context"]
    table = _table(header, (_error_row(c) for c in shown), cls="errors")
    more = f"<p class=muted>{len(errors) - len(shown)} more in the JSON report.</p>" if len(errors) > len(shown) else ""
    counts: dict[str, int] = {}
    for c in errors:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    summary = ", ".join(f"{n} {_e(kind)}" for kind, n in sorted(counts.items()))
    return f'<section id="errors"><h2>Errors ({summary})</h2>{table}{more}</section>'


def _context_cell(left: str, span: str, right: str, kind: str) -> str:
    cut_left = "…" + left[-CONTEXT_CHARS:] if len(left) > CONTEXT_CHARS else left
    cut_right = right[:CONTEXT_CHARS] + "…" if len(right) > CONTEXT_CHARS else right
    return (
        f'{_e(_one_line(cut_left))}<mark class="{_e(kind.split()[0])}">{_e(_one_line(span))}</mark>'
        f"{_e(_one_line(cut_right))}"
    )


def _event_error_row(case: EventErrorCase) -> str:
    gold, predicted = event_error_labels(case)
    cells = [_e(case.doc_id), f'<span class="kind">{_e(case.kind)}</span>', _e(case.event_type)]
    cells += [_e(case.role or ""), _e(gold), _e(predicted), _e(case.trigger or ""), f"{case.start}–{case.end}"]
    context = _context_cell(case.left, case.span, case.right, case.kind)
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + f'<td class="ctx">{context}</td></tr>'


def _event_errors(errors: Sequence[EventErrorCase], max_errors: int) -> str:
    shown = errors[:max_errors]
    header = ["document", "kind", "event type", "role", "gold", "predicted", "trigger", "offsets", "context"]
    table = _table(header, (_event_error_row(c) for c in shown), cls="errors")
    more = f"<p class=muted>{len(errors) - len(shown)} more in the JSON report.</p>" if len(errors) > len(shown) else ""
    counts: dict[str, int] = {}
    for c in errors:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    summary = ", ".join(f"{n} {_e(kind)}" for kind, n in sorted(counts.items()))
    return f'<section id="event-errors"><h2>Event errors ({summary})</h2>{table}{more}</section>'
