"""``evaluate convert IN OUT.parquet``: a gold or predictions file in any format ``evaluate``
reads, checked as ``evaluate`` checks it, written as Parquet (docs/formats.md, "Parquet").

Canonical JSONL is streamed in two passes with memory bounded by a chunk (``eval.readers.arrow``
blocks): the first checks every chunk, as ``evaluate`` checks the file, and finds which optional
columns the file needs; the second writes the chunks. Any other format is read whole through its
reader (``eval.pipeline.load_table``). The checks are ``eval.validate``'s and, for events,
``eval.events.validate_events``: a file ``evaluate`` would refuse is not converted. What the
layout cannot hold is refused too: offset-free entities, and top-level fields other than
``meta``. Plain documents (entities with offsets, no events, no entity ids) are turned into
Arrow column-wise; any other goes through its ``Document``s.

The file is zstd-compressed, in row groups of ``ROW_GROUP`` documents, and written through
``eval.io.WriteSet``: all or nothing, the output path checked before the input is read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from .arrow_schema import ENTITIES, ENTITY
from .errors import FormatError, Problem, UsageError, ValidationError, quote
from .io import WriteSet, verify_manifest
from .model import Document
from .readers import DEFAULT_READ, ReadOptions
from .readers.parquet import META, schema_of
from .table import Table

if TYPE_CHECKING:
    from .ids import SeenIds

# A row group is what a streaming reader holds at once and the unit a reader decodes in
# parallel: 64k documents of a news-sized corpus (~2.5 kB each) are ~25 MB compressed, so
# ``iter_parquet`` stays bounded while a 100k-document file still has two groups to share out.
ROW_GROUP = 65_536
COMPRESSION = "zstd"
OUT = "OUT"  # how messages name the output path
BLOCK: int | None = None  # bytes of JSONL per chunk (None: the Arrow reader's); tests make it tiny


@dataclass(frozen=True, slots=True)
class Converted:
    """What ``convert`` wrote."""

    path: Path
    documents: int
    entities: int
    events: int
    bytes: int


def check_output(out: str | Path) -> WriteSet:
    """The output, refused before any reading: not ``.parquet``, a folder, existing, unwritable."""
    path = Path(out)
    outputs = WriteSet({OUT: path})
    if path.suffix.lower() != ".parquet":
        raise UsageError(f"{OUT} {path}: a Parquet file's name must end in .parquet; name it e.g. {path.stem}.parquet")
    if path.exists():
        raise UsageError(f"{OUT} {path}: already exists; remove it or choose another path")
    return outputs


def convert(
    src: str | Path, out: str | Path, *, fmt: str | None = None, options: ReadOptions = DEFAULT_READ
) -> Converted:
    """Read and check ``src`` (format ``fmt``, detected when None), write it to ``out`` as Parquet."""
    from .readers import resolve

    outputs = check_output(out)
    p, spec = resolve(src, fmt)
    if spec.name == "jsonl":
        return _convert_jsonl(src, p, outputs)
    table, arrow = read_checked(src, fmt=fmt, options=options)
    data = parquet_bytes(arrow())
    outputs.add(OUT, data)
    outputs.commit()
    n_events = sum(len(d.events) for d in table.documents.values())
    return Converted(Path(out), len(table), int(table.start.size), n_events, len(data))


def read_checked(
    src: str | Path, *, fmt: str | None = None, options: ReadOptions = DEFAULT_READ
) -> tuple[Table, Callable[[], pa.Table]]:
    """The checked table of ``src`` (a format other than canonical JSONL, read whole), and how
    to make its Arrow table in the layout."""
    from .pipeline import load_table
    from .readers import resolve

    p, spec = resolve(src, fmt)
    table = load_table(p, fmt=spec.name, options=options)
    if Path(src).is_dir():
        verify_manifest(src, sha256=table.sha256, count=len(table))
    if not len(table):
        raise FormatError(f"{table.path}: no documents; there is nothing to convert")
    check(table)
    return table, functools.partial(to_arrow, table)


@dataclass
class _Scan:
    """What the checking pass over a JSONL file found."""

    problems: list[list[Problem]]  # by kind, in ``problems``'s order, over all chunks
    documents: int = 0
    entities: int = 0
    events: int = 0
    sha256: str = ""
    columns: dict[str, None] = field(default_factory=dict)  # optional columns needed: events, meta


def _convert_jsonl(src: str | Path, p: Path, outputs: WriteSet) -> Converted:
    """Canonical JSONL checked chunk by chunk, then written chunk by chunk (two reads of the
    file, memory bounded by a chunk and a row group)."""
    scan = _scan(p)
    if Path(src).is_dir():
        verify_manifest(src, sha256=scan.sha256, count=scan.documents)
    if not scan.documents:
        raise FormatError(f"{p}: no documents; there is nothing to convert")
    found = [x for kind in scan.problems for x in kind]
    if found:
        raise ValidationError(found)
    schema = schema_of(scan.columns)
    tmp = outputs.temporary(OUT)
    try:
        digest = _write_chunks(p, tmp, schema)
        if digest != scan.sha256:
            raise UsageError(f"{p}: the file changed while it was converted; convert it again")
        size = tmp.stat().st_size
        outputs.commit()
    finally:
        outputs.discard()
    return Converted(Path(outputs.paths[OUT]), scan.documents, scan.entities, scan.events, size)


def _scan(p: Path) -> _Scan:
    """Check every chunk of ``p``; a FormatError for lines that cannot be read."""
    from .ids import SeenIds
    from .readers.arrow import iter_tables

    scan = _Scan([])
    seen = SeenIds()
    state = None
    for table, state in iter_tables(p, block=_block()):  # noqa: B007  # the last state has the digest
        kinds = problems(table, first_line=seen)
        scan.problems = scan.problems or [[] for _ in kinds]
        for mine, more in zip(scan.problems, kinds, strict=True):
            mine += more
        scan.documents += len(table)
        scan.entities += int(table.start.size)
        scan.events += sum(len(d.events) for d in table.documents.values())
        if any(d.events for d in table.documents.values()):
            scan.columns["events"] = None
        if any(META in _extra(table, i) for i in {*table.extras, *table.documents}):
            scan.columns[META] = None
    if state is not None and state.problems:
        raise FormatError(state.problems)
    scan.sha256 = state.digest.hexdigest() if state is not None else ""
    scan.columns = {k: None for k in ("events", META) if k in scan.columns}  # the layout's order
    return scan


def _write_chunks(p: Path, tmp: Path, schema: pa.Schema) -> str:
    """Write ``p`` into ``tmp`` as Parquet in ``schema``, block by block, in row groups of
    ``ROW_GROUP`` documents; the file's sha256 as read. A block Arrow read plainly is written as
    parsed; any other is parsed record by record (entity ids, events and ``meta`` kept)."""
    from .readers.arrow import plain_blocks
    from .readers.jsonl import parse_line

    state = None
    pending: list[pa.Table] = []
    rows = 0
    with pq.ParquetWriter(tmp, schema, compression=COMPRESSION) as writer:
        for raw, first, parsed, state in plain_blocks(p, block=_block()):  # noqa: B007  # the last state: the digest
            if parsed is not None:
                part = parsed
            else:
                lines = enumerate(raw.splitlines(), first)
                part = from_documents([parse_line(line, str(p), k) for k, line in lines if line.strip()])
            pending.append(_conformed(part, schema))
            rows += part.num_rows
            while rows >= ROW_GROUP:
                group = pa.concat_tables(pending)
                writer.write_table(group.slice(0, ROW_GROUP), row_group_size=ROW_GROUP)
                pending, rows = [group.slice(ROW_GROUP)], rows - ROW_GROUP
        if rows:
            writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP)
    return state.digest.hexdigest() if state is not None else ""


def _block() -> int:
    from .readers.arrow import BLOCK as READER_BLOCK

    return BLOCK if BLOCK is not None else READER_BLOCK


def _conformed(t: pa.Table, schema: pa.Schema) -> pa.Table:
    """``t`` with the columns of ``schema``: a column the chunk did not need is all null."""
    from .readers.parquet import conform

    columns = [  # conform makes an absent list column empty lists, as the whole file's rows have them
        conform(t.column(f.name).combine_chunks() if f.name in t.column_names else pa.nulls(len(t)), f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def check(table: Table) -> None:
    """Everything ``evaluate`` would refuse in this file, and what the layout cannot hold."""
    found = [x for kind in problems(table) for x in kind]
    if found:
        raise ValidationError(found)


def problems(table: Table, *, first_line: SeenIds | None = None) -> list[list[Problem]]:
    """``check``'s problems by kind; those of a file's chunks, concatenated kind by kind, are the
    whole file's (``first_line`` carries the ids of earlier chunks)."""
    from .events import validate_events
    from .validate import table_problems

    kinds = table_problems(table, offsets_required=False, first_line=first_line)
    mentions, events, fields = [], [], []
    for i, m in table.mentions():
        msg = (
            f"entity {quote(m.text)} ({m.label}) has no offsets; Parquet holds entities with offsets only: "
            "ground them first, or keep this file as JSONL"
        )
        mentions.append(Problem(table.where(i), msg, table.ids[i]))
    for _, doc in sorted(table.documents.items()):
        events += validate_events(doc, require_offsets=False) if doc.events else []
    for i in sorted({*table.extras, *table.documents}):
        for key in _extra(table, i):
            if key != META:
                msg = f"field {quote(key)} has no Parquet column; move it into meta, or keep this file as JSONL"
                fields.append(Problem(table.where(i), msg, table.ids[i]))
    return [*kinds, mentions, events, fields]


