"""Canonical JSONL into ``Table`` chunks through Arrow: no Python object per span.

The file is read in blocks of whole lines (``BLOCK`` bytes). Each block is parsed by
``pyarrow.json`` against the typed layout of ``eval.arrow_schema`` (multi-threaded C++), and its
offsets, labels and document index become numpy arrays in a few column operations. Arrow takes
a block only when the block is plainly valid: every field of the layout and no other, no null
where a value is required, one record per line. Any other block — a bad line, events, ``meta``
or other fields to keep, mentions without offsets, blank lines — is read by the exact reader
(``eval.readers.jsonl``), which names each problem ``file:line``; so messages are exactly those
of the exact reader, and unknown fields are kept where they were (``Document.extra``).

``iter_tables`` yields one ``Table`` per block (bounded memory: the scorer can go chunk by
chunk); ``read_table`` joins them. Both hash the file in the same pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from ..arrow_schema import DOCUMENT, DOCUMENT_WITH_EVENTS, ints
from ..errors import FormatError
from ..table import LabelCodes, Table, TableBuilder
from ..texts import Texts, from_strings, lengths, spans_differ

if TYPE_CHECKING:
    from ..event_columns import EventColumns
from .jsonl import _blocks, _read_lines

BLOCK = 16 << 20  # bytes of whole lines parsed at once (~7,000 documents of 2.4 KB)
_PARSE = pj.ParseOptions(explicit_schema=DOCUMENT, unexpected_field_behavior="error")
_PARSE_EVENTS = pj.ParseOptions(explicit_schema=DOCUMENT_WITH_EVENTS, unexpected_field_behavior="error")
_NULL_LIST = re.compile(rb'"entities"\s*:\s*null')  # the exact reader refuses it; Arrow reads it as absent
_NULL_EVENTS = re.compile(rb'"events"\s*:\s*null')


@dataclass(slots=True)
class Reading:
    """What a pass over one file has found so far: its problems and its label codes."""

    path: str
    reference: Mapping[str, str] | None = None  # document id -> gold text (predictions)
    codes: LabelCodes = field(default_factory=LabelCodes)
    problems: list[str] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)
    events: bool = False  # read events into columns (else documents with events go to the exact reader)


def iter_tables(
    path: Path, *, reference: Mapping[str, str] | None = None, block: int = BLOCK, events: bool = False
) -> Iterator[tuple[Table, Reading]]:
    """One ``Table`` per block of the file, in file order, and the reading state.

    Bad lines are left out of their block's table and gathered in ``Reading.problems``; the
    caller raises them once the file is read (``read_table`` does). After the last block,
    ``Reading.digest`` holds the file's sha256.
    """
    state = Reading(str(path), reference, events=events)
    line_no = 1
    for raw, n_lines, parsed in _parsed_blocks(path, state, block):
        table = table_from_arrow(parsed, line_no, state, format="jsonl") if parsed is not None else None
        if table is None:
            builder = TableBuilder(reference, path=state.path)
            builder.codes = state.codes
            state.problems += _read_lines(raw, line_no, builder, state.path)
            table = builder.build(path=state.path, format="jsonl", sha256="")
        line_no += n_lines
        yield table, state


def _parsed_blocks(path: Path, state: Reading, block: int) -> Iterator[tuple[bytes, int, pa.Table | None]]:
    """``(raw block, its lines, its Arrow table or None)``, one block read ahead.

    A worker thread reads, hashes and parses the next block (pyarrow and hashlib release the
    GIL) while the caller turns the current one into columns and scores it."""
    hashing = ThreadPoolExecutor(1, thread_name_prefix="goldbench-sha256")  # in file order

    class Digest:  # the file's sha256 in a thread of its own, beside the parsing
        @staticmethod
        def update(data: bytes) -> None:
            hashing.submit(state.digest.update, data)

    def parsed(raw: bytes) -> tuple[bytes, int, pa.Table | None]:
        ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)  # numpy releases the GIL
        n_lines = len(ends) + (not raw.endswith(b"\n"))
        longest = int(np.diff(ends, prepend=-1).max(initial=0))
        longest = max(longest, len(raw) - (int(ends[-1]) + 1 if len(ends) else 0))
        return raw, n_lines, _parse(raw, n_lines, events=state.events, longest=longest)

    try:
        yield from _ahead(map(parsed, _blocks(path, Digest(), size=block)))
    finally:
        hashing.shutdown(wait=True)  # the digest is complete when the blocks are


def plain_blocks(path: Path, *, block: int = BLOCK) -> Iterator[tuple[bytes, int, pa.Table | None, Reading]]:
    """The file's blocks as ``(raw lines, first line, the block in the Arrow layout or None,
    reading state)``: None where ``iter_tables`` hands the block to the exact reader (events,
    ``meta``, entity ids, anything not plainly valid). ``evaluate convert`` writes the Arrow
    blocks as they are and parses the others record by record."""
    state = Reading(str(path))
    line_no = 1
    for raw, n_lines, parsed in _parsed_blocks(path, state, block):
        plain = parsed is not None and table_from_arrow(parsed, line_no, state, format="jsonl") is not None
        yield raw, line_no, parsed if plain else None, state
        line_no += n_lines


def iter_parquet_tables(
    path: Path, *, reference: Mapping[str, str] | None = None, batch_docs: int = 16_384, events: bool = False
) -> Iterator[tuple[Table, Reading]]:
    """A Parquet file as ``Table``s of ``batch_docs`` documents (``eval.readers.parquet`` checks
    the schema and the nulls); a batch Arrow cannot take plainly goes row by row through the
    exact record parser, as its JSONL line would. ``Reading.digest`` is the file's sha256."""
    from . import parquet

    state = Reading(str(path), reference, events=events)
    with open(path, "rb") as f:  # the report names the file by its sha256, as for JSONL
        while chunk := f.read(BLOCK):
            state.digest.update(chunk)
    batches = parquet.iter_parquet(path, batch_docs, needs_text=reference is None)

    def tables(batches: Iterator[pa.RecordBatch]) -> Iterator[Table]:
        row = 1
        for batch in batches:
            table = table_from_arrow(batch, row, state, format="parquet")
            if table is None:
                table = _exact_rows(batch, row, state)
            row += batch.num_rows
            yield table

    # Without a reference nothing is shared with the caller, so the worker makes whole tables;
    # with one (predictions: the gold window, which the caller reads too) only the batches.
    chunks = _ahead(tables(batches)) if reference is None else tables(_ahead(batches))
    for table in chunks:
        yield table, state


