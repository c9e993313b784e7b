"""--fail-under and --max-drop specs: what parses, and one clear UsageError for what does not."""

from __future__ import annotations

import pytest

from eval.errors import UsageError
from eval.gate import parse_max_drop, parse_thresholds


def test_thresholds_parse_pairs_across_commas_and_options():
    spec = " entities.strict.f1=0.80, events.trigger_classification.f1=.5"
    assert parse_thresholds(spec, option="--fail-under") == {
        "entities.strict.f1": 0.80,
        "events.trigger_classification.f1": 0.5,
    }
    several = ["entities.macro.exact.recall=0.7", "entities.labels.ORG.partial.precision=1"]
    assert parse_thresholds(several, option="--fail-under") == {
        "entities.macro.exact.recall": 0.7,
        "entities.labels.ORG.partial.precision": 1.0,
    }


def test_labels_types_and_roles_may_contain_dots():
    spec = "entities.labels.ORG.GOV.strict.f1=0.5,events.types.Life.Die.trigger_classification.f1=0.4"
    assert set(parse_thresholds(spec, option="--fail-under")) == {
        "entities.labels.ORG.GOV.strict.f1",
        "events.types.Life.Die.trigger_classification.f1",
    }


def test_max_drop_takes_a_default_and_per_metric_budgets():
    assert parse_max_drop("0.02") == (0.02, {})
    assert parse_max_drop("entities.strict.f1=0.01,0.02") == (0.02, {"entities.strict.f1": 0.01})
    assert parse_max_drop(["events.argument_classification.f1=0.1", "0.03"]) == (
        0.03,
        {"events.argument_classification.f1": 0.1},
    )
    assert parse_max_drop("entities.strict.f1=0") == (None, {"entities.strict.f1": 0.0})


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("entities.strict.f1", "'entities.strict.f1' is not metric=value"),
        ("entities.strict.f1=high", "needs a number between 0 and 1, got 'high'"),
        ("entities.strict.f1=1.5", "got '1.5'"),
        ("entities.strict.f1=-0.1", "got '-0.1'"),
        ("entities.strict.f1=nan", "got 'nan'"),
        ("entities.strict.f1=\u0660.\u0668", "got '\u0660.\u0668'; write it in ASCII digits"),
        ("entities.strict.f1=0_8", "got '0_8'"),
        ("entities.strct.f1=0.8", "'entities.strct.f1' is not a metric path"),
        ("entities.strict.f2=0.8", "'entities.strict.f2' is not a metric path"),
        ("entity.strict.f1=0.8", "'entity.strict.f1' is not a metric path"),
        ("events.trigger.f1=0.8", "'events.trigger.f1' is not a metric path"),
        ("entities.labels.strict.f1=0.8", "is not a metric path"),
        ("entities.strict.f1=0.8,,", "empty item"),
        ("entities.strict.f1=0.8,entities.strict.f1=0.7", "entities.strict.f1 is given twice"),
    ],
)
def test_bad_thresholds_name_the_option_and_the_item(spec, needle):
    with pytest.raises(UsageError) as info:
        parse_thresholds(spec, option="--fail-under")
    message = str(info.value)
    assert message.startswith("--fail-under: ")
    assert needle in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("0.02,0.03", "two default budgets"),
        (["0.02", "0.03"], "two default budgets"),
        ("lots", "'lots' needs a number between 0 and 1"),
        ("entities.strict.f1=0.01,entities.strict.f1=0.02", "given twice"),
        ("entities.exact.accuracy=0.1", "is not a metric path"),
        ("", "empty item"),
    ],
)
def test_bad_max_drop_specs_are_usage_errors(spec, needle):
    with pytest.raises(UsageError, match="^--max-drop: ") as info:
        parse_max_drop(spec)
    assert needle in str(info.value)
