"""The columnar matcher against a plain-Python reading of docs/metrics.md, and invariants.

``reference_counts`` re-implements the definition span by span (no numpy, no bisection):
tier 1 then tier 2, each a greedy pass over pairs ordered by (prediction offsets,
[distance,] gold offsets). Random data here has nested, overlapping and duplicate spans.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval.counts import Counts, Scheme
from eval.entities import score_entities
from eval.model import Document, Entity
from eval.table import Table

LABELS = ("A", "B", "C")


def table(docs: list[Document]) -> Table:
    return Table.from_documents(docs, path="mem", format="jsonl", sha256="")


def _key(e: Entity) -> tuple[int, int, str]:
    return (e.start, e.end, e.label)


def _tiers(scheme: Scheme) -> tuple[Callable[[Entity, Entity], bool], str]:
    same_bounds = lambda g, p: (g.start, g.end) == (p.start, p.end)  # noqa: E731
    if scheme is Scheme.STRICT:
        return (lambda g, p: same_bounds(g, p) and g.label == p.label), "incorrect"
    if scheme is Scheme.TYPE:
        return (lambda g, p: g.label == p.label), "incorrect"
    return same_bounds, "partial" if scheme is Scheme.PARTIAL else "incorrect"


def reference_counts(gold: list[Entity], pred: list[Entity], scheme: Scheme) -> Counts:
    gold = sorted(gold, key=_key)
    pred = sorted(pred, key=_key)
    overlap = [
        (gi, pi) for pi, p in enumerate(pred) for gi, g in enumerate(gold) if g.start < p.end and p.start < g.end
    ]
    tier1, second = _tiers(scheme)
    used_g: set[int] = set()
    used_p: set[int] = set()
    outcome = {"correct": 0, "incorrect": 0, "partial": 0}

    def take(pairs: list[tuple[int, int]], kind: str) -> None:
        for gi, pi in pairs:
            if gi not in used_g and pi not in used_p:
                used_g.add(gi)
                used_p.add(pi)
                outcome[kind] += 1

    def dist(gi: int, pi: int) -> int:
        return abs(gold[gi].start - pred[pi].start) + abs(gold[gi].end - pred[pi].end)

    first = [(gi, pi) for gi, pi in overlap if tier1(gold[gi], pred[pi])]
    if scheme is Scheme.TYPE:
        first.sort(key=lambda x: (x[1], dist(*x), x[0]))
    else:
        first.sort(key=lambda x: (x[1], gold[x[0]].label != pred[x[1]].label, x[0]))
    take(first, "correct")
    rest = [(gi, pi) for gi, pi in overlap if not tier1(gold[gi], pred[pi])]
    rest.sort(key=lambda x: (x[1], gold[x[0]].label != pred[x[1]].label, x[0]))
    take(rest, second)
    return Counts(
        outcome["correct"],
        outcome["incorrect"],
        outcome["partial"],
        len(gold) - len(used_g),
        len(pred) - len(used_p),
        scheme.half_credit,
    )


def random_spans(rng: random.Random, n: int, length: int) -> tuple[Entity, ...]:
    out = []
    for _ in range(n):
        s = rng.randrange(0, length - 1)
        e = rng.randint(s + 1, min(length, s + 8))
        out.append(Entity(s, e, rng.choice(LABELS)))
    return tuple(out)


def random_docs(seed: int, n_docs: int = 300) -> tuple[list[Document], list[Document]]:
    rng = random.Random(seed)
    gold, pred = [], []
    for d in range(n_docs):
        length = rng.randint(5, 60)
        text = "x" * length
        gold.append(Document(f"d{d}", text, random_spans(rng, rng.randint(0, 8), length)))
        pred.append(Document(f"d{d}", text, random_spans(rng, rng.randint(0, 8), length)))
    return gold, pred


@pytest.mark.parametrize("scheme", list(Scheme), ids=lambda s: s.value)
@pytest.mark.parametrize("seed", range(5))
def test_matching_equals_reference_on_nested_and_overlapping_spans(scheme: Scheme, seed: int) -> None:
    gold, pred = random_docs(seed)
    ours = score_entities(table(gold), table(pred), schemes=(scheme,), per_document=True)
    total = Counts(half_credit=scheme.half_credit)
    for g, p in zip(gold, pred, strict=True):
        expected = reference_counts(list(g.entities), list(p.entities), scheme)
        assert ours.scores.documents is not None
        assert ours.scores.documents[g.id][scheme] == expected, g.id
        total = total + expected
    assert ours.scores.micro[scheme] == total


span_st = st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from(LABELS)).map(
    lambda t: Entity(t[0], t[0] + t[1], t[2])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(span_st, max_size=10), st.lists(span_st, max_size=10), st.randoms(use_true_random=False))
def test_matching_hypothesis_reference_order_and_totals(
    gold: list[Entity], pred: list[Entity], rnd: random.Random
) -> None:
    text = "y" * 40
    shuffled = list(pred)
    rnd.shuffle(shuffled)
    a = score_entities(table([Document("d", text, tuple(gold))]), table([Document("d", text, tuple(pred))]))
    b = score_entities(table([Document("d", text, tuple(gold))]), table([Document("d", text, tuple(shuffled))]))
    for scheme in Scheme:
        c = a.scores.micro[scheme]
        assert c == b.scores.micro[scheme]
        assert c == reference_counts(gold, pred, scheme)
        assert c.possible == len(gold) and c.actual == len(pred)  # one-to-one: nothing double counted


# ---- invariants, parametrized over every scheme (as sklearn's test_common) ----


def _micro(gold: list[Document], pred: list[Document], scheme: Scheme) -> Counts:
    return score_entities(table(gold), table(pred), schemes=(scheme,)).scores.micro[scheme]


def _gold(seed: int = 3) -> list[Document]:
    return random_docs(seed)[0]


def inv_identity(scheme: Scheme) -> None:
    gold = _gold()
    res = score_entities(table(gold), table(gold), schemes=(scheme,))
    m = res.scores.micro[scheme].metrics
    assert (m.precision, m.recall, m.f1) == (1.0, 1.0, 1.0)
    assert all(c[scheme].metrics.f1 == 1.0 for c in res.scores.labels.values())
    assert res.scores.macro[scheme].f1 == 1.0


def inv_shuffle(scheme: Scheme) -> None:
    gold, pred = random_docs(4)
    rng = random.Random(0)
    g2 = [d._replace(entities=tuple(rng.sample(d.entities, len(d.entities)))) for d in gold]
    p2 = [d._replace(entities=tuple(rng.sample(d.entities, len(d.entities)))) for d in pred]
    rng.shuffle(g2)
    rng.shuffle(p2)
    assert _micro(gold, pred, scheme) == _micro(g2, p2, scheme)


def inv_empty_predictions(scheme: Scheme) -> None:
    gold = _gold()
    empty = [d._replace(entities=()) for d in gold]
    c = _micro(gold, empty, scheme)
    assert c.metrics.recall == 0.0 and c.actual == 0
    assert "precision" in c.metrics.undefined


def inv_spurious_never_raises_precision(scheme: Scheme) -> None:
    gold, pred = random_docs(5)
    before = _micro(gold, pred, scheme).metrics.precision
    # A span past every gold span of the document overlaps nothing: spurious in every scheme.
    extended = [Document(g.id, g.text + " zzz", g.entities) for g in gold]
    extra = [
        Document(p.id, p.text + " zzz", p.entities + (Entity(len(p.text) + 1, len(p.text) + 4, "A"),)) for p in pred
    ]
    assert _micro(extended, extra, scheme).metrics.precision <= before
    assert _micro(extended, extra, scheme).spurious == _micro(gold, pred, scheme).spurious + len(pred)


INVARIANTS = {
    "pred_equals_gold_gives_one": inv_identity,
    "order_does_not_matter": inv_shuffle,
    "empty_predictions_give_recall_zero": inv_empty_predictions,
    "spurious_span_never_raises_precision": inv_spurious_never_raises_precision,
}


@pytest.mark.parametrize("scheme", list(Scheme), ids=lambda s: s.value)
@pytest.mark.parametrize("name", list(INVARIANTS))
def test_matching_invariants(name: str, scheme: Scheme) -> None:
    INVARIANTS[name](scheme)
