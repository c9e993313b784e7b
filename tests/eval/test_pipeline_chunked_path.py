"""``evaluate`` scores JSONL and Parquet chunk by chunk, and falls back to the whole path
(never silently wrong) for other orders, formats, options and bad input.

The chunked run must equal the whole run; to know which path ran, the whole path's
``load_gold`` is replaced by one that fails (chunked) or the chunked one by None (whole).
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
from eval.render import render

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from synth import generate  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("c")
    generate(folder, docs=400, entities=10, seed=11)
    return folder


def whole(gold: Path, pred: Path, options: Options, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(pipeline, "_evaluate_in_chunks", lambda *a: None)
        return render(evaluate(gold, pred, options=options).report, "json")


def chunked(gold: Path, pred: Path, options: Options, monkeypatch: pytest.MonkeyPatch, block: int) -> str:
    def no_whole_path(*a: object, **k: object) -> None:
        raise AssertionError("the whole path ran")

    with monkeypatch.context() as m:
        m.setattr(pipeline, "load_gold", no_whole_path)
        m.setattr("eval.readers.arrow.BLOCK", block)
        return render(evaluate(gold, pred, options=options).report, "json")


@pytest.mark.parametrize("block", [4096, 65536, 1 << 24])
@pytest.mark.parametrize(
    "options",
    [Options(), Options(per_document=True, details=True), Options(min_overlap=0.5, max_errors=7)],
    ids=["default", "details", "overlap"],
)
def test_pipeline_chunked_equals_whole(
    corpus: Path, options: Options, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold, pred = corpus / "gold.jsonl", corpus / "pred.jsonl"
    assert chunked(gold, pred, options, monkeypatch, block) == whole(gold, pred, options, monkeypatch)


def test_pipeline_chunked_parquet_equals_whole_jsonl(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("gold", "pred"):
        convert(corpus / f"{name}.jsonl", tmp_path / f"{name}.parquet")
    from_parquet = json.loads(
        chunked(tmp_path / "gold.parquet", tmp_path / "pred.parquet", Options(), monkeypatch, 65536)
    )
    from_jsonl = json.loads(whole(corpus / "gold.jsonl", corpus / "pred.jsonl", Options(), monkeypatch))
    assert from_parquet["entities"] == from_jsonl["entities"]


def test_pipeline_predictions_in_another_order_take_the_whole_path(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = (corpus / "pred.jsonl").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "pred.jsonl"
    shuffled.write_text("\n".join(lines[::-1]) + "\n", encoding="utf-8")
    expected = json.loads(whole(corpus / "gold.jsonl", corpus / "pred.jsonl", Options(), monkeypatch))
    got = json.loads(render(evaluate(corpus / "gold.jsonl", shuffled).report, "json"))
    assert got["entities"] == expected["entities"]
    with pytest.raises(AssertionError, match="the whole path ran"):
        chunked(corpus / "gold.jsonl", shuffled, Options(), monkeypatch, 65536)
    # within one chunk the order does not matter
    one_chunk = json.loads(chunked(corpus / "gold.jsonl", shuffled, Options(), monkeypatch, 1 << 24))
    assert one_chunk["entities"] == expected["entities"]


def test_pipeline_bad_input_is_reported_by_the_whole_path(corpus: Path, tmp_path: Path) -> None:
    lines = (corpus / "pred.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[300])
    bad["entities"] = [{"start": 5, "end": 2, "label": "PER"}]
    lines[300] = json.dumps(bad)
    pred = tmp_path / "pred.jsonl"
    pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"pred\.jsonl:301: entities\[0\]"):
        evaluate(corpus / "gold.jsonl", pred)
