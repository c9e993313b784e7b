"""Offset-free scoring invariants on random documents, and a direct count of the definitions."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from eval.counts import Counts, Scheme
from eval.docmatch import AliasTable, load_aliases, score_documents_offset_free
from eval.model import Document, Entity, Mention

LABELS = ("PER", "LOC", "ORG")
NAMES = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta")
ALIASES_YAML = "Alpha: [Al, Mr Alpha]\nBeta: [B.]\nGamma: []\n"


def _corpus(seed: int, n: int = 300) -> tuple[list[Document], list[Document]]:
    rng = random.Random(seed)
    gold, pred = [], []
    for i in range(n):
        words = [rng.choice(NAMES) for _ in range(rng.randint(0, 6))]
        text = " ".join(words)
        entities, at = [], 0
        for w in words:
            entities.append(Entity(at, at + len(w), rng.choice(LABELS)))
            at += len(w) + 1
        gold.append(Document(f"d{i}", text, tuple(entities)))
        mentions = [Mention(rng.choice(LABELS), rng.choice(NAMES).upper()) for _ in range(rng.randint(0, 5))]
        pred.append(Document(f"d{i}", text, (), (), tuple(mentions)))
    return gold, pred


def _reference(gold: list[Document], pred: list[Document]) -> dict[Scheme, Counts]:
    """STRICT correct = shared (label, name) items; EXACT correct = sum over names of min(#gold, #pred)."""
    out = {Scheme.STRICT: Counts(), Scheme.EXACT: Counts()}
    for g, p in zip(gold, pred, strict=True):
        gi = {(e.label, g.text[e.start : e.end].casefold()) for e in g.entities}
        pi = {(m.label, m.text.casefold()) for m in p.mentions}
        by_name = Counter(n for _, n in gi), Counter(n for _, n in pi)
        exact = sum(min(by_name[0][n], by_name[1][n]) for n in by_name[0])
        strict = len(gi & pi)
        out[Scheme.STRICT] += Counts(strict, exact - strict, 0, len(gi) - exact, len(pi) - exact)
        out[Scheme.EXACT] += Counts(exact, 0, 0, len(gi) - exact, len(pi) - exact)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_docmatch_equals_direct_count(seed: int) -> None:
    gold, pred = _corpus(seed)
    micro = score_documents_offset_free(gold, pred).micro
    assert micro == _reference(gold, pred)
    assert micro[Scheme.STRICT].incorrect > 0 and micro[Scheme.EXACT].correct > micro[Scheme.STRICT].correct


def test_docmatch_gold_against_itself_is_perfect() -> None:
    gold, _ = _corpus(1)
    for counts in score_documents_offset_free(gold, gold).micro.values():
        assert counts.missed == counts.spurious == counts.incorrect == 0
        assert counts.metrics.f1 == 1.0


def test_docmatch_empty_predictions_recall_zero() -> None:
    gold, _ = _corpus(2)
    result = score_documents_offset_free(gold, [])
    for counts in result.micro.values():
        assert counts.correct == 0 and counts.missed > 0 and counts.metrics.recall == 0.0
    assert all(c[Scheme.STRICT].metrics.recall == 0.0 for c in result.labels.values())


def test_docmatch_order_does_not_matter() -> None:
    gold, pred = _corpus(3)
    rng = random.Random(0)
    shuffled = [d._replace(mentions=tuple(rng.sample(d.mentions, len(d.mentions)))) for d in pred]
    rng.shuffle(shuffled)
    assert score_documents_offset_free(gold, shuffled) == score_documents_offset_free(gold, pred)


def test_docmatch_aliases_rewrite_nothing_but_names(tmp_path) -> None:
    p = tmp_path / "aliases.yaml"
    p.write_text(ALIASES_YAML)
    table = load_aliases(p)
    gold, pred = _corpus(4)
    spelled = {"ALPHA": ["Al", "mr alpha", "Alpha"], "BETA": ["B.", "Beta"]}
    rng = random.Random(1)
    renamed = [
        d._replace(mentions=tuple(m._replace(text=rng.choice(spelled.get(m.text, [m.text]))) for m in d.mentions))
        for d in pred
    ]
    assert score_documents_offset_free(gold, renamed, aliases=table) == score_documents_offset_free(gold, pred)
    assert score_documents_offset_free(gold, renamed) != score_documents_offset_free(gold, pred)


def test_docmatch_result_gives_macro_and_document_statistics() -> None:
    gold, pred = _corpus(5)
    result = score_documents_offset_free(gold, pred, aliases=AliasTable())
    stats = result.doc_stats()
    for scheme, counts in result.micro.items():
        matched, possible, actual = stats[f"entities.{scheme.value}"].sum(axis=0)
        assert (matched, possible, actual) == (counts.matched, counts.possible, counts.actual)
        mean = sum(c[scheme].metrics.f1 for c in result.labels.values()) / len(result.labels)
        assert result.macro()[scheme].f1 == pytest.approx(mean)
