"""``evaluate merge``: the reports of a corpus's shards, merged, equal the report of the whole.

Entities (every scheme, micro, per label and macro), events (micro, per type, per role) and the
confusion matrix; what cannot be summed is left out with a note; mismatched or repeated shards
and files that are not reports are one line each, exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import merge_app
from eval.errors import FormatError, UsageError
from eval.merge import merge_reports
from eval.pipeline import Options, evaluate
from eval.render.json import render_json, report_to_dict

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from events_synth import generate as generate_events  # noqa: E402
from synth import generate  # noqa: E402


def shards(folder: Path, cuts: list[int]) -> list[tuple[Path, Path]]:
    """gold/pred split at document ``cuts`` (the predictions follow their gold documents)."""
    out = []
    gold = (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    pred = (folder / "pred.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    ids = [json.loads(line)["id"] for line in gold]
    bounds = [0, *cuts, len(gold)]
    for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        mine = set(ids[lo:hi])
        paths = folder / f"gold-{k}.jsonl", folder / f"pred-{k}.jsonl"
        paths[0].write_text("".join(gold[lo:hi]), encoding="utf-8")
        paths[1].write_text("".join(x for x in pred if json.loads(x)["id"] in mine), encoding="utf-8")
        out.append(paths)
    return out


def parts(folder: Path, pairs: list[tuple[Path, Path]], options: Options) -> list[Path]:
    written = []
    for k, (g, p) in enumerate(pairs):
        path = folder / f"part-{k}.json"
        path.write_text(render_json(evaluate(g, p, options=options).report), encoding="utf-8")
        written.append(path)
    return written


@pytest.mark.parametrize("details", [False, True])
def test_merged_shards_equal_the_whole_entities(tmp_path: Path, details: bool) -> None:
    generate(tmp_path, docs=240, entities=8, seed=11)
    options = Options(details=details)
    merged = report_to_dict(merge_reports(parts(tmp_path, shards(tmp_path, [70, 71, 190]), options)))
    whole = report_to_dict(evaluate(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", options=options).report)
    assert merged["entities"] == whole["entities"]
    assert merged["gold"]["documents"] == whole["gold"]["documents"] == 240
    assert merged.get("confusion") == whole.get("confusion") and ("confusion" in whole) == details
    assert merged["notes"][0].startswith("merged from 4 shard reports (part-0.json, part-1.json, part-2.json")
    assert ("not merged (made of a whole shard, not summable): error cases" in merged["notes"]) == details
    assert "errors" not in merged


def test_merged_shards_equal_the_whole_events(tmp_path: Path) -> None:
    generate_events(tmp_path, docs=150, seed=5)
    merged = report_to_dict(merge_reports(parts(tmp_path, shards(tmp_path, [40, 100]), Options())))
    whole = report_to_dict(evaluate(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl").report)
    assert whole["events"]["micro"]["trigger_classification"]["tp"] > 0
    assert merged["events"] == whole["events"]
    assert merged["entities"] == whole["entities"]


def test_merge_refuses_what_does_not_add_up(tmp_path: Path) -> None:
    generate(tmp_path, docs=60, entities=4, seed=2)
    (a, b) = parts(tmp_path, shards(tmp_path, [30]), Options())
    with pytest.raises(UsageError, match="the same gold shard as"):
        merge_reports([a, a])
    other = tmp_path / "other.json"
    g, p = tmp_path / "gold-1.jsonl", tmp_path / "pred-1.jsonl"
    other.write_text(render_json(evaluate(g, p, options=Options(min_score=0.5)).report), encoding="utf-8")
    with pytest.raises(UsageError, match=r"other\.json: scored with other settings than .*part-0\.json"):
        merge_reports([a, other])
    with pytest.raises(UsageError, match="at least two"):
        merge_reports([a])
    broken = tmp_path / "broken.json"
    data = json.loads(b.read_text(encoding="utf-8"))
    data["entities"]["micro"]["strict"]["correct"] = -3
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FormatError, match=r"broken\.json: malformed goldbench report .*strict\.correct is -3"):
        merge_reports([a, broken])


def test_merge_cli_writes_one_report_or_one_line(tmp_path: Path) -> None:
    generate(tmp_path, docs=60, entities=4, seed=3)
    a, b = parts(tmp_path, shards(tmp_path, [25]), Options())
    runner = CliRunner()
    out = tmp_path / "merged.json"
    result = runner.invoke(merge_app, [str(a), str(b), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    whole = evaluate(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl").report
    assert json.loads(out.read_text(encoding="utf-8"))["entities"] == report_to_dict(whole)["entities"]
    bad = tmp_path / "not-a-report.json"
    bad.write_text('{"schema": "something else"}', encoding="utf-8")
    result = runner.invoke(merge_app, [str(a), str(bad), "-o", str(tmp_path / "x.json")])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and "not-a-report.json: not a goldbench report" in lines[0]
    assert not (tmp_path / "x.json").exists()


def test_merged_report_is_a_report(tmp_path: Path) -> None:
    """The merged report renders in every format, as any report does."""
    from eval.render import OutputFormat, render

    generate(tmp_path, docs=40, entities=4, seed=9)
    merged = merge_reports(parts(tmp_path, shards(tmp_path, [20]), Options()))
    for kind in OutputFormat:
        assert render(merged, kind)
    assert merged.gold.path == f"{tmp_path / 'gold-0.jsonl'} + {tmp_path / 'gold-1.jsonl'}"


def test_merged_per_document_scores_are_the_whole_corpus(tmp_path: Path) -> None:
    generate(tmp_path, docs=80, entities=5, seed=6)
    options = Options(per_document=True)
    a, b = parts(tmp_path, shards(tmp_path, [33]), options)
    merged = report_to_dict(merge_reports([a, b]))
    whole = report_to_dict(evaluate(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", options=options).report)
    assert len(whole["entities"]["documents"]) == 80
    assert merged["entities"] == whole["entities"]
    c = tmp_path / "plain-0.json"  # the first shard without per-document scores
    c.write_text(render_json(evaluate(tmp_path / "gold-0.jsonl", tmp_path / "pred-0.jsonl").report), encoding="utf-8")
    notes = report_to_dict(merge_reports([c, b]))["notes"]
    assert any("per-document scores (not in every shard)" in n for n in notes)


def test_merge_names_a_bad_confusion_block_or_a_shared_document(tmp_path: Path) -> None:
    generate(tmp_path, docs=40, entities=4, seed=8)
    a, b = parts(tmp_path, shards(tmp_path, [20]), Options(details=True, per_document=True))
    data = json.loads(b.read_text(encoding="utf-8"))
    runner = CliRunner()
    for broken in ({"labels": ["A"], "matrix": [[1, 2]]}, {"labels": ["A"]}, [1], {"labels": ["A"], "matrix": [[-1]]}):
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({**data, "confusion": broken}), encoding="utf-8")
        result = runner.invoke(merge_app, [str(a), str(bad)])
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and "bad.json: malformed goldbench report" in lines[0], lines
    twice = tmp_path / "twice.json"
    shared = dict(data["entities"]["documents"])
    first = json.loads(a.read_text(encoding="utf-8"))
    shared.update(first["entities"]["documents"])
    twice.write_text(json.dumps({**data, "entities": {**data["entities"], "documents": shared}}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"twice\.json: document '.+' is also in .*part-0\.json"):
        merge_reports([a, twice])
