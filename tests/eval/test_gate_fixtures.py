"""The gate on fixture reports: a regression fails, an improvement passes, missing never passes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.errors import UsageError
from eval.gate import parse_max_drop, parse_thresholds, run_gate
from eval.report import CheckKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gate"


def load(case: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    folder = FIXTURES / case
    baseline_path = folder / "baseline.json"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return report, json.loads(baseline_path.read_text(encoding="utf-8")), str(baseline_path)


def gate(case: str, *, max_drop: str | list[str] = "", fail_under: str = "", with_baseline: bool = True):
    report, baseline, baseline_path = load(case)
    default, per_metric = parse_max_drop(max_drop) if max_drop else (None, {})
    return run_gate(
        report,
        fail_under=parse_thresholds(fail_under, option="--fail-under") if fail_under else {},
        max_drop_default=default,
        max_drop=per_metric,
        baseline_json=baseline if with_baseline else None,
        baseline_path=baseline_path if with_baseline else None,
    )


def test_regression_beyond_the_budget_fails_and_says_by_how_much():
    result = gate("regression", max_drop="0.02")
    assert not result.passed
    assert result.baseline_gold_matches is True
    strict = next(c for c in result.checks if c.metric == "entities.strict.f1")
    assert strict.kind is CheckKind.MAX_DROP and not strict.passed
    assert (strict.baseline, strict.value, strict.threshold) == (0.8, 0.76, 0.02)
    assert strict.delta == pytest.approx(-0.04)
    assert "drop 0.0400 > 0.0200" in strict.message
    # the event headline metrics did not move, so they pass
    events = [c for c in result.checks if c.metric.startswith("events.")]
    assert [c.metric for c in events] == [
        "events.trigger_classification.f1",
        "events.argument_classification.f1",
    ]
    assert all(c.passed for c in events)


def test_regression_within_a_larger_budget_passes():
    result = gate("regression", max_drop="0.05")
    assert result.passed
    strict = next(c for c in result.checks if c.metric == "entities.strict.f1")
    assert "drop 0.0400 <= 0.0500" in strict.message


def test_per_metric_budget_overrides_the_default():
    result = gate("regression", max_drop=["entities.strict.f1=0.05", "0.01"])
    strict = next(c for c in result.checks if c.metric == "entities.strict.f1")
    assert strict.threshold == 0.05 and strict.passed
    assert result.passed


def test_improvement_passes():
    result = gate("improvement", max_drop="0.02", fail_under="entities.strict.f1=0.80")
    assert result.passed
    assert [c.kind for c in result.checks][0] is CheckKind.FLOOR
    drops = {c.metric: c for c in result.checks if c.kind is CheckKind.MAX_DROP}
    assert drops["entities.strict.f1"].delta == pytest.approx(0.04)
    assert drops["entities.strict.f1"].message.startswith("no drop")


def test_metric_missing_from_the_report_fails():
    # the baseline scored events, the new report has none: the default budget covers them
    result = gate("missing_metric", max_drop="0.02")
    assert not result.passed
    missing = [c for c in result.checks if not c.passed]
    assert [c.metric for c in missing] == [
        "events.trigger_classification.f1",
        "events.argument_classification.f1",
    ]
    for check in missing:
        assert check.value is None and check.baseline is not None
        assert "missing from the report" in check.message


def test_metric_missing_from_the_baseline_fails():
    result = gate("missing_metric", max_drop="entities.labels.LOC.strict.f1=0.02")
    (check,) = result.checks
    assert not check.passed and check.value is None and check.baseline is None
    assert "missing from the report" in check.message
    report, baseline, path = load("missing_metric")
    reversed_gate = run_gate(
        baseline,
        fail_under={},
        max_drop_default=None,
        max_drop={"events.trigger_classification.f1": 0.5},
        baseline_json=report,
        baseline_path="old.json",
    )
    (check,) = reversed_gate.checks
    assert not check.passed and check.baseline is None
    assert "missing from old.json" in check.message


def test_floor_on_a_missing_metric_fails():
    result = gate("missing_metric", fail_under="events.trigger_classification.f1=0.1", with_baseline=False)
    (check,) = result.checks
    assert check.kind is CheckKind.FLOOR and not check.passed and check.value is None
    assert "missing from the report" in check.message


def test_floors_compare_with_greater_or_equal():
    result = gate("regression", fail_under="entities.strict.f1=0.76,entities.labels.PER.strict.f1=0.9")
    by_metric = {c.metric: c for c in result.checks}
    assert by_metric["entities.strict.f1"].passed  # 0.76 meets a 0.76 floor
    assert not by_metric["entities.labels.PER.strict.f1"].passed
    assert "< floor 0.9000" in by_metric["entities.labels.PER.strict.f1"].message
    assert result.baseline_gold_matches is True  # recorded even without --max-drop


def test_different_gold_sets_fail_every_drop_check():
    result = gate("gold_mismatch", max_drop="0.5", fail_under="entities.strict.f1=0.5")
    assert result.baseline_gold_matches is False
    floors = [c for c in result.checks if c.kind is CheckKind.FLOOR]
    drops = [c for c in result.checks if c.kind is CheckKind.MAX_DROP]
    assert all(c.passed for c in floors)
    assert drops and not any(c.passed for c in drops)
    assert all("gold sets differ" in c.message for c in drops)
    assert not result.passed


def test_baseline_without_gold_hash_cannot_be_trusted():
    report, baseline, _ = load("improvement")
    del baseline["gold"]["sha256"]
    result = run_gate(
        report,
        fail_under={},
        max_drop_default=0.02,
        max_drop={},
        baseline_json=baseline,
        baseline_path="b.json",
    )
    assert result.baseline_gold_matches is None
    assert not result.passed
    assert all("b.json records no gold sha256" in c.message for c in result.checks)


def test_max_drop_without_a_baseline_is_a_usage_error():
    with pytest.raises(UsageError, match="--baseline"):
        gate("regression", max_drop="0.02", with_baseline=False)


def test_no_options_means_no_checks():
    result = gate("regression")
    assert result.checks == () and result.passed
