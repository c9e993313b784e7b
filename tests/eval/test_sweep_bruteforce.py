"""--sweep-scores against brute force: re-score (strict) keeping the predictions with
score >= t at every distinct t; average precision against scikit-learn."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from eval.counts import Scheme
from eval.entities import score_entities
from eval.model import Document, Entity
from eval.pipeline import Options, score_tables
from eval.table import Table

LABELS = ("PER", "ORG", "LOC")


def table(docs: list[Document]) -> Table:
    return Table.from_documents(docs, path="mem", format="jsonl", sha256="")


def random_scored(rng: random.Random, n_docs: int) -> tuple[list[Document], list[Document]]:
    """Gold spans (some duplicated), predictions with repeated scores, duplicates and noise."""
    gold_docs, pred_docs = [], []
    scores = [round(rng.random(), 2) for _ in range(25)]  # few distinct values: many ties
    for d in range(n_docs):
        text = "x" * 200
        gold, pred = [], []
        for _ in range(rng.randint(0, 8)):
            s = rng.randint(0, 190)
            e = s + rng.randint(1, 9)
            g = Entity(s, e, rng.choice(LABELS))
            gold.append(g)
            if rng.random() < 0.05:
                gold.append(g)  # two identical gold spans
            for _ in range(rng.choice((0, 1, 1, 1, 2))):  # 2: a duplicate prediction
                label = g.label if rng.random() < 0.8 else rng.choice(LABELS)
                shift = 0 if rng.random() < 0.8 or e - s < 2 else 1
                pred.append(Entity(s + shift, e, label, score=rng.choice(scores)))
        for _ in range(rng.randint(0, 3)):
            s = rng.randint(0, 190)
            unscored = rng.random() < 0.03
            pred.append(Entity(s, s + 3, rng.choice(LABELS), score=None if unscored else rng.choice(scores)))
        gold_docs.append(Document(f"d{d}", text, tuple(gold)))
        pred_docs.append(Document(f"d{d}", text, tuple(pred)))
    return gold_docs, pred_docs


def keep_at(pred: list[Document], t: float) -> list[Document]:
    return [d._replace(entities=tuple(e for e in d.entities if e.score is None or e.score >= t)) for d in pred]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sweep_equals_bruteforce_rescoring_at_every_threshold(seed: int) -> None:
    gold, pred = random_scored(random.Random(seed), 300)
    thresholds = score_tables(table(gold), table(pred), options=Options(sweep_scores=True)).report.thresholds
    assert thresholds is not None
    distinct = sorted({e.score for d in pred for e in d.entities if e.score is not None}, reverse=True)
    assert [p.threshold for p in thresholds.micro.points] == distinct
    assert thresholds.unscored == sum(e.score is None for d in pred for e in d.entities)
    for p in thresholds.micro.points:
        brute = score_entities(table(gold), table(keep_at(pred, p.threshold)), schemes=(Scheme.STRICT,)).scores
        c = brute.micro[Scheme.STRICT]
        assert (p.correct, p.actual, p.possible) == (c.correct, c.actual, c.possible), p.threshold
        assert (p.precision, p.recall, p.f1) == pytest.approx((c.metrics.precision, c.metrics.recall, c.metrics.f1))
    for label in LABELS:
        for q in thresholds.labels[label].points:
            brute = score_entities(table(gold), table(keep_at(pred, q.threshold)), schemes=(Scheme.STRICT,)).scores
            cl = brute.labels[label][Scheme.STRICT]
            assert (q.correct, q.actual, q.possible) == (cl.correct, cl.actual, cl.possible), (label, q.threshold)
            assert q.f1 == pytest.approx(cl.metrics.f1)
    best = max(thresholds.micro.points, key=lambda p: (p.f1, p.threshold))
    assert thresholds.micro.best == best


@pytest.mark.parametrize("seed", [4, 5])
def test_sweep_average_precision_equals_sklearn_times_final_recall(seed: int) -> None:
    """sklearn's AP over per-prediction flags rebuilt from brute-force counts (ties share a
    score, so which prediction of a tie group is the true positive does not matter)."""
    gold, pred = random_scored(random.Random(seed), 300)
    pred = [d._replace(entities=tuple(e for e in d.entities if e.score is not None)) for d in pred]
    th = score_tables(table(gold), table(pred), options=Options(sweep_scores=True)).report.thresholds
    assert th is not None
    y_true: list[int] = []
    y_score: list[float] = []
    tp = actual = 0
    for t in sorted({e.score for d in pred for e in d.entities}, reverse=True):
        c = score_entities(table(gold), table(keep_at(pred, t)), schemes=(Scheme.STRICT,)).scores.micro[Scheme.STRICT]
        y_true += [1] * (c.correct - tp) + [0] * (c.actual - actual - (c.correct - tp))
        y_score += [t] * (c.actual - actual)
        tp, actual = c.correct, c.actual
    n_gold = sum(len(d.entities) for d in gold)
    expected = average_precision_score(np.asarray(y_true), np.asarray(y_score)) * tp / n_gold
    assert 0.0 < th.micro.average_precision < 1.0
    assert th.micro.average_precision == pytest.approx(expected)


def test_sweep_ties_and_duplicates_by_hand() -> None:
    text = "Putin met Tokayev."
    gold = [Document("d", text, (Entity(0, 5, "PER"), Entity(10, 17, "PER")))]
    pred = [
        Document(
            "d",
            text,
            (
                Entity(0, 5, "PER", score=0.9),
                Entity(0, 5, "PER", score=0.8),  # duplicate: spurious once the first is kept
                Entity(10, 17, "PER", score=0.5),
                Entity(10, 17, "ORG", score=0.5),
            ),
        )
    ]
    th = score_tables(table(gold), table(pred), options=Options(sweep_scores=True)).report.thresholds
    assert th is not None
    got = [(p.threshold, p.correct, p.actual) for p in th.micro.points]
    assert got == [(0.9, 1, 1), (0.8, 1, 2), (0.5, 2, 4)]
    assert th.micro.best is not None and th.micro.best.threshold == 0.9  # F1 2/3 at 0.9 and 0.5: higher wins
    # AP: recall 0.5 at precision 1, then +0.5 recall at precision 0.5
    assert th.micro.average_precision == pytest.approx(0.5 * 1.0 + 0.5 * 0.5)
    assert [p.correct for p in th.labels["ORG"].points] == [0]