def _ahead(items: Iterator[Any]) -> Iterator[Any]:
    """``items``, the next one made in a worker thread while the caller works on the current
    one (parsing and Parquet decoding release the GIL, so they run beside scoring on a second
    core). No item may be None."""
    with ThreadPoolExecutor(1, thread_name_prefix="goldbench-read") as pool:
        ahead = pool.submit(next, items, None)
        while (item := ahead.result()) is not None:
            ahead = pool.submit(next, items, None)
            yield item


def _exact_rows(batch: pa.RecordBatch, first_row: int, state: Reading) -> Table:
    from .jsonl import add_document, parse_record
    from .parquet import record

    builder = TableBuilder(state.reference, path=state.path)
    builder.codes = state.codes
    for row, values in enumerate(batch.to_pylist(), first_row):
        try:
            add_document(builder, parse_record(record(values), state.path, row, texts=state.reference), row)
        except FormatError as exc:
            state.problems += exc.lines()
    return builder.build(path=state.path, format="parquet", sha256="")


def read_table(
    path: Path,
    *,
    reference: Mapping[str, str] | None = None,
    block: int = BLOCK,
    format: str = "jsonl",
    events: bool = False,
) -> Table:
    """The whole file (JSONL, or Parquet with ``format="parquet"``) as one table; a FormatError
    lists the problems of every bad line."""
    parts, states = [], [Reading(str(path))]  # an empty file has no blocks
    chunks = (
        iter_parquet_tables(path, reference=reference, events=events)
        if format == "parquet"
        else iter_tables(path, reference=reference, block=block, events=events)
    )
    for table, state in chunks:
        parts.append(table)
        states.append(state)
    state = states[-1]
    if state.problems:
        raise FormatError(state.problems)
    return Table.concat(parts, path=str(path), format=format, sha256=state.digest.hexdigest())


