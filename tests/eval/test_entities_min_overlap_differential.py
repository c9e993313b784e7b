"""--min-overlap against nervaluate 1.2.1's ``min_overlap_percentage`` on random documents.

The corpora are test_entities_differential.py's (every prediction within reach of at most one
gold span), with more boundary noise so that many pairs overlap only in part.
"""

from __future__ import annotations

import random
import runpy
from pathlib import Path

import pytest
from nervaluate import Evaluator

from eval.counts import Scheme
from eval.entities import score_entities
from eval.model import Document, Entity

DIFF = runpy.run_path(str(Path(__file__).with_name("test_entities_differential.py")))
random_corpus, table, LABELS, NAMES = DIFF["random_corpus"], DIFF["table"], DIFF["LABELS"], DIFF["NERVALUATE_NAME"]


def widen(rng: random.Random, docs: list[Document]) -> list[Document]:
    """Move prediction boundaries by whole characters inside their word, for fractional overlaps."""
    out = []
    for d in docs:
        ents = []
        for e in d.entities:
            s, t = e.start, e.end
            if rng.random() < 0.4 and t - s > 2:
                cut = rng.randint(1, t - s - 1)
                s, t = (s + cut, t) if rng.random() < 0.5 else (s, t - cut)
            ents.append(Entity(s, t, e.label))
        out.append(d._replace(entities=tuple(ents)))
    return out


def nervaluate_counts(gold: list[Document], pred: list[Document], percentage: float) -> dict:
    def dicts(docs: list[Document]) -> list[list[dict]]:
        return [[{"label": e.label, "start": e.start, "end": e.end - 1} for e in sorted(d.entities)] for d in docs]

    evaluator = Evaluator(dicts(gold), dicts(pred), list(LABELS), loader="dict", min_overlap_percentage=percentage)
    return evaluator.evaluate()


def outcome(c: object) -> tuple[int, int, int, int, int]:
    return (c.correct, c.incorrect, c.partial, c.missed, c.spurious)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("seed", "fraction"), [(21, 0.25), (22, 0.5), (23, 0.75), (24, 1.0), (25, 0.01), (26, 0.37)])
def test_entities_min_overlap_equals_nervaluate(seed: int, fraction: float) -> None:
    rng = random.Random(seed)
    gold, pred = random_corpus(rng, 1000)
    pred = widen(rng, pred)
    ours = score_entities(table(gold), table(pred), min_overlap=fraction)
    plain = score_entities(table(gold), table(pred))
    theirs = nervaluate_counts(gold, pred, fraction * 100.0)
    assert len(gold) == 1000
    for scheme in Scheme:
        ref = theirs["overall"][NAMES[scheme]]
        assert outcome(ours.scores.micro[scheme]) == outcome(ref), scheme
        assert ours.scores.micro[scheme].metrics.f1 == pytest.approx(ref.f1)
        for label in LABELS:
            assert outcome(ours.scores.labels[label][scheme]) == outcome(theirs["entities"][label][NAMES[scheme]])
    if fraction > 0.01:  # the threshold matters on this data: partial credit is lost
        assert ours.scores.micro[Scheme.PARTIAL].partial < plain.scores.micro[Scheme.PARTIAL].partial
    # strict and exact only move pairs from incorrect to missed + spurious: P/R/F1 unchanged
    for scheme in (Scheme.STRICT, Scheme.EXACT):
        assert ours.scores.micro[scheme].metrics == plain.scores.micro[scheme].metrics


def test_entities_min_overlap_is_over_the_gold_span() -> None:
    text = "abcdefghij"
    gold = [Document("d", text, (Entity(0, 4, "X"),))]
    pred = [Document("d", text, (Entity(2, 10, "X"),))]  # covers 2 of gold's 4 characters (50%)
    for fraction, partial in ((0.5, 1), (0.51, 0)):
        got = score_entities(table(gold), table(pred), min_overlap=fraction).scores.micro[Scheme.PARTIAL]
        assert got.partial == partial, fraction
        assert got.spurious == 1 - partial
