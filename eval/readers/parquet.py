"""Parquet gold and prediction files: one row per document in the layout of ``eval.arrow_schema``
(docs/formats.md, "Parquet").

``read_parquet`` gives a whole file as an Arrow table, ``iter_parquet`` its record batches
(bounded memory). Both check the schema before any data is read (a missing ``id`` column, a
column or field of the wrong type or unknown: one ``FormatError`` naming it), cast what casts
without loss (int32 offsets, large_string, float32 scores, large lists, dictionary strings),
and check every batch for nulls where a value is required, each problem named
``file.parquet: row N (document id X)`` with N counting rows from 1 over the whole file.
A null list (``entities``, ``events``, ``arguments``) means an empty one, as a missing key does
in JSONL.

For the reader registry the rows become ``Document``s through ``jsonl.parse_record`` with
``line = N``: a Parquet document is checked exactly as its JSONL line would be.

pyarrow is imported inside the functions: reading JSONL must not pay ~0.5 s for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ..errors import FormatError, quote
from . import ReaderSpec, Reading, ReadOptions, Reference, register
from .jsonl import parse_record

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

MAGIC = b"PAR1"
META = "meta"
LAYOUT = ("id", "text", "entities", "events", META)
MAX_PROBLEMS = 100  # per file; the CLI prints the first 20
_FIX = "see docs/formats.md, Parquet"

# Fields of the layout's structs that must hold a value (the others may be null or absent).
_REQUIRED = {
    "entities": ("start", "end", "label"),
    "events": ("type", "trigger"),
    "arguments": ("role",),
}
_TYPE_NAMES = {"int64": "integers (int64)", "string": "strings", "double": "numbers (float64)"}


def schema_of(columns: Mapping[str, Any]) -> pa.Schema:
    """The layout for a file with these columns: ``DOCUMENT`` or ``DOCUMENT_WITH_EVENTS``,
    plus a ``meta`` string column (JSON text) when there is one."""
    import pyarrow as pa

    from ..arrow_schema import DOCUMENT, DOCUMENT_WITH_EVENTS

    schema = DOCUMENT_WITH_EVENTS if "events" in columns else DOCUMENT
    return schema.append(pa.field(META, pa.string())) if META in columns else schema


def _open(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except OSError as exc:
        raise FormatError(f"{path}: cannot read it ({exc.strerror or exc}); check the path") from None
    except pa.ArrowException as exc:
        raise FormatError(f"{path}: not a readable Parquet file ({exc}); write it again") from None


def _check_schema(path: Path, actual: pa.Schema, *, needs_text: bool) -> pa.Schema:
    """The layout the file is read in; a column that does not fit is a FormatError naming it."""
    names = [n for n in actual.names if not n.startswith("__index_level_")]  # pandas' index
    unknown = [n for n in names if n not in LAYOUT]
    if unknown:
        raise FormatError(
            f"{path}: column {quote(unknown[0])} is not part of the layout ({', '.join(LAYOUT)}); "
            f"drop it, or keep it inside meta (JSON text); {_FIX}"
        )
    if "id" not in names:
        raise FormatError(f"{path}: there is no id column; every row needs its document id (a string); {_FIX}")
    if needs_text and "text" not in names:
        raise FormatError(f"{path}: there is no text column; a gold document needs its text; {_FIX}")
    target = schema_of({n: None for n in names})
    for name in names:
        _check_type(path, actual.field(name).type, target.field(name).type, name)
    return target


def _check_type(path: Path, actual: pa.DataType, expected: pa.DataType, where: str) -> None:
    import pyarrow as pa

    t = pa.types
    if t.is_null(actual):  # a column of nulls only: the null checks say whether that is allowed
        return
    if t.is_list(expected):
        if not (t.is_list(actual) or t.is_large_list(actual)):
            raise _type_error(path, where, actual, "a list")
        _check_type(path, actual.value_type, expected.value_type, where)
    elif t.is_struct(expected):
        if not t.is_struct(actual):
            raise _type_error(path, where, actual, "a struct")
        wanted = {f.name: f.type for f in expected}
        have = [actual.field(i) for i in range(actual.num_fields)]
        for f in have:
            if f.name not in wanted:
                raise FormatError(
                    f"{path}: column {where} has a field {quote(f.name)} that is not in the layout "
                    f"({', '.join(wanted)}); drop it; {_FIX}"
                )
        for name in _REQUIRED.get(where.rsplit(".", 1)[-1], ()):
            if name not in {f.name for f in have}:
                raise FormatError(f"{path}: column {where} has no field {quote(name)}; add it; {_FIX}")
        for f in have:
            _check_type(path, f.type, wanted[f.name], f"{where}.{f.name}")
    else:
        if t.is_dictionary(actual):
            actual = actual.value_type
        fits = {
            "int64": t.is_integer(actual),
            "string": t.is_string(actual) or t.is_large_string(actual) or t.is_string_view(actual),
            "double": t.is_floating(actual) or t.is_integer(actual),
        }[str(expected)]
        if not fits:
            raise _type_error(path, where, actual, _TYPE_NAMES[str(expected)])


def _type_error(path: Path, where: str, actual: pa.DataType, wanted: str) -> FormatError:
    return FormatError(f"{path}: column {where} has type {actual}; it must hold {wanted}; {_FIX}")


def conform(array: pa.Array, expected: pa.DataType) -> pa.Array:
    """``array`` in the layout's type: fields in layout order, absent optional ones null,
    null lists empty, leaves cast (a value that does not fit raises ``pa.ArrowInvalid``)."""
    import pyarrow as pa

    if pa.types.is_null(array.type) and (pa.types.is_list(expected) or pa.types.is_struct(expected)):
        if pa.types.is_list(expected):  # all null: all empty
            return pa.ListArray.from_arrays(
                pa.array([0] * (len(array) + 1), pa.int32()), pa.nulls(0, expected.value_type)
            )
        return pa.nulls(len(array), expected)
    if pa.types.is_list(expected):
        offsets = array.offsets.cast(pa.int32())
        values = conform(array.values, expected.value_type)
        return pa.ListArray.from_arrays(offsets, values, type=expected)
    if pa.types.is_struct(expected):
        have = {array.type.field(i).name for i in range(array.type.num_fields)}
        children = [
            conform(array.field(f.name), f.type) if f.name in have else pa.nulls(len(array), f.type) for f in expected
        ]
        mask = array.is_null() if array.null_count else None
        return pa.StructArray.from_arrays(children, fields=list(expected), mask=mask)
    return array.cast(expected)


def _conform_batch(path: Path, batch: pa.RecordBatch, target: pa.Schema) -> pa.RecordBatch:
    import pyarrow as pa

    columns = []
    for f in target:
        if f.name in batch.schema.names:
            try:
                columns.append(conform(batch.column(f.name), f.type))
            except pa.ArrowInvalid as exc:
                raise FormatError(f"{path}: column {f.name}: a value does not fit the layout ({exc}); {_FIX}") from None
        elif f.name == "entities":
            columns.append(conform(pa.nulls(batch.num_rows), f.type))
        else:
            columns.append(pa.nulls(batch.num_rows, f.type))
    return pa.RecordBatch.from_arrays(columns, schema=target)


def _items(lists: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The elements of a list array, the index of the list each is in, and its index there."""
    import numpy as np
    import pyarrow.compute as pc

    parents = pc.call_function("list_parent_indices", [lists]).to_numpy()
    first = np.searchsorted(parents, parents, side="left")
    return lists.flatten(), parents, np.arange(len(parents)) - first


