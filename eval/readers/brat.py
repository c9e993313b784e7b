"""brat standoff: ``.ann`` annotation files, each with its ``.txt`` text beside it.

A path is one ``.ann`` file or a folder searched (recursively) for them; the document id is the
file stem. Only text-bound annotations (``T`` lines) are read, as entities; relations, events,
attributes, normalizations and notes (``R E A M N # *``) are skipped, since brat events are not
scored yet. Offsets are code points of the ``.txt`` as it is on disk (no newline translation).
Whether an entity's text matches its offsets is ``eval.validate``'s job.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import FormatError, quote
from ..limits import offset_problem
from ..model import Document, Entity
from . import ReaderSpec, Reading, ReadOptions, Reference, register

_IGNORED = frozenset("REAMN#*")
_OFFSETS = re.compile(r"(\d+) (\d+)", re.ASCII)


def _read_text(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not UTF-8 text; save it as UTF-8") from None


def _text_bound(line: str, where: str) -> Entity:
    """``T1<TAB>LABEL START END<TAB>text`` -> Entity; ``where`` prefixes every error."""
    fields = line.split("\t", 2)
    ident = fields[0]
    label, _, offsets = fields[1].partition(" ") if len(fields) > 1 else ("", "", "")
    if not label or not offsets:
        raise FormatError(f"{where}: {ident} is not 'T<n><TAB>LABEL START END<TAB>text'; fix the line")
    if ";" in offsets:
        raise FormatError(
            f"{where}: {ident} is discontinuous ({offsets}); goldbench scores contiguous spans only — "
            "split it into two entities or drop it"
        )
    found = _OFFSETS.fullmatch(offsets)
    if found is None:
        raise FormatError(f"{where}: {ident} offsets {quote(offsets)} are not 'START END' (two whole numbers)")
    start, end = int(found.group(1)), int(found.group(2))
    for value, what in ((start, "start"), (end, "end")):
        problem = offset_problem(value, f"{ident} {what}")
        if problem is not None:
            raise FormatError(f"{where}: {problem}; fix the offsets")
    text = fields[2] if len(fields) > 2 else None
    return Entity(start, end, label, ident, text)


def read_ann(ann: Path, reference: Reference | None = None) -> Document:
    """One ``.ann`` file and the ``.txt`` beside it -> a Document with id = the file stem.

    Predictions may leave out the ``.txt``: the gold document of the same id gives the text.
    """
    txt = ann.with_suffix(".txt")
    doc_id = ann.stem
    gold = reference.get(doc_id) if reference is not None else None
    if not txt.is_file() and gold is None:
        raise FormatError(f"{ann}: its text file {txt.name} is missing; put the .txt beside the .ann")
    entities: list[Entity] = []
    first_seen: dict[str, int] = {}
    for line_no, raw in enumerate(_read_text(ann).split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        where = f"{ann}:{line_no}: document {quote(doc_id)}"
        if line[0] in _IGNORED:
            continue
        if line[0] != "T":
            raise FormatError(
                f"{where}: {quote(line[:30])} is not a brat annotation (ids start with T, R, E, A, M, N, # "
                "or *); fix or remove the line"
            )
        entity = _text_bound(line, where)
        ident = entity.id or ""
        if ident in first_seen:
            raise FormatError(f"{where}: id {ident} is used again (first at line {first_seen[ident]})")
        first_seen[ident] = line_no
        entities.append(entity)
    text = _read_text(txt) if txt.is_file() or gold is None else gold.text
    return Document(doc_id, text, tuple(entities), path=str(ann))


def read_brat(path: Path, reference: Reference | None = None) -> list[Document]:
    """The documents of one ``.ann`` file or of every ``.ann`` below a folder (sorted by path)."""
    if not path.is_dir():
        return [read_ann(path, reference)]
    anns = sorted(path.rglob("*.ann"))
    if not anns:
        raise FormatError(f"{path}: no .ann files in this folder; brat input is .ann/.txt pairs")
    first_seen: dict[str, Path] = {}
    for ann in anns:
        if ann.stem in first_seen:
            raise FormatError(
                f"{ann}: document id {quote(ann.stem)} is also {first_seen[ann.stem]}; "
                "document ids are file stems, so rename one of them"
            )
        first_seen[ann.stem] = ann
    return [read_ann(ann, reference) for ann in anns]


def _detect(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return next(path.rglob("*.ann"), None) is not None
    return path.suffix.lower() == ".ann"


def _read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
    return Reading(read_brat(path, reference))


register(ReaderSpec("brat", _read, _detect, "brat standoff .ann/.txt pairs (T lines only)"))
