"""Hand-computed acceptance cases: tests/fixtures/events/<case>/{gold,pred}.jsonl + expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.counts import PRF
from eval.events import ARGUMENT_METRICS, event_counts_by_document, score_events
from eval.readers.jsonl import read_jsonl
from eval.report import EVENT_METRICS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "events"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


def _load(case: str) -> tuple[list, list, dict]:
    folder = FIXTURES / case
    expected = json.loads((folder / "expected.json").read_text())
    return read_jsonl(folder / "gold.jsonl"), read_jsonl(folder / "pred.jsonl"), expected


def _prf(triple: list[int]) -> PRF:
    return PRF(*triple)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("case", CASES)
def test_events_fixture_micro(case: str) -> None:
    gold, pred, expected = _load(case)
    scores = score_events(gold, pred)
    assert set(scores.micro) == set(EVENT_METRICS)
    assert {m: scores.micro[m] for m in EVENT_METRICS} == {m: _prf(expected["micro"][m]) for m in EVENT_METRICS}


@pytest.mark.parametrize("case", CASES)
def test_events_fixture_types_and_roles(case: str) -> None:
    gold, pred, expected = _load(case)
    scores = score_events(gold, pred)
    for ty, metrics in expected.get("types", {}).items():
        assert scores.types[ty] == {m: _prf(v) for m, v in metrics.items()}, ty
    for role, metrics in expected.get("roles", {}).items():
        assert set(scores.roles[role]) == set(ARGUMENT_METRICS)
        assert scores.roles[role] == {m: _prf(v) for m, v in metrics.items()}, role


@pytest.mark.parametrize("case", CASES)
def test_events_fixture_documents_sum_to_micro(case: str) -> None:
    gold, pred, expected = _load(case)
    per_doc = event_counts_by_document(gold, pred)
    assert set(per_doc) == set(EVENT_METRICS)
    for m in EVENT_METRICS:
        assert set(per_doc[m]) == {d.id for d in gold}
        assert sum(per_doc[m].values(), PRF()) == _prf(expected["micro"][m])
