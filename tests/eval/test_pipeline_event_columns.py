"""Events read as columns (JSONL and Parquet, chunk by chunk) score exactly as events read as
documents, and an event the columns cannot take is read by the exact reader, whose message
names the line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import eval.pipeline as pipeline
from eval.convert import convert
from eval.errors import ValidationError
from eval.pipeline import Options, evaluate
from eval.readers import arrow
from eval.render import render

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from events_synth import generate  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ev")
    generate(folder, docs=300, seed=5)
    return folder


def as_documents(gold: Path, pred: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The whole path with events read as documents (what the code did before columns)."""
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_evaluate_in_chunks", lambda *a: None)
        m.setattr(pipeline, "event_columns_wanted", lambda options: False)
        return json.loads(render(evaluate(gold, pred).report, "json"))


@pytest.mark.parametrize("block", [2000, 50_000, 1 << 24])
def test_pipeline_event_columns_equal_documents(corpus: Path, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    gold, pred = corpus / "gold.jsonl", corpus / "pred.jsonl"
    expected = as_documents(gold, pred, monkeypatch)
    exact = []
    original = arrow._read_lines
    monkeypatch.setattr(arrow, "_read_lines", lambda *a: exact.append(1) or original(*a))
    monkeypatch.setattr(arrow, "BLOCK", block)
    got = json.loads(render(evaluate(gold, pred).report, "json"))
    assert got == expected
    assert expected["events"]["micro"]["trigger_classification"]["tp"] > 0
    assert not exact  # every block was read as columns


def test_pipeline_event_columns_parquet(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("gold", "pred"):
        convert(corpus / f"{name}.jsonl", tmp_path / f"{name}.parquet")
    expected = as_documents(corpus / "gold.jsonl", corpus / "pred.jsonl", monkeypatch)
    got = json.loads(render(evaluate(tmp_path / "gold.parquet", tmp_path / "pred.parquet").report, "json"))
    assert got["events"] == expected["events"] and got["entities"] == expected["entities"]


def test_pipeline_event_columns_details_read_documents(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = evaluate(corpus / "gold.jsonl", corpus / "pred.jsonl", options=Options(details=True)).report
    assert report.event_errors  # error cases need the events as documents
    assert (
        json.loads(render(report, "json"))["events"]
        == as_documents(corpus / "gold.jsonl", corpus / "pred.jsonl", monkeypatch)["events"]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda ev: ev["trigger"].update(start=10_000, end=10_005), r"pred\.jsonl:8: document '.*': events\[0\]"),
        (lambda ev: ev["trigger"].update(text="not the text"), r"pred\.jsonl:8: document '.*': events\[0\]\.trigger"),
    ],
    ids=["trigger_outside_text", "trigger_text_differs"],
)
def test_pipeline_event_columns_bad_event_named_by_line(
    corpus: Path, tmp_path: Path, change: object, message: str
) -> None:
    lines = (corpus / "pred.jsonl").read_text(encoding="utf-8").splitlines()
    doc = json.loads(lines[7])
    assert doc["events"], "the fixture's 8th document has events"
    change(doc["events"][0])  # type: ignore[operator]
    lines[7] = json.dumps(doc)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        evaluate(corpus / "gold.jsonl", pred)
