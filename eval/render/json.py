"""The JSON report: the versioned contract (``goldbench.report/1``) that other tools read.

``report_to_dict`` is the one place that decides the shape (documented in docs/reports.md);
``flatten_metrics`` turns such a dict - ours or one read back from a file - into the flat
``{"entities.strict.f1": 0.81, ...}`` map that gates and baseline deltas compare.
Floats are written unrounded; labels, document ids, event types/roles and interval paths sorted.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from ..counts import PRF, Counts, Scheme
from ..errors import FormatError, quote
from ..limits import load_json_file
from ..report import (
    SCHEMA,
    UNDECODABLE_SHOWN,
    Confusion,
    EventScores,
    Gate,
    Grounding,
    GroundingCounts,
    Report,
    RunInfo,
    Settings,
    SliceScores,
    Sweep,
    Thresholds,
)
from .common import confusion_axis, event_metric_names, schemes_of

RATIOS: tuple[str, ...] = ("precision", "recall", "f1")


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON data; optional sections appear only when the report has them."""
    schemes = schemes_of(report)
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "level": report.level.value,
        "gold": _source(report.gold.path, report.gold.sha256, report.gold.documents),
        "predictions": _source(report.predictions.path, report.predictions.sha256, report.predictions.documents),
        "entities": _entities(report, schemes),
        "settings": settings_to_dict(report.settings),
    }
    if report.grounding is not None:
        out["grounding"] = _grounding(report.grounding)
    if report.thresholds is not None:
        out["thresholds"] = _thresholds(report.thresholds)
    if report.events is not None:
        out["events"] = _events(report.events)
    if report.notes:
        out["notes"] = list(report.notes)
    if report.confusion is not None:
        out["confusion"] = _confusion(report.confusion)
    if report.intervals:
        out["intervals"] = {path: _record(iv, INTERVAL_KEYS) for path, iv in sorted(report.intervals.items())}
    if report.comparison:
        out["comparison"] = [_record(c, COMPARISON_KEYS) for c in report.comparison]
    if report.gate is not None:
        out["gate"] = _gate(report.gate)
    if report.run is not None:
        out["run"] = _run(report.run)
    if report.errors:
        out["errors"] = [_record(e, ERROR_KEYS) for e in report.errors]
    if report.event_errors:
        out["event_errors"] = [_record(e, EVENT_ERROR_KEYS) for e in report.event_errors]
    if report.slices:
        out["slices"] = {name: _slices(by_value, schemes) for name, by_value in report.slices.items()}
    return out


def render_json(report: Report) -> str:
    """``report_to_dict`` as indented JSON text ending with a newline."""
    return orjson.dumps(report_to_dict(report), option=orjson.OPT_INDENT_2).decode() + "\n"


def flatten_metrics(report_dict: Mapping[str, Any], *, source: str = "report") -> dict[str, float]:
    """Precision/recall/F1 of a report dict keyed by metric path (see docs/reports.md).

    Paths: ``entities.<scheme>.<ratio>``, ``entities.macro.<scheme>.<ratio>``,
    ``entities.labels.<label>.<scheme>.<ratio>``, ``events.<metric>.<ratio>``,
    ``events.types.<type>.<metric>.<ratio>``, ``events.roles.<role>.<metric>.<ratio>``.
    Per-document scores are not flattened. ``source`` names the file in error messages.
    """
    _check_schema(report_dict, source)
    try:
        out: dict[str, float] = {}
        entities = report_dict["entities"]
        _put(out, "entities", entities["micro"])
        _put(out, "entities.macro", entities["macro"])
        for label, by_scheme in entities["labels"].items():
            _put(out, f"entities.labels.{label}", by_scheme)
        events = report_dict.get("events")
        if events is not None:
            _put(out, "events", events["micro"])
            for group in ("types", "roles"):
                for name, by_metric in events[group].items():
                    _put(out, f"events.{group}.{name}", by_metric)
    except (KeyError, TypeError, AttributeError) as exc:
        raise FormatError(
            f"{source}: malformed goldbench report ({type(exc).__name__}: {exc}); "
            "regenerate it with `evaluate --format json`"
        ) from None
    return out


def read_report(path: str | Path) -> dict[str, Any]:
    """A JSON report file (a ``--baseline``, an ``--against`` run) as a dict, schema checked."""
    p = Path(path)
    data = load_json_file(p, what="a JSON report", hint="pass a JSON report written by `evaluate --format json`")
    _check_schema(data, str(p))
    return data


def read_metrics(path: str | Path) -> dict[str, float]:
    """``flatten_metrics`` of a JSON report file, with errors that name the file."""
    return flatten_metrics(read_report(path), source=str(path))


def _check_schema(data: Any, source: str) -> None:
    schema = data.get("schema") if isinstance(data, Mapping) else None
    if schema != SCHEMA:
        raise FormatError(
            f"{source}: not a goldbench report (schema {quote(schema)}, expected {quote(SCHEMA)}); "
            "pass a JSON report written by `evaluate --format json`"
        )


def _put(out: dict[str, float], prefix: str, by_name: Mapping[str, Any]) -> None:
    for name, values in by_name.items():
        for ratio in RATIOS:
            value = values[ratio]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"{prefix}.{name}.{ratio} is {quote(value)}, not a number")
            out[f"{prefix}.{name}.{ratio}"] = float(value)


def _source(path: str, sha256: str, documents: int) -> dict[str, Any]:
    return {"path": path, "sha256": sha256, "documents": documents}


