"""Hand-computed cases, including each one where goldbench differs from nervaluate on purpose.

Each case is documented in docs/metrics.md ("Where goldbench differs from nervaluate").
Counts are (correct, incorrect, partial, missed, spurious).
"""

from __future__ import annotations

import pytest
from nervaluate import Evaluator

from eval.counts import Counts, Scheme
from eval.entities import score_entities
from eval.model import Document, Entity
from eval.table import Table

TEXT = "x" * 200


def counts(gold: list[Entity], pred: list[Entity]) -> dict[str, tuple[int, ...]]:
    t = lambda ents: Table.from_documents([Document("d", TEXT, tuple(ents))], path="m", format="jsonl", sha256="")  # noqa: E731
    res = score_entities(t(gold), t(pred))
    return {s.value: _five(res.scores.micro[s]) for s in Scheme}


def _five(c: Counts) -> tuple[int, ...]:
    return (c.correct, c.incorrect, c.partial, c.missed, c.spurious)


def nervaluate(gold: list[Entity], pred: list[Entity]) -> dict[str, tuple[int, ...]]:
    d = lambda ents: [[{"label": e.label, "start": e.start, "end": e.end - 1} for e in ents]]  # noqa: E731
    res = Evaluator(d(gold), d(pred), ["PER", "ORG"], loader="dict").evaluate()["overall"]
    names = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
    return {k: (r.correct, r.incorrect, r.partial, r.missed, r.spurious) for k, v in names.items() for r in [res[v]]}


def test_entities_cases_basic_outcomes_per_scheme() -> None:
    gold = [Entity(0, 10, "PER"), Entity(20, 30, "ORG"), Entity(40, 50, "PER"), Entity(60, 70, "ORG")]
    pred = [
        Entity(0, 10, "PER"),  # exact
        Entity(20, 30, "PER"),  # right boundaries, wrong label
        Entity(40, 45, "PER"),  # overlap, same label
        Entity(100, 110, "ORG"),  # spurious; gold 60-70 missed
    ]
    assert counts(gold, pred) == {
        "strict": (1, 2, 0, 1, 1),
        "exact": (2, 1, 0, 1, 1),
        "partial": (2, 0, 1, 1, 1),
        "type": (2, 1, 0, 1, 1),
    }
    assert counts(gold, pred) == nervaluate(gold, pred)


def test_entities_cases_order_dependence_nervaluate_40_strict() -> None:
    """A partial prediction listed before the exact one steals the gold span in nervaluate."""
    gold = [Entity(0, 10, "PER")]
    partial_first = [Entity(0, 5, "ORG"), Entity(0, 10, "PER")]
    exact_first = list(reversed(partial_first))
    assert nervaluate(gold, partial_first)["strict"] == (0, 1, 0, 0, 1)
    assert nervaluate(gold, exact_first)["strict"] == (1, 0, 0, 0, 1)
    assert counts(gold, partial_first) == counts(gold, exact_first)
    assert counts(gold, partial_first)["strict"] == (1, 0, 0, 0, 1)


def test_entities_cases_order_dependence_type_scheme() -> None:
    """Two disjoint predictions inside one gold span: the same-label one should be credited."""
    gold = [Entity(0, 20, "PER")]
    wrong_first = [Entity(0, 5, "ORG"), Entity(10, 20, "PER")]
    right_first = list(reversed(wrong_first))
    assert nervaluate(gold, wrong_first)["type"] == (0, 1, 0, 0, 1)
    assert nervaluate(gold, right_first)["type"] == (1, 0, 0, 0, 1)
    assert counts(gold, wrong_first)["type"] == counts(gold, right_first)["type"] == (1, 0, 0, 0, 1)


def test_entities_cases_one_prediction_over_two_gold_spans_counts_once() -> None:
    """nervaluate PR #85: a prediction overlapping two gold spans was counted incorrect twice.

    Here it takes part in one pairing; the other gold span is missed, so possible is the number
    of gold spans (2) and actual the number of predictions (1), in every scheme.
    """
    gold = [Entity(0, 10, "PER"), Entity(11, 20, "ORG")]
    pred = [Entity(5, 15, "PER")]
    got = counts(gold, pred)
    assert got == {
        "strict": (0, 1, 0, 1, 0),
        "exact": (0, 1, 0, 1, 0),
        "partial": (0, 0, 1, 1, 0),
        "type": (1, 0, 0, 1, 0),
    }
    for five in got.values():
        assert sum(five[:4]) == 2 and sum((*five[:3], five[4])) == 1


def test_entities_cases_nested_predictions_best_pair_wins() -> None:
    gold = [Entity(0, 10, "PER")]
    inner_first = [Entity(2, 5, "PER"), Entity(0, 10, "PER")]
    assert nervaluate(gold, inner_first)["strict"] == (0, 1, 0, 0, 1)
    assert counts(gold, inner_first)["strict"] == (1, 0, 0, 0, 1)


def test_entities_cases_any_overlap_counts_unlike_nervaluate_one_percent() -> None:
    """nervaluate needs >= 1% of the gold span covered; one character of 150 is not enough there."""
    gold = [Entity(0, 150, "PER")]
    pred = [Entity(149, 160, "PER")]
    assert nervaluate(gold, pred)["partial"] == (0, 0, 0, 1, 1)
    assert counts(gold, pred)["partial"] == (0, 0, 1, 0, 0)


def test_entities_cases_duplicate_predictions_one_is_spurious() -> None:
    gold = [Entity(0, 10, "PER")]
    pred = [Entity(0, 10, "PER"), Entity(0, 10, "PER")]
    assert counts(gold, pred)["strict"] == (1, 0, 0, 0, 1)


@pytest.mark.parametrize("scheme", list(Scheme), ids=lambda s: s.value)
def test_entities_cases_zero_division_policy(scheme: Scheme) -> None:
    t = Table.from_documents([Document("d", TEXT, ())], path="m", format="jsonl", sha256="")
    c = score_entities(t, t, schemes=(scheme,)).scores.micro[scheme]
    m = c.metrics
    assert (m.precision, m.recall, m.f1) == (0.0, 0.0, 0.0)
    assert m.undefined == ("precision", "recall", "f1")
    assert c.as_dict()["undefined"] == ["precision", "recall", "f1"]
