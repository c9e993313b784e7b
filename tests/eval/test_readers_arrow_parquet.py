"""Parquet read through Arrow into a ``Table`` equals the same documents read from JSONL.

Plain batches take the column path (``table_from_arrow``), the others (events, meta, entity
ids, missing texts) go row by row through the exact parser; both must give what the JSONL
file gives, and ``evaluate`` must score a Parquet pair exactly as the JSONL pair.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from eval.convert import convert
from eval.pipeline import evaluate, load_table
from eval.readers import arrow
from eval.table import Table

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from synth import generate  # noqa: E402

TEXT = "Putin met Tokayev in Astana on Friday."


def same(a: Table, b: Table) -> None:
    assert a.ids == b.ids and a.texts == b.texts
    assert np.array_equal(a.counts, b.counts)
    assert np.array_equal(a.start, b.start) and np.array_equal(a.end, b.end)
    assert [a.label(r) for r in range(a.start.size)] == [b.label(r) for r in range(b.start.size)]
    assert a.entity_texts == b.entity_texts and a.entity_scores == b.entity_scores
    assert a.extras == b.extras
    assert [d._replace(path="", line=0) for d in a.to_documents()] == [
        d._replace(path="", line=0) for d in b.to_documents()
    ]


def records(rng: random.Random, n: int, *, plain: bool) -> list[dict]:
    out = []
    for i in range(n):
        ents = [
            {"start": s, "end": s + 3, "label": rng.choice(["PER", "LOC"])}
            | ({"score": round(rng.random(), 2)} if rng.random() < 0.3 else {})
            | ({"text": TEXT[s : s + 3]} if rng.random() < 0.3 else {})
            for s in sorted(rng.sample(range(30), rng.randint(0, 3)))
        ]
        obj: dict = {"id": f"d{i}", "text": TEXT, "entities": ents}
        if not plain and rng.random() < 0.3:
            obj["meta"] = {"source": rng.choice(["wire", "web"])}
        if not plain and rng.random() < 0.2:
            obj["events"] = [{"type": "Meet", "trigger": {"start": 6, "end": 9}, "arguments": []}]
        out.append(obj)
    return out


def write(path: Path, recs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


@pytest.mark.parametrize(("seed", "plain"), [(0, True), (1, True), (2, False), (3, False)])
def test_readers_arrow_parquet_equals_jsonl(
    tmp_path: Path, seed: int, plain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write(tmp_path / "g.jsonl", records(random.Random(seed), 50, plain=plain))
    convert(src, tmp_path / "g.parquet")
    exact = []
    original = arrow._exact_rows
    monkeypatch.setattr(arrow, "_exact_rows", lambda *a: exact.append(1) or original(*a))
    from_parquet = Table.concat(
        [t for t, _ in arrow.iter_parquet_tables(tmp_path / "g.parquet", batch_docs=7)],
        path="p",
        format="parquet",
        sha256="",
    )
    same(from_parquet, load_table(src))
    whole = load_table(tmp_path / "g.parquet")
    same(whole, load_table(src))
    assert whole.lines == list(range(1, 51)) and whole.format == "parquet"
    assert (not exact) if plain else exact  # plain batches take the column path, the others the exact one


def test_readers_arrow_parquet_predictions_without_text_take_the_gold_text(tmp_path: Path) -> None:
    recs = records(random.Random(5), 20, plain=True)
    gold = write(tmp_path / "g.jsonl", recs)
    pred = write(tmp_path / "p.jsonl", [{k: v for k, v in r.items() if k != "text"} for r in recs])
    convert(gold, tmp_path / "g.parquet")
    g = load_table(gold)
    table = arrow.read_table(tmp_path / "g.parquet", format="parquet")
    same(table, g)
    assert load_table(pred, reference=g).texts == g.texts


def test_readers_arrow_parquet_scores_equal_jsonl(tmp_path: Path) -> None:
    generate(tmp_path / "c", docs=300, entities=12, seed=3)
    for name in ("gold", "pred"):
        convert(tmp_path / "c" / f"{name}.jsonl", tmp_path / f"{name}.parquet")
    from_jsonl = evaluate(tmp_path / "c" / "gold.jsonl", tmp_path / "c" / "pred.jsonl").report
    from_parquet = evaluate(tmp_path / "gold.parquet", tmp_path / "pred.parquet").report
    assert from_parquet.entities == from_jsonl.entities
    assert from_parquet.gold.documents == from_jsonl.gold.documents == 300


@pytest.mark.parametrize("large", [False, True])
def test_readers_arrow_strings_equal_to_pylist(large: bool) -> None:
    import pyarrow as pa

    values = ["Astana", None, "Астана 🌍", "", "Putin", None, "x" * 300]
    arr = pa.array(values, type=pa.large_string() if large else pa.string())
    assert arrow.strings(arr) == values
    assert arrow.strings(arr.slice(2, 4)) == values[2:6]
    assert arrow.strings(pa.chunked_array([arr, arr.slice(1)])) == values + values[1:]
    assert arrow.strings(pa.array(["plain", "ascii"])) == ["plain", "ascii"]
