"""Predictions need only ids: without ``text`` the gold text is used, and the numbers are the
same as with the text, at mention and document level, on gold/news-demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.cli import app
from eval.pipeline import Options, evaluate
from eval.readers.jsonl import read_jsonl
from eval.render.json import report_to_dict
from eval.report import Level

ROOT = Path(__file__).parents[2]
NEWS_DEMO = ROOT / "gold" / "news-demo"
LABELS = ("PERSON", "ORG", "GPE", "LOC", "DATE")


def predictions(with_text: bool) -> list[dict]:
    """A noisy extractor's output on the news demo: some spans dropped, relabelled or shifted."""
    out = []
    for d in read_jsonl(NEWS_DEMO / "documents.jsonl"):
        entities = []
        for k, e in enumerate(d.entities):
            if k % 7 == 3:
                continue
            label = LABELS[k % len(LABELS)] if k % 5 == 1 else e.label
            start = e.start + 1 if k % 11 == 4 and e.end - e.start > 2 else e.start
            entities.append({"start": start, "end": e.end, "label": label, "text": d.text[start : e.end]})
        record: dict = {"id": d.id, "entities": entities}
        if with_text:
            record["text"] = d.text
        out.append(record)
    return out


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def scores(report_dict: dict) -> dict:
    return {k: v for k, v in report_dict.items() if k not in ("predictions",)}


@pytest.mark.parametrize("level", [Level.MENTION, Level.DOCUMENT])
def test_pipeline_ids_and_entities_only_score_as_with_text(level: Level, tmp_path: Path) -> None:
    with_text = write(tmp_path / "with_text.jsonl", predictions(True))
    ids_only = write(tmp_path / "ids_only.jsonl", predictions(False))
    assert all("text" not in json.loads(line) for line in ids_only.read_text().splitlines())
    options = Options(level=level, per_document=True)
    a = report_to_dict(evaluate(NEWS_DEMO, with_text, options=options).report)
    b = report_to_dict(evaluate(NEWS_DEMO, ids_only, options=options).report)
    assert a["entities"]["micro"]["strict"]["actual"] > 300
    assert 0.0 < a["entities"]["micro"]["strict"]["f1"] < 1.0
    assert scores(a) == scores(b)


def test_pipeline_ids_only_offset_free_names_at_document_level(tmp_path: Path) -> None:
    """Names only (LLM style: label and text, no offsets, no document text) at document level."""
    names = [
        {"id": r["id"], "entities": [{"label": e["label"], "text": e["text"]} for e in r["entities"]]}
        for r in predictions(False)
    ]
    with_text = [{**n, "text": d.text} for n, d in zip(names, read_jsonl(NEWS_DEMO / "documents.jsonl"), strict=True)]
    options = Options(level=Level.DOCUMENT)
    a = evaluate(NEWS_DEMO, write(tmp_path / "a.jsonl", with_text), options=options).report
    b = evaluate(NEWS_DEMO, write(tmp_path / "b.jsonl", names), options=options).report
    assert a.entities == b.entities
    assert a.entities.micro


def test_cli_ids_only_predictions_exit_0_same_json(tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for name, with_text in (("a", True), ("b", False)):
        pred = write(tmp_path / f"{name}.jsonl", predictions(with_text))
        out = tmp_path / f"{name}.json"
        result = runner.invoke(app, [str(NEWS_DEMO), str(pred), "--format", "json", "--out", str(out)])
        assert result.exit_code == 0, result.stderr
        outs.append(scores(json.loads(out.read_text())))
    assert outs[0] == outs[1]


def test_pipeline_text_present_must_still_equal_gold(tmp_path: Path) -> None:
    records = predictions(True)
    records[2]["text"] += " (updated)"
    pred = write(tmp_path / "pred.jsonl", records)
    result = CliRunner().invoke(app, [str(NEWS_DEMO), str(pred)])
    assert result.exit_code == 2
    assert "pred.jsonl:3:" in result.stderr and "text differs from the gold text" in result.stderr


def test_pipeline_gold_needs_its_text(tmp_path: Path) -> None:
    gold = write(tmp_path / "gold.jsonl", [{"id": "d1", "entities": []}])
    result = CliRunner().invoke(app, [str(gold), str(gold)])
    assert result.exit_code == 2
    assert "gold.jsonl:1: document 'd1': text is missing; a gold document needs its text" in result.stderr


def test_brat_without_txt_takes_the_gold_text(tmp_path: Path) -> None:
    gold_doc = read_jsonl(NEWS_DEMO / "documents.jsonl")[0]
    e = gold_doc.entities[0]
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / f"{gold_doc.id}.ann").write_text(f"T1\t{e.label} {e.start} {e.end}\t{gold_doc.text[e.start : e.end]}\n")
    report = evaluate(NEWS_DEMO, folder, options=Options(allow_extra=False)).report
    assert report.entities.micro[next(iter(report.entities.micro))].correct == 1
