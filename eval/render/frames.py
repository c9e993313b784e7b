"""The DataFrame rendering: each table of a ``Report`` as a tidy pandas DataFrame.

``to_frame(report, name)`` (also ``Report.to_frame(name)``) builds one frame from the same
``Counts``/``Metrics``/``PRF`` objects the JSON report writes, so every number equals the
JSON's. pandas is imported here, on first use, never by ``import eval``. Columns:

- ratios ``precision``, ``recall``, ``f1``, with ``precision_undefined``, ``recall_undefined``,
  ``f1_undefined`` booleans (a 0/0 ratio is 0.0 and flagged, the zero-division policy);
- counts ``correct, incorrect, partial, missed, spurious, possible, actual`` (entities) or
  ``tp, fp, fn`` (events).

| frame | one row per |
| --- | --- |
| ``micro`` | scheme |
| ``macro`` | scheme (ratios only) |
| ``labels`` | label and scheme |
| ``documents`` | document and scheme (needs ``Options(per_document=True)``) |
| ``errors`` | error case: document, kind, start, end, gold_label, predicted_label, span, left, right |
| ``event_errors`` | event error case (``details``): document, kind, event type, role, trigger, start, end, context |
| ``confusion`` | (gold, predicted) label pair, with its count |
| ``events`` | (group, name, metric): group micro / type / role |
| ``slices`` | slice, value and scheme (micro counts of the slice) |
| ``slice_labels`` | slice, value, label and scheme |
| ``intervals`` | bootstrap interval: metric path, estimate, low, high, level |
| ``checks`` | gate check: metric, kind, threshold, value, baseline, delta, passed, message |
| ``comparison`` | paired comparison (``--against``) of one metric |
| ``grounding`` | label (None: all mentions) of ``--ground``, with its match counts |
| ``thresholds`` | (label, threshold) point of ``--sweep-scores`` (label None: micro), ``best`` flagged |

The label a missed or spurious span lacks (``gold_label``/``predicted_label``) is pandas'
missing value (``isna()``); ratios are never NaN.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from ..counts import PRF, Counts, Metrics, Scheme
from ..errors import UsageError, quote
from ..report import Confusion, Report
from .common import confusion_axis, error_labels, event_metric_names, schemes_of
from .json import CHECK_KEYS, COMPARISON_KEYS, EVENT_ERROR_KEYS, GROUNDING_KEYS, POINT_KEYS

if TYPE_CHECKING:
    import pandas as pd

FrameName = Literal[
    "micro",
    "macro",
    "labels",
    "documents",
    "errors",
    "event_errors",
    "confusion",
    "events",
    "slices",
    "slice_labels",
    "intervals",
    "checks",
    "comparison",
    "grounding",
    "thresholds",
]

COUNT_COLUMNS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
PRF_COLUMNS = ("tp", "fp", "fn")
RATIO_COLUMNS = ("precision", "recall", "f1", "precision_undefined", "recall_undefined", "f1_undefined")
ERROR_COLUMNS = ("document", "kind", "start", "end", "gold_label", "predicted_label", "span", "left", "right")

Row = dict[str, Any]


def to_frame(report: Report, name: str = "micro") -> pd.DataFrame:
    """Table ``name`` of ``report`` as a DataFrame (``FRAMES`` lists the names)."""
    import pandas as pd

    spec = FRAMES.get(name)
    if spec is None:
        raise UsageError(f"no frame {quote(name)}; use one of {', '.join(FRAMES)}")
    keys, rows_of = spec
    rows = list(rows_of(report))
    return pd.DataFrame({k: [row[k] for row in rows] for k in keys}, columns=list(keys))


def _ratios(m: Metrics) -> Row:
    return {
        "precision": m.precision,
        "recall": m.recall,
        "f1": m.f1,
        **{f"{r}_undefined": r in m.undefined for r in ("precision", "recall", "f1")},
    }


def _counts(c: Counts) -> Row:
    return {**{k: getattr(c, k) for k in COUNT_COLUMNS}, **_ratios(c.metrics)}


def _prf(p: PRF) -> Row:
    return {"tp": p.tp, "fp": p.fp, "fn": p.fn, **_ratios(p.metrics)}


def _by_scheme(report: Report, by: Mapping[Scheme, Counts], **keys: Any) -> Iterable[Row]:
    for s in schemes_of(report):
        if s in by:
            yield {**keys, "scheme": s.value, **_counts(by[s])}


def _micro(report: Report) -> Iterable[Row]:
    return _by_scheme(report, report.entities.micro)


def _macro(report: Report) -> Iterable[Row]:
    for s in schemes_of(report):
        if s in report.entities.macro:
            yield {"scheme": s.value, **_ratios(report.entities.macro[s])}


def _labels(report: Report) -> Iterable[Row]:
    for label, by in sorted(report.entities.labels.items()):
        yield from _by_scheme(report, by, label=label)


def _documents(report: Report) -> Iterable[Row]:
    if report.entities.documents is None:
        raise UsageError("the report has no per-document counts; score with Options(per_document=True)")
    for doc, by in sorted(report.entities.documents.items()):
        yield from _by_scheme(report, by, document=doc)


def _errors(report: Report) -> Iterable[Row]:
    for e in report.errors:
        gold, predicted = error_labels(e)
        yield {
            "document": e.doc_id,
            "kind": e.kind,
            "start": e.start,
            "end": e.end,
            "gold_label": None if gold == Confusion.NONE else gold,
            "predicted_label": None if predicted == Confusion.NONE else predicted,
            "span": e.span,
            "left": e.left,
            "right": e.right,
        }


def _event_errors(report: Report) -> Iterable[Row]:
    for e in report.event_errors:
        row = {k: getattr(e, k) for k in EVENT_ERROR_KEYS}
        yield {"document": row.pop("doc_id"), **{k: v.value if isinstance(v, enum.Enum) else v for k, v in row.items()}}


def _confusion(report: Report) -> Iterable[Row]:
    if report.confusion is None:
        return
    axis = confusion_axis(report.confusion)
    for gold, row in zip(axis, report.confusion.matrix, strict=True):
        for predicted, count in zip(axis, row, strict=True):
            yield {"gold": gold, "predicted": predicted, "count": count}


def _events(report: Report) -> Iterable[Row]:
    ev = report.events
    if ev is None:
        return
    for m in event_metric_names(ev.micro):
        yield {"group": "micro", "name": None, "metric": m, **_prf(ev.micro[m])}
    for group, by_name in (("type", ev.types), ("role", ev.roles)):
        for name, scores in sorted(by_name.items()):
            for m in event_metric_names(scores):
                yield {"group": group, "name": name, "metric": m, **_prf(scores[m])}


def _slices(report: Report) -> Iterable[Row]:
    for name, by_value in (report.slices or {}).items():
        for value, sl in by_value.items():
            yield from _by_scheme(report, sl.micro, slice=name, value=value, documents=sl.documents)


def _slice_labels(report: Report) -> Iterable[Row]:
    for name, by_value in (report.slices or {}).items():
        for value, sl in by_value.items():
            for label, by in sorted(sl.labels.items()):
                yield from _by_scheme(report, by, slice=name, value=value, label=label)


def _intervals(report: Report) -> Iterable[Row]:
    for path, iv in sorted((report.intervals or {}).items()):
        yield {"metric": path, "estimate": iv.estimate, "low": iv.low, "high": iv.high, "level": iv.level}


def _checks(report: Report) -> Iterable[Row]:
    for c in report.gate.checks if report.gate is not None else ():
        yield {k: v.value if isinstance(v, enum.Enum) else v for k, v in ((k, getattr(c, k)) for k in CHECK_KEYS)}


def _comparison(report: Report) -> Iterable[Row]:
    for c in report.comparison or ():
        yield {k: getattr(c, k) for k in COMPARISON_KEYS}


def _grounding(report: Report) -> Iterable[Row]:
    g = report.grounding
    if g is None:
        return
    for label, c in [(None, g.total), *sorted(g.labels.items())]:
        yield {"policy": g.policy, "label": label, **{k: getattr(c, k) for k in GROUNDING_KEYS}}


def _thresholds(report: Report) -> Iterable[Row]:
    t = report.thresholds
    if t is None:
        return
    for label, sweep in [(None, t.micro), *sorted(t.labels.items())]:
        for p in sweep.points:
            point = {k: getattr(p, k) for k in POINT_KEYS}
            yield {"label": label, **point, "best": p == sweep.best, "average_precision": sweep.average_precision}


_ENTITY = (*COUNT_COLUMNS, *RATIO_COLUMNS)
FRAMES: dict[str, tuple[tuple[str, ...], Callable[[Report], Iterable[Row]]]] = {
    "micro": (("scheme", *_ENTITY), _micro),
    "macro": (("scheme", *RATIO_COLUMNS), _macro),
    "labels": (("label", "scheme", *_ENTITY), _labels),
    "documents": (("document", "scheme", *_ENTITY), _documents),
    "errors": (ERROR_COLUMNS, _errors),
    "event_errors": (("document", *EVENT_ERROR_KEYS[1:]), _event_errors),
    "confusion": (("gold", "predicted", "count"), _confusion),
    "events": (("group", "name", "metric", *PRF_COLUMNS, *RATIO_COLUMNS), _events),
    "slices": (("slice", "value", "documents", "scheme", *_ENTITY), _slices),
    "slice_labels": (("slice", "value", "label", "scheme", *_ENTITY), _slice_labels),
    "intervals": (("metric", "estimate", "low", "high", "level"), _intervals),
    "checks": (CHECK_KEYS, _checks),
    "comparison": (COMPARISON_KEYS, _comparison),
    "grounding": (("policy", "label", *GROUNDING_KEYS), _grounding),
    "thresholds": (("label", *POINT_KEYS, "best", "average_precision"), _thresholds),
}
