"""Metric paths resolve into report JSON exactly as eval.render.json flattens it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.counts import PRF, Counts, Metrics, Scheme
from eval.gate import gold_sha256, metric_value, micro_metrics, parse_metric_path
from eval.render.json import flatten_metrics, report_to_dict
from eval.report import EntityScores, EventScores, Report, Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "gate"


def built_report() -> Report:
    """A small report with dotted labels, event types and roles, made through the typed objects."""
    by_label = {
        "PER": {s: Counts(3, 1, 1, 0, 2, s.half_credit) for s in Scheme},
        "ORG.GOV": {s: Counts(1, 0, 0, 2, 0, s.half_credit) for s in Scheme},
    }
    micro = {s: by_label["PER"][s] + by_label["ORG.GOV"][s] for s in Scheme}
    macro = {s: Metrics.mean([by_label[label][s].metrics for label in by_label]) for s in Scheme}
    events = EventScores(
        micro={"trigger_identification": PRF(4, 1, 2), "trigger_classification": PRF(3, 2, 3)},
        types={"Life.Die": {"trigger_classification": PRF(1, 0, 1)}},
        roles={"Victim": {"argument_classification": PRF(2, 2, 0)}},
    )
    return Report(
        gold=Source("gold.jsonl", "c" * 64, 3),
        predictions=Source("pred.jsonl", "d" * 64, 3),
        entities=EntityScores(micro=micro, macro=macro, labels=by_label),
        events=events,
    )


def report_dicts() -> list[dict]:
    fixtures = sorted(FIXTURES.glob("*/*.json"))
    assert fixtures, "gate fixtures are missing"
    return [report_to_dict(built_report())] + [json.loads(p.read_text(encoding="utf-8")) for p in fixtures]


@pytest.mark.parametrize("report", report_dicts())
def test_every_flattened_path_resolves_to_the_same_value(report):
    flat = flatten_metrics(report)
    assert flat
    for path, value in flat.items():
        assert metric_value(report, path) == value, path
        assert metric_value(flat, path) == value, path  # a flat mapping works too


@pytest.mark.parametrize("report", report_dicts())
def test_micro_metrics_are_the_three_part_flattened_paths(report):
    flat = flatten_metrics(report)
    assert micro_metrics(report) == {p: v for p, v in flat.items() if len(p.split(".")) == 3}


def test_paths_read_the_documented_places():
    report = report_to_dict(built_report())
    micro = built_report().entities.micro
    assert metric_value(report, "entities.strict.f1") == micro[Scheme.STRICT].metrics.f1
    assert (
        metric_value(report, "entities.macro.partial.recall")
        == report["entities"]["macro"]["partial"]["recall"]
    )
    assert metric_value(report, "entities.labels.ORG.GOV.exact.recall") == pytest.approx(1 / 3)
    assert metric_value(report, "events.trigger_classification.precision") == pytest.approx(3 / 5)
    assert metric_value(report, "events.types.Life.Die.trigger_classification.f1") == pytest.approx(2 / 3)
    assert metric_value(report, "events.roles.Victim.argument_classification.recall") == 1.0
    assert gold_sha256(report) == "c" * 64


@pytest.mark.parametrize(
    "path",
    [
        "entities.strict.f2",
        "entities.labels.LOC.strict.f1",
        "events.argument_classification.f1",
        "events.types.Attack.trigger_classification.f1",
        "entities.strict",
        "entities..strict.f1",
        "entities.documents.d1.strict.f1",
        "entities.strict.f1.extra",
        "",
    ],
)
def test_missing_or_malformed_paths_give_none(path):
    assert metric_value(report_to_dict(built_report()), path) is None


def test_non_numbers_give_none():
    assert metric_value({"entities": {"micro": {"strict": {"f1": "0.8"}}}}, "entities.strict.f1") is None
    assert metric_value({"entities": {"micro": {"strict": {"f1": True}}}}, "entities.strict.f1") is None
    assert metric_value({"entities": {"micro": {"strict": {"f1": 1}}}}, "entities.strict.f1") == 1.0


def test_parsed_paths_name_their_json_keys():
    parsed = parse_metric_path("events.roles.Place.Of.argument_classification.f1")
    assert parsed is not None
    assert parsed.json_keys == ("events", "roles", "Place.Of", "argument_classification", "f1")
    assert parse_metric_path("entities.macro.type.precision").json_keys == (  # type: ignore[union-attr]
        "entities",
        "macro",
        "type",
        "precision",
    )
    assert parse_metric_path("events.macro.trigger_classification.f1") is None