def _extra(table: Table, i: int) -> Any:
    kept = table.documents.get(i)
    return kept.extra if kept is not None else table.extras.get(i, {})


def to_arrow(table: Table) -> pa.Table:
    """The table in the Parquet layout: column-wise when every document is plain."""
    if table.documents:
        return from_documents(table.to_documents())
    schema = schema_of({META: None} if table.extras else {})
    n = int(table.start.size)
    labels = pa.array(table.label_names, pa.string()).take(pa.array(table.label_codes))
    texts: list[str | None] = [None] * n
    for row, text in table.entity_texts.items():
        texts[row] = text
    scores: list[float | None] = [None] * n
    for row, score in table.entity_scores.items():
        scores[row] = score
    struct = pa.StructArray.from_arrays(
        [
            pa.array(table.start, pa.int64()),
            pa.array(table.end, pa.int64()),
            labels,
            pa.nulls(n, pa.string()),
            pa.array(texts, pa.string()),
            pa.array(scores, pa.float64()),
        ],
        fields=list(ENTITY),
    )
    offsets = pa.array(table.entity_rows.astype(np.int32), pa.int32())
    columns: list[pa.Array] = [
        pa.array(table.ids, pa.string()),
        _texts_column(table.texts),
        pa.ListArray.from_arrays(offsets, struct, type=ENTITIES.type),
    ]
    if table.extras:
        columns.append(pa.array([_meta(table.extras.get(i, {})) for i in range(len(table))], pa.string()))
    return pa.Table.from_arrays(columns, schema=schema)


