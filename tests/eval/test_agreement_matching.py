"""Span agreement on random annotations: against direct counts, and against eval.entities."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from eval.agreement import agreement, span_agreement
from eval.counts import Scheme
from eval.entities import score_entities
from eval.model import Document, Entity
from eval.table import Table


def _annotator(rng: random.Random, n_docs: int) -> list[Document]:
    docs = []
    for i in range(n_docs):
        n = 30
        ents = []
        for _ in range(rng.randint(0, 6)):
            s = rng.randrange(0, n - 1)
            ents.append(Entity(s, min(n, s + rng.randint(1, 5)), rng.choice("ABC")))
        docs.append(Document(f"d{i}", "x" * n, tuple(ents)))
    return docs


@pytest.mark.parametrize("seed", range(3))
def test_agreement_strict_correct_is_the_multiset_intersection(seed: int) -> None:
    rng = random.Random(seed)
    a, b = _annotator(rng, 300), _annotator(rng, 300)
    micro, labels = span_agreement(a, b)

    def bag(docs: list[Document]) -> Counter:
        return Counter((i, e.start, e.end, e.label) for i, d in enumerate(docs) for e in d.entities)

    shared = sum((bag(a) & bag(b)).values())
    same_bounds = sum((Counter(k[:3] for k in bag(a).elements()) & Counter(k[:3] for k in bag(b).elements())).values())
    n_a, n_b = sum(bag(a).values()), sum(bag(b).values())
    strict, partial = micro[Scheme.STRICT], micro[Scheme.PARTIAL]
    assert strict.correct == shared and partial.correct == same_bounds
    assert strict.possible == partial.possible == n_a and strict.actual == partial.actual == n_b
    assert strict.incorrect > 0 and partial.partial > 0
    for name, c in labels.items():
        per = Counter({k: v for k, v in bag(a).items() if k[3] == name}) & bag(b)
        assert c[Scheme.STRICT].correct == sum(per.values())


def test_agreement_equals_entity_scoring() -> None:
    rng = random.Random(9)
    a, b = _annotator(rng, 400), _annotator(rng, 400)
    ta = Table.from_documents(a, path="a", format="jsonl", sha256="")
    tb = Table.from_documents(b, path="b", format="jsonl", sha256="")
    scored = score_entities(ta, tb, schemes=(Scheme.STRICT, Scheme.PARTIAL)).scores
    pair = agreement({"a": a, "b": b}).pairs[0]
    assert pair.spans == scored.micro
    assert pair.labels == scored.labels


def test_agreement_identical_annotations_agree_fully() -> None:
    docs = _annotator(random.Random(4), 50)
    pair = agreement({"a": docs, "b": list(reversed(docs))}).pairs[0]
    assert pair.documents == 50
    assert pair.f1(Scheme.STRICT) == pair.f1(Scheme.PARTIAL) == 1.0
    assert pair.kappa == pytest.approx(1.0)
