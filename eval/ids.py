"""A compact set of document ids, each with the line of its first use: the duplicate-id checks
of a corpus scored in chunks, whose ids must outlive their chunk.

A ``dict[str, int]`` costs ~120 bytes per id of 10 ASCII characters (the string, the int, the
slot; more for longer or non-ASCII ids); ``SeenIds`` keeps 38: its ``hash`` (int64) in sorted
numpy runs, its UTF-8 bytes in one blob per run, and its line (the merge of the two largest
runs briefly needs ~25 more). Runs merge like a binary counter (a run is more than
twice the size of the next), so there are O(log n) runs, each searched in O(log n). A hash that
matches is checked against the stored id: a collision is never taken for a repeat. Hashes are
Python's ``hash`` (salted per process), so a ``SeenIds`` is never saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["SeenHashes", "SeenIds"]

Ints = npt.NDArray[np.int64]
Index = npt.NDArray[np.int32] | npt.NDArray[np.int64]

_CODEC = ("utf-8", "surrogatepass")  # JSON can give lone surrogates ("\ud800"); keep them exactly


def _index(a: npt.NDArray[np.integer[Any]], n: int) -> Index:
    """``a`` (values below ``n``, like indices, offsets or lines) as int32 unless a value may not fit."""
    return a.astype(np.int32, copy=False) if n < 2**31 else a.astype(np.int64, copy=False)


@dataclass(frozen=True, slots=True)
class _Run:
    """Ids added together: ``hashes`` sorted, ``order[k]`` the index (in ``offsets``, ``lines``) of
    the id with ``hashes[k]``; id ``i`` is ``blob[offsets[i]:offsets[i + 1]]``."""

    hashes: Ints
    order: Index
    blob: bytes
    offsets: Index
    lines: Index

    def __len__(self) -> int:
        return len(self.hashes)

    def has_hash(self, hashes: Ints) -> npt.NDArray[np.bool_]:
        """Which of ``hashes`` some id of the run has (a candidate, not yet a repeat)."""
        return _found(self.hashes, hashes)

    def line_of(self, key: bytes, h: int) -> int | None:
        """The line of the id whose UTF-8 is ``key`` (hash ``h``), None when it is not in the run."""
        k = int(self.hashes.searchsorted(h))
        while k < len(self.hashes) and self.hashes.item(k) == h:
            i = int(self.order[k])
            if self.blob[self.offsets[i] : self.offsets[i + 1]] == key:
                return int(self.lines[i])
            k += 1
        return None


def _merged(a: _Run, b: _Run) -> _Run:
    """One run of the ids of ``a`` then those of ``b``."""
    n = len(a) + len(b)
    hashes = np.concatenate([a.hashes, b.hashes])
    order = np.concatenate([_index(a.order, n), _index(b.order, n) + len(a)])
    by_hash = np.argsort(hashes, kind="stable")  # two sorted runs: timsort merges them in one pass
    size = len(a.blob) + len(b.blob)
    offsets = np.concatenate([_index(a.offsets, size), _index(b.offsets[1:], size) + a.offsets[-1]])
    lines = np.concatenate([a.lines, b.lines])
    return _Run(hashes[by_hash], order[by_hash], a.blob + b.blob, _index(offsets, size), lines)


def _new_run(ids: Sequence[str], hashes: Ints, lines: Index, by_hash: Ints) -> _Run:
    """A run of ids that are all new and distinct; ``by_hash`` sorts ``hashes``."""
    joined = "".join(ids)
    if joined.isascii():  # the usual case: bytes are characters, no encoding per id
        blob = joined.encode("ascii")
        sizes = np.fromiter(map(len, ids), np.int64, count=len(ids))
    else:
        encoded = [i.encode(*_CODEC) for i in ids]
        blob = b"".join(encoded)
        sizes = np.fromiter(map(len, encoded), np.int64, count=len(ids))
    offsets = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    top = int(lines.max(initial=0))
    lines = _index(lines, top + 1) if int(lines.min(initial=0)) >= 0 else lines
    return _Run(hashes[by_hash], _index(by_hash, len(ids)), blob, _index(offsets, len(blob)), lines)


class SeenIds:
    """Document ids seen so far, each with the line of its first use (a ``dict[str, int]`` in
    ~40 bytes per id). ``hash_fn`` replaces ``hash`` in tests that force collisions."""

    __slots__ = ("_hash", "_runs", "_n")

    def __init__(self, *, hash_fn: Callable[[str], int] = hash) -> None:
        self._hash = hash_fn
        self._runs: list[_Run] = []  # each more than twice the size of the next
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.line_of(doc_id) is not None

    def line_of(self, doc_id: str) -> int | None:
        """The line of ``doc_id``'s first use; None when it was never added."""
        return self._line_of(doc_id.encode(*_CODEC), self._hash(doc_id))

    def _line_of(self, key: bytes, h: int) -> int | None:
        for run in self._runs:
            line = run.line_of(key, h)
            if line is not None:
                return line
        return None

    def add(self, ids: Sequence[str], lines: Sequence[int]) -> list[tuple[int, int]]:
        """Add a batch of ids (``lines[i]`` the line of ``ids[i]``); return ``(row, line of first
        use)`` for each row that repeats an id of an earlier batch or row, in row order, as a
        ``dict`` filled row by row would find them. Only the first use of an id is kept."""
        n = len(ids)
        if len(lines) != n:
            raise ValueError(f"{n} ids but {len(lines)} lines")
        if not n:
            return []
        hashes = np.fromiter(map(self._hash, ids), np.int64, count=n)
        by_hash = np.argsort(hashes, kind="stable")
        suspects = self._suspects(hashes[by_hash], by_hash)
        repeats = self._repeats(ids, lines, hashes, suspects) if suspects.size else []
        line_col = np.fromiter(lines, np.int64, count=n)
        if repeats:
            new = np.ones(n, dtype=bool)
            new[[row for row, _ in repeats]] = False
            kept = hashes[new]
            rows = np.flatnonzero(new).tolist()
            run = _new_run([ids[r] for r in rows], kept, line_col[new], np.argsort(kept, kind="stable"))
        else:
            run = _new_run(ids, hashes, line_col, by_hash)
        self._push(run)
        return repeats

    def _suspects(self, ordered: Ints, by_hash: Ints) -> Ints:
        """Rows whose hash another row of the batch, or a stored id, has: the only possible
        repeats, in row order. ``ordered`` is the batch's hashes sorted (``by_hash`` the rows):
        sorted keys search a big run far faster than keys in row order (fewer cache misses)."""
        suspect = np.zeros(len(ordered), dtype=bool)
        twin = ordered[1:] == ordered[:-1]
        suspect[1:] |= twin
        suspect[:-1] |= twin
        for run in self._runs:
            suspect |= run.has_hash(ordered)
        return np.sort(by_hash[suspect])

    def _repeats(self, ids: Sequence[str], lines: Sequence[int], hashes: Ints, rows: Ints) -> list[tuple[int, int]]:
        """The repeats among the suspect ``rows``: their ids compared with the stored ones."""
        repeats: list[tuple[int, int]] = []
        here: dict[str, int] = {}  # ids of suspect rows first used in this batch
        for row in rows.tolist():
            doc_id = ids[row]
            line = self._line_of(doc_id.encode(*_CODEC), int(hashes[row]))
            if line is None:
                line = here.get(doc_id)
            if line is None:
                here[doc_id] = int(lines[row])
            else:
                repeats.append((row, line))
        return repeats

    def _push(self, run: _Run) -> None:
        self._n += len(run)
        _push(self._runs, run, _merged)


