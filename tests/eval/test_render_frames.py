"""Report DataFrames (``Report.to_frame``): for every table, the frame holds the JSON report's values.

Two reports: one scored for real (news-demo gold against perturbed predictions: events,
per-document counts, error cases, confusion, slices, bootstrap intervals), and the
hand-built full fixture report. Each frame is read back row by row and compared with
``report_to_dict`` - the numbers must be equal, not close.
"""

from __future__ import annotations

import random
import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
import pandas as pd
import pytest

from eval.errors import UsageError
from eval.pipeline import Options, evaluate
from eval.render.frames import FRAMES
from eval.render.json import report_to_dict
from eval.report import Report
from eval.track import TrackOptions, track

ROOT = Path(__file__).resolve().parents[2]
NEWS_DEMO = ROOT / "gold" / "news-demo" / "documents.jsonl"
reports = SimpleNamespace(**runpy.run_path(str(ROOT / "tests" / "fixtures" / "render" / "reports.py")))

RATIOS = ("precision", "recall", "f1")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Report:
    rng = random.Random(12)
    gold = [orjson.loads(line) for line in NEWS_DEMO.read_bytes().splitlines()]
    pred = []
    for doc in gold:
        entities, dropped = [], set()
        for e in doc["entities"]:
            r = rng.random()
            if r < 0.1:
                dropped.add(e.get("id"))
                continue
            if r < 0.2:
                e = {**e, "label": rng.choice(["PERSON", "ORG", "GPE", "LOC"])}
            elif r < 0.25:
                e = {k: v for k, v in e.items() if k != "text"} | {"end": e["end"] - 1}
            entities.append(e)
        events = [
            {**ev, "arguments": [a for a in ev["arguments"] if a.get("entity") not in dropped]}
            for ev in doc["events"]
            if rng.random() < 0.8
        ]
        pred.append({"id": doc["id"], "text": doc["text"], "entities": entities, "events": events})
    folder = tmp_path_factory.mktemp("frames")
    p = folder / "pred.jsonl"
    p.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in pred))
    options = Options(per_document=True, details=True, slice_by=("meta.source",))
    outcome = evaluate(NEWS_DEMO, p, options=options)
    against = evaluate(NEWS_DEMO, NEWS_DEMO, options=options)
    floors = ("entities.strict.f1=0.9", "slices.meta.source.tass.strict.f1=0.5")
    return track(outcome, options=TrackOptions(bootstrap=50, seed=3, fail_under=floors), against=against)


@pytest.fixture(scope="module")
def llm() -> Report:
    """Offset-free LLM output, grounded in the gold texts and swept over its scores."""
    from eval.grounding import Policy

    options = Options(ground=Policy.FIRST, sweep_scores=True, drop_unknown_labels=True, details=True)
    quickstart = ROOT / "examples" / "quickstart"
    return evaluate(quickstart / "gold.jsonl", quickstart / "llm.jsonl", options=options).report


def _report(which: str, scored: Report, llm: Report) -> Report:
    return {"scored": scored, "llm": llm}.get(which) or reports.full_report()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts; pandas' missing value (NaN in pandas 3's ``str`` columns) read as JSON's null."""
    rows = frame.to_dict("records")
    return [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in r.items()} for r in rows]


def _ratios_agree(row: dict[str, Any], node: dict[str, Any]) -> None:
    for r in RATIOS:
        assert row[r] == node[r]
        assert row[f"{r}_undefined"] is (r in node.get("undefined", []))


def _counts_agree(row: dict[str, Any], node: dict[str, Any]) -> None:
    for k in ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual"):
        assert row[k] == node[k]
    _ratios_agree(row, node)