def _null_problems(path: Path, batch: pa.RecordBatch, first_row: int, *, needs_text: bool) -> list[str]:
    """Every null where the layout needs a value, and every meta that is not JSON, in ``batch``."""
    import numpy as np

    if _no_nulls(batch, needs_text=needs_text):
        return []  # the usual case: no list positions to work out
    ids = batch.column("id")
    problems: list[str] = []

    def report(rows: Any, what: Callable[..., tuple[Any, str]], fix: str) -> None:
        for k in np.asarray(rows).tolist()[: MAX_PROBLEMS - len(problems)]:
            row, doc = what(k)
            doc_id = ids[int(row)].as_py()
            ident = "" if doc_id is None else f" (document id {quote(doc_id)})"
            problems.append(f"{path}: row {first_row + row}{ident}: {doc}; {fix}")

    def nulls(array: pa.Array, valid: Any = None) -> Any:
        mask = array.is_null().to_numpy(zero_copy_only=False)
        return np.flatnonzero(mask if valid is None else mask & valid)

    report(nulls(ids), lambda r: (r, "id is null"), "give every document its id (a string)")
    if needs_text:
        report(nulls(batch.column("text")), lambda r: (r, "text is null"), "a gold document needs its text")
    ents, rows, pos = _items(batch.column("entities"))
    ok = ~ents.is_null().to_numpy(zero_copy_only=False)
    report(nulls(ents), lambda k: (rows[k], f"entities[{pos[k]}] is null"), "remove it or give it its fields")
    for name in _REQUIRED["entities"]:
        fix = "give every entity its start, end and label"
        report(nulls(ents.field(name), ok), lambda k, n=name: (rows[k], f"entities[{pos[k]}].{n} is null"), fix)
    if "events" in batch.schema.names:
        events, ev_rows, ev_pos = _items(batch.column("events"))
        ok = ~events.is_null().to_numpy(zero_copy_only=False)
        report(nulls(events), lambda k: (ev_rows[k], f"events[{ev_pos[k]}] is null"), "remove it or give it its fields")
        for name in _REQUIRED["events"]:
            fix = "give every event its type and trigger"
            report(
                nulls(events.field(name), ok), lambda k, n=name: (ev_rows[k], f"events[{ev_pos[k]}].{n} is null"), fix
            )
        args, parent, arg_pos = _items(events.field("arguments"))
        arg_ok = ~args.is_null().to_numpy(zero_copy_only=False)

        def arg(k: int, field: str = "") -> tuple[int, str]:
            e = parent[k]
            return ev_rows[e], f"events[{ev_pos[e]}].arguments[{arg_pos[k]}]{field} is null"

        report(nulls(args), arg, "remove it or give it its role")
        report(nulls(args.field("role"), arg_ok), lambda k: arg(k, ".role"), "give every argument its role")
    if META in batch.schema.names:
        for row, raw in enumerate(batch.column(META).to_pylist()):
            if raw is not None and len(problems) < MAX_PROBLEMS:
                try:
                    orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    report([row], lambda r, e=exc: (r, f"meta is not valid JSON ({e})"), "store meta as JSON text")
    return problems


