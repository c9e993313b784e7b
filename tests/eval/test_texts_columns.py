"""Texts left in Arrow memory answer exactly as Python strings do.

``eval.texts`` compares texts column-wise when they are Arrow arrays (the Arrow reader's): code
point lengths, a predicted text against its gold text, an entity's text against the text at its
offsets. Each is checked here against the plain Python definition on random texts, with ASCII
and non-ASCII documents (accents, Cyrillic, astral emoji) mixed in the same block.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.json as pj
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eval.readers.arrow as arrow
import eval.readers.jsonl as jsonl
from eval.table import Table
from eval.texts import ById, Texts, concat, differ, from_strings, lengths, spans_differ
from eval.validate import check_pair, check_table

ALPHABET = st.sampled_from(list("abc xyz.") + ["é", "Ж", "и", "🙂", "\u0301", "𝔸"])
TEXT = st.text(ALPHABET, min_size=0, max_size=40)


def arrow_texts(values: list[str], pieces: int = 1) -> Texts:
    """``values`` as Texts of ``pieces`` arrays parsed by pyarrow.json, as the reader makes them."""
    bounds = np.linspace(0, len(values), pieces + 1).astype(int)
    chunks = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        raw = "".join(json.dumps({"t": v}) + "\n" for v in values[lo:hi]).encode()
        if raw:
            chunks.append(pj.read_json(pa.BufferReader(raw)).column("t").combine_chunks())
    return Texts(chunks)


@settings(max_examples=80, deadline=None)
@given(st.lists(TEXT, max_size=25), st.integers(1, 4))
def test_texts_sequence_equals_the_list(values: list[str], pieces: int) -> None:
    texts = arrow_texts(values, pieces)
    assert len(texts) == len(values) and list(texts) == values and texts == values
    assert [texts[i] for i in range(-len(values), len(values))] == values + values
    assert lengths(texts).tolist() == [len(v) for v in values] == lengths(values).tolist()
    for lo, hi in [(0, len(values)), (1, 3), (len(values) // 2, len(values))]:
        assert list(texts[lo:hi]) == values[lo:hi]
    assert list(concat([texts, texts[1:]])) == values + values[1:]
    assert list(concat([texts, values])) == values + values  # a list part: a list
    with pytest.raises(IndexError):
        texts[len(values)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT, st.booleans()), min_size=1, max_size=20), st.randoms())
def test_differ_equals_python(pairs: list[tuple[str, str, bool]], rnd) -> None:  # type: ignore[no-untyped-def]
    gold = [g for g, _, _ in pairs]
    pred = [g if same else p for g, p, same in pairs]
    rows_pred = np.arange(len(pred), dtype=np.int64)
    rows_gold = np.asarray(rnd.sample(range(len(gold)), len(gold)), dtype=np.int64)
    for order in (rows_pred, rows_gold):  # consecutive rows (a slice) and any rows (a take)
        want = [k for k in range(len(pred)) if pred[k] != gold[order[k]]]
        assert differ(pred, rows_pred, gold, order).tolist() == want
        assert differ(arrow_texts(pred, 2), rows_pred, arrow_texts(gold, 3), order).tolist() == want


@st.composite
def spans(draw: st.DrawFn) -> tuple[list[str], list[tuple[int, int, int, str]]]:
    docs = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=30), min_size=1, max_size=6))
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        d = draw(st.integers(0, len(docs) - 1))
        s = draw(st.integers(0, len(docs[d]) - 1))
        e = draw(st.integers(s + 1, len(docs[d])))
        truth = docs[d][s:e]
        given = draw(st.sampled_from([truth, truth, truth + "x", truth[:-1], truth.upper(), "é" * len(truth), ""]))
        rows.append((d, s, e, given))
    return docs, rows


@settings(max_examples=150, deadline=None)
@given(spans(), st.integers(1, 3))
def test_spans_differ_equals_python(case: tuple[list[str], list[tuple[int, int, int, str]]], pieces: int) -> None:
    docs, rows = case
    doc = np.asarray([r[0] for r in rows], dtype=np.int64)
    start = np.asarray([r[1] for r in rows], dtype=np.int64)
    end = np.asarray([r[2] for r in rows], dtype=np.int64)
    given_texts = [r[3] for r in rows]
    want = [k for k, (d, s, e, g) in enumerate(rows) if docs[d][s:e] != g]
    assert spans_differ(docs, doc, start, end, given_texts).tolist() == want
    assert spans_differ(arrow_texts(docs, pieces), doc, start, end, given_texts).tolist() == want


def test_from_strings_and_by_id() -> None:
    values = ["Astana", "Алматы", "", "🙂 x"]
    assert from_strings(values).to_pylist() == values
    by_id = ById(["a", "b", "c", "d"], arrow_texts(values))
    assert by_id["b"] == "Алматы" and by_id.get("z") is None and len(by_id) == 4 and list(by_id) == list("abcd")


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_arrow_and_exact_readers_report_the_same_text_problems(tmp_path: Path) -> None:
    """Entity texts right and wrong, in ASCII and non-ASCII documents; a predicted text that
    differs from the gold one; a prediction without text: the Arrow table (texts in Arrow) and
    the exact reader's table (Python strings) give the same problems, in the same order."""
    gold = [
        {
            "id": "a",
            "text": "Putin met Tokayev in Astana.",
            "entities": [
                {"start": 10, "end": 17, "label": "PERSON", "text": "Tokayev"},
                {"start": 21, "end": 27, "label": "GPE", "text": "Astanb"},
            ],
        },
        {
            "id": "b",
            "text": "Визит в Алматы 🙂 Tokayev прибыл",
            "entities": [
                {"start": 8, "end": 14, "label": "GPE", "text": "Алматы"},
                {"start": 17, "end": 24, "label": "PERSON", "text": "Tokayev"},
                {"start": 18, "end": 25, "label": "PERSON", "text": "Tokayev"},  # UTF-16 offsets
            ],
        },
    ]
    pred = [
        {"id": "a", "text": "Putin met Tokayev in Astana!", "entities": []},
        {"id": "b", "entities": [{"start": 0, "end": 5, "label": "EVENT", "text": "Визит"}]},
    ]
    g, p = write(tmp_path / "gold.jsonl", gold), write(tmp_path / "pred.jsonl", pred)
    fast_gold = arrow.read_table(g)
    assert isinstance(fast_gold.texts, Texts)
    fast_pred = arrow.read_table(p, reference=ById(fast_gold.ids, fast_gold.texts))
    assert isinstance(fast_pred.texts, Texts) and fast_pred.texts[1] == gold[1]["text"]
    exact_gold = Table.from_documents(jsonl.read_jsonl(g), path=str(g), format="jsonl", sha256="")
    exact_pred = Table.from_documents(
        jsonl.read_jsonl(p, reference={d.id: d for d in jsonl.read_jsonl(g)}), path=str(p), format="jsonl", sha256=""
    )
    assert isinstance(exact_gold.texts, list)
    problems = check_table(fast_gold, gold=True)
    assert [x.message for x in problems] == [x.message for x in check_table(exact_gold, gold=True)]
    assert [x.where for x in problems] == [f"{g}:1: entities[1]", f"{g}:2: entities[2]"]
    assert "UTF-16" in problems[1].message
    pair = check_pair(fast_gold, fast_pred, allow_extra=False).problems
    assert [(x.where, x.message) for x in pair] == [
        (x.where, x.message) for x in check_pair(exact_gold, exact_pred, allow_extra=False).problems
    ]
    assert [x.where for x in pair] == [f"{p}:1"] and "offset 27" in pair[0].message


