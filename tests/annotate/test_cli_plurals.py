"""Counts in annotate's output read right for one and for many ("1 document", not "1 documents")."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from annotate.cli import _print_push
from annotate.push import PushSummary
from eval.words import counted


@pytest.mark.parametrize(
    ("n", "noun", "plural", "text"),
    [(0, "document", None, "0 documents"), (1, "document", None, "1 document"), (2, "task", None, "2 tasks"),
     (1, "entity", "entities", "1 entity"), (7, "entity", "entities", "7 entities")],
)
def test_counted(n: int, noun: str, plural: str | None, text: str) -> None:
    assert counted(n, noun, plural) == text


def printed(summary: PushSummary) -> str:
    out = io.StringIO()
    _print_push(Console(file=out, width=200, highlight=False), summary, None)
    return " ".join(out.getvalue().split())


def test_push_summary_for_one_of_each() -> None:
    one = PushSummary(7, "p", False, documents=1, created=1, annotations_skipped=1, annotations_created=0,
                      retries=1, duplicate_doc_ids=("d1",))
    text = printed(one)
    assert "tasks: 1 created, 0 already there (1 document)" in text
    assert "annotations: 0 created, 1 task already annotated" in text
    assert "1 failed request was retried" in text
    assert "1 document id has more than one task ('d1')" in text
    assert "(s)" not in text


def test_push_summary_for_many() -> None:
    many = PushSummary(7, "p", False, documents=3, created=3, retries=2, duplicate_doc_ids=("a", "b"))
    text = printed(many)
    assert "(3 documents)" in text and "2 failed requests were retried" in text
    assert "2 document ids have more than one task" in text
