"""agreement(): hand-computed span F1, trigger agreement and kappa; errors; renderings."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from eval.agreement import (
    agreement,
    agreement_json,
    agreement_markdown,
    agreement_table,
    token_labels,
)
from eval.counts import PRF, Counts, Scheme
from eval.errors import UsageError, ValidationError
from eval.model import Document, Entity, Event, Span

T1 = "a b c d"
T2 = "x y"
ANN = [
    Document("d1", T1, (Entity(0, 1, "PER"), Entity(4, 5, "LOC")), (Event("Meet", Span(2, 3)),)),
    Document("d2", T2, (Entity(0, 1, "ORG"),)),
]
BOB = [Document("d1", T1, (Entity(0, 3, "PER"),), (Event("Meet", Span(2, 3)),))]
CY = [ANN[0]._replace(events=(Event("Attack", Span(2, 3)),)), ANN[1]]


@pytest.fixture(scope="module")
def result():
    return agreement({"ann": ANN, "bob": BOB, "cy": CY})


def test_agreement_pairs_in_order(result) -> None:
    assert result.annotators == ("ann", "bob", "cy")
    assert [(p.first, p.second) for p in result.pairs] == [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]
    assert [p.documents for p in result.pairs] == [1, 2, 1]
    assert result.labels == ("LOC", "ORG", "PER")


def test_agreement_span_counts_by_hand(result) -> None:
    ab = result.pair("bob", "ann")
    # bob's "a b" overlaps ann's "a" (other boundaries); ann's "c" is unmatched.
    assert ab.spans[Scheme.STRICT] == Counts(correct=0, incorrect=1, missed=1)
    assert ab.spans[Scheme.PARTIAL] == Counts(partial=1, missed=1, half_credit=True)
    assert ab.f1(Scheme.STRICT) == 0.0
    assert ab.f1(Scheme.PARTIAL) == pytest.approx(2 * 0.5 / 3)
    assert ab.f1(Scheme.PARTIAL, "PER") == pytest.approx(0.5)
    assert ab.f1(Scheme.STRICT, "LOC") == 0.0
    assert ab.f1(Scheme.STRICT, "ORG") is None  # d2 is not shared by ann and bob
    ac = result.pair("ann", "cy")
    assert ac.spans[Scheme.STRICT] == Counts(correct=3)
    assert ac.f1(Scheme.STRICT) == ac.f1(Scheme.PARTIAL) == 1.0


def test_agreement_triggers_by_hand(result) -> None:
    assert result.pair("ann", "bob").triggers == PRF(1, 0, 0)
    assert result.pair("ann", "cy").triggers == PRF(0, 1, 1)  # same offsets, other type


def test_agreement_kappa_by_hand(result) -> None:
    # ann: PER O LOC O / bob: PER PER O O -> p_o = 1/2, p_e = 1/4*2/4 + 2/4*2/4 = 3/8, kappa = 0.2
    assert result.pair("ann", "bob").kappa == pytest.approx(0.2)
    assert result.pair("bob", "cy").kappa == pytest.approx(0.2)
    assert result.pair("ann", "cy").kappa == pytest.approx(1.0)
    assert result.pair("ann", "cy").tokens == 6


def test_agreement_matrix_is_symmetric(result) -> None:
    assert result.matrix(Scheme.STRICT) == ((None, 0.0, 1.0), (0.0, None, 0.0), (1.0, 0.0, None))
    partial = result.matrix(Scheme.PARTIAL)
    assert all(partial[i][j] == partial[j][i] for i in range(3) for j in range(3))


def test_agreement_kappa_undefined_with_a_single_label() -> None:
    docs = [Document("d1", "p q r")]
    out = agreement({"a": docs, "b": docs})
    assert out.pairs[0].kappa is None and out.pairs[0].tokens == 3
    assert out.pairs[0].triggers is None


def test_agreement_token_labels_take_the_first_overlapping_entity() -> None:
    text = "New York City hall"
    ents = (Entity(4, 13, "LOC"), Entity(0, 8, "GPE"))
    assert token_labels(text, ents) == ["GPE", "GPE", "LOC", "O"]


def test_agreement_needs_two_annotators() -> None:
    with pytest.raises(UsageError, match="at least two annotators; got 1: ann"):
        agreement({"ann": ANN})


def test_agreement_refuses_different_texts() -> None:
    other = [Document("d1", "a b c e", path="bob.jsonl", line=4)]
    with pytest.raises(ValidationError) as info:
        agreement({"ann": ANN, "bob": other})
    assert info.value.lines() == [
        "bob.jsonl:4: document 'd1': its text differs between annotators 'ann' and 'bob'; annotate the same text"
    ]


def test_agreement_renderings_carry_the_same_numbers(result) -> None:
    data = agreement_json(result)
    json.dumps(data)  # JSON-ready
    assert data["annotators"] == ["ann", "bob", "cy"]
    assert data["pairs"][0]["spans"]["partial"]["partial"] == 1
    assert data["pairs"][0]["kappa"] == pytest.approx(0.2)
    assert data["matrices"]["strict"][0] == [None, 0.0, 1.0]
    md = agreement_markdown(result)
    assert "| ann / bob | 1 | 0.000 | 0.333 | 1.000 | 0.200 |" in md
    assert "| cy | 1.000 | 0.000 | — |" in md
    console = Console(width=200, record=True)
    console.print(agreement_table(result))
    text = console.export_text()
    assert "ann / cy" in text and "PER strict F1" in text and "0.200" in text
