"""Hand-computed offset-free cases: tests/fixtures/docmatch/<case>/ (gold, pred, aliases, expected)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.counts import PRF, Counts, Scheme
from eval.docmatch import (
    NO_ALIASES,
    AliasTable,
    event_items,
    load_aliases,
    score_documents_offset_free,
    score_events_offset_free,
)
from eval.events import event_counts_by_document
from eval.readers.jsonl import read_jsonl
from eval.report import EVENT_METRICS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "docmatch"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


def _load(case: str) -> tuple[list, list, AliasTable, dict]:
    folder = FIXTURES / case
    aliases = load_aliases(folder / "aliases.yaml") if (folder / "aliases.yaml").is_file() else NO_ALIASES
    expected = json.loads((folder / "expected.json").read_text())
    return read_jsonl(folder / "gold.jsonl"), read_jsonl(folder / "pred.jsonl"), aliases, expected


def _counts(d: dict[str, dict[str, int]]) -> dict[Scheme, Counts]:
    return {Scheme(name): Counts(**c) for name, c in d.items()}


def test_docmatch_there_are_the_required_cases() -> None:
    assert {"names_only", "aliases", "one_alias_two_gold", "label_mismatch"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_docmatch_fixture_entities(case: str) -> None:
    gold, pred, aliases, expected = _load(case)
    micro, labels, documents = score_documents_offset_free(gold, pred, aliases=aliases)
    assert micro == _counts(expected["micro"])
    for label, counts in expected.get("labels", {}).items():
        assert labels[label] == _counts(counts), label
    assert set(documents) == {d.id for d in gold}
    for s in micro:
        assert sum((c[s] for c in documents.values()), Counts()) == micro[s]
    if "micro_without_aliases" in expected:
        plain = score_documents_offset_free(gold, pred).micro
        assert plain == _counts(expected["micro_without_aliases"])


@pytest.mark.parametrize(
    "case", [c for c in CASES if "events" in json.loads((FIXTURES / c / "expected.json").read_text())]
)
def test_docmatch_fixture_events(case: str) -> None:
    gold, pred, aliases, expected = _load(case)
    scores = score_events_offset_free(gold, pred, aliases=aliases)
    assert scores.micro == {m: PRF(*expected["events"][m]) for m in EVENT_METRICS}
    per_doc = event_counts_by_document(gold, pred, items=event_items(aliases))
    assert {m: sum(per_doc[m].values(), PRF()) for m in EVENT_METRICS} == scores.micro
