"""Hugging Face token-classification pipeline output, one document per JSONL line.

``{"id": ..., "entities": [...]}`` where ``entities`` is what ``pipeline("ner")(text)``
returned for the document's text: aggregated entities ``{"entity_group", "score", "word",
"start", "end"}``, or token pieces ``{"entity": "B-PER", "score", "index", "word", "start",
"end"}`` (``aggregation_strategy="none"``). Pieces are merged as the pipeline's ``"simple"``
strategy merges them (``TokenClassificationPipeline.group_entities``): a piece joins the group
before it when it has the same type and is not ``B-``; the group's type is its first piece's
tag after the last ``-``, its score the mean of the pieces' scores, its span from the first
piece's start to the last piece's end. The pipeline groups over every token, ``O`` ones
included, and drops ``O`` groups afterwards; its non-aggregated output has already dropped the
``O`` tokens, so a gap in ``index`` (or, without ``index``, anything but whitespace between two
pieces) ends a group where an ``O`` token stood. ``word`` is informational (sub-word markers,
lower-casing): the entity's text is the gold text at its offsets. ``text`` may be left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import FormatError, quote
from ..model import Document
from . import ReaderSpec, Reading, ReadOptions, Reference, register
from .jsonl import json_records, parse_record

_SPACE = frozenset(" \t\n\r\f\v\u00a0")


class _Bad(Exception):
    """A problem inside one record, turned into a FormatError naming file:line."""


def _number(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= v <= 1.0:
        raise _Bad(f"{what} must be a number between 0 and 1, got {quote(v)}")
    return float(v)


def _offset(v: Any, what: str) -> int:
    if type(v) is not int:
        hint = "; run the pipeline with a fast tokenizer, which gives offsets" if v is None else ""
        raise _Bad(f"{what} must be an integer, got {quote(v)}{hint}")
    return v


def _tag(name: str) -> tuple[str, str]:
    """The pipeline's ``get_tag``: ``("B"|"I", type)``; a tag without B-/I- continues (``I``)."""
    if name.startswith(("B-", "I-")):
        return name[0], name[2:]
    return "I", name


class _Piece:
    __slots__ = ("tag", "score", "start", "end", "index")

    def __init__(self, e: Any, i: int) -> None:
        where = f"entities[{i}]"
        if not isinstance(e, dict):
            raise _Bad(f"{where} must be an object")
        tag = e.get("entity")
        if not isinstance(tag, str) or not tag:
            raise _Bad(f"{where}.entity must be a tag string such as 'B-PER', got {quote(tag)}")
        self.tag = tag
        self.score = _number(e.get("score"), f"{where}.score")
        self.start = _offset(e.get("start"), f"{where}.start")
        self.end = _offset(e.get("end"), f"{where}.end")
        index = e.get("index")
        if index is not None and type(index) is not int:
            raise _Bad(f"{where}.index must be an integer, got {quote(index)}")
        self.index: int | None = index


def _adjacent(last: _Piece, piece: _Piece, text: str) -> bool:
    """Whether no ``O`` token was dropped between two pieces."""
    if last.index is not None and piece.index is not None:
        return piece.index == last.index + 1
    return last.end <= piece.start and all(c in _SPACE for c in text[last.end : piece.start])


def _group(group: list[_Piece]) -> dict[str, Any] | None:
    """``group_sub_entities``: the first piece's type after its last ``-``, the mean score."""
    label = group[0].tag.split("-")[-1]
    if label == "O":
        return None
    score = sum(p.score for p in group) / len(group)
    return {"start": group[0].start, "end": group[-1].end, "label": label, "score": score}


def merge_pieces(pieces: list[_Piece], text: str) -> list[dict[str, Any]]:
    """``group_entities`` over the pieces of one document (``O`` groups dropped)."""
    out: list[dict[str, Any]] = []
    group: list[_Piece] = []
    for piece in pieces:
        if group:
            bi, tag = _tag(piece.tag)
            last_tag = _tag(group[-1].tag)[1]
            if tag == last_tag and bi != "B" and _adjacent(group[-1], piece, text):
                group.append(piece)
                continue
            merged = _group(group)
            if merged is not None:
                out.append(merged)
        group = [piece]
    if group and (merged := _group(group)) is not None:
        out.append(merged)
    return out


def _aggregated(e: dict[str, Any], i: int) -> dict[str, Any]:
    where = f"entities[{i}]"
    label = e.get("entity_group")
    if not isinstance(label, str) or not label:
        raise _Bad(f"{where}.entity_group must be a label string, got {quote(label)}")
    return {
        "start": _offset(e.get("start"), f"{where}.start"),
        "end": _offset(e.get("end"), f"{where}.end"),
        "label": label,
        "score": _number(e.get("score"), f"{where}.score"),
    }


def _record(obj: Any, reference: Reference) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _Bad('each line must be a JSON object {"id", "entities"}')
    doc_id = obj.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str):
        raise _Bad(f"id must be a string, got {quote(doc_id)}; add the gold document's id to each line")
    gold = reference.get(doc_id)
    text = obj.get("text")
    if text is None:
        if gold is None:
            raise _Bad("this id is not in the gold set (and the line has no text); use the gold document ids")
        text = gold.text
    if not isinstance(text, str):
        raise _Bad(f"text must be a string, got {quote(text)}")
    raw = obj.get("entities", [])
    if not isinstance(raw, list):
        raise _Bad("entities must be the list the pipeline returned")
    grouped = [isinstance(e, dict) and "entity_group" in e for e in raw]
    if any(grouped) and not all(grouped):
        raise _Bad("entities mix aggregated ('entity_group') and token ('entity') results; write one kind per line")
    if all(grouped):
        entities = [_aggregated(e, i) for i, e in enumerate(raw)]
    else:
        entities = merge_pieces([_Piece(e, i) for i, e in enumerate(raw)], text)
    return {"id": doc_id, "text": text, "entities": entities}


def read_huggingface(path: Path, reference: Reference | None = None) -> list[Document]:
    """Documents from pipeline output lines; the gold texts fill in a missing ``text``."""
    name = str(path)
    docs: list[Document] = []
    for line_no, obj in json_records(path):
        try:
            record = _record(obj, reference or {})
        except _Bad as exc:
            ident = obj.get("id") if isinstance(obj, dict) else None
            doc = f" document {quote(ident)}:" if ident is not None else ""
            raise FormatError(
                f"{name}:{line_no}:{doc} {exc}; fix the record (see docs/formats-readers.md, Hugging Face)"
            ) from None
        docs.append(parse_record(record, name, line_no))
    return docs


def _read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
    return Reading(read_huggingface(path, reference))


def _never(path: Path, head: bytes) -> bool:
    return False


register(ReaderSpec("huggingface", _read, _never, "Hugging Face token-classification pipeline output (JSONL)"))
