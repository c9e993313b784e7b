"""spaCy ``DocBin`` files (``.spacy``): each ``Doc``'s text and its ``doc.ents``.

Needs the optional extra ``goldbench[spacy]``; spaCy is imported only when such a file is read.
A ``Doc`` has no id of its own, so the id is taken from ``doc.user_data["id"]`` or the custom
attribute ``doc._.id`` (both need ``DocBin(store_user_data=True)``); without one, the gold
document with exactly the same text gives it. The n-th ``Doc`` of the file is ``FILE:n`` in
messages. Entities are ``(start_char, end_char, label_)``; spaCy gives them no score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import FormatError, quote
from ..model import Document, Entity
from . import ReaderSpec, Reading, ReadOptions, Reference, register

_EXTENSION_KEY = ("._.", "id", None, None)  # where spaCy keeps ``doc._.id`` in user_data


def _load(path: Path) -> list[Any]:
    try:
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab
    except ImportError:
        raise FormatError(
            f"{path}: reading spaCy DocBin files needs spaCy; install it with pip install 'goldbench[spacy]'"
        ) from None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"{path}: cannot read it ({exc.strerror}); check the path") from None
    try:
        return list(DocBin().from_bytes(data).get_docs(Vocab()))
    except Exception as exc:  # spaCy's decoder raises what zlib/msgpack/numpy raise
        raise FormatError(
            f"{path}: not a spaCy DocBin ({type(exc).__name__}); write it with DocBin(docs=docs).to_disk(path)"
        ) from None


def _doc_id(doc: Any) -> Any:
    data = doc.user_data or {}
    return data.get("id", data.get(_EXTENSION_KEY))


def read_docbin(path: Path, reference: Reference | None = None) -> list[Document]:
    """The documents of a ``.spacy`` file; ids from user data, else from the gold text."""
    name = str(path)
    by_text: dict[str, list[str]] = {}
    for gold in (reference or {}).values():
        by_text.setdefault(gold.text, []).append(gold.id)
    out: list[Document] = []
    for n, doc in enumerate(_load(path), 1):
        doc_id = _doc_id(doc)
        if isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if doc_id is None:
            same = by_text.get(doc.text, [])
            if len(same) != 1:
                why = "no gold document has its text" if not same else f"{len(same)} gold documents have its text"
                raise FormatError(
                    f"{name}:{n}: Doc {n} has no id and {why}; set doc.user_data['id'] and save the DocBin "
                    "with store_user_data=True"
                )
            doc_id = same[0]
        if not isinstance(doc_id, str):
            raise FormatError(f"{name}:{n}: Doc {n} has the id {quote(doc_id)}; the id must be a string")
        ents = tuple(Entity(e.start_char, e.end_char, e.label_, None, e.text) for e in doc.ents)
        out.append(Document(doc_id, doc.text, ents, path=name, line=n))
    return out


def _read(path: Path, reference: Reference | None, options: ReadOptions) -> Reading:
    return Reading(read_docbin(path, reference))


def _detect(path: Path, head: bytes) -> bool:
    return path.suffix.lower() == ".spacy"


register(ReaderSpec("spacy", _read, _detect, "spaCy DocBin (.spacy): doc.ents (needs goldbench[spacy])"))
