"""Gold and predictions as pairs of document chunks: scoring with memory bounded by a chunk.

The gold file is read block by block (``eval.readers.arrow``); each block is a chunk. The
predictions are read block by block too, and each predicted document goes with the chunk that
holds its gold document. Predictions in the gold's order (what an extractor run over the gold
file writes) therefore need only the current chunk or two in memory. A prediction whose gold
document is further on makes the reader read ahead until it finds it (its text may be needed:
predictions may leave ``text`` out); one whose chunk was already scored means the predictions
are in another order: ``Misaligned``, and the caller reads both files whole instead.

Per document only the hash of its gold id is kept across chunks (``SeenHashes``, 8 bytes): to
tell a prediction of an earlier chunk from one that is in no chunk at all, and to notice a
repeated gold id. A hash that matches by collision only sends the run down the whole path.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import FormatError, Problem, ValidationError
from .ids import SeenHashes
from .readers import arrow
from .readers.arrow import Reading
from .table import Table, TableBuilder

__all__ = ["Misaligned", "Stream"]


class Misaligned(Exception):
    """The predictions are not in the gold's document order; read both files whole."""


def _tables(
    path: Path, format: str, reference: Mapping[str, str] | None, block: int, events: bool
) -> Iterator[tuple[Table, Reading]]:
    if format == "parquet":  # a block of about 16 MB of JSONL holds ~7,000 documents of the bench
        docs = max(1, block // 2400)
        return arrow.iter_parquet_tables(path, reference=reference, batch_docs=docs, events=events)
    return arrow.iter_tables(path, reference=reference, block=block, events=events)


class _Window(Mapping[str, str]):
    """The gold chunks read but not yet scored; as a mapping, gold id -> text (reading ahead)."""

    def __init__(self, chunks: Iterator[tuple[Table, Reading]]) -> None:
        self._chunks = chunks
        self.pending: deque[Table] = deque()
        self.first = 0  # serial number of pending[0]
        self._rows: dict[str, tuple[int, int]] = {}  # id -> (serial, row) of the pending chunks
        self.seen = SeenHashes()  # every gold id read so far (a hit may be a collision: Misaligned then)
        self.state: Reading | None = None
        self.documents = 0

    def pull(self) -> bool:
        """Read the next gold chunk; False at the end of the file."""
        nxt = next(self._chunks, None)
        if nxt is None:
            return False
        table, self.state = nxt
        serial = self.first + len(self.pending)
        if self.seen.add(table.ids):  # an id given twice (or a collision): the whole path names both lines
            raise ValidationError([Problem(table.path, "duplicate document id")])
        self._rows.update(zip(table.ids, zip(itertools.repeat(serial), range(len(table))), strict=False))
        self.pending.append(table)
        self.documents += len(table)
        return True

    def serial(self, doc_id: str) -> int | None:
        """The chunk of gold document ``doc_id``, reading ahead; None when it is in no chunk."""
        while doc_id not in self._rows:
            if doc_id in self.seen:
                raise Misaligned(doc_id)  # its chunk was scored already
            if not self.pull():
                return None
        return self._rows[doc_id][0]

    def pop(self) -> Table:
        table = self.pending.popleft()
        for doc_id in table.ids:
            del self._rows[doc_id]
        self.first += 1
        return table

    def __getitem__(self, doc_id: str) -> str:
        text = self.get(doc_id)
        if text is None:
            raise KeyError(doc_id)
        return text

    def get(self, doc_id: str, default: str | None = None) -> str | None:  # type: ignore[override]
        hit = self._rows.get(doc_id)
        if hit is None:
            if self.serial(doc_id) is None:
                return default
            hit = self._rows[doc_id]
        serial, row = hit
        return self.pending[serial - self.first].texts[row]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass
class Stream:
    """``(gold chunk, its predictions)`` pairs of two files, in gold order (iterate once).

    After the iteration: ``gold_sha256``, ``pred_sha256``, ``gold_documents`` and
    ``pred_documents`` describe the whole files. A file with problems raises its
    ``FormatError`` at the end of the iteration (every problem of the file, as the whole path).
    """

    gold_path: Path
    pred_path: Path
    gold_format: str = "jsonl"
    pred_format: str = "jsonl"
    gold_sha256: str = ""
    pred_sha256: str = ""
    gold_documents: int = 0
    pred_documents: int = 0
    block: int | None = None  # bytes of JSONL per chunk; None: arrow.BLOCK
    events: bool = False  # events as columns (eval.readers.arrow)

    def __iter__(self) -> Iterator[tuple[Table, Table]]:
        block = self.block or arrow.BLOCK
        window = _Window(_tables(self.gold_path, self.gold_format, None, block, self.events))
        pred_state: Reading | None = None
        parts: list[Table] = []  # predictions of window.pending[0] so far
        for table, state in _tables(self.pred_path, self.pred_format, window, block, self.events):
            pred_state = state
            self.pred_documents += len(table)
            for serial, lo, hi in self._runs(table, window):
                while window.first < serial:  # chunks before this one are complete
                    yield window.pop(), self._joined(parts)
                    parts = []
                parts.append(table.slice(lo, hi))
        while window.pending or window.pull():
            yield window.pop(), self._joined(parts)
            parts = []
        for state in (window.state, pred_state):
            if state is not None and state.problems:
                raise FormatError(state.problems)
        self.gold_documents = window.documents
        self.gold_sha256 = window.state.digest.hexdigest() if window.state is not None else ""
        self.pred_sha256 = pred_state.digest.hexdigest() if pred_state is not None else ""

    def _runs(self, table: Table, window: _Window) -> Iterator[tuple[int, int, int]]:
        """``(chunk serial, lo, hi)``: rows ``[lo, hi)`` of ``table`` belong to that gold chunk.

        A predicted document that is in no chunk goes with the chunk being filled (the scorer
        reports or ignores it, as ``--allow-extra`` says)."""
        current = window.first
        lo = 0
        rows = window._rows
        for row, doc_id in enumerate(table.ids):
            hit = rows.get(doc_id)
            serial = hit[0] if hit is not None else window.serial(doc_id)
            if serial is None:
                serial = current
            if serial < current:
                raise Misaligned(doc_id)
            if serial > current:
                if row > lo:
                    yield current, lo, row
                current, lo = serial, row
        if len(table) > lo:
            yield current, lo, len(table)

    def _joined(self, parts: list[Table]) -> Table:
        if len(parts) == 1:
            return parts[0]
        if parts:
            return Table.concat(parts, path=str(self.pred_path), format=self.pred_format, sha256="")
        return TableBuilder(path=str(self.pred_path)).build(
            path=str(self.pred_path), format=self.pred_format, sha256=""
        )
