"""The block-wise column reader equals the exact record parser, whatever the block size.

``read_table`` decodes blocks of plain records in one call and falls back to line-by-line
parsing for blocks with events, blank lines or errors; these tests force tiny blocks so that
every mixture and boundary is exercised, and compare with ``Table.from_documents(read_jsonl)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eval.readers.arrow as arrow
import eval.readers.jsonl as jsonl
from eval.errors import FormatError
from eval.table import Table

TEXT = "Putin met Tokayev in Astana 🙂 on Friday."


def record(i: int, kind: str) -> str:
    ents = [{"start": 0, "end": 5, "label": "PERSON"}, {"start": 10, "end": 17, "label": "PERSON", "text": "Tokayev"}]
    obj: dict = {"id": f"d{i}", "text": TEXT, "entities": ents}
    if kind == "events":
        obj["events"] = [{"type": "Meet", "trigger": {"start": 6, "end": 9}, "arguments": []}]
    if kind == "extra":
        obj["meta"] = {"source": "wire"}
    if kind == "mention":
        obj["entities"] = [{"label": "GPE", "text": "Astana"}]
    if kind == "empty":
        obj["entities"] = []
    return json.dumps(obj, ensure_ascii=kind != "unicode")


def same(a: Table, b: Table) -> None:
    assert a.ids == b.ids and a.texts == b.texts and a.lines == b.lines
    assert np.array_equal(a.counts, b.counts)
    assert np.array_equal(a.start, b.start) and np.array_equal(a.end, b.end)
    assert [a.label(r) for r in range(a.start.size)] == [b.label(r) for r in range(b.start.size)]
    assert a.entity_texts == b.entity_texts
    assert sorted(a.documents) == sorted(b.documents)
    assert a.sha256 == b.sha256


kinds = st.sampled_from(["plain", "plain", "plain", "events", "extra", "mention", "empty", "unicode", "blank"])


@settings(max_examples=60, deadline=None)
@given(st.lists(kinds, min_size=1, max_size=30), st.integers(16, 400), st.booleans())
def test_readers_jsonl_table_blocks_equal_record_parser(
    tmp_path_factory: pytest.TempPathFactory, layout: list[str], block: int, final_newline: bool
) -> None:
    path = tmp_path_factory.mktemp("j") / "docs.jsonl"
    lines = ["   " if k == "blank" else record(i, k) for i, k in enumerate(layout)]
    path.write_text("\n".join(lines) + ("\n" if final_newline else ""), encoding="utf-8")
    reference = Table.from_documents(jsonl.read_jsonl(path), path=str(path), format="jsonl", sha256="")
    object.__setattr__(reference, "sha256", __import__("hashlib").sha256(path.read_bytes()).hexdigest())
    original = jsonl.BLOCK
    try:
        jsonl.BLOCK = block
        same(jsonl.read_table(path), reference)
    finally:
        jsonl.BLOCK = original
    same(arrow.read_table(path, block=block), reference)  # the Arrow reader, block by block


@pytest.mark.parametrize("block", [32, 1 << 20])
def test_readers_jsonl_table_bad_line_named_exactly(
    tmp_path: Path, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "BLOCK", block)
    good = [record(i, "plain") for i in range(40)]
    bad = json.dumps({"id": "x", "text": TEXT, "entities": [{"start": True, "end": 5, "label": "PERSON"}]})
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join([*good, bad, *good]) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"p\.jsonl:41: document 'x': entities\[0\]\.start must be an integer"):
        jsonl.read_table(path)
    with pytest.raises(FormatError, match=r"p\.jsonl:41: document 'x': entities\[0\]\.start must be an integer"):
        arrow.read_table(path, block=block)
