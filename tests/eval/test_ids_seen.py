"""``SeenIds`` finds the repeats a ``dict`` filled row by row finds, with the same first lines.

Differential against the dict on random batches (repeats within and across batches, unicode and
lone surrogates, empty batches), also with a hash of a tiny range so that almost every id
collides: a collision is never a repeat. ``table_problems`` gives the same problems with either.
"""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eval.ids import SeenHashes, SeenIds
from eval.model import Document
from eval.table import Table
from eval.validate import table_problems

ODD = ["", "é", "中文", "😀x", "\ud800", "a\x00b", "doc 1", " doc1"]  # lone surrogate, NUL, spaces


def tiny(doc_id: str) -> int:
    """A hash with 3 values: nearly every pair of ids collides."""
    return len(doc_id) % 3


def reference(seen: dict[str, int], ids: list[str], lines: list[int]) -> list[tuple[int, int]]:
    """The dict loop ``table_problems`` runs on a whole table."""
    repeats = []
    for row, doc_id in enumerate(ids):
        if doc_id in seen:
            repeats.append((row, seen[doc_id]))
        else:
            seen[doc_id] = lines[row]
    return repeats


def random_batches(rng: random.Random) -> list[tuple[list[str], list[int]]]:
    pool = [f"doc{i:05d}" for i in range(rng.choice([50, 400, 3000]))] + ODD
    batches, line = [], 1
    for _ in range(rng.randint(1, 40)):
        n = rng.choice([0, 1, 2, rng.randint(3, 50), rng.randint(50, 700)])
        ids = [rng.choice(pool) for _ in range(n)]
        lines = list(range(line, line + n))
        line += n + rng.randint(0, 3)  # lines need not follow on
        batches.append((ids, lines))
    return batches


def check_against_dict(seen: SeenIds, batches: list[tuple[list[str], list[int]]], absent: list[str]) -> None:
    plain: dict[str, int] = {}
    for ids, lines in batches:
        assert seen.add(ids, lines) == reference(plain, ids, lines)
        assert len(seen) == len(plain)
    for doc_id, line in plain.items():
        assert doc_id in seen
        assert seen.line_of(doc_id) == line
    for doc_id in absent:
        assert doc_id not in seen
        assert seen.line_of(doc_id) is None


@pytest.mark.parametrize("hash_fn", [hash, tiny], ids=["hash", "tiny"])
@pytest.mark.parametrize("seed", range(12))
def test_ids_seen_finds_the_repeats_a_dict_finds(seed: int, hash_fn: Callable[[str], int]) -> None:
    rng = random.Random(seed)
    check_against_dict(SeenIds(hash_fn=hash_fn), random_batches(rng), ["nope", "doc", "doc000000", "e", "\udfff"])


@given(st.lists(st.lists(st.text(alphabet="ab\u00e9\ud800", max_size=3), max_size=12), max_size=12))
def test_ids_seen_property_with_collisions(batches: list[list[str]]) -> None:
    numbered, line = [], 1
    for ids in batches:
        numbered.append((ids, list(range(line, line + len(ids)))))
        line += len(ids)
    check_against_dict(SeenIds(hash_fn=tiny), numbered, ["abab", "bbbb"])


def test_ids_seen_collision_is_not_a_repeat() -> None:
    seen = SeenIds(hash_fn=lambda _: 7)  # every id has the same hash
    assert seen.add(["a"], [1]) == []
    assert seen.add(["b", "c"], [2, 3]) == []
    assert seen.add(["d", "b", "e", "a", "d", "b"], [4, 5, 6, 7, 8, 9]) == [(1, 2), (3, 1), (4, 4), (5, 2)]
    assert len(seen) == 5
    assert "e" in seen and "f" not in seen and 7 not in seen
    assert [seen.line_of(i) for i in "abcdef"] == [1, 2, 3, 4, 6, None]


def test_ids_seen_batches_of_all_sizes_merge_without_losing_ids() -> None:
    seen = SeenIds()
    ids = [f"doc{i:07d}" for i in range(20_000)]
    lo, rng = 0, random.Random(0)
    while lo < len(ids):
        hi = min(len(ids), lo + rng.choice([1, 7, 300, 2500]))
        assert seen.add(ids[lo:hi], list(range(lo + 1, hi + 1))) == []
        lo = hi
    assert len(seen) == len(ids)
    assert seen.add(ids[::997], [0] * len(ids[::997])) == [(k, 997 * k + 1) for k in range(len(ids[::997]))]
    assert len(seen) == len(ids)  # repeats are not kept


def test_ids_seen_lines_must_match_ids() -> None:
    with pytest.raises(ValueError, match="2 ids but 1 lines"):
        SeenIds().add(["a", "b"], [1])


def test_ids_seen_is_compact() -> None:
    ids = [f"doc{i:07d}" for i in range(100_000)]
    lines = list(range(1, len(ids) + 1))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        seen = SeenIds()
        for lo in range(0, len(ids), 7000):
            seen.add(ids[lo : lo + 7000], lines[lo : lo + 7000])
        per_id = (tracemalloc.get_traced_memory()[0] - before) / len(ids)
    finally:
        tracemalloc.stop()
    assert len(seen) == len(ids)
    assert per_id < 50  # 8 hash + 4 order + 8 offset + 8 line + 10 UTF-8; a dict[str, int] takes ~150


def table_of(ids: list[str], first_line: int) -> Table:
    docs = [Document(doc_id, "", line=first_line + k) for k, doc_id in enumerate(ids)]
    return Table.from_documents(docs, path="gold.jsonl", format="jsonl", sha256="")


@pytest.mark.parametrize("seed", range(6))
def test_ids_seen_table_problems_as_with_a_dict(seed: int) -> None:
    rng = random.Random(seed)
    plain: dict[str, int] = {}
    seen = SeenIds()
    for ids, lines in random_batches(rng):
        table = table_of(ids, lines[0] if lines else 1)
        assert table_problems(table, first_line=seen) == table_problems(table, first_line=plain)
    assert len(seen) == len(plain)


def test_seen_hashes_answer_perhaps_never_no_for_an_added_id() -> None:
    """``SeenHashes`` never misses an added id; with a tiny hash range it says "perhaps" for
    others (the stream then reads the files whole), and a repeat in a batch is noticed."""
    rnd = random.Random(7)
    seen = SeenHashes()
    added: list[str] = []
    for b in range(40):
        batch = [f"doc{b}-{k}" for k in range(rnd.randint(0, 300))]
        assert seen.add(batch) is False
        added += batch
    assert all(doc_id in seen for doc_id in added)
    assert "doc-unknown" not in seen and 3 not in seen
    assert seen.add(["new", added[5]]) is True  # an earlier batch's id
    assert seen.add(["twice", "twice"]) is True  # within the batch
    tiny = SeenHashes(hash_fn=lambda s: len(s) % 3)
    assert tiny.add(["a"]) is False and "bb" not in tiny and "dddd" in tiny  # a collision: perhaps
