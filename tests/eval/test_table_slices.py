"""``Table.slice`` and ``Table.concat``: slicing a table into chunks and joining them back is the identity."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

import eval.readers.jsonl as jsonl
from eval.table import Table

TEXT = "Putin met Tokayev in Astana on Friday."


def corpus(rng: random.Random, n: int) -> list[str]:
    lines = []
    for i in range(n):
        ents = [
            {"start": s, "end": s + 3, "label": rng.choice(["PER", "LOC", "ORG"])}
            | ({"text": TEXT[s : s + 3]} if rng.random() < 0.3 else {})
            | ({"score": round(rng.random(), 3)} if rng.random() < 0.3 else {})
            for s in sorted(rng.sample(range(30), rng.randint(0, 4)))
        ]
        obj: dict = {"id": f"d{i}", "text": TEXT, "entities": ents}
        if rng.random() < 0.2:
            obj["meta"] = {"source": rng.choice(["wire", "web"])}
        if rng.random() < 0.1:
            obj["events"] = [{"type": "Meet", "trigger": {"start": 6, "end": 9}, "arguments": []}]
        lines.append(json.dumps(obj))
    return lines


@pytest.mark.parametrize("seed", range(5))
def test_table_slice_then_concat_is_identity(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(corpus(rng, 40)) + "\n", encoding="utf-8")
    whole = jsonl.read_table(path)
    cuts = sorted({0, len(whole), *rng.sample(range(1, len(whole)), 5)})
    parts = [whole.slice(lo, hi) for lo, hi in zip(cuts, cuts[1:], strict=False)]
    assert [len(p) for p in parts] == [hi - lo for lo, hi in zip(cuts, cuts[1:], strict=False)]
    back = Table.concat(parts, path=whole.path, format=whole.format, sha256=whole.sha256)
    assert back.ids == whole.ids and back.texts == whole.texts and back.lines == whole.lines
    assert np.array_equal(back.counts, whole.counts)
    assert np.array_equal(back.start, whole.start) and np.array_equal(back.end, whole.end)
    assert [back.label(r) for r in range(back.start.size)] == [whole.label(r) for r in range(whole.start.size)]
    assert back.entity_texts == whole.entity_texts and back.entity_scores == whole.entity_scores
    assert back.documents == whole.documents and back.extras == whole.extras
    assert back.to_documents() == whole.to_documents()
    for p, (lo, _) in zip(parts, zip(cuts, cuts[1:], strict=False), strict=True):
        assert p.to_documents() == whole.to_documents()[lo : lo + len(p)]
