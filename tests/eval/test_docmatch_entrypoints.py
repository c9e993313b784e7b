"""The entry points ``evaluate --level document`` calls: score_offset_free, offset_free_events."""

from __future__ import annotations

from pathlib import Path

from eval.counts import PRF, Counts, Scheme
from eval.docmatch import offset_free_events, score_offset_free
from eval.model import Argument, Document, Entity, Event, Mention, Span
from eval.report import EVENT_METRICS, EntityScores

TEXT = "President Putin met Mirziyoyev in Tashkent."


def _at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


GOLD = [
    Document(
        "d1",
        TEXT,
        (Entity(*_at("President Putin"), "PER"), Entity(*_at("Mirziyoyev"), "PER"), Entity(*_at("Tashkent"), "LOC")),
        (Event("Meet", Span(*_at("met")), (Argument("Participant", *_at("Mirziyoyev")),)),),
    )
]
PRED = [
    Document(
        "d1",
        TEXT,
        (),
        (Event("Meet", Span(-1, -1, "met"), (Argument("Participant", text="Shavkat Mirziyoyev"),)),),
        (Mention("PER", "Vladimir Putin"), Mention("PER", "Shavkat Mirziyoyev"), Mention("ORG", "Tashkent")),
    )
]


def test_docmatch_score_offset_free_uses_the_shipped_aliases_by_default() -> None:
    scores, stats = score_offset_free(GOLD, PRED)
    assert isinstance(scores, EntityScores)
    assert scores.micro[Scheme.STRICT] == Counts(correct=2, incorrect=1)
    assert scores.micro[Scheme.EXACT] == Counts(correct=3)
    assert scores.documents is not None and scores.documents["d1"] == scores.micro
    assert set(scores.macro) == {Scheme.STRICT, Scheme.EXACT}
    assert stats["entities.strict"].tolist() == [[2.0, 3.0, 3.0]]


def test_docmatch_score_offset_free_with_an_alias_file_and_labels(tmp_path: Path) -> None:
    table = tmp_path / "a.yaml"
    table.write_text("Putin: [President Putin, Vladimir Putin]\n")
    scores, _ = score_offset_free(GOLD, PRED, aliases=str(table), labels=("PER",))
    assert set(scores.labels) == {"PER"}
    # Mirziyoyev has no alias in this table: missed and spurious.
    assert scores.micro[Scheme.STRICT] == Counts(correct=1, missed=1, spurious=1)


def test_docmatch_offset_free_events_scores_and_statistics() -> None:
    scores, stats = offset_free_events(GOLD, PRED)
    assert scores.micro == {m: PRF(1, 0, 0) for m in EVENT_METRICS}
    assert set(stats) == {f"events.{m}" for m in EVENT_METRICS}
    assert stats["events.argument_classification"].tolist() == [[1.0, 1.0, 1.0]]
