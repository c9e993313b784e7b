"""The report's settings block, the gate's refusal of a baseline made under other settings, and
ceilings (--fail-over) on grounding paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.errors import UsageError
from eval.gate import check_settings, metric_value, parse_thresholds, run_gate
from eval.labelmap import parse_label_map
from eval.pipeline import Options
from eval.render.json import settings_to_dict
from eval.report import CheckKind, Settings

TEXT = "Putin met Tokayev in Astana."
GOLD = {
    "id": "d1",
    "text": TEXT,
    "entities": [{"start": 0, "end": 5, "label": "PERSON"}, {"start": 21, "end": 27, "label": "GPE"}],
}
PRED = {"id": "d1", "entities": [{"label": "PER", "text": "Putin"}, {"label": "GPE", "text": "Moscow"}]}


def write(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def report_with(**settings: object) -> dict:
    return {"schema": "goldbench.report/1", "settings": settings_to_dict(Settings(**settings))}  # type: ignore[arg-type]


def test_gate_settings_equal_pass_and_missing_block_means_defaults() -> None:
    check_settings(report_with(min_overlap=0.5), report_with(min_overlap=0.5), baseline_path="b.json")
    check_settings(report_with(), {"schema": "goldbench.report/1"}, baseline_path="b.json")


@pytest.mark.parametrize(
    ("ours", "theirs", "named"),
    [
        ({"min_overlap": 0.5}, {}, "min_overlap"),
        ({"ground": "first"}, {"ground": "all"}, "ground"),
        ({"min_score": 0.3}, {"min_score": 0.4}, "min_score"),
        ({"bio_mode": "strict"}, {}, "bio_mode"),
        ({"label_map_sha256": "a" * 64}, {"label_map_sha256": "b" * 64}, "label_map_sha256"),
        ({"drop_unknown_labels": True}, {}, "drop_unknown_labels"),
    ],
)
def test_gate_settings_differ_names_the_setting(ours: dict, theirs: dict, named: str) -> None:
    with pytest.raises(UsageError, match=rf"b\.json was scored with {named}=.*this run with {named}="):
        check_settings(report_with(**ours), report_with(**theirs), baseline_path="b.json")


def test_gate_settings_ignore_where_the_map_came_from() -> None:
    inline = Options(label_map=parse_label_map("PER=PERSON")).settings()
    again = Options(label_map=parse_label_map("PER=PERSON")).settings()
    a = {"settings": settings_to_dict(inline)}
    b = {"settings": {**settings_to_dict(again), "label_map_source": "maps/x.yaml"}}
    check_settings(a, b, baseline_path="b.json")


def test_gate_ceiling_on_grounding_rate() -> None:
    report = {"grounding": {"ungrounded_rate": 0.2, "labels": {"PER.X": {"ungrounded_rate": 0.0}}}}
    assert metric_value(report, "grounding.ungrounded_rate") == 0.2
    assert metric_value(report, "grounding.labels.PER.X.ungrounded_rate") == 0.0
    over = parse_thresholds(
        "grounding.ungrounded_rate=0.05,grounding.labels.PER.X.ungrounded_rate=0", option="--fail-over"
    )
    gate = run_gate(
        report,
        fail_under={},
        fail_over=over,
        max_drop_default=None,
        max_drop={},
        baseline_json=None,
        baseline_path=None,
    )
    kinds = {c.metric: (c.kind, c.passed) for c in gate.checks}
    assert kinds == {
        "grounding.ungrounded_rate": (CheckKind.CEILING, False),
        "grounding.labels.PER.X.ungrounded_rate": (CheckKind.CEILING, True),
    }
    with pytest.raises(UsageError, match="not a metric path"):
        parse_thresholds("grounding.nonsense=0.1", option="--fail-over")


def test_cli_settings_block_and_gate_refusal(tmp_path: Path) -> None:
    gold = write(tmp_path / "gold.jsonl", GOLD)
    pred = write(tmp_path / "pred.jsonl", PRED)
    base = tmp_path / "base.json"
    code, _, err = run(gold, pred, "--ground", "first", "--label-map", "PER=PERSON", "-f", "json", "-o", base)
    assert code == 0, err
    data = json.loads(base.read_text())
    assert data["settings"]["ground"] == "first"
    assert data["settings"]["label_map"] == {"PER": "PERSON"}
    assert data["settings"]["label_map_sha256"] == parse_label_map("PER=PERSON").sha256
    assert data["grounding"]["ungrounded_rate"] == 0.5
    # same settings: compared; other settings: exit 2 naming the setting, nothing written
    code, _, err = run(
        gold, pred, "--ground", "first", "--label-map", "PER=PERSON", "--baseline", base, "--max-drop", "0.01"
    )
    assert code == 0, err
    out = tmp_path / "other.json"
    code, _, err = run(gold, pred, "--ground", "all", "--label-map", "PER=PERSON", "--baseline", base, "-o", out)
    assert code == 2
    assert "was scored with ground=first, this run with ground=all" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
    # a ceiling: 0.5 ungrounded is above 0.05 (exit 1), below 0.6 (exit 0)
    assert run(gold, pred, "--ground", "first", "--fail-over", "grounding.ungrounded_rate=0.05")[0] == 1
    assert run(gold, pred, "--ground", "first", "--fail-over", "grounding.ungrounded_rate=0.6")[0] == 0
