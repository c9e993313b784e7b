"""The Markdown rendering: a pull-request comment.

Order matters to a reviewer: the headline (with ✅/❌ when a gate ran), failed checks first,
then per-label scores with deltas against the baseline, events, intervals and the comparison.
Every name from the data (labels, ids, paths, messages) goes through ``escape``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from ..errors import plural
from ..report import Check, Report
from .common import (
    GROUNDING_COLUMNS,
    THRESHOLD_COLUMNS,
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
from .json import flatten_metrics, report_to_dict

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can
# start markup inside a line or a table cell.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_WHITESPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """``text`` as literal Markdown on one line: specials backslash-escaped, newlines as spaces."""
    return _SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text))


def render_markdown(report: Report) -> str:
    """The pull-request comment."""
    # The flat metric paths of this report are only needed to compare with a baseline.
    deltas = _deltas(flatten_metrics(report_to_dict(report)), report.baseline) if report.baseline else {}
    blocks = [_headline(report, deltas), _sources(report)]
    blocks += [f"> ⚠️ {escape(note)}" for note in report.notes]
    if report.gate is not None:
        blocks += _gate(report)
    if report.grounding is not None:
        rows = [[escape(name), *grounding_texts(c)] for name, c in grounding_rows(report.grounding)]
        title = f"**Grounding** ({escape(report.grounding.policy)})"
        blocks.append(title + "\n\n" + _table(["label", *GROUNDING_COLUMNS], rows))
    blocks += [_micro(report, deltas), _labels(report, deltas)]
    if report.thresholds is not None:
        rows = [[escape(name), *sweep_texts(sw)] for name, sw in sweep_rows(report.thresholds)]
        blocks.append("**Score thresholds** (strict)\n\n" + _table(["", *THRESHOLD_COLUMNS], rows))
    if report.events is not None:
        blocks.append(_events(report, deltas))
    blocks += _slices(report)
    if report.intervals:
        blocks.append(_intervals(report))
    if report.comparison:
        blocks.append(_comparison(report))
    return "\n\n".join(blocks) + "\n"


def _deltas(current: Mapping[str, float], baseline: Mapping[str, float] | None) -> dict[str, float]:
    """Metric path -> current minus baseline, for the paths both have."""
    if not baseline:
        return {}
    return {path: value - baseline[path] for path, value in current.items() if path in baseline}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, left: Collection[int] = (0,)) -> str:
    """A GFM table; columns in ``left`` are text, the others numbers (right-aligned)."""
    align = ["---" if i in left else "---:" for i in range(len(header))]
    lines = [f"| {' | '.join(header)} |", f"| {' | '.join(align)} |"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def _headline(report: Report, deltas: Mapping[str, float]) -> str:
    parts = []
    for h in headlines(report):
        text = f"{h.title} **{value_text(h.value, h.path, report.intervals)}**"
        if h.path in deltas:
            text += f" ({delta_text(deltas[h.path])})"
        parts.append(text)
    mark = ""
    if report.gate is not None:
        mark = "✅ gate passed: " if report.gate.passed else "❌ gate failed: "
    return f"## {mark}goldbench: {' · '.join(parts) or 'no scores'}"


def _sources(report: Report) -> str:
    lines = []
    for role, src in (("gold", report.gold), ("predictions", report.predictions)):
        lines.append(f"{role}: {escape(src.path)} ({plural(src.documents, 'document')}, sha256 `{src.sha256[:12]}`)")
    lines.append(f"level: {report.level.value}")
    if report.run is not None:
        r = report.run
        lines.append(f"extractor: {escape(r.extractor)}, {run_text(r)}")
    lines += [f"{name}: {escape(value)}" for name, value in settings_rows(report.settings)]
    if report.gate is not None and report.gate.baseline_path is not None:
        lines.append(f"baseline: {escape(report.gate.baseline_path)}")
        if report.gate.baseline_gold_matches is False:
            lines.append("⚠️ the baseline was scored on a different gold set (sha256 differs)")
    return "<br>\n".join(lines)


_CHECK_TEXT = (0, 1, 2, 7)  # mark, metric, check kind, message


def _check_row(c: Check) -> list[str]:
    delta = delta_text(c.delta) if c.delta is not None else "n/a"
    return [
        "✅" if c.passed else "❌",
        escape(c.metric),
        c.kind.value,
        number(c.threshold),
        optional_number(c.value),
        optional_number(c.baseline),
        delta,
        escape(c.message),
    ]


def _gate(report: Report) -> list[str]:
    assert report.gate is not None
    checks = report.gate.checks
    header = ["", "metric", "check", "threshold", "value", "baseline", "Δ", "message"]
    failed = [_check_row(c) for c in checks if not c.passed]
    passed = [_check_row(c) for c in checks if c.passed]
    blocks = []
    if failed:
        title = f"### ❌ Failed checks ({len(failed)} of {len(checks)})"
        blocks.append(f"{title}\n\n{_table(header, failed, left=_CHECK_TEXT)}")
    if passed:
        body = _table(header, passed, left=_CHECK_TEXT)
        summary = f"✅ Passed checks ({len(passed)} of {len(checks)})"
        blocks.append(f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>")
    if not checks:
        blocks.append("### Gate\n\nno checks were configured")
    return blocks


def _with_delta(values: list[str], path: str, deltas: Mapping[str, float]) -> list[str]:
    """Append the F1 delta cell when there is a baseline at all."""
    if not deltas:
        return values
    return [*values, delta_text(deltas[path]) if path in deltas else "n/a"]


def _prf_header(first: str, counts: Sequence[str], deltas: Mapping[str, float]) -> list[str]:
    return [first, *counts, "P", "R", "F1", *(["Δ F1"] if deltas else [])]


def _micro(report: Report, deltas: Mapping[str, float]) -> str:
    rows = []
    for scheme in schemes_of(report):
        c = report.entities.micro[scheme]
        m = c.metrics
        path = f"entities.{scheme.value}"
        cells = [scheme.value, *count_texts(c)]
        rows.append(_with_delta([*cells, *ratio_texts(m, path, report.intervals)], f"{path}.f1", deltas))
    header = _prf_header("scheme", ["cor", "inc", "par", "mis", "spu"], deltas)
    return "### Entities (micro)\n\n" + _table(header, rows)


def _labels(report: Report, deltas: Mapping[str, float]) -> str:
    scheme = primary_scheme(report)
    rows = []
    for label, c in label_rows(report, scheme):
        m = c.metrics
        path = f"entities.labels.{label}.{scheme.value}"
        cells = [escape(label), str(c.possible), str(c.actual)]
        rows.append(_with_delta([*cells, *ratio_texts(m, path, report.intervals)], f"{path}.f1", deltas))
    macro = report.entities.macro.get(scheme)
    if macro is not None:
        path = f"entities.macro.{scheme.value}"
        cells = ["*macro*", "", "", *ratio_texts(macro, path, report.intervals)]
        rows.append(_with_delta(cells, f"{path}.f1", deltas))
    header = _prf_header("label", ["gold", "predicted"], deltas)
    return f"### Per label ({scheme.value})\n\n" + _table(header, rows)


def _events(report: Report, deltas: Mapping[str, float]) -> str:
    assert report.events is not None
    rows = []
    for name in event_metric_names(report.events.micro):
        prf = report.events.micro[name]
        m = prf.metrics
        path = f"events.{name}"
        cells = [metric_title(name), str(prf.tp), str(prf.fp), str(prf.fn)]
        rows.append(_with_delta([*cells, *ratio_texts(m, path, report.intervals)], f"{path}.f1", deltas))
    header = _prf_header("event metric", ["tp", "fp", "fn"], deltas)
    return "### Events (micro)\n\n" + _table(header, rows)


def _slices(report: Report) -> list[str]:
    blocks, iv = [], report.intervals
    for name, scheme, rows in slice_tables(report):
        body = [
            [escape(r.value), str(r.documents), *count_texts(r.counts), *ratio_texts(r.counts.metrics, r.path, iv)]
            for r in rows
        ]
        header = ["value", "docs", "cor", "inc", "par", "mis", "spu", "P", "R", "F1"]
        blocks.append(f"### Slices by {escape(name)} ({scheme.value})\n\n" + _table(header, body))
    return blocks


def _intervals(report: Report) -> str:
    assert report.intervals
    rows = [
        [escape(path), value_text(iv.estimate, path, report.intervals), f"{iv.level:.0%}"]
        for path, iv in sorted(report.intervals.items())
    ]
    return "### Confidence intervals (bootstrap)\n\n" + _table(["metric", "estimate [low, high]", "level"], rows)


def _comparison(report: Report) -> str:
    assert report.comparison
    rows = [
        [
            escape(c.metric),
            number(c.a),
            number(c.b),
            delta_text(c.delta),
            p_value_text(c.p_bootstrap),
            p_value_text(c.p_randomization),
            str(c.samples),
        ]
        for c in report.comparison
    ]
    header = ["metric", "A", "B", "Δ (B − A)", "p bootstrap", "p randomization", "samples"]
    return "### Comparison\n\n" + _table(header, rows)