@pytest.mark.parametrize("which", ["scored", "fixture"])
def test_every_frame_equals_the_json(which: str, scored: Report, llm: Report) -> None:
    report = _report(which, scored, llm)
    d = report_to_dict(report)
    seen = set()

    micro = _records(report.to_frame("micro"))
    assert [r["scheme"] for r in micro] == list(d["entities"]["micro"])
    for row in micro:
        _counts_agree(row, d["entities"]["micro"][row["scheme"]])
    seen.add("micro")

    macro = _records(report.to_frame("macro"))
    assert [r["scheme"] for r in macro] == list(d["entities"]["macro"])
    for row in macro:
        _ratios_agree(row, d["entities"]["macro"][row["scheme"]])
    seen.add("macro")

    labels = _records(report.to_frame("labels"))
    assert len(labels) == sum(len(by) for by in d["entities"]["labels"].values())
    for row in labels:
        _counts_agree(row, d["entities"]["labels"][row["label"]][row["scheme"]])
    seen.add("labels")

    documents = _records(report.to_frame("documents"))
    assert len(documents) == sum(len(by) for by in d["entities"]["documents"].values())
    for row in documents:
        _counts_agree(row, d["entities"]["documents"][row["document"]][row["scheme"]])
    seen.add("documents")

    errors = _records(report.to_frame("errors"))
    assert len(errors) == len(d["errors"]) > 0
    for row, e in zip(errors, d["errors"], strict=True):
        where = (e["doc_id"], e["kind"], e["start"], e["end"])
        assert (row["document"], row["kind"], row["start"], row["end"]) == where
        assert (row["span"], row["left"], row["right"]) == (e["span"], e["left"], e["right"])
        gold = e["label"] if e["kind"] == "missed" else None if e["kind"] == "spurious" else e["other_label"]
        predicted = None if e["kind"] == "missed" else e["label"]
        assert (row["gold_label"], row["predicted_label"]) == (gold, predicted)
    seen.add("errors")

    event_errors = _records(report.to_frame("event_errors"))
    assert [{"doc_id": r.pop("document"), **r} for r in event_errors] == d.get("event_errors", [])
    assert event_errors or which == "fixture"
    seen.add("event_errors")

    confusion = _records(report.to_frame("confusion"))
    axis = d["confusion"]["labels"]
    assert len(confusion) == len(axis) ** 2
    for row in confusion:
        assert row["count"] == d["confusion"]["matrix"][axis.index(row["gold"])][axis.index(row["predicted"])]
    seen.add("confusion")

    events = _records(report.to_frame("events"))
    expected = len(d["events"]["micro"]) + sum(len(by) for g in ("types", "roles") for by in d["events"][g].values())
    assert len(events) == expected
    for row in events:
        node = (
            d["events"]["micro"]
            if row["group"] == "micro"
            else d["events"][f"{row['group']}s"][row["name"]]
        )[row["metric"]]
        assert (row["tp"], row["fp"], row["fn"]) == (node["tp"], node["fp"], node["fn"])
        _ratios_agree(row, node)
    seen.add("events")

    slices = _records(report.to_frame("slices"))
    assert len(slices) == sum(len(d["entities"]["micro"]) * len(v) for v in d["slices"].values())
    for row in slices:
        node = d["slices"][row["slice"]][row["value"]]
        assert row["documents"] == node["documents"]
        _counts_agree(row, node[row["scheme"]])
    seen.add("slices")

    slice_labels = _records(report.to_frame("slice_labels"))
    assert len(slice_labels) == sum(
        len(by) for v in d["slices"].values() for node in v.values() for by in node["labels"].values()
    )
    for row in slice_labels:
        _counts_agree(row, d["slices"][row["slice"]][row["value"]]["labels"][row["label"]][row["scheme"]])
    seen.add("slice_labels")

    intervals = _records(report.to_frame("intervals"))
    assert [r["metric"] for r in intervals] == list(d["intervals"])
    for row in intervals:
        assert {k: row[k] for k in ("estimate", "low", "high", "level")} == d["intervals"][row["metric"]]
    seen.add("intervals")

    seen |= _tracking_and_llm_frames_agree(report, d)
    assert seen == set(FRAMES)