def test_column_checks_import_no_pandas() -> None:
    code = (
        "import sys, numpy as np, pyarrow as pa, pyarrow.json as pj\n"
        "from eval.texts import Texts, differ, lengths, spans_differ\n"
        'c = pj.read_json(pa.BufferReader(b\'{"t": "ab\\\\u00e9c"}\\n{"t": "xyz"}\\n\')).column(\'t\').chunk(0)\n'
        "t = Texts([c]); r = np.arange(2)\n"
        "assert lengths(t).tolist() == [4, 3]\n"
        "assert differ(t, r, t, r[::-1].copy()).tolist() == [0, 1]\n"
        "one, zero = np.ones(2, dtype=np.int64), np.zeros(2, dtype=np.int64)\n"
        "assert spans_differ(t, r, zero, one, ['a', 'y']).tolist() == [1]\n"
        "assert 'pandas' not in sys.modules, 'a column check imported pandas'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])


def test_differ_beyond_what_a_string_array_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts of more than 2 GiB in all are taken as large_string (64-bit offsets): with the
    limit made tiny, the comparison takes that path and still equals Python's."""
    import random

    import eval.texts as texts_module

    rnd = random.Random(3)
    gold = ["".join(rnd.choice("abé🙂 ") for _ in range(rnd.randint(0, 12))) for _ in range(60)]
    pred = [g if rnd.random() < 0.7 else g + "x" for g in gold]
    rows = np.asarray(rnd.sample(range(60), 60), dtype=np.int64)
    want = [k for k in range(60) if pred[rows[k]] != gold[rows[k]]]
    for limit in (texts_module.LARGE, 1):
        monkeypatch.setattr(texts_module, "LARGE", limit)
        got = differ(arrow_texts(pred, 3), rows, arrow_texts(gold, 4), rows)
        assert got.tolist() == want
        consecutive = np.arange(60, dtype=np.int64)
        assert differ(arrow_texts(pred, 2), consecutive, arrow_texts(gold, 5), rows).tolist() == [
            k for k in range(60) if pred[k] != gold[rows[k]]
        ]
