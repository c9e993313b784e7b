"""Any JSONL shape, through a field map: ``--pred-fields "entities=output.entities,label=type"``.

Each line is one document. The map names, as dotted paths, where the canonical fields are:
``id``, ``entities`` and ``doc.text`` (the document's text, usually left out) from the
record's root; ``start``, ``end``, ``label``, ``text`` and ``score`` inside each entity. A path
part that is a number indexes a list (``choices.0.message``). Fields not in the map keep their
canonical names. The record is then read as a canonical one
(``eval.readers.jsonl.parse_record``), so every later check is the usual one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import FormatError, UsageError, quote
from ..model import Document
from . import ReaderSpec, Reading, ReadOptions, Reference, register
from .jsonl import json_records, parse_record

DOCUMENT_FIELDS = {"id": "id", "doc.text": "text", "entities": "entities"}  # map key -> canonical field
ENTITY_FIELDS = ("start", "end", "label", "text", "score")
_MISSING = object()


def parse_fields(spec: str) -> dict[str, str]:
    """``"entities=output.entities,label=type"`` -> ``{"entities": "output.entities", "label": "type"}``.

    Keys are ``id``, ``entities``, ``doc.text`` and the entity fields ``start``, ``end``,
    ``label``, ``text``, ``score``.
    """
    out: dict[str, str] = {}
    for item in (x.strip() for x in spec.split(",")):
        if not item:
            continue
        key, eq, path = (x.strip() for x in item.partition("="))
        if not eq or not key or not path or any(not part for part in path.split(".")):
            raise UsageError(
                f"--pred-fields: {quote(item)} is not FIELD=dotted.path (as in 'entities=output.entities')"
            )
        if key not in DOCUMENT_FIELDS and key not in ENTITY_FIELDS:
            names = ", ".join([*DOCUMENT_FIELDS, *ENTITY_FIELDS])
            raise UsageError(f"--pred-fields: unknown field {quote(key)}; map one of {names}")
        if key in out:
            raise UsageError(f"--pred-fields: {quote(key)} is mapped twice; map each field once")
        out[key] = path
    if not out:
        raise UsageError("--pred-fields is empty; write FIELD=dotted.path pairs separated by commas")
    return out


def _get(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


class _Bad(Exception):
    """A mapped field missing or of the wrong kind in one record."""


def _remap(obj: Any, fields: Mapping[str, str], reference: Reference) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise _Bad("each line must be a JSON object")
    record: dict[str, Any] = {}
    for key, name in DOCUMENT_FIELDS.items():
        path = fields.get(key, name)
        value = _get(obj, path)
        if value is _MISSING:
            if name == "id":
                raise _Bad(f"no {quote(path)} (the document id{_from(fields, key)})")
            continue
        record[name] = value
    doc_id = record.get("id")
    if "text" not in record and isinstance(doc_id, str | int) and str(doc_id) in reference:
        record["text"] = reference[str(doc_id)].text
    if "entities" in fields and "entities" not in record:
        raise _Bad(f"no {quote(fields['entities'])} (the entity list{_from(fields, 'entities')})")
    raw = record.get("entities", [])
    if not isinstance(raw, list):
        raise _Bad(f"{quote(fields.get('entities', 'entities'))} must be a list of entity objects")
    record["entities"] = [_entity(e, i, fields) for i, e in enumerate(raw)]
    return record


def _entity(e: Any, i: int, fields: Mapping[str, str]) -> Any:
    if not isinstance(e, dict):
        return e  # the canonical parser names the problem
    out: dict[str, Any] = {}
    for name in ENTITY_FIELDS:
        path = fields.get(name, name)
        value = _get(e, path)
        if value is _MISSING:
            if name in fields and name in ("label", "start", "end"):
                raise _Bad(f"entities[{i}] has no {quote(path)} (its {name}{_from(fields, name)})")
            continue
        out[name] = value
    return out


def _from(fields: Mapping[str, str], key: str) -> str:
    return f", from --pred-fields {key}={fields[key]}" if key in fields else ""


def read_fields(path: Path, reference: Reference | None, fields: Mapping[str, str]) -> list[Document]:
    """Documents of a JSONL file in another shape, through the field map ``fields``."""
    name = str(path)
    docs: list[Document] = []
    for line_no, obj in json_records(path):
        try:
            record = _remap(obj, fields, reference or {})
        except _Bad as exc:
            raise FormatError(f"{name}:{line_no}: {exc}; fix the record or the --pred-fields map") from None
        docs.append(parse_record(record, name, line_no))
    return docs


def _read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
    if not options.fields:
        raise UsageError("--pred-format fields needs --pred-fields, e.g. 'entities=output.entities,label=type'")
    return Reading(read_fields(path, reference, options.fields))


def _never(path: Path, head: bytes) -> bool:
    return False


register(ReaderSpec("fields", _read, _never, "any JSONL shape, through --pred-fields (dotted paths)"))