def _tracking_and_llm_frames_agree(report: Report, d: dict[str, Any]) -> set[str]:
    checks = _records(report.to_frame("checks"))
    assert checks == d["gate"]["checks"] and checks
    comparison = _records(report.to_frame("comparison"))
    assert comparison == d["comparison"] and comparison
    if "grounding" in d:
        g = d["grounding"]
        rows = _records(report.to_frame("grounding"))
        expected = [{"label": None, **{k: v for k, v in g.items() if k != "labels"}}]
        expected += [{"policy": g["policy"], "label": label, **c} for label, c in g["labels"].items()]
        assert rows == expected and rows
        t = d["thresholds"]
        points = _records(report.to_frame("thresholds"))
        sweeps = [(None, t["micro"]), *t["labels"].items()]
        expected = [
            {"label": label, **p, "best": p == s["best"], "average_precision": s["average_precision"]}
            for label, s in sweeps
            for p in s["points"]
        ]
        assert points == expected and points
    else:
        assert report.to_frame("grounding").empty and report.to_frame("thresholds").empty
    return {"checks", "comparison", "grounding", "thresholds"}


def test_grounding_and_threshold_frames_of_a_grounded_llm_run(llm: Report) -> None:
    d = report_to_dict(llm)
    assert "grounding" in d and "thresholds" in d
    rows = _records(llm.to_frame("grounding"))
    assert rows[0]["label"] is None and rows[0]["mentions"] == d["grounding"]["mentions"] > 0
    assert [r["label"] for r in rows[1:]] == list(d["grounding"]["labels"])
    points = llm.to_frame("thresholds")
    micro = points[points.label.isna()]
    assert micro["threshold"].tolist() == [p["threshold"] for p in d["thresholds"]["micro"]["points"]]
    assert micro["f1"].tolist() == [p["f1"] for p in d["thresholds"]["micro"]["points"]]
    assert int(micro["best"].sum()) == 1
    best = micro[micro.best].iloc[0]
    assert best["threshold"] == d["thresholds"]["micro"]["best"]["threshold"]


def test_undefined_is_a_boolean_column_not_nan() -> None:
    from eval.counts import Counts, Metrics, Scheme
    from eval.report import EntityScores, Source

    empty = Counts()
    report = Report(
        gold=Source("g", "0" * 64, 1),
        predictions=Source("p", "1" * 64, 1),
        entities=EntityScores({Scheme.STRICT: empty}, {Scheme.STRICT: Metrics.mean([])}, {"X": {Scheme.STRICT: empty}}),
        schemes=(Scheme.STRICT,),
    )
    frame = report.to_frame("labels")
    assert frame["f1"].tolist() == [0.0] and not frame[["precision", "recall", "f1"]].isna().any().any()
    for r in RATIOS:
        assert frame[f"{r}_undefined"].dtype == bool and frame[f"{r}_undefined"].tolist() == [True]


def test_tidy_columns_and_filtering(scored: Report) -> None:
    labels = scored.to_frame("labels")
    assert list(labels.columns[:3]) == ["label", "scheme", "correct"]
    assert labels["correct"].dtype.kind == "i" and labels["f1"].dtype.kind == "f"
    strict = labels[labels.scheme == "strict"].set_index("label")
    assert strict.loc["PERSON", "f1"] == scored.entities.labels["PERSON"][next(iter(scored.entities.micro))].metrics.f1
    errors = scored.to_frame("errors")
    person = errors[(errors.gold_label == "PERSON") | (errors.predicted_label == "PERSON")]
    assert 0 < len(person) < len(errors)


def test_empty_sections_give_empty_frames_with_columns() -> None:
    report = reports.make_report()
    empty = ("errors", "confusion", "events", "slices", "intervals", "checks", "comparison", "grounding", "thresholds")
    for name in empty:
        frame = report.to_frame(name)
        assert frame.empty and list(frame.columns) == list(FRAMES[name][0])


def test_unknown_frame_and_missing_documents_are_usage_errors() -> None:
    report = reports.make_report()
    with pytest.raises(UsageError, match="no frame 'labelz'; use one of micro, macro"):
        report.to_frame("labelz")
    with pytest.raises(UsageError, match="per_document=True"):
        report.to_frame("documents")
