"""--min-score, --sweep-scores and --min-overlap through the pipeline and the CLI: the scores
equal scoring the filtered predictions, the settings record the options, renderings show them."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.grounding import Policy
from eval.pipeline import Options, evaluate
from eval.readers.jsonl import read_jsonl
from eval.render import OutputFormat, render

ROOT = Path(__file__).parents[2]
NEWS_DEMO = ROOT / "gold" / "news-demo"


def scored_predictions(path: Path, seed: int = 7) -> Path:
    """The gold entities with random scores, some relabelled (wrong), some unscored."""
    rng = random.Random(seed)
    out = []
    for d in read_jsonl(NEWS_DEMO / "documents.jsonl"):
        ents = []
        for e in d.entities:
            wrong = rng.random() < 0.3
            entity = {"start": e.start, "end": e.end, "label": "ORG" if wrong and e.label != "ORG" else e.label}
            if rng.random() > 0.05:
                entity["score"] = round(rng.uniform(0.0, 0.6) if wrong else rng.uniform(0.3, 1.0), 2)
            ents.append(entity)
        out.append(json.dumps({"id": d.id, "entities": ents}))
    path.write_text("\n".join(out) + "\n")
    return path


def test_pipeline_min_score_equals_filtering_by_hand(tmp_path: Path) -> None:
    pred = scored_predictions(tmp_path / "pred.jsonl")
    kept = tmp_path / "kept.jsonl"
    rows = [json.loads(x) for x in pred.read_text().splitlines()]
    for r in rows:
        r["entities"] = [e for e in r["entities"] if e.get("score", 1.0) >= 0.5]
    kept.write_text("".join(json.dumps(r) + "\n" for r in rows))
    a = evaluate(NEWS_DEMO, pred, options=Options(min_score=0.5)).report
    b = evaluate(NEWS_DEMO, kept).report
    assert a.entities == b.entities
    assert a.settings.min_score == 0.5 and b.settings.min_score is None
    assert any(n.startswith("--min-score 0.5 dropped") for n in a.notes)


def test_pipeline_min_score_drops_low_mentions_before_grounding(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "d", "text": "Putin met Tokayev.", "entities": []}) + "\n")
    pred = tmp_path / "pred.jsonl"
    mentions = [{"label": "PER", "text": "Putin", "score": 0.9}, {"label": "PER", "text": "Lavrov", "score": 0.1}]
    pred.write_text(json.dumps({"id": "d", "entities": mentions}) + "\n")
    report = evaluate(gold, pred, options=Options(min_score=0.5, ground=Policy.FIRST)).report
    assert report.grounding is not None
    assert (report.grounding.total.mentions, report.grounding.total.ungrounded) == (1, 0)


def test_cli_sweep_scores_in_every_rendering(tmp_path: Path) -> None:
    pred = scored_predictions(tmp_path / "pred.jsonl")
    out, page = tmp_path / "report.json", tmp_path / "report.html"
    result = CliRunner().invoke(
        app, [str(NEWS_DEMO), str(pred), "--sweep-scores", "-f", "json", "-o", str(out), "--html", str(page)]
    )
    assert result.exit_code == 0, result.stderr
    t = json.loads(out.read_text())["thresholds"]
    assert t["unscored"] > 0
    best = t["micro"]["best"]
    strict_f1 = json.loads(out.read_text())["entities"]["micro"]["strict"]["f1"]
    assert best["f1"] >= strict_f1  # keeping everything is one of the thresholds' neighbours
    assert 0.3 <= best["threshold"] <= 0.7
    assert 0.0 < t["micro"]["average_precision"] <= 1.0
    html = page.read_text()
    assert 'aria-label="precision-recall curve"' in html and "<polyline" in html
    report = evaluate(NEWS_DEMO, pred, options=Options(sweep_scores=True)).report
    assert "Score thresholds" in render(report, OutputFormat.TABLE)
    assert "**Score thresholds** (strict)" in render(report, OutputFormat.MARKDOWN)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--min-overlap", "0"], "--min-overlap takes a number with 0 < F <= 1"),
        (["--min-overlap", "1.5"], "--min-overlap takes a number with 0 < F <= 1"),
        (["--min-score", "-0.1"], "--min-score takes a number with 0 <= T <= 1"),
        (["--min-overlap", "0.5", "--level", "document"], "--min-overlap compares offsets"),
        (["--sweep-scores", "--level", "document"], "--sweep-scores scores offsets"),
    ],
)
def test_cli_score_options_bad_values_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [str(NEWS_DEMO), str(NEWS_DEMO), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_cli_min_overlap_recorded_and_shown(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = CliRunner().invoke(
        app, [str(NEWS_DEMO), str(NEWS_DEMO), "--min-overlap", "0.5", "-f", "markdown", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert "min overlap: 0.5" in out.read_text()
