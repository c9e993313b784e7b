"""Canonical JSONL: one document per line (see docs/formats.md).

Structure is checked here (types, required keys), each problem named ``file:line``; whether
offsets fit the text is ``eval.validate``'s job. Entities with ``text`` but no offsets become
offset-free ``Mention``s. Unknown fields are kept in ``Document.extra``. A prediction record may
leave out ``text``: given the gold texts (``reference``), the gold document's text is used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import msgspec
import orjson

from ..errors import FormatError, Problem, quote
from ..io import resolve_documents_path, sha256_file, verify_manifest
from ..limits import INT64_MAX, json_problem, offset_problem
from ..model import EMPTY, Argument, Document, Entity, Event, Mention, Span
from ..table import EVENTS_OF, PLAIN_DECODER, Table, TableBuilder, missing_text, needs_record
from . import ReaderSpec, Reading, ReadOptions, Reference, register

_KNOWN = frozenset({"id", "text", "entities", "events"})


class _Bad(Exception):
    """A structural problem inside one record; turned into FormatError with file:line."""


def _int(v: Any, what: str) -> int:
    if type(v) is float and abs(v) >= 2**63:  # orjson reads an integer beyond 64 bits as a float
        raise _Bad(f"{what} is outside the 64-bit integer range (the limit is {INT64_MAX:,})")
    if type(v) is not int:
        raise _Bad(f"{what} must be an integer, got {quote(v)}")
    problem = offset_problem(v, what)
    if problem is not None:
        raise _Bad(problem)
    return v


def _str(v: Any, what: str, *, optional: bool = False) -> Any:
    if v is None and optional:
        return None
    if not isinstance(v, str):
        raise _Bad(f"{what} must be a string, got {quote(v)}")
    return v


def _score(v: Any, what: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= v <= 1.0:
        raise _Bad(f"{what} must be a number between 0 and 1, got {quote(v)}")
    return float(v)


def _entity(e: Any, i: int) -> Entity | Mention:
    if not isinstance(e, dict):
        raise _Bad(f"entities[{i}] must be an object")
    label = _str(e.get("label"), f"entities[{i}].label")
    score = _score(e.get("score"), f"entities[{i}].score")
    if "start" not in e and "end" not in e:
        text = e.get("text")
        if not isinstance(text, str):
            raise _Bad(f"entities[{i}] has neither offsets (start/end) nor text")
        return Mention(label, text, score)
    return Entity(
        _int(e.get("start"), f"entities[{i}].start"),
        _int(e.get("end"), f"entities[{i}].end"),
        label,
        _str(e.get("id"), f"entities[{i}].id", optional=True),
        _str(e.get("text"), f"entities[{i}].text", optional=True),
        score,
    )


def _argument(a: Any, where: str) -> Argument:
    if not isinstance(a, dict):
        raise _Bad(f"{where} must be an object")
    role = _str(a.get("role"), f"{where}.role")
    if "entity" in a:  # offsets and text may accompany the entity link; validation checks they agree
        has_offsets = "start" in a or "end" in a
        return Argument(
            role,
            _int(a.get("start"), f"{where}.start") if has_offsets else None,
            _int(a.get("end"), f"{where}.end") if has_offsets else None,
            _str(a["entity"], f"{where}.entity"),
            _str(a.get("text"), f"{where}.text", optional=True),
        )
    if "start" not in a and "end" not in a:
        text = a.get("text")
        if not isinstance(text, str):
            raise _Bad(f"{where} needs offsets (start/end), an entity id, or a text")
        return Argument(role, text=text)
    return Argument(
        role,
        _int(a.get("start"), f"{where}.start"),
        _int(a.get("end"), f"{where}.end"),
        None,
        _str(a.get("text"), f"{where}.text", optional=True),
    )


def _event(ev: Any, i: int) -> Event:
    where = f"events[{i}]"
    if not isinstance(ev, dict):
        raise _Bad(f"{where} must be an object")
    trig = ev.get("trigger")
    if not isinstance(trig, dict):
        raise _Bad(f"{where}.trigger must be an object with start and end")
    if "start" in trig or "end" in trig:
        trigger = Span(
            _int(trig.get("start"), f"{where}.trigger.start"),
            _int(trig.get("end"), f"{where}.trigger.end"),
            _str(trig.get("text"), f"{where}.trigger.text", optional=True),
        )
    else:
        trigger = Span(-1, -1, _str(trig.get("text"), f"{where}.trigger.text"))
    args = ev.get("arguments", [])
    if not isinstance(args, list):
        raise _Bad(f"{where}.arguments must be a list")
    return Event(
        _str(ev.get("type"), f"{where}.type"),
        trigger,
        tuple(_argument(a, f"{where}.arguments[{j}]") for j, a in enumerate(args)),
        _str(ev.get("id"), f"{where}.id", optional=True),
    )


def _document(obj: Any, path: str, line: int, texts: Mapping[str, str] | None) -> tuple[Document | None, list[str]]:
    """The document of one JSON object, or None and every structural problem found in it."""
    if not isinstance(obj, dict):
        return None, ["each line must be a JSON object"]
    bad: list[str] = []

    def attempt(make: Any, *args: Any) -> Any:
        try:
            return make(*args)
        except _Bad as exc:
            bad.append(str(exc))
            return None

    doc_id = obj.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    doc_id = attempt(_str, doc_id, "id")
    if obj.get("text") is None and doc_id is not None:
        text = texts.get(doc_id) if texts is not None else None
        if text is None:
            raise missing_text(path, line, doc_id, gold=texts is None)
    else:
        text = attempt(_str, obj.get("text"), "text")
    entities: list[Entity] = []
    mentions: list[Mention] = []
    raw_entities = obj.get("entities", [])
    if not isinstance(raw_entities, list):
        bad.append("entities must be a list")
        raw_entities = []
    for i, e in enumerate(raw_entities):
        item = attempt(_entity, e, i)
        if item is not None:
            (mentions if isinstance(item, Mention) else entities).append(item)
    raw_events = obj.get("events", [])
    if not isinstance(raw_events, list):
        bad.append("events must be a list")
        raw_events = []
    events = [attempt(_event, ev, i) for i, ev in enumerate(raw_events)]
    if bad:
        return None, bad
    extra = {k: v for k, v in obj.items() if k not in _KNOWN} if not obj.keys() <= _KNOWN else EMPTY
    return Document(doc_id, text, tuple(entities), tuple(events), tuple(mentions), extra or EMPTY, path, line), []


def parse_record(obj: Any, path: str, line: int, *, texts: Mapping[str, str] | None = None) -> Document:
    """One canonical JSON object -> Document; a FormatError lists every problem, at ``path:line``.

    ``texts`` (document id -> gold text) supplies the text of a record that has none.
    """
    doc, bad = _document(obj, path, line, texts)
    if doc is not None:
        return doc
    ident = obj.get("id") if isinstance(obj, dict) else None
    doc_id = None if ident is None else ident if isinstance(ident, str) else repr(ident)
    where = f"{path}:{line}"
    raise FormatError([Problem(where, f"{msg}; fix the record (see docs/formats.md)", doc_id) for msg in bad])


def parse_line(raw: bytes, path: str, line: int, *, texts: Mapping[str, str] | None = None) -> Document:
    """One JSONL line -> Document, every problem a FormatError naming ``path:line``."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        message = f"not valid JSON ({json_problem(exc)}); write one JSON object per line"
        raise FormatError([Problem(f"{path}:{line}", message)]) from None
    return parse_record(obj, path, line, texts=texts)


