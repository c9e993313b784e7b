"""Differential tests: our entity counts against nervaluate and seqeval on random data.

The random corpora keep every prediction within reach of at most one gold span and every gold
span within reach of at most one prediction (the data where nervaluate's greedy, input-ordered
matching is well defined). Where nervaluate differs on purpose, see test_entities_cases.py.
"""

from __future__ import annotations

import random

import pytest
from nervaluate import Evaluator
from seqeval.metrics import classification_report

from eval.counts import Scheme
from eval.entities import score_entities
from eval.model import Document, Entity
from eval.table import Table

LABELS = ("PER", "ORG", "LOC", "MISC", "DATE")
NERVALUATE_NAME = {Scheme.STRICT: "strict", Scheme.EXACT: "exact", Scheme.PARTIAL: "partial", Scheme.TYPE: "ent_type"}


def table(docs: list[Document]) -> Table:
    return Table.from_documents(docs, path="mem", format="jsonl", sha256="")


def random_corpus(rng: random.Random, n_docs: int) -> tuple[list[Document], list[Document]]:
    """Word-level documents; entities >= 3 words apart; noisy predictions that never cross."""
    gold_docs, pred_docs = [], []
    for d in range(n_docs):
        n_words = rng.randint(5, 80)
        words = [rng.choice(["a", "bb", "ccc", "dddd", "Ee"]) for _ in range(n_words)]
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        text = " ".join(words)

        def span(a: int, b: int) -> tuple[int, int]:
            return starts[a], starts[b - 1] + len(words[b - 1])

        gold, pred = [], []
        i = rng.randint(0, 3)
        prev_end = -1
        while i < n_words - 1:
            length = rng.randint(1, 3)
            a, b = i, min(n_words, i + length)
            nxt = b + 3
            label = rng.choice(LABELS)
            s, e = span(a, b)
            gold.append(Entity(s, e, label))
            r = rng.random()
            if r < 0.15:
                pass  # missed
            elif r < 0.3:
                pred.append(Entity(s, e, rng.choice(LABELS)))
            elif r < 0.5:
                a2 = max(prev_end + 1, a + rng.choice((-1, 0, 1)))
                b2 = min(n_words, nxt - 1, b + rng.choice((-1, 0, 1)))
                if b2 > a2:
                    s2, e2 = span(a2, b2)
                    pred.append(Entity(s2, e2, rng.choice((label, label, rng.choice(LABELS)))))
            else:
                pred.append(Entity(s, e, label))
            if rng.random() < 0.1 and a - prev_end >= 3:
                w = rng.randint(prev_end + 1, a - 2)
                s3, e3 = span(w, w + 1)
                pred.append(Entity(s3, e3, rng.choice(LABELS)))
            prev_end = b
            i = nxt + rng.randint(0, 4)
        rng.shuffle(pred)  # our counts must not depend on order
        gold_docs.append(Document(f"d{d}", text, tuple(gold)))
        pred_docs.append(Document(f"d{d}", text, tuple(pred)))
    return gold_docs, pred_docs


def nervaluate_counts(gold: list[Document], pred: list[Document]) -> dict:
    def dicts(docs: list[Document]) -> list[list[dict]]:
        # nervaluate's end is inclusive; it also expects spans in text order.
        return [[{"label": e.label, "start": e.start, "end": e.end - 1} for e in sorted(d.entities)] for d in docs]

    return Evaluator(dicts(gold), dicts(pred), list(LABELS), loader="dict").evaluate()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_entities_micro_and_per_label_counts_equal_nervaluate(seed: int) -> None:
    gold, pred = random_corpus(random.Random(seed), 1000)
    ours = score_entities(table(gold), table(pred))
    theirs = nervaluate_counts(gold, pred)
    assert sum(len(d.entities) for d in pred) > 1000
    for scheme in Scheme:
        ref = theirs["overall"][NERVALUATE_NAME[scheme]]
        got = ours.scores.micro[scheme]
        assert (got.correct, got.incorrect, got.partial, got.missed, got.spurious) == (
            ref.correct,
            ref.incorrect,
            ref.partial,
            ref.missed,
            ref.spurious,
        ), scheme
        assert got.metrics.precision == pytest.approx(ref.precision)
        assert got.metrics.recall == pytest.approx(ref.recall)
        assert got.metrics.f1 == pytest.approx(ref.f1)
        for label in LABELS:
            ref_l = theirs["entities"][label][NERVALUATE_NAME[scheme]]
            got_l = ours.scores.labels[label][scheme]
            assert (got_l.correct, got_l.incorrect, got_l.partial, got_l.missed, got_l.spurious) == (
                ref_l.correct,
                ref_l.incorrect,
                ref_l.partial,
                ref_l.missed,
                ref_l.spurious,
            ), (scheme, label)


def _iob2(n_tokens: int, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n_tokens
    for a, b, label in spans:
        tags[a] = f"B-{label}"
        for k in range(a + 1, b):
            tags[k] = f"I-{label}"
    return tags


def _random_token_spans(rng: random.Random, n: int) -> list[tuple[int, int, str]]:
    spans, i = [], rng.randint(0, 2)
    while i < n:
        b = min(n, i + rng.randint(1, 4))
        spans.append((i, b, rng.choice(LABELS)))
        i = b + rng.randint(0, 3)  # adjacent entities allowed: B- separates them
    return [s for s in spans if rng.random() < 0.8]


@pytest.mark.parametrize("seed", [11, 12])
def test_entities_strict_per_label_equals_seqeval(seed: int) -> None:
    rng = random.Random(seed)
    y_true, y_pred, gold, pred = [], [], [], []
    for d in range(1000):
        n = rng.randint(1, 40)
        tokens = [rng.choice(["x", "yy", "zzz"]) for _ in range(n)]
        offsets, pos = [], 0
        for t in tokens:
            offsets.append(pos)
            pos += len(t) + 1
        text = " ".join(tokens)
        g, p = _random_token_spans(rng, n), _random_token_spans(rng, n)
        y_true.append(_iob2(n, g))
        y_pred.append(_iob2(n, p))

        def ents(spans: list[tuple[int, int, str]]) -> tuple[Entity, ...]:
            return tuple(Entity(offsets[a], offsets[b - 1] + len(tokens[b - 1]), lab) for a, b, lab in spans)

        gold.append(Document(f"d{d}", text, ents(g)))
        pred.append(Document(f"d{d}", text, ents(p)))
    ref = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    ours = score_entities(table(gold), table(pred), schemes=(Scheme.STRICT,))
    for label in LABELS:
        m = ours.scores.labels[label][Scheme.STRICT].metrics
        assert m.precision == pytest.approx(ref[label]["precision"]), label
        assert m.recall == pytest.approx(ref[label]["recall"]), label
        assert m.f1 == pytest.approx(ref[label]["f1-score"]), label
    micro = ours.scores.micro[Scheme.STRICT].metrics
    assert micro.f1 == pytest.approx(ref["micro avg"]["f1-score"])
    macro = ours.scores.macro[Scheme.STRICT]
    assert macro.f1 == pytest.approx(ref["macro avg"]["f1-score"])