def _texts_column(texts: Sequence[str]) -> pa.Array | pa.ChunkedArray:
    from .texts import Texts

    if isinstance(texts, Texts):
        return pa.chunked_array(texts.chunks, pa.string())  # the Arrow reader's, no copy
    return pa.array(list(texts), pa.string())


def from_documents(docs: Sequence[Document]) -> pa.Table:
    """Documents in the Parquet layout (the exact path): one row dict each."""
    has_events = any(d.events for d in docs)
    has_meta = any(META in d.extra for d in docs)
    columns = {name: None for name, on in (("events", has_events), (META, has_meta)) if on}
    rows = [_row(d, has_events=has_events, has_meta=has_meta) for d in docs]
    return pa.Table.from_pylist(rows, schema=schema_of(columns))


def _row(d: Document, *, has_events: bool, has_meta: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"id": d.id, "text": d.text, "entities": [e._asdict() for e in d.entities]}
    if has_events:
        row["events"] = [
            {
                "type": ev.type,
                "id": ev.id,
                "trigger": {
                    "start": ev.trigger.start if ev.trigger.start >= 0 else None,  # -1: given by text only
                    "end": ev.trigger.end if ev.trigger.end >= 0 else None,
                    "text": ev.trigger.text,
                },
                "arguments": [a._asdict() for a in ev.arguments],
            }
            for ev in d.events
        ]
    if has_meta:
        row[META] = _meta(d.extra)
    return row


def _meta(extra: Any) -> str | None:
    return orjson.dumps(extra[META]).decode() if META in extra else None


def parquet_bytes(table: pa.Table) -> bytes:
    """The Parquet file of ``table``: zstd, ``ROW_GROUP`` documents per row group."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=COMPRESSION, row_group_size=ROW_GROUP)
    return bytes(sink.getvalue().to_pybytes())