def _no_nulls(batch: pa.RecordBatch, *, needs_text: bool) -> bool:
    """Whether ``batch`` has no null where the layout needs a value and no ``meta`` to check,
    from null counts alone."""
    if META in batch.schema.names or "events" in batch.schema.names:
        return False
    if batch.column("id").null_count or (needs_text and batch.column("text").null_count):
        return False
    ents = batch.column("entities").flatten()
    return not ents.null_count and not any(ents.field(name).null_count for name in _REQUIRED["entities"])


def _batches(
    path: Path, source: Iterator[pa.RecordBatch], target: pa.Schema, *, needs_text: bool
) -> Iterator[pa.RecordBatch]:
    first_row = 1
    for raw in source:
        batch = _conform_batch(path, raw, target)
        problems = _null_problems(path, batch, first_row, needs_text=needs_text)
        if problems:
            raise FormatError(problems)
        first_row += batch.num_rows
        yield batch


def iter_parquet(path: str | Path, batch_docs: int = 65_536, *, needs_text: bool = True) -> Iterator[pa.RecordBatch]:
    """The documents of a Parquet file in batches of at most ``batch_docs`` rows, in the layout.

    The schema is checked before the first batch; each batch's nulls before it is yielded
    (a FormatError naming the rows). Memory holds about one row group. ``needs_text=False``
    (predictions) allows a missing or null text.
    """
    p = Path(path)
    f = _open(p)
    target = _check_schema(p, f.schema_arrow, needs_text=needs_text)
    columns = [n for n in target.names if n in f.schema_arrow.names]
    yield from _batches(p, f.iter_batches(batch_size=batch_docs, columns=columns), target, needs_text=needs_text)


def read_parquet(path: str | Path, *, needs_text: bool = True) -> pa.Table:
    """A whole Parquet file as an Arrow table in the layout (``eval.arrow_schema``), checked as
    ``iter_parquet`` checks it, every problem of the file in one FormatError."""
    import pyarrow as pa

    p = Path(path)
    f = _open(p)
    target = _check_schema(p, f.schema_arrow, needs_text=needs_text)
    columns = [n for n in target.names if n in f.schema_arrow.names]
    try:
        table = f.read(columns=columns)
    except pa.ArrowException as exc:
        raise FormatError(f"{p}: not a readable Parquet file ({exc}); write it again") from None
    batches, problems, first_row = [], [], 1
    for raw in table.to_batches():
        batch = _conform_batch(p, raw, target)
        problems += _null_problems(p, batch, first_row, needs_text=needs_text)
        first_row += batch.num_rows
        batches.append(batch)
    if problems:
        raise FormatError(problems[:MAX_PROBLEMS])
    return pa.Table.from_batches(batches, schema=target)


def _dropped(value: Any) -> Any:
    """A row value as JSON would have it: null struct fields absent (JSONL leaves them out)."""
    if isinstance(value, dict):
        return {k: _dropped(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_dropped(v) for v in value]
    return value


def record(row: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical JSON object of one row (``meta`` decoded), for ``jsonl.parse_record``."""
    obj: dict[str, Any] = {"id": row["id"]}
    if row.get("text") is not None:
        obj["text"] = row["text"]
    obj["entities"] = _dropped(row["entities"])
    obj["events"] = _dropped(row.get("events") or [])  # present, so that meta lands in extra
    if row.get(META) is not None:
        obj[META] = orjson.loads(row[META])
    return obj


def read_documents(path: Path, reference: Reference | None = None) -> list[Any]:
    """The documents of a Parquet file, each checked by ``parse_record`` at ``path:row``."""
    texts = {doc_id: d.text for doc_id, d in reference.items()} if reference is not None else None
    table = read_parquet(path, needs_text=reference is None)
    name = str(path)
    docs, problems, row = [], [], 0
    for batch in table.to_batches():
        for values in batch.to_pylist():
            row += 1
            try:
                docs.append(parse_record(record(values), name, row, texts=texts))
            except FormatError as exc:
                problems += exc.lines()
    if problems:
        raise FormatError(problems)
    return docs


def _detect(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".parquet" or head.startswith(MAGIC)


def _read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
    return Reading(read_documents(path, reference))


register(ReaderSpec("parquet", _read, _detect, "Parquet, one row per document (docs/formats.md, Parquet)"))
