"""Duplicate gold entities are found the same way whether or not the spans come sorted.

``_duplicate_entities`` sorts only the rows next to a twin span when the table is already in
(document, start, end) order; the reference sorts every row, as the check did before.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from eval.model import Document, Entity
from eval.table import Table
from eval.validate import _duplicate_entities

TEXT = "abcdefghijklmnopqrstuvwxyz"


def reference(t: Table) -> list[tuple[int, int]]:
    doc = t.doc
    order = np.lexsort((t.label_codes, t.end, t.start, doc))
    keys = np.stack([doc, t.start, t.end, t.label_codes])[:, order]
    same = np.flatnonzero((keys[:, 1:] == keys[:, :-1]).all(axis=0))
    return [tuple(sorted((int(order[k]), int(order[k + 1])))) for k in same.tolist()]


def table(rng: random.Random, *, ordered: bool) -> Table:
    docs = []
    for i in range(rng.randint(1, 12)):
        ents = [
            Entity(s, s + rng.randint(1, 3), rng.choice("ABC"))
            for s in (rng.randint(0, 8) for _ in range(rng.randint(0, 10)))
        ]
        if ordered:
            ents.sort(key=lambda e: (e.start, e.end))
        docs.append(Document(f"d{i}", TEXT, tuple(ents)))
    return Table.from_documents(docs, path="g.jsonl", format="jsonl", sha256="")


@pytest.mark.parametrize("ordered", [True, False])
@pytest.mark.parametrize("seed", range(40))
def test_validate_duplicate_entities_equal_full_sort(seed: int, ordered: bool) -> None:
    t = table(random.Random(seed), ordered=ordered)
    pairs = reference(t)
    problems = _duplicate_entities(t)
    assert len(problems) == len(pairs)
    for (first, copy), p in zip(pairs, problems, strict=True):
        d = int(t.doc[copy])
        assert p.doc_id == t.ids[d]
        assert f"entities[{copy - int(t.entity_rows[d])}]" in p.where
        assert f"(also entities[{first - int(t.entity_rows[d])}])" in p.message