def _open(path: Path) -> BinaryIO:
    """The file for reading; an unreadable path is a FormatError naming it (no traceback)."""
    try:
        return open(path, "rb")
    except OSError as exc:
        raise FormatError(f"{path}: cannot read it ({exc.strerror}); check the path") from None


def json_records(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, parsed JSON value)`` of each non-blank line; bad JSON names ``path:line``."""
    name = str(path)
    with _open(path) as f:
        for line_no, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                yield line_no, orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise FormatError(f"{name}:{line_no}: not valid JSON ({exc}); write one JSON object per line") from None


def read_jsonl(path: Path, reference: Reference | None = None) -> list[Document]:
    """Every document of the file; a FormatError lists every bad line (reading goes on past one)."""
    docs: list[Document] = []
    problems: list[str] = []
    name = str(path)
    texts = {doc_id: d.text for doc_id, d in reference.items()} if reference is not None else None
    with _open(path) as f:
        for line_no, raw in enumerate(f, 1):
            if raw.strip():
                try:
                    docs.append(parse_line(raw, name, line_no, texts=texts))
                except FormatError as exc:
                    problems += exc.lines()
    if problems:
        raise FormatError(problems)
    return docs


def read_gold_documents(path: str | Path) -> list[Document]:
    """The documents of a gold set: a JSONL file, or a gold folder's ``documents.jsonl``
    checked against the folder's manifest (``eval.io.verify_manifest``)."""
    documents = resolve_documents_path(path)
    docs = read_jsonl(documents)
    if Path(path).is_dir():
        verify_manifest(path, sha256=sha256_file(documents), count=len(docs))
    return docs


