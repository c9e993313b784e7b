"""``evaluate convert IN OUT.parquet``: a gold or predictions file in any format ``evaluate``
reads, checked as ``evaluate`` checks it, written as Parquet (docs/formats.md, "Parquet").

The input is read as ``eval.pipeline.load_table`` reads it (canonical JSONL column-wise, any
other format through its reader) and checked with ``eval.validate.check_table`` and, for
events, ``eval.events.validate_events``: a file ``evaluate`` would refuse is not converted.
What the layout cannot hold is refused too: offset-free entities, and top-level fields other
than ``meta``. A table of plain documents (entities with offsets, no events, no entity ids)
is turned into Arrow column-wise; any other goes through its ``Document``s.

The file is zstd-compressed, in row groups of ``ROW_GROUP`` documents, and written through
``eval.io.WriteSet``: all or nothing, the output path checked before the input is read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

# A row group is what a streaming reader holds at once and the unit a reader decodes in
# parallel: 64k documents of a news-sized corpus (~2.5 kB each) are ~25 MB compressed, so
# ``iter_parquet`` stays bounded while a 100k-document file still has two groups to share out.
ROW_GROUP = 65_536
COMPRESSION = "zstd"
OUT = "OUT"  # how messages name the output path


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
    outputs = check_output(out)
    table, arrow = read_checked(src, fmt=fmt, options=options)
    data = parquet_bytes(arrow())
    outputs.add(OUT, data)
    outputs.commit()
    n_events = sum(len(d.events) for d in table.documents.values())
    return Converted(Path(out), len(table), int(table.start.size), n_events, len(data))


def read_checked(
    src: str | Path, *, fmt: str | None = None, options: ReadOptions = DEFAULT_READ
) -> tuple[Table, Callable[[], pa.Table]]:
    """The checked table of ``src``, and how to make its Arrow table in the layout.

    Canonical JSONL is read column-wise first (``jsonl.read_table``), which checks every line.
    That table drops entity ids, so it is only used for the checks: a file of plain records
    (no events, no fields beyond the layout) is read again by ``pyarrow.json`` and kept if it
    agrees with the table (ids, texts, entity offsets and labels); any other JSONL file is read
    by the exact reader, as is any file ``pyarrow.json`` reads otherwise.
    """
    from .pipeline import load_table
    from .readers import resolve
    from .readers.jsonl import read_table

    p, spec = resolve(src, fmt)
    arrow: Callable[[], pa.Table]
    if spec.name != "jsonl":
        table = load_table(p, fmt=spec.name, options=options)
        arrow = functools.partial(to_arrow, table)
    else:
        table = read_table(p)
        if table.documents or table.extras:  # events, mentions or other fields: the exact reader
            table, arrow = _exact(p, options)
        else:
            arrow = functools.partial(_plain, p, table, options)
    if Path(src).is_dir():
        verify_manifest(src, sha256=table.sha256, count=len(table))
    if not len(table):
        raise FormatError(f"{table.path}: no documents; there is nothing to convert")
    check(table)
    return table, arrow


def _exact(p: Path, options: ReadOptions) -> tuple[Table, Callable[[], pa.Table]]:
    from .readers import read_corpus

    corpus = read_corpus(p, fmt="jsonl", options=options)
    table = Table.from_documents(corpus.documents, path=corpus.path, format=corpus.format, sha256=corpus.sha256)
    return table, functools.partial(from_documents, corpus.documents)


def _plain(p: Path, table: Table, options: ReadOptions) -> pa.Table:
    fast = _fast(p, table)
    return fast if fast is not None else _exact(p, options)[1]()


def _fast(p: Path, table: Table) -> pa.Table | None:
    """Plain canonical JSONL read by ``pyarrow.json``, or None where it does not agree with ``table``."""
    import pyarrow.json as pj

    from .arrow_schema import DOCUMENT
    from .readers.parquet import conform

    try:
        raw = pj.read_json(
            p, parse_options=pj.ParseOptions(explicit_schema=DOCUMENT, unexpected_field_behavior="error")
        )
    except pa.ArrowException:
        return None
    if raw.num_rows != len(table):
        return None
    arrow = pa.Table.from_arrays([conform(raw[f.name].combine_chunks(), f.type) for f in DOCUMENT], schema=DOCUMENT)
    entities = arrow["entities"].chunk(0)
    values = entities.flatten()
    same = (
        arrow["id"].to_pylist() == table.ids
        and arrow["text"].to_pylist() == table.texts
        and np.array_equal(np.diff(entities.offsets.to_numpy()), table.counts)
        and np.array_equal(values.field("start").to_numpy(zero_copy_only=False), table.start)
        and np.array_equal(values.field("end").to_numpy(zero_copy_only=False), table.end)
        and values.field("label").to_pylist() == [table.label_names[c] for c in table.label_codes.tolist()]
    )
    return arrow if same else None


def check(table: Table) -> None:
    """Everything ``evaluate`` would refuse in this file, and what the layout cannot hold."""
    from .events import validate_events
    from .validate import check_table

    problems = check_table(table, offsets_required=False)
    for i, m in table.mentions():
        msg = (
            f"entity {quote(m.text)} ({m.label}) has no offsets; Parquet holds entities with offsets only: "
            "ground them first, or keep this file as JSONL"
        )
        problems.append(Problem(table.where(i), msg, table.ids[i]))
    for _, doc in sorted(table.documents.items()):
        problems += validate_events(doc, require_offsets=False) if doc.events else []
    for i in sorted({*table.extras, *table.documents}):
        for key in _extra(table, i):
            if key != META:
                msg = f"field {quote(key)} has no Parquet column; move it into meta, or keep this file as JSONL"
                problems.append(Problem(table.where(i), msg, table.ids[i]))
    if problems:
        raise ValidationError(problems)


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
        pa.array(list(table.texts), pa.string()),
        pa.ListArray.from_arrays(offsets, struct, type=ENTITIES.type),
    ]
    if table.extras:
        columns.append(pa.array([_meta(table.extras.get(i, {})) for i in range(len(table))], pa.string()))
    return pa.Table.from_arrays(columns, schema=schema)


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
