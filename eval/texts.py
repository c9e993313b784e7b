"""Document texts: a list of Python strings, or Arrow string arrays left in Arrow memory.

The Arrow reader (``eval.readers.arrow``) keeps each block's texts as the column it parsed
(``Texts``): no Python string is made per document unless one is asked for. What validation
needs of texts runs on the columns: code-point lengths (``lengths``), whether a predicted text
equals its gold text (``differ``), and whether an entity's text is the text at its offsets
(``spans_differ``). Given a list (any other reader), the same functions give the same answers
the plain way. pyarrow is imported only by code that holds Arrow arrays.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pyarrow as pa

IntArray = npt.NDArray[np.int64]
LARGE = 2**31 - 1  # bytes a ``pa.string()`` array can hold (32-bit offsets)

__all__ = ["ById", "Texts", "concat", "differ", "from_strings", "lengths", "spans_differ"]


class Texts(Sequence[str]):
    """Texts held in Arrow string arrays without nulls (one array per block read)."""

    __slots__ = ("_starts", "chunks")

    def __init__(self, chunks: Sequence[pa.Array]) -> None:
        import pyarrow as pa

        kept = [c for c in chunks if len(c)]
        self.chunks: tuple[pa.Array, ...] = tuple(c if c.type == pa.string() else c.cast(pa.string()) for c in kept)
        self._starts = np.cumsum([0, *map(len, self.chunks)], dtype=np.int64)

    def __len__(self) -> int:
        return int(self._starts[-1])

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Texts: ...
    def __getitem__(self, i: int | slice) -> str | Texts:
        if isinstance(i, slice):
            lo, hi, step = i.indices(len(self))
            if step != 1:
                return Texts([from_strings(list(self)[i])])
            return Texts(self._column().slice(lo, max(0, hi - lo)).chunks)
        n = len(self)
        k = i + n if i < 0 else i
        if not 0 <= k < n:
            raise IndexError(i)
        c = int(np.searchsorted(self._starts, k, side="right")) - 1
        return str(self.chunks[c][k - int(self._starts[c])].as_py())

    def __iter__(self) -> Iterator[str]:
        from .readers.arrow import strings

        for chunk in self.chunks:
            yield from strings(chunk)  # type: ignore[misc]  # no nulls

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable-looking sequence, like list

    def __repr__(self) -> str:
        return f"Texts({len(self)} texts in {len(self.chunks)} Arrow arrays)"

    def _column(self) -> pa.ChunkedArray:
        import pyarrow as pa

        return pa.chunked_array(self.chunks, pa.string())

    def take(self, rows: IntArray) -> pa.ChunkedArray:
        """The texts of ``rows`` (a slice, no copy, when the rows are consecutive). Texts of more
        than ``LARGE`` bytes in all are taken as ``large_string``, whose offsets are 64-bit."""
        import pyarrow as pa

        column = self._column()
        if not rows.size:
            return pa.chunked_array([from_strings([])], pa.string())
        if rows[-1] - rows[0] + 1 == rows.size and np.all(np.diff(rows) == 1):
            return column.slice(int(rows[0]), int(rows.size))
        if sum(c.nbytes for c in self.chunks) >= LARGE:
            column = column.cast(pa.large_string())
        return column.take(index_array(rows))


def index_array(rows: IntArray) -> pa.Array:
    """``rows`` as an Arrow int64 array, from its buffer (``pa.array`` would import pandas)."""
    import pyarrow as pa

    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), rows.size, [None, pa.py_buffer(rows)])


def from_strings(values: Sequence[str]) -> pa.Array:
    """Python strings as an Arrow string array, built from buffers (no pandas import)."""
    import pyarrow as pa

    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    data = pa.py_buffer(b"".join(encoded))
    if offsets[-1] < 2**31:
        return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets.astype(np.int32)), data])
    return pa.Array.from_buffers(pa.large_string(), len(encoded), [None, pa.py_buffer(offsets), data])


def lengths(texts: Sequence[str]) -> IntArray:
    """Each text's length in code points (Python's ``len``)."""
    if isinstance(texts, Texts):
        import pyarrow.compute as pc

        from .arrow_schema import ints

        parts = [ints(pc.utf8_length(c)) for c in texts.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def concat(parts: Sequence[Sequence[str]]) -> Sequence[str]:
    """The texts of ``parts`` in order: Arrow when every part is, else a list."""
    if parts and all(isinstance(p, Texts) for p in parts):
        return Texts([c for p in parts for c in p.chunks])  # type: ignore[attr-defined]
    return list(itertools.chain.from_iterable(parts))


def differ(a: Sequence[str], rows_a: IntArray, b: Sequence[str], rows_b: IntArray) -> IntArray:
    """Positions ``k`` where ``a[rows_a[k]] != b[rows_b[k]]``, compared column-wise for Arrow texts."""
    if isinstance(a, Texts) and isinstance(b, Texts):
        import pyarrow as pa
        import pyarrow.compute as pc

        from .arrow_schema import ints

        if not rows_a.size:
            return np.zeros(0, dtype=np.int64)
        left, right = a.take(rows_a), b.take(rows_b)
        if left.type != right.type:  # one side beyond LARGE bytes
            left, right = left.cast(pa.large_string()), right.cast(pa.large_string())
        unequal = pc.not_equal(left, right)  # chunk by chunk, however the two are chunked
        return np.flatnonzero(np.concatenate([ints(c) for c in unequal.chunks])).astype(np.int64)
    pairs = zip(rows_a.tolist(), rows_b.tolist(), strict=True)
    return np.asarray([k for k, (i, j) in enumerate(pairs) if a[i] != b[j]], dtype=np.int64)


def spans_differ(texts: Sequence[str], doc: IntArray, start: IntArray, end: IntArray, given: Sequence[str]) -> IntArray:
    """Positions ``k`` where ``texts[doc[k]][start[k]:end[k]] != given[k]`` (offsets inside the text).

    Arrow texts are compared byte-wise on their buffer where the document is ASCII (code points
    are bytes there); the rows of other documents are compared as Python strings."""
    n = len(given)
    if not isinstance(texts, Texts):
        spans = zip(doc.tolist(), start.tolist(), end.tolist(), given, strict=True)
        return np.asarray([k for k, (d, s, e, g) in enumerate(spans) if texts[d][s:e] != g], dtype=np.int64)
    bad: list[IntArray] = []
    chunk_of = np.searchsorted(texts._starts, doc, side="right") - 1
    for c in np.unique(chunk_of).tolist():
        mine = np.flatnonzero(chunk_of == c)
        local = doc[mine] - texts._starts[c]
        part = [given[k] for k in mine.tolist()]
        bad.append(mine[_chunk_spans_differ(texts.chunks[c], local, start[mine], end[mine], part)])
    return np.sort(np.concatenate(bad)) if bad and n else np.zeros(0, dtype=np.int64)


def _chunk_spans_differ(chunk: pa.Array, doc: IntArray, start: IntArray, end: IntArray, given: list[str]) -> IntArray:
    import pyarrow.compute as pc

    from .arrow_schema import ints

    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32, count=len(chunk) + 1, offset=chunk.offset * 4)
    data_buffer = chunk.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
    ascii_doc = np.diff(offsets).astype(np.int64) == ints(pc.utf8_length(chunk))
    encoded = [g.encode("utf-8") for g in given]
    size = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    plain = ascii_doc[doc]
    same_size = plain & (size == end - start)
    out = [np.flatnonzero(plain & ~same_size)]  # an ASCII span of another byte length differs
    rows = np.flatnonzero(same_size)
    if rows.size:
        n = size[rows]
        blob = np.frombuffer(b"".join(encoded[k] for k in rows.tolist()), dtype=np.uint8)
        first = np.zeros(rows.size, dtype=np.int64)
        np.cumsum(n[:-1], out=first[1:])
        at = np.repeat(offsets[doc[rows]].astype(np.int64) + start[rows] - first, n) + np.arange(blob.size)
        wrong = np.repeat(np.arange(rows.size), n)[data[at] != blob]
        out.append(rows[np.unique(wrong)])
    other = np.flatnonzero(~plain)
    if other.size:  # documents beyond ASCII: as Python strings, each decoded once
        cache: dict[int, str] = {}
        for k in other.tolist():
            d = int(doc[k])
            text = cache.get(d)
            if text is None:
                text = cache[d] = chunk[d].as_py()
            if text[int(start[k]) : int(end[k])] != given[k]:
                out.append(np.asarray([k], dtype=np.int64))
    return np.sort(np.concatenate(out)).astype(np.int64)


class ById(Mapping[str, str]):
    """Document id -> text of a table's documents, a text made only when asked for."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self._rows = {d: i for i, d in enumerate(ids)}
        self._texts = texts

    def __getitem__(self, doc_id: str) -> str:
        return self._texts[self._rows[doc_id]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, doc_id: str, default: Any = None) -> Any:
        row = self._rows.get(doc_id)
        return self._texts[row] if row is not None else default