def _parse(raw: bytes, n_lines: int, *, events: bool, longest: int = 0) -> pa.Table | None:
    """The block parsed against the layout, or None when the exact reader must read it.

    A field outside the layout (``meta``, ``events`` when not asked for, anything unknown) makes
    ``pyarrow.json`` refuse the block, so no scan of the block is needed to find them; the
    layout with events is tried when the first line has events, or after the plain one failed."""
    first = raw[: raw.find(b"\n") + 1 or len(raw)]
    layouts = [_PARSE, _PARSE_EVENTS] if events else [_PARSE]
    if events and b'"events"' in first:
        layouts.reverse()
    # pyarrow parses in pieces of ``block_size`` bytes that must each hold whole lines: a line
    # longer than the default 1 MB would fail ("straddling object"), so the pieces grow with it.
    read = pj.ReadOptions(block_size=max(1 << 20, 2 * longest + 1))
    for options in layouts:
        try:
            t = pj.read_json(pa.BufferReader(raw), read_options=read, parse_options=options)
        except (pa.ArrowException, UnicodeDecodeError, ValueError):
            continue
        break
    else:
        return None
    if t.num_rows != n_lines:
        return None  # blank lines or two records on one line: the exact reader names them
    if t.column("entities").null_count and _NULL_LIST.search(raw):
        return None
    if "events" in t.column_names and t.column("events").null_count and _NULL_EVENTS.search(raw):
        return None
    return t


def table_from_arrow(t: pa.Table | pa.RecordBatch, first_line: int, state: Reading, *, format: str) -> Table | None:
    """Documents in the Arrow layout (``eval.arrow_schema``) as a ``Table``, line numbers from
    ``first_line``; None when a document needs the exact reader: a null id, an entity without
    offsets or label, entity ids, a score outside [0, 1], a missing text without a gold text
    to take, events or ``meta`` (Parquet)."""
    with_events = _has_values(t, "events")
    if t.column("id").null_count or (with_events and not state.events) or _has_values(t, "meta"):
        return None
    ents = t.column("entities")
    ents = ents.combine_chunks() if isinstance(ents, pa.ChunkedArray) else ents
    flat = pc.list_flatten(ents)
    start, end, label = flat.field("start"), flat.field("end"), flat.field("label")
    if start.null_count or end.null_count or label.null_count:
        return None  # mentions without offsets, a null label: the exact reader names them
    if not with_events and flat.field("id").null_count != len(flat):
        return None  # entity ids without events: the exact reader keeps them
    scores = flat.field("score")
    if scores.null_count != len(scores) and not _probabilities(scores):
        return None  # outside [0, 1], or NaN (not JSON): the exact reader says so
    ids: list[str] = strings(t.column("id"))  # type: ignore[assignment]  # no nulls (checked above)
    column = t.column("text") if "text" in t.column_names else pa.nulls(t.num_rows, pa.string())
    texts = _texts(column, ids, state)
    if texts is None:
        return None
    events = _events(t, ents, texts) if with_events else None
    if with_events and events is None:
        return None
    counts = np.diff(ints(ents.offsets)).astype(np.int64)  # a null list spans no values
    return Table(
        state.path,
        format,
        "",
        ids,
        texts,
        list(range(first_line, first_line + t.num_rows)),
        counts,
        ints(start),
        ints(end),
        _label_codes(label, state.codes),
        tuple(state.codes),
        _sparse(flat.field("text")),
        {},
        {k: float(v) for k, v in _sparse(scores).items()},
        events=events,
    )


def _events(t: pa.Table | pa.RecordBatch, ents: pa.Array, texts: Texts) -> EventColumns | None:
    """The block's events as columns, or None when one needs the exact reader's message: what
    ``event_columns.from_arrow`` cannot resolve, and what ``events.validate_events`` refuses
    (offsets outside the text, a given text that differs from the text at its offsets)."""
    from ..event_columns import from_arrow

    column = t.column("events")
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    cols = from_arrow(column, ents)
    if cols is None:
        return None
    sizes = lengths(texts)
    flat = pc.list_flatten(column)
    trigger = flat.field("trigger")
    args = pc.list_flatten(flat.field("arguments"))
    own = args.field("entity").is_null()  # an argument by entity id is checked through its entity
    arg_doc = cols.argument_doc
    spans = [(cols.trigger_doc, cols.trigger_start, cols.trigger_end, trigger.field("text"), None)]
    spans.append((arg_doc, cols.argument_start, cols.argument_end, args.field("text"), own))
    for doc, start, end, given, mask in spans:
        keep = np.ones(doc.shape[0], dtype=bool) if mask is None else ints(mask).astype(bool)
        d, s, e = doc[keep], start[keep], end[keep]
        if np.any((s < 0) | (s >= e) | (e > sizes[d])):
            return None
        stated = {row: text for row, text in _sparse(given).items() if mask is None or keep[row]}
        if stated:
            at = np.fromiter(stated, dtype=np.int64, count=len(stated))
            if spans_differ(texts, doc[at], start[at], end[at], list(stated.values())).size:
                return None
    return cols