def _counts(by_scheme: Mapping[Scheme, Counts], schemes: tuple[Scheme, ...]) -> dict[str, Any]:
    return {s.value: by_scheme[s].as_dict() for s in schemes if s in by_scheme}


def _entities(report: Report, schemes: tuple[Scheme, ...]) -> dict[str, Any]:
    e = report.entities
    out: dict[str, Any] = {
        "micro": _counts(e.micro, schemes),
        "macro": {s.value: e.macro[s].as_dict() for s in schemes if s in e.macro},
        "labels": {label: _counts(by, schemes) for label, by in sorted(e.labels.items())},
    }
    if e.documents is not None:
        out["documents"] = {doc: _counts(by, schemes) for doc, by in sorted(e.documents.items())}
    return out


def _slices(by_value: Mapping[str, SliceScores], schemes: tuple[Scheme, ...]) -> dict[str, Any]:
    """Slice values in the slice's own order (dates in time order, length groups from the shortest)."""
    out: dict[str, Any] = {}
    for value, sl in by_value.items():
        node: dict[str, Any] = {"documents": sl.documents, **_counts(sl.micro, schemes)}
        node["labels"] = {label: _counts(by, schemes) for label, by in sorted(sl.labels.items())}
        if sl.events is not None:
            node["events"] = _prf(sl.events)
        if sl.bounds is not None:
            node["length"] = {"min": sl.bounds[0], "max": sl.bounds[1]}
        out[value] = node
    return out


def _prf(by_metric: Mapping[str, PRF]) -> dict[str, Any]:
    return {m: by_metric[m].as_dict() for m in event_metric_names(by_metric)}


def _events(events: EventScores) -> dict[str, Any]:
    return {
        "micro": _prf(events.micro),
        "types": {t: _prf(by) for t, by in sorted(events.types.items())},
        "roles": {r: _prf(by) for r, by in sorted(events.roles.items())},
    }


def _confusion(c: Confusion) -> dict[str, Any]:
    return {"labels": list(confusion_axis(c)), "matrix": [list(row) for row in c.matrix]}


SETTINGS_KEYS = (
    "label_map",
    "label_map_sha256",
    "label_map_source",
    "drop_unknown_labels",
    "ground",
    "ground_fuzzy",
    "min_overlap",
    "min_score",
    "bio_mode",
    "bio_style",
    "pred_fields",
)
GROUNDING_KEYS = ("mentions", "exact", "normalized", "fuzzy", "ungrounded", "ungrounded_rate")
POINT_KEYS = ("threshold", "correct", "actual", "possible", "precision", "recall", "f1")


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The settings block: every key always written, ``null`` for an option not used."""
    out = _record(settings, SETTINGS_KEYS)
    if settings.label_map is not None:
        out["label_map"] = dict(sorted(settings.label_map.items()))
    return out


def _grounding_counts(c: GroundingCounts) -> dict[str, Any]:
    return _record(c, GROUNDING_KEYS)


def _grounding(g: Grounding) -> dict[str, Any]:
    return {
        "policy": g.policy,
        **_grounding_counts(g.total),
        "labels": {label: _grounding_counts(c) for label, c in sorted(g.labels.items())},
    }


def _sweep(s: Sweep) -> dict[str, Any]:
    return {
        "best": _record(s.best, POINT_KEYS) if s.best is not None else None,
        "average_precision": s.average_precision,
        "points": [_record(p, POINT_KEYS) for p in s.points],
    }


def _thresholds(t: Thresholds) -> dict[str, Any]:
    return {
        "unscored": t.unscored,
        "micro": _sweep(t.micro),
        "labels": {label: _sweep(s) for label, s in sorted(t.labels.items())},
    }


# The keys of these records are part of the contract: named here, not taken from the dataclasses.
INTERVAL_KEYS = ("estimate", "low", "high", "level")
COMPARISON_KEYS = ("metric", "a", "b", "delta", "p_bootstrap", "p_randomization", "samples")
CHECK_KEYS = ("metric", "kind", "threshold", "value", "baseline", "delta", "passed", "message")
RUN_KEYS = ("extractor", "documents", "seconds", "docs_per_second")
ERROR_KEYS = ("doc_id", "kind", "start", "end", "label", "other_label", "left", "span", "right")
EVENT_ERROR_KEYS = ("doc_id", "kind", "event_type", "role", "other", "trigger", "start", "end", "left", "span", "right")


def _record(obj: object, keys: tuple[str, ...]) -> dict[str, Any]:
    """``{key: obj.key}``, enum values written as their value."""
    out = {k: getattr(obj, k) for k in keys}
    return {k: v.value if isinstance(v, enum.Enum) else v for k, v in out.items()}


def _run(run: RunInfo) -> dict[str, Any]:
    out = _record(run, RUN_KEYS)
    if run.undecodable is not None:  # --on-bad-output skip
        out["undecodable"] = len(run.undecodable)
        out["undecodable_documents"] = list(run.undecodable[:UNDECODABLE_SHOWN])
    return out


def _gate(gate: Gate) -> dict[str, Any]:
    out: dict[str, Any] = {"passed": gate.passed, "checks": [_record(c, CHECK_KEYS) for c in gate.checks]}
    if gate.baseline_path is not None:
        out["baseline_path"] = gate.baseline_path
    if gate.baseline_gold_matches is not None:
        out["baseline_gold_matches"] = gate.baseline_gold_matches
    return out