def _detect(path: Path, head: bytes) -> bool:
    return path.suffix.lower() in {".jsonl", ".ndjson"} or (
        path.suffix.lower() == ".json" and head.lstrip().startswith(b"{")
    )


def _read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
    return Reading(read_jsonl(path, reference))


register(ReaderSpec("jsonl", _read, _detect, "canonical JSONL, one document per line"))


BLOCK = 8 << 20  # bytes of whole lines decoded at once


def read_table(path: Path, *, sha256: str = "", reference: Mapping[str, str] | None = None) -> Table:
    """Canonical JSONL straight into columns (the fast path of ``evaluate``).

    The file is read in blocks of whole lines. A block of plain records (entities with offsets,
    no events) is decoded in one typed ``msgspec`` call and taken column-wise; any other block
    — events, offset-free mentions, blank lines, or something malformed — is read line by line
    with ``parse_record``, whose checks name the line and the problem; a bad line does not stop
    the reading: one FormatError at the end lists the problems of every bad line. With ``reference``
    (document id -> gold text), an equal text shares the gold's string instead of a copy.
    The sha256 of the file is computed in the same pass unless given.
    """
    name = str(path)
    builder = TableBuilder(reference, path=name)
    problems: list[str] = []
    digest = hashlib.sha256()
    line_no = 1
    for block in _blocks(path, digest):
        n_lines = block.count(b"\n") + (not block.endswith(b"\n"))
        try:
            docs = PLAIN_DECODER.decode_lines(block)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):  # the exact parser says why
            docs = None
        if docs is not None and len(docs) == n_lines and not any(map(EVENTS_OF, docs)):
            builder.add_block(docs, line_no)
        else:
            problems += _read_lines(block, line_no, builder, name)
        line_no += n_lines
    if problems:
        raise FormatError(problems)
    return builder.build(path=name, format="jsonl", sha256=sha256 or digest.hexdigest())


def _blocks(path: Path, digest: Any, *, size: int | None = None) -> Iterator[bytes]:
    """The file in blocks of about ``size`` bytes (``BLOCK``) that end at a line end (the last
    one may not), hashing as it goes."""
    rest = b""
    with _open(path) as f:
        while chunk := f.read(size or BLOCK):
            digest.update(chunk)
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                rest += chunk
                continue
            yield rest + chunk[:cut]
            rest = chunk[cut:]
    if rest:
        yield rest


def _read_lines(block: bytes, first_line: int, builder: TableBuilder, name: str) -> list[str]:
    """Records one by one: plain ones column-wise, the rest through the exact parser.

    Returns the problems of the lines that could not be read (the others are added)."""
    problems: list[str] = []
    for line_no, raw in enumerate(block.splitlines(), first_line):
        if not raw.strip():
            continue
        try:
            plain = PLAIN_DECODER.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            plain = None
        if plain is not None and not plain.events:
            builder.add_block([plain], line_no)
            continue
        try:
            whole = parse_line(raw, name, line_no, texts=builder.reference)
        except FormatError as exc:
            problems += exc.lines()
            continue
        add_document(builder, whole, line_no)
    return problems


def add_document(builder: TableBuilder, whole: Document, line_no: int) -> None:
    """Add one parsed document to a table being built (kept whole when its columns cannot hold it)."""
    spans = [(e.start, e.end, e.label) for e in whole.entities]
    texts, scores = [e.text for e in whole.entities], [e.score for e in whole.entities]
    record = whole if needs_record(whole) else None
    builder.add(whole.id, whole.text, line_no, spans, texts, record, whole.extra, scores=scores)
