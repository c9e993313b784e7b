"""The CI quality gate: metric paths into a report's JSON, floors, and a regression budget.

A metric path names one number of a rendered report (``eval/render/json.py`` flattens a
report to the same paths)::

    entities.strict.f1                          ["entities"]["micro"]["strict"]["f1"]
    entities.macro.strict.f1                    ["entities"]["macro"]["strict"]["f1"]
    entities.labels.PER.strict.f1               ["entities"]["labels"]["PER"]["strict"]["f1"]
    events.trigger_classification.f1            ["events"]["micro"]["trigger_classification"]["f1"]
    events.types.Meet.argument_classification.f1  ["events"]["types"]["Meet"][...]["f1"]
    events.roles.Agent.argument_classification.f1 ["events"]["roles"]["Agent"][...]["f1"]
    grounding.ungrounded_rate                   ["grounding"]["ungrounded_rate"]
    grounding.labels.PERSON.ungrounded_rate     ["grounding"]["labels"]["PERSON"]["ungrounded_rate"]

    slices.meta.source.tass.strict.f1           ["slices"]["meta.source"]["tass"]["strict"]["f1"]
    slices.length:3.q1.labels.PER.strict.f1     ["slices"]["length:3"]["q1"]["labels"]["PER"][...]
    slices.date:month.2026-05.events.trigger_classification.f1

Labels, event types and roles may contain dots: they are everything between the group and the
last two parts. Slice names and values may contain dots too, so a slice path is resolved
against the report's ``slices`` (the longest name and value that fit win). Gate rules (which
metrics the default ``--max-drop`` covers, how missing values and a different gold set fail):
``docs/statistics.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .counts import SCHEMES
from .errors import UsageError, quote
from .report import EVENT_METRICS, Check, CheckKind, Gate, Settings

STATISTICS: tuple[str, ...] = ("precision", "recall", "f1")
HEADLINE: tuple[str, ...] = (
    "entities.strict.f1",
    "events.trigger_classification.f1",
    "events.argument_classification.f1",
)
_ALWAYS_GATED = "entities.strict.f1"  # the default --max-drop covers it even when missing
_EPS = 1e-9  # 0.8 computed as 0.7999999999999999 still meets a 0.80 floor
_MEASURES: dict[str, frozenset[str]] = {
    "entities": frozenset(s.value for s in SCHEMES),
    "events": frozenset(EVENT_METRICS),
}
_KEYED_GROUPS: dict[str, frozenset[str]] = {
    "entities": frozenset({"labels"}),
    "events": frozenset({"types", "roles"}),
}
_FORMS = (
    "entities.<scheme>.<statistic>, entities.macro.<scheme>.<statistic>, "
    "entities.labels.<LABEL>.<scheme>.<statistic>, events.<metric>.<statistic>, "
    "events.types.<TYPE>.<metric>.<statistic>, events.roles.<ROLE>.<metric>.<statistic>, "
    "grounding.ungrounded_rate, grounding.labels.<LABEL>.ungrounded_rate, "
    "slices.<SLICE>.<VALUE>.<scheme>.<statistic> (also .labels.<LABEL>.<scheme> and .events.<metric>)"
)
GROUNDING_RATES: tuple[str, ...] = ("ungrounded_rate",)
GROUNDING_COUNTS: tuple[str, ...] = ("mentions", "exact", "normalized", "fuzzy", "ungrounded")
SLICES = "slices"


class MetricPath(NamedTuple):
    """A parsed metric path: where its number sits in the report JSON."""

    section: str  # "entities" | "events"
    group: str  # "micro" | "macro" | "labels" | "types" | "roles"
    key: str | None  # the label, event type or role of a keyed group
    measure: str  # a scheme or an event metric
    statistic: str  # "precision" | "recall" | "f1" (or a count)

    @property
    def json_keys(self) -> tuple[str, ...]:
        keyed = (self.key,) if self.key is not None else ()
        return (self.section, self.group, *keyed, self.measure, self.statistic)


def parse_metric_path(path: str) -> MetricPath | None:
    """The parts of ``path``, or None when it has none of the documented forms."""
    parts = path.split(".")
    if len(parts) < 3 or parts[0] not in _MEASURES or not all(parts):
        return None
    section, statistic, measure = parts[0], parts[-1], parts[-2]
    if len(parts) == 3:
        return MetricPath(section, "micro", None, measure, statistic)
    if len(parts) == 4 and section == "entities" and parts[1] == "macro":
        return MetricPath(section, "macro", None, measure, statistic)
    if len(parts) >= 5 and parts[1] in _KEYED_GROUPS[section]:
        return MetricPath(section, parts[1], ".".join(parts[2:-2]), measure, statistic)
    return None


def grounding_keys(path: str) -> tuple[str, ...] | None:
    """``grounding.<stat>`` or ``grounding.labels.<LABEL>.<stat>`` as JSON keys, else None."""
    parts = path.split(".")
    stats = (*GROUNDING_RATES, *GROUNDING_COUNTS)
    if len(parts) < 2 or parts[0] != "grounding" or parts[-1] not in stats:
        return None
    if len(parts) == 2:
        return ("grounding", parts[1])
    if len(parts) >= 4 and parts[1] == "labels" and all(parts[2:-1]):
        return ("grounding", "labels", ".".join(parts[2:-1]), parts[-1])
    return None


def metric_value(report_json: Mapping[str, Any], path: str) -> float | None:
    """The number at ``path`` in a report's JSON, or None when it is not there.

    A flat mapping of metric paths to numbers (a history row's metrics, a flattened report) is
    accepted too: a top-level key equal to ``path`` wins.
    """
    if path in report_json:
        return _number(report_json[path])
    if path.startswith(SLICES + "."):
        keys = slice_keys(report_json, path)
    else:
        parsed = parse_metric_path(path)
        keys = parsed.json_keys if parsed is not None else grounding_keys(path)
    if keys is None:
        return None
    node: Any = report_json
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return _number(node)


def slice_keys(report_json: Mapping[str, Any], path: str) -> tuple[str, ...] | None:
    """The JSON keys of a ``slices.<SLICE>.<VALUE>...`` path in this report, or None."""
    slices = report_json.get(SLICES)
    if not isinstance(slices, Mapping):
        return None
    rest = path[len(SLICES) + 1 :]
    for name in sorted(slices, key=len, reverse=True):
        values = slices[name]
        if not rest.startswith(f"{name}.") or not isinstance(values, Mapping):
            continue
        tail = rest[len(name) + 1 :]
        for value in sorted(values, key=len, reverse=True):
            if tail.startswith(f"{value}."):
                inner = _slice_tail(tail[len(value) + 1 :].split("."))
                if inner is not None:
                    return (SLICES, name, value, *inner)
    return None


def _slice_tail(parts: list[str]) -> tuple[str, ...] | None:
    """``strict.f1`` / ``labels.PER.strict.f1`` / ``events.trigger_classification.f1`` -> keys."""
    if len(parts) == 2:
        return (parts[0], parts[1])
    if len(parts) == 3 and parts[0] == "events":
        return tuple(parts)
    if len(parts) >= 4 and parts[0] == "labels":
        return ("labels", ".".join(parts[1:-2]), parts[-2], parts[-1])
    return None


def micro_metrics(report_json: Mapping[str, Any]) -> dict[str, float]:
    """Micro precision/recall/F1 of every scheme and every event metric present in a report."""
    out: dict[str, float] = {}
    for section in _MEASURES:
        micro = _get(report_json, section, "micro")
        if not isinstance(micro, Mapping):
            continue
        for measure in micro:
            for statistic in STATISTICS:
                path = f"{section}.{measure}.{statistic}"
                value = metric_value(report_json, path)
                if value is not None:
                    out[path] = value
    return out


def gold_sha256(report_json: Mapping[str, Any]) -> str | None:
    """The sha256 of the gold set a report was scored against, when it records one."""
    sha = _get(report_json, "gold", "sha256")
    return sha if isinstance(sha, str) and sha else None


def parse_thresholds(spec: str | Sequence[str], *, option: str) -> dict[str, float]:
    """``"entities.strict.f1=0.80,events.trigger_classification.f1=0.5"`` -> {path: value}.

    Several option values may be given as a list; each value is in [0, 1].
    """
    out: dict[str, float] = {}
    for item in _items(spec, option=option):
        metric, sep, raw = item.partition("=")
        if not sep:
            raise UsageError(f"{option}: {quote(item)} is not metric=value; write e.g. entities.strict.f1=0.80")
        _add(out, _metric(metric.strip(), option=option), _fraction(raw, item=item, option=option), option)
    return out


def parse_max_drop(spec: str | Sequence[str], *, option: str = "--max-drop") -> tuple[float | None, dict[str, float]]:
    """``"0.02"`` or ``"entities.strict.f1=0.01,0.02"`` -> (default budget, {path: budget}).

    A bare number is the default budget (at most one); ``metric=value`` sets one metric's.
    """
    default: float | None = None
    per_metric: dict[str, float] = {}
    for item in _items(spec, option=option):
        metric, sep, raw = item.partition("=")
        if not sep:
            if default is not None:
                raise UsageError(f"{option}: two default budgets ({default:g} and {item}); give one")
            default = _fraction(item, item=item, option=option)
            continue
        _add(
            per_metric,
            _metric(metric.strip(), option=option),
            _fraction(raw, item=item, option=option),
            option,
        )
    return default, per_metric


def run_gate(
    report_json: Mapping[str, Any],
    *,
    fail_under: Mapping[str, float],
    max_drop_default: float | None,
    max_drop: Mapping[str, float],
    baseline_json: Mapping[str, Any] | None,
    baseline_path: str | None,
    fail_over: Mapping[str, float] | None = None,
) -> Gate:
    """One ``Check`` per floor, then per ceiling, then per max-drop metric; a missing value fails.

    The default budget covers every floor metric, ``entities.strict.f1``, and the headline
    event metrics present in the report or the baseline; ``max_drop`` overrides it per metric.
    """
    checks = [_floor(report_json, metric, threshold) for metric, threshold in fail_under.items()]
    checks += [_ceiling(report_json, metric, threshold) for metric, threshold in (fail_over or {}).items()]
    budgets = _budgets(report_json, baseline_json, fail_under, max_drop_default, max_drop)
    matches: bool | None = None
    if baseline_json is not None:
        ours, theirs = gold_sha256(report_json), gold_sha256(baseline_json)
        matches = None if ours is None or theirs is None else ours == theirs
    if budgets:
        if baseline_json is None:
            raise UsageError("--max-drop compares against a baseline; give --baseline REPORT.json")
        gold_problem = _gold_problem(report_json, baseline_json, matches, baseline_path)
        checks += [
            _drop(report_json, baseline_json, metric, budget, gold_problem, baseline_path)
            for metric, budget in budgets.items()
        ]
    return Gate(tuple(checks), baseline_path=baseline_path, baseline_gold_matches=matches)


def _budgets(
    report_json: Mapping[str, Any],
    baseline_json: Mapping[str, Any] | None,
    fail_under: Mapping[str, float],
    default: float | None,
    per_metric: Mapping[str, float],
) -> dict[str, float]:
    """Metric -> allowed drop: explicit ones first, then those the default covers."""
    budgets = dict(per_metric)
    if default is None:
        return budgets
    covered = [*fail_under, _ALWAYS_GATED]
    covered += [
        m
        for m in HEADLINE
        if metric_value(report_json, m) is not None
        or (baseline_json is not None and metric_value(baseline_json, m) is not None)
    ]
    for metric in covered:
        budgets.setdefault(metric, default)
    return budgets


def _floor(report_json: Mapping[str, Any], metric: str, threshold: float) -> Check:
    value = metric_value(report_json, metric)
    if value is None:
        passed, message = False, f"missing from the report, so the floor {threshold:.4f} is not met"
    elif value >= threshold - _EPS:
        passed, message = True, f"{value:.4f} >= floor {threshold:.4f}"
    else:
        passed, message = False, f"{value:.4f} < floor {threshold:.4f}"
    return Check(metric, CheckKind.FLOOR, threshold, value, None, passed, message)


def _ceiling(report_json: Mapping[str, Any], metric: str, threshold: float) -> Check:
    value = metric_value(report_json, metric)
    if value is None:
        passed, message = False, f"missing from the report, so the ceiling {threshold:.4f} cannot be checked"
    elif value <= threshold + _EPS:
        passed, message = True, f"{value:.4f} <= ceiling {threshold:.4f}"
    else:
        passed, message = False, f"{value:.4f} > ceiling {threshold:.4f}"
    return Check(metric, CheckKind.CEILING, threshold, value, None, passed, message)


def check_settings(
    report_json: Mapping[str, Any], baseline_json: Mapping[str, Any], *, baseline_path: str | None
) -> None:
    """Refuse (``UsageError``, exit 2) a baseline scored under other settings than the report.

    A report without a ``settings`` block was made before settings were recorded, that is with
    every option at its default. Keys in ``Settings.NOT_COMPARED`` are not compared.
    """
    from .render.json import settings_to_dict

    defaults = settings_to_dict(Settings())
    ours = _get(report_json, "settings")
    theirs = _get(baseline_json, "settings")
    ours = ours if isinstance(ours, Mapping) else defaults
    theirs = theirs if isinstance(theirs, Mapping) else defaults
    for key in sorted(set(ours) | set(theirs)):
        if key in Settings.NOT_COMPARED:
            continue
        a, b = ours.get(key, defaults.get(key)), theirs.get(key, defaults.get(key))
        if a != b:
            where = baseline_path or "the baseline"
            raise UsageError(
                f"{where} was scored with {key}={_setting(b)}, this run with {key}={_setting(a)}; "
                "score the baseline with the same options to compare"
            )


def _setting(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, str):
        return value
    import orjson

    return orjson.dumps(value).decode()


def _gold_problem(
    report_json: Mapping[str, Any],
    baseline_json: Mapping[str, Any],
    matches: bool | None,
    baseline_path: str | None,
) -> str | None:
    """Why no drop can be judged against this baseline, or None when the gold sets match."""
    if matches:
        return None
    where = baseline_path or "the baseline"
    ours, theirs = gold_sha256(report_json), gold_sha256(baseline_json)
    if matches is False:
        return (
            f"the gold sets differ (report gold sha256 {ours[:12] if ours else ''}, {where} gold "
            f"sha256 {theirs[:12] if theirs else ''}); score the baseline on the same gold set"
        )
    missing = "the report" if ours is None else where
    return f"cannot tell whether the gold sets match: {missing} records no gold sha256"


def _drop(
    report_json: Mapping[str, Any],
    baseline_json: Mapping[str, Any],
    metric: str,
    budget: float,
    gold_problem: str | None,
    baseline_path: str | None,
) -> Check:
    value, base = metric_value(report_json, metric), metric_value(baseline_json, metric)
    passed = False
    if gold_problem is not None:
        message = gold_problem
    elif value is None:
        message = "missing from the report, so its drop cannot be checked"
    elif base is None:
        message = f"missing from {baseline_path or 'the baseline'}, so its drop cannot be checked"
    else:
        drop = base - value
        passed = drop <= budget + _EPS
        change = f"(baseline {base:.4f} -> {value:.4f})"
        if drop <= 0:
            message = f"no drop {change}; allowed drop {budget:.4f}"
        else:
            message = f"drop {drop:.4f} {'<=' if passed else '>'} {budget:.4f} allowed {change}"
    return Check(metric, CheckKind.MAX_DROP, budget, value, base, passed, message)


def _items(spec: str | Sequence[str], *, option: str) -> list[str]:
    specs = [spec] if isinstance(spec, str) else list(spec)
    items: list[str] = []
    for one in specs:
        for item in one.split(","):
            if not item.strip():
                raise UsageError(f"{option}: empty item in {quote(one)}; separate metric=value items with commas")
            items.append(item.strip())
    return items


def _metric(path: str, *, option: str) -> str:
    keys = grounding_keys(path)
    if keys is not None and keys[-1] in GROUNDING_RATES and option != "--max-drop":
        return path
    parsed = parse_metric_path(path)
    if path.startswith(SLICES + "."):  # resolved against the report (names may hold dots)
        parts = path.split(".")
        known = len(parts) >= 5 and parts[-1] in STATISTICS and all(parts)
        if known and parts[-2] in _MEASURES["entities"] | _MEASURES["events"]:
            return path
    elif parsed is not None and parsed.measure in _MEASURES[parsed.section] and parsed.statistic in STATISTICS:
        return path
    raise UsageError(
        f"{option}: {quote(path)} is not a metric path; use one of {_FORMS} "
        f"(schemes: {', '.join(sorted(_MEASURES['entities']))}; statistics: {', '.join(STATISTICS)})"
    )


_DECIMAL = re.compile(r"\s*(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*", re.ASCII)


def _fraction(raw: str, *, item: str, option: str) -> float:
    """A number in [0, 1] written with ASCII digits (``float`` would take "٠.٨", "1_0", "nan")."""
    value = float(raw) if _DECIMAL.fullmatch(raw) else math.nan
    if not 0.0 <= value <= 1.0:
        raise UsageError(
            f"{option}: {quote(item)} needs a number between 0 and 1, got {quote(raw.strip())}; "
            "write it in ASCII digits, e.g. 0.80"
        )
    return value


def _add(out: dict[str, float], metric: str, value: float, option: str) -> None:
    if metric in out:
        raise UsageError(f"{option}: {metric} is given twice ({out[metric]:g} and {value:g}); give it once")
    out[metric] = value


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None