class SeenHashes:
    """The ``hash`` of every id added (8 bytes per id), for a check that may answer "perhaps":
    a hit can be a collision, so a caller takes it as a reason to take the slow, exact way
    (the stream reads both files whole then), never as an answer."""

    __slots__ = ("_hash", "_runs")

    def __init__(self, *, hash_fn: Callable[[str], int] = hash) -> None:
        self._hash = hash_fn
        self._runs: list[Ints] = []  # sorted; each more than twice the size of the next

    def add(self, ids: Sequence[str]) -> bool:
        """Add a batch; True when an id of it may repeat an earlier one (of the batch or before)."""
        hashes = np.sort(np.fromiter(map(self._hash, ids), np.int64, count=len(ids)))
        perhaps = bool(np.any(hashes[1:] == hashes[:-1])) or any(_has_any(run, hashes) for run in self._runs)
        _push(self._runs, hashes, lambda a, b: np.sort(np.concatenate([a, b]), kind="stable"))
        return perhaps

    def __contains__(self, doc_id: object) -> bool:
        """Whether ``doc_id`` may have been added (True for a collision too)."""
        if not isinstance(doc_id, str):
            return False
        h = np.asarray([self._hash(doc_id)], dtype=np.int64)
        return any(_has_any(run, h) for run in self._runs)


def _has_any(run: Ints, hashes: Ints) -> bool:
    return bool(_found(run, hashes).any())


def _found(run: Ints, hashes: Ints) -> npt.NDArray[np.bool_]:
    """Which of ``hashes`` the sorted, non-empty ``run`` holds."""
    at = np.minimum(np.searchsorted(run, hashes), len(run) - 1)
    return np.asarray(run[at] == hashes)


def _push(runs: list[Any], run: Any, merged: Callable[[Any, Any], Any]) -> None:
    """Add a non-empty sorted run, merging like a binary counter: each run stays more than
    twice the size of the next, so there are O(log n) runs."""
    if not len(run):
        return
    runs.append(run)
    while len(runs) > 1 and len(runs[-2]) <= 2 * len(runs[-1]):
        last = runs.pop()
        runs[-1] = merged(runs[-1], last)
