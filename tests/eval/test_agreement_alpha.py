"""Krippendorff's alpha over tokens (token_alpha): the worked example of Krippendorff (2011),
the krippendorff package on random data with missing documents, and per-document agreement."""

from __future__ import annotations

import math
import re

import krippendorff
import numpy as np
import pytest

from eval.agreement import OUTSIDE, document_agreement, token_alpha, token_labels
from eval.model import Document, Entity

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, section C ("nominal data,
# any number of observers, missing data"): 4 observers, 12 units, values 1-5, "." missing.
# The paper gives alpha = 0.743 for nominal data.
PAPER = (
    "1 2 3 3 2 1 4 1 2 . . .",
    "1 2 3 3 2 2 4 1 2 5 . 3",
    ". 3 3 3 2 3 4 2 2 5 1 .",
    "1 2 3 3 2 4 4 1 2 5 1 .",
)
PAPER_ALPHA = 0.743


def _one_word_documents(row: str) -> list[Document]:
    """A unit is a one-word document; a value v is an entity labelled v on that word."""
    return [Document(f"u{i}", "w", (Entity(0, 1, f"V{v}"),)) for i, v in enumerate(row.split()) if v != "."]


def test_agreement_alpha_krippendorff_2011_worked_example() -> None:
    annotators = {f"obs{i}": _one_word_documents(row) for i, row in enumerate(PAPER)}
    alpha, pairable = token_alpha(annotators)
    assert alpha is not None
    assert round(alpha, 3) == PAPER_ALPHA
    assert pairable == 11  # unit 12 has one value only: not pairable


@pytest.mark.parametrize("seed", range(20))
def test_agreement_alpha_equals_krippendorff_package_on_random_documents(seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = ["PER", "ORG", "LOC"]
    texts = [" ".join("w" * int(rng.integers(1, 4)) for _ in range(int(rng.integers(1, 8)))) for _ in range(6)]
    annotators: dict[str, list[Document]] = {}
    for name in ("a", "b", "c", "d"):
        docs = []
        for i, text in enumerate(texts):
            if rng.random() < 0.3:
                continue  # this annotator did not annotate this document: missing data
            words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
            entities = tuple(
                Entity(s, e, labels[int(rng.integers(len(labels)))]) for s, e in words if rng.random() < 0.5
            )
            docs.append(Document(f"d{i}", text, entities))
        annotators[name] = docs
    # the reference: the krippendorff package on the matrix built here independently
    codes = {OUTSIDE: 0, "PER": 1, "ORG": 2, "LOC": 3}
    columns = []
    for i, text in enumerate(texts):
        n = len(text.split())
        for t in range(n):
            column = []
            for docs in annotators.values():
                doc = next((d for d in docs if d.id == f"d{i}"), None)
                column.append(np.nan if doc is None else codes[token_labels(doc.text, doc.entities)[t]])
            columns.append(column)
    data = np.array(columns, dtype=float).T
    pairable = int((np.sum(~np.isnan(data), axis=0) >= 2).sum())
    values = set(data[~np.isnan(data)].tolist())
    alpha, units = token_alpha(annotators)
    assert units == pairable
    if pairable == 0 or len(values) < 2:
        assert alpha is None
    else:
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert alpha is not None and math.isclose(alpha, expected, abs_tol=1e-12)


def test_agreement_alpha_undefined_with_one_label_throughout() -> None:
    docs = [Document("d", "a b", ())]
    assert token_alpha({"x": docs, "y": docs}) == (None, 2)


def test_agreement_documents_mean_pairwise_strict_f1() -> None:
    text = "Ann met Bob"
    gold = Document("d1", text, (Entity(0, 3, "PER"), Entity(8, 11, "PER")))
    half = Document("d1", text, (Entity(0, 3, "PER"),))
    empty = Document("d2", "x", ())
    rows = {r[0]: r for r in document_agreement({"a": [gold, empty], "b": [gold, empty], "c": [half]})}
    doc_id, annotators, f1, alpha = rows["d1"]
    # pairs a/b = 1, a/c = b/c = 2*1/(2+1)
    assert annotators == 3
    assert math.isclose(f1, (1 + 2 / 3 + 2 / 3) / 3)
    assert alpha is not None and alpha < 1
    assert rows["d2"][1:3] == (2, 1.0)  # nobody marked a span: full agreement
