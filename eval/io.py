"""Files: hashing, atomic writes, and gold-set folders (``documents.jsonl`` + ``manifest.json``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from .errors import FormatError
from .model import Document

GOLD_DOCUMENTS = "documents.jsonl"
GOLD_MANIFEST = "manifest.json"
FORMAT_VERSION = "goldbench.gold/1"


def read_yaml(path: str | Path, *, what: str) -> Any:
    """The YAML node tree of ``path`` (line numbers for messages), or None for an empty file.

    Unreadable, non-UTF-8 or malformed files, and files past the YAML limits of
    ``eval.limits.parse_yaml``, raise ``FormatError`` naming ``file[:line]`` and ``what`` the
    file is ("the alias file", "the label map").
    """
    from .limits import parse_yaml

    p = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FormatError(f"{p}: cannot read {what} ({exc.strerror or exc}); check the path") from None
    except UnicodeDecodeError:
        raise FormatError(f"{p}: {what} is not UTF-8 text; save it as UTF-8") from None
    return parse_yaml(text, p)[0]  # the safe loader with depth, alias and size limits


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_path(path: str | Path) -> str:
    """sha256 of a file, or of a folder's files (relative names and contents, in name order)."""
    p = Path(path)
    if p.is_file():
        return sha256_file(p)
    h = hashlib.sha256()
    for f in sorted(x for x in p.rglob("*") if x.is_file()):
        h.update(str(f.relative_to(p)).encode() + b"\0" + sha256_file(f).encode())
    return h.hexdigest()


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, permissions: int | None = None) -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    The file gets the usual mode (0666 less the umask), or ``permissions``; it is created 0600,
    so a secret written with ``permissions=0o600`` is never readable by others.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
        os.chmod(tmp, permissions if permissions is not None else 0o666 & ~current_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def document_to_json(doc: Document) -> dict[str, Any]:
    """The canonical JSON object of a document (unknown fields kept, ``None`` fields dropped)."""
    out: dict[str, Any] = dict(doc.extra)
    out["id"] = doc.id
    out["text"] = doc.text
    out["entities"] = [_drop_none(e._asdict()) for e in doc.entities]
    if doc.events:
        out["events"] = [
            _drop_none(
                {
                    "id": ev.id,
                    "type": ev.type,
                    "trigger": _drop_none(ev.trigger._asdict()),
                    "arguments": [_drop_none(a._asdict()) for a in ev.arguments],
                }
            )
            for ev in doc.events
        ]
    if doc.mentions:
        out["entities"] += [m._asdict() for m in doc.mentions]
    return out


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def jsonl_lines(docs: Iterable[Document]) -> Iterator[bytes]:
    """Each document as one canonical JSONL line (with its newline)."""
    for doc in docs:
        yield orjson.dumps(document_to_json(doc)) + b"\n"


def documents_sha256(docs: Iterable[Document]) -> str:
    """The sha256 ``write_documents`` would give these documents, without writing them."""
    h = hashlib.sha256()
    for line in jsonl_lines(docs):
        h.update(line)
    return h.hexdigest()


def write_documents(path: str | Path, docs: Iterable[Document]) -> str:
    """Write canonical JSONL atomically; returns the file's sha256."""
    h = hashlib.sha256()
    with atomic_write(path, "wb") as f:
        for line in jsonl_lines(docs):
            h.update(line)
            f.write(line)
    return h.hexdigest()


def resolve_documents_path(path: str | Path) -> Path:
    """A gold set is a JSONL file or a folder holding ``documents.jsonl``."""
    p = Path(path)
    if p.is_dir():
        inner = p / GOLD_DOCUMENTS
        if not inner.is_file():
            raise FormatError(f"{p}: a gold folder must contain {GOLD_DOCUMENTS}; none found")
        return inner
    if not p.exists():
        raise FormatError(f"{p}: no such file or folder")
    return p


def read_manifest(path: str | Path) -> dict[str, Any] | None:
    """The manifest of a gold folder, or None when ``path`` is a plain file."""
    p = Path(path)
    m = p / GOLD_MANIFEST if p.is_dir() else None
    if m is None or not m.is_file():
        return None
    try:
        data = orjson.loads(m.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise FormatError(f"{m}: not valid JSON ({exc}); fix or regenerate the manifest") from None
    if not isinstance(data, dict):
        raise FormatError(f"{m}: the manifest must be a JSON object")
    return data
