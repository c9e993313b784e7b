"""The JSON report follows the goldbench.report/1 contract, and flattens to metric paths."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval.counts import Counts, Metrics, Scheme
from eval.errors import FormatError
from eval.render.json import flatten_metrics, read_metrics, read_report, render_json, report_to_dict
from eval.report import SCHEMA, EntityScores, Report, Source

reports = SimpleNamespace(**runpy.run_path(str(Path(__file__).parents[1] / "fixtures" / "render" / "reports.py")))

OPTIONAL = (
    "events",
    "notes",
    "confusion",
    "intervals",
    "comparison",
    "gate",
    "run",
    "errors",
    "grounding",
    "thresholds",
    "slices",
)
SETTINGS_KEYS = {
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
}
GROUNDING_KEYS = {"mentions", "exact", "normalized", "fuzzy", "ungrounded", "ungrounded_rate"}
POINT_KEYS = {"threshold", "correct", "actual", "possible", "precision", "recall", "f1"}
COUNT_KEYS = {
    "correct",
    "incorrect",
    "partial",
    "missed",
    "spurious",
    "possible",
    "actual",
    "precision",
    "recall",
    "f1",
}


def test_top_level_keys_of_a_minimal_report() -> None:
    d = report_to_dict(reports.make_report())
    assert d["schema"] == SCHEMA == "goldbench.report/1"
    assert d["level"] == "mention"
    assert set(d) == {"schema", "level", "gold", "predictions", "entities", "run", "settings"}
    assert set(d["entities"]) == {"micro", "macro", "labels"}
    assert set(d["gold"]) == {"path", "sha256", "documents"}
    assert set(d["settings"]) == SETTINGS_KEYS
    assert d["settings"]["drop_unknown_labels"] is False
    assert all(d["settings"][k] is None for k in SETTINGS_KEYS - {"drop_unknown_labels"})


def test_settings_grounding_and_thresholds_follow_the_contract() -> None:
    report = reports.full_report()
    d = report_to_dict(report)
    s = d["settings"]
    assert set(s) == SETTINGS_KEYS
    assert s["label_map"] == dict(sorted(report.settings.label_map.items()))
    assert list(s["label_map"]) == sorted(s["label_map"])
    assert s["label_map"]["MISC"] is None
    assert (s["ground"], s["min_overlap"], s["min_score"]) == ("first", 0.5, 0.3)
    g = d["grounding"]
    assert set(g) == GROUNDING_KEYS | {"policy", "labels"}
    assert g["policy"] == "first"
    assert g["mentions"] == report.grounding.total.mentions
    assert g["ungrounded_rate"] == report.grounding.total.ungrounded / report.grounding.total.mentions
    assert list(g["labels"]) == sorted(report.grounding.labels)
    assert all(set(c) == GROUNDING_KEYS for c in g["labels"].values())
    t = d["thresholds"]
    assert set(t) == {"unscored", "micro", "labels"}
    assert t["unscored"] == report.thresholds.unscored
    for sweep in (t["micro"], *t["labels"].values()):
        assert set(sweep) == {"best", "average_precision", "points"}
        assert set(sweep["best"]) == POINT_KEYS
        assert all(set(p) == POINT_KEYS for p in sweep["points"])
    thresholds = [p["threshold"] for p in t["micro"]["points"]]
    assert thresholds == sorted(thresholds, reverse=True)


def test_every_optional_section_appears_when_present() -> None:
    report = reports.full_report()
    d = report_to_dict(report)
    assert set(OPTIONAL) <= set(d)
    assert "documents" in d["entities"]
    assert d["notes"] == list(report.notes)
    assert d["gate"]["passed"] is False
    assert [c["metric"] for c in d["gate"]["checks"]] == [c.metric for c in report.gate.checks]
    assert len(d["errors"]) == len(report.errors)


def test_record_keys_follow_the_contract() -> None:
    report = reports.full_report()
    d = report_to_dict(report)
    assert set(d["intervals"]["entities.strict.f1"]) == {"estimate", "low", "high", "level"}
    assert set(d["comparison"][0]) == {"metric", "a", "b", "delta", "p_bootstrap", "p_randomization", "samples"}
    check_keys = {"metric", "kind", "threshold", "value", "baseline", "delta", "passed", "message"}
    assert all(set(c) == check_keys for c in d["gate"]["checks"])
    assert set(d["gate"]) == {"passed", "checks", "baseline_path", "baseline_gold_matches"}
    assert set(d["run"]) == {"extractor", "documents", "seconds", "docs_per_second"}
    error_keys = {"doc_id", "kind", "start", "end", "label", "other_label", "left", "span", "right"}
    assert all(set(e) == error_keys for e in d["errors"])
    for name, by_value in d["slices"].items():
        assert list(by_value) == list(report.slices[name])  # the slice's own order
        for value, node in by_value.items():
            assert set(node) == {"documents", *(s.value for s in report.schemes), "labels", "events"}
            assert node["documents"] == report.slices[name][value].documents
            assert all(set(node[s.value]) == COUNT_KEYS for s in report.schemes)
            assert list(node["labels"]) == sorted(report.slices[name][value].labels)
    for written, check in zip(d["gate"]["checks"], report.gate.checks, strict=True):
        assert written["kind"] == check.kind.value
        assert written["delta"] == check.delta
    assert d["run"]["docs_per_second"] == report.run.docs_per_second


def test_counts_are_the_counts_own_dicts_unrounded() -> None:
    report = reports.full_report()
    d = report_to_dict(report)
    for scheme, counts in report.entities.micro.items():
        assert d["entities"]["micro"][scheme.value] == counts.as_dict()
        assert set(d["entities"]["micro"][scheme.value]) == COUNT_KEYS
    for label, by_scheme in report.entities.labels.items():
        for scheme, counts in by_scheme.items():
            assert d["entities"]["labels"][label][scheme.value]["f1"] == counts.metrics.f1
    for scheme, macro in report.entities.macro.items():
        assert d["entities"]["macro"][scheme.value] == macro.as_dict()
    for name, prf in report.events.micro.items():
        assert d["events"]["micro"][name] == prf.as_dict()


def test_labels_documents_types_and_roles_are_sorted() -> None:
    report = reports.full_report(labels=("PERSON", "GPE", "ORG"), doc_ids=("z-9", "a-1", "m-5"))
    d = report_to_dict(report)
    assert list(d["entities"]["labels"]) == sorted(report.entities.labels)
    assert list(d["entities"]["documents"]) == sorted(report.entities.documents)
    assert list(d["events"]["types"]) == sorted(report.events.types)
    assert list(d["events"]["roles"]) == sorted(report.events.roles)


def test_only_the_reports_schemes_are_written() -> None:
    schemes = (Scheme.STRICT, Scheme.PARTIAL)
    d = report_to_dict(reports.make_report(schemes=schemes, documents=True))
    expected = [s.value for s in schemes]
    assert list(d["entities"]["micro"]) == expected
    assert list(d["entities"]["macro"]) == expected
    assert all(list(by) == expected for by in d["entities"]["labels"].values())
    assert all(list(by) == expected for by in d["entities"]["documents"].values())


def test_undefined_ratios_are_named() -> None:
    empty = Counts(half_credit=False)
    report = Report(
        gold=Source("g.jsonl", "0" * 64, 1),
        predictions=Source("p.jsonl", "1" * 64, 1),
        entities=EntityScores({Scheme.STRICT: empty}, {Scheme.STRICT: Metrics.mean([])}, {"X": {Scheme.STRICT: empty}}),
        schemes=(Scheme.STRICT,),
    )
    d = report_to_dict(report)
    assert d["entities"]["micro"]["strict"]["undefined"] == ["precision", "recall", "f1"]
    assert d["entities"]["macro"]["strict"]["undefined"] == ["precision", "recall", "f1"]


def test_confusion_axis_ends_with_none_and_matches_the_matrix() -> None:
    report = reports.full_report()
    d = report_to_dict(report)
    axis = d["confusion"]["labels"]
    assert axis[-1] == "(none)"
    assert len(d["confusion"]["matrix"]) == len(axis)
    assert d["confusion"]["matrix"] == [list(row) for row in report.confusion.matrix]


def test_json_text_parses_back_to_the_dict() -> None:
    report = reports.hostile_report()
    assert json.loads(render_json(report)) == report_to_dict(report)


def test_flatten_gives_every_documented_path() -> None:
    report = reports.full_report()
    flat = flatten_metrics(report_to_dict(report))
    strict = report.entities.micro[Scheme.STRICT].metrics
    assert flat["entities.strict.f1"] == strict.f1
    assert flat["entities.strict.precision"] == strict.precision
    assert flat["entities.macro.strict.f1"] == report.entities.macro[Scheme.STRICT].f1
    for label, by in report.entities.labels.items():
        assert flat[f"entities.labels.{label}.exact.recall"] == by[Scheme.EXACT].metrics.recall
    assert flat["events.trigger_classification.f1"] == report.events.micro["trigger_classification"].metrics.f1
    meet = report.events.types["Meet"]["argument_classification"].metrics.f1
    assert flat["events.types.Meet.argument_classification.f1"] == meet
    assert not any(path.startswith("entities.documents") for path in flat)
    assert all(isinstance(v, float) for v in flat.values())


def test_flatten_counts_paths() -> None:
    report = reports.full_report()
    flat = flatten_metrics(report_to_dict(report))
    e, ev = report.entities, report.events
    n_schemes = len(e.micro)
    expected = 3 * (n_schemes + len(e.macro) + len(e.labels) * n_schemes)
    expected += 3 * (len(ev.micro) + sum(map(len, ev.types.values())) + sum(map(len, ev.roles.values())))
    assert len(flat) == expected


@pytest.mark.parametrize(
    "data",
    [{}, {"schema": "other/1"}, [], {"schema": SCHEMA}, {"schema": SCHEMA, "entities": {"micro": {"strict": {}}}}],
)
def test_flatten_rejects_what_is_not_a_report(data: object) -> None:
    with pytest.raises(FormatError, match="baseline.json"):
        flatten_metrics(data, source="baseline.json")  # type: ignore[arg-type]


def test_read_metrics_names_the_file(tmp_path: Path) -> None:
    good = tmp_path / "report.json"
    good.write_text(render_json(reports.make_report()))
    assert read_metrics(good) == flatten_metrics(report_to_dict(reports.make_report()))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(FormatError, match="broken.json: not valid JSON"):
        read_metrics(broken)
    with pytest.raises(FormatError, match="missing.json: no such file"):
        read_metrics(tmp_path / "missing.json")
    other = tmp_path / "other.json"
    other.write_text('{"schema": "something/2"}')
    with pytest.raises(FormatError, match="other.json: not a goldbench report"):
        read_report(other)
    assert read_report(good)["schema"] == SCHEMA


counts_strategy = st.builds(Counts, *(st.integers(0, 50) for _ in range(5)), half_credit=st.booleans())


@given(st.dictionaries(st.text(min_size=1, max_size=8), counts_strategy, min_size=1, max_size=5))
def test_flattened_label_values_are_the_counts_metrics(by_label: dict[str, Counts]) -> None:
    labels = {label: {Scheme.STRICT: c} for label, c in by_label.items()}
    micro = {Scheme.STRICT: sum(by_label.values(), Counts())}
    macro = {Scheme.STRICT: Metrics.mean([c.metrics for c in by_label.values()])}
    report = Report(
        gold=Source("g", "0" * 64, 1),
        predictions=Source("p", "1" * 64, 1),
        entities=EntityScores(micro, macro, labels),
        schemes=(Scheme.STRICT,),
    )
    flat = flatten_metrics(json.loads(render_json(report)))
    for label, c in by_label.items():
        m = c.metrics
        assert flat[f"entities.labels.{label}.strict.f1"] == m.f1
        assert flat[f"entities.labels.{label}.strict.precision"] == m.precision
        assert 0.0 <= m.f1 <= 1.0