def _has_values(t: pa.Table | pa.RecordBatch, name: str) -> bool:
    """Whether column ``name`` exists and holds anything but nulls and empty lists."""
    if name not in t.column_names:
        return False
    column = t.column(name)
    if column.null_count == len(column):
        return False
    if not pa.types.is_list(column.type):
        return True
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    return any(len(pc.list_flatten(c)) for c in chunks)


def _probabilities(scores: pa.Array) -> bool:
    """Whether every score given is in [0, 1] (no scalar arguments: they would import pandas)."""
    bounds = pc.min_max(scores)
    return bounds["min"].as_py() >= 0.0 and bounds["max"].as_py() <= 1.0 and not pc.any(pc.is_nan(scores)).as_py()


def strings(column: pa.ChunkedArray | pa.Array) -> list[str | None]:
    """A string column as Python strings, several times faster than ``to_pylist`` (which makes
    an Arrow scalar per value): one slice of the column's data buffer per value."""
    if isinstance(column, pa.ChunkedArray):
        return [x for chunk in column.chunks for x in strings(chunk)]
    n = len(column)
    if not n:
        return []
    wide = pa.types.is_large_string(column.type)
    dtype = np.int64 if wide else np.int32
    offsets = np.frombuffer(column.buffers()[1], dtype=dtype, count=n + 1, offset=column.offset * (8 if wide else 4))
    data_buffer = column.buffers()[2]
    data = data_buffer.to_pybytes() if data_buffer is not None else b""
    bounds = offsets.tolist()
    if data.isascii():  # byte offsets are character offsets
        whole = data.decode("ascii")
        out: list[str | None] = [whole[bounds[k] : bounds[k + 1]] for k in range(n)]
    else:
        view = memoryview(data)
        out = [str(view[bounds[k] : bounds[k + 1]], "utf-8") for k in range(n)]
    if column.null_count:
        for k in pc.indices_nonzero(column.is_null()).to_pylist():
            out[k] = None
    return out


def _texts(column: pa.ChunkedArray | pa.Array, ids: list[str], state: Reading) -> Texts | None:
    """The documents' texts, left in Arrow memory; a prediction without one takes the gold text
    (None: the exact reader must name the line). Whether a predicted text equals its gold text
    is checked later, column-wise (``eval.validate.pair_parts``)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not column.null_count:
        return Texts(chunks)
    ref = state.reference
    if ref is None:
        return None
    column = pa.concat_arrays(chunks) if len(chunks) != 1 else chunks[0]
    missing = column.is_null()
    taken = [ref.get(ids[k]) for k in np.flatnonzero(ints(missing)).tolist()]
    if None in taken:
        return None  # not in the gold set either
    filler = from_strings(taken).cast(column.type)  # type: ignore[arg-type]  # no None (checked)
    return Texts([pc.replace_with_mask(column, missing, filler)])


def _label_codes(labels: pa.Array, codes: LabelCodes) -> np.ndarray:
    """Labels as codes of the file's ``LabelCodes`` (one lookup per distinct label, not per span)."""
    encoded = pc.dictionary_encode(labels)
    recode = np.asarray([codes[name] for name in encoded.dictionary.to_pylist()] or [0], dtype=np.int64)
    return recode[ints(encoded.indices)]


def _sparse(column: pa.Array) -> dict[int, Any]:
    """Row -> value of the rows where ``column`` is not null."""
    if column.null_count == len(column):
        return {}
    rows = pc.indices_nonzero(column.is_valid())
    return dict(zip(rows.to_pylist(), column.take(rows).to_pylist(), strict=True))
