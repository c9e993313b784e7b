"""``Stream`` pairs each gold chunk with the predictions of its documents, in gold order.

Predictions in gold order need only the chunks around them; predictions of an earlier chunk
raise ``Misaligned`` (the caller then reads both files whole); predicted documents in no
chunk go along with the chunk being filled; texts left out of predictions come from the gold.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from eval.errors import FormatError, ValidationError
from eval.stream import Misaligned, Stream

TEXT = "Putin met Tokayev in Astana on Friday."


def write(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def corpus(n: int) -> list[dict]:
    return [{"id": f"d{i}", "text": TEXT, "entities": [{"start": 0, "end": 5, "label": "PER"}]} for i in range(n)]


@pytest.mark.parametrize("seed", range(8))
def test_stream_pairs_every_gold_document_once_with_its_predictions(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    gold = corpus(60)
    pred = [dict(d) for d in gold if rng.random() < 0.8]  # some documents have no predictions
    for d in pred:
        if rng.random() < 0.5:
            del d["text"]  # taken from the gold
    pred.insert(rng.randint(0, len(pred)), {"id": "extra", "text": TEXT, "entities": []})
    g, p = write(tmp_path / "g.jsonl", gold), write(tmp_path / "p.jsonl", pred)
    stream = Stream(g, p, block=rng.choice([100, 300, 1000, 1 << 20]))
    pairs = list(stream)
    assert [i for gc, _ in pairs for i in gc.ids] == [d["id"] for d in gold]
    assert sorted(i for _, pc in pairs for i in pc.ids) == sorted(d["id"] for d in pred)
    for gc, pc in pairs:
        assert set(pc.ids) - {"extra"} <= set(gc.ids)
        assert all(t == TEXT for t in pc.texts)
    assert stream.gold_documents == 60 and stream.pred_documents == len(pred)
    assert stream.gold_sha256 == hashlib.sha256(g.read_bytes()).hexdigest()
    assert stream.pred_sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_stream_pairs_other_order_is_misaligned(tmp_path: Path) -> None:
    gold = corpus(40)
    g, p = write(tmp_path / "g.jsonl", gold), write(tmp_path / "p.jsonl", gold[::-1])
    with pytest.raises(Misaligned):
        list(Stream(g, p, block=200))


def test_stream_pairs_duplicate_gold_id_across_chunks(tmp_path: Path) -> None:
    gold = corpus(30)
    g, p = write(tmp_path / "g.jsonl", gold), write(tmp_path / "p.jsonl", gold)
    gold[25]["id"] = "d2"
    write(g, gold)
    with pytest.raises(ValidationError, match="duplicate document id"):
        list(Stream(g, p, block=200))


def test_stream_pairs_bad_line_raised_at_the_end(tmp_path: Path) -> None:
    g = write(tmp_path / "g.jsonl", corpus(10))
    p = tmp_path / "p.jsonl"
    p.write_text(g.read_text() + "{not json\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"p\.jsonl:11"):
        list(Stream(g, p, block=200))
