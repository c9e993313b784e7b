"""Files: hashing, atomic writes (one file, or a run's ``WriteSet``), and gold-set folders
(``documents.jsonl`` + ``manifest.json``)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from .errors import FormatError, Problem, UsageError, quote
from .limits import load_json_file
from .model import Document

GOLD_DOCUMENTS = "documents.jsonl"
GOLD_MANIFEST = "manifest.json"
FORMAT_VERSION = "goldbench.gold/1"
KNOWN_FORMATS = frozenset({FORMAT_VERSION})


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


class WriteSet:
    """Every output file of one run: checked before any work starts, then written all or none.

    ``WriteSet({"--out": path, "--html": None, ...})`` checks each given path at once (a folder,
    a parent that is a file, a folder that cannot be written to, one path given twice: a
    ``UsageError`` naming the option). ``add`` collects contents, ``append`` a line added to
    a file's current bytes; ``commit`` writes every file to a temporary beside it and renames
    them into place only once all are written, so a refused or failed run changes nothing.
    """

    def __init__(self, outputs: Mapping[str, str | Path | None]) -> None:
        self.paths: dict[str, Path] = {}
        self._contents: dict[Path, bytes] = {}
        self._written: dict[Path, Path] = {}  # output -> its temporary, written by the caller
        self._folders: list[Path] = []  # folders ``temporary`` made, deepest first
        owner: dict[Path, str] = {}
        for option, raw in outputs.items():
            if raw is None:
                continue
            path = Path(raw)
            _check_writable(path, option)
            key = path.resolve()
            if key in owner:
                raise UsageError(f"{option} {path}: the same file as {owner[key]}; give each output its own file")
            owner[key] = option
            self.paths[option] = path

    def add(self, option: str, content: str | bytes) -> None:
        """Content for the file of ``option`` (ignored when that option was not given)."""
        if option in self.paths:
            self._contents[self.paths[option]] = content.encode("utf-8") if isinstance(content, str) else content

    def append(self, option: str, line: bytes) -> None:
        """``line`` added to the end of the file of ``option`` (which may not exist yet)."""
        path = self.paths.get(option)
        if path is None:
            return
        try:
            current = path.read_bytes() if path.exists() else b""
        except OSError as exc:
            raise UsageError(f"{option} {path}: cannot read it to append ({exc.strerror or exc})") from None
        self._contents[path] = current + (b"\n" if current and not current.endswith(b"\n") else b"") + line

    def temporary(self, option: str) -> Path:
        """A temporary file beside the file of ``option``, for an output too big to collect
        (``evaluate convert`` writes Parquet into it chunk by chunk). ``commit`` renames it into
        place with the others; ``discard`` removes it."""
        path = self.paths[option]
        made = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
        self._folders += made  # deepest first: ``discard`` removes them if the run fails
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        except OSError as exc:
            raise UsageError(
                f"{option} {path}: cannot write it ({exc.strerror or exc}); no output was written"
            ) from None
        os.close(fd)
        self._written[path] = Path(tmp)
        return Path(tmp)

    def discard(self) -> None:
        """Remove the temporaries of ``temporary``: nothing of this run is left."""
        for tmp in self._written.values():
            tmp.unlink(missing_ok=True)
        self._written.clear()
        for folder in self._folders:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if still empty
        self._folders.clear()

    def commit(self) -> None:
        """Write every collected file: all temporaries first, then one rename each."""
        staged: list[tuple[str, Path]] = [(str(tmp), path) for path, tmp in self._written.items()]
        mode = 0o666 & ~current_umask()
        try:
            for tmp_name, _ in staged:
                os.chmod(tmp_name, mode)
            for path, data in self._contents.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
                staged.append((tmp, path))
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.chmod(tmp, mode)
            for tmp, path in staged:
                os.replace(tmp, path)
            self._written.clear()
            self._folders.clear()  # they hold the outputs now
        except OSError as exc:
            for tmp, _ in staged:
                Path(tmp).unlink(missing_ok=True)
            where = exc.filename or "an output file"
            raise UsageError(f"{where}: cannot write it ({exc.strerror or exc}); no output was written") from None


def _check_writable(path: Path, option: str) -> None:
    """Refuse, before any work, an output path that cannot be written."""
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder; give the path of a file to write")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: {parent} is a file, not a folder; choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot write in {parent} (permission denied); choose another path")


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
    if m is None or not m.exists():
        return None
    data = load_json_file(m, what="a gold-set manifest", hint="fix or regenerate the manifest")
    if not isinstance(data, dict):
        raise FormatError(f"{m}: the manifest must be a JSON object")
    return data


def verify_manifest(folder: str | Path, *, sha256: str, count: int) -> dict[str, Any] | None:
    """The manifest of a gold folder, checked against the documents just read from it.

    Every reader of a gold folder calls this (``evaluate``, ``agreement``, ``annotate``).
    ``sha256`` and ``count`` are those of the folder's ``documents.jsonl`` as read. The
    ``format`` must be known, ``documents_sha256`` and ``document_count`` must match, and
    ``entity_labels`` and ``event_types`` must be lists of non-empty strings. None when
    ``folder`` is a plain file or holds no manifest; otherwise a FormatError names
    manifest.json and every field that disagrees.
    """
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    where = str(Path(folder) / GOLD_MANIFEST)
    problems = [Problem(where, f"{key}: {message}") for key, message in _manifest_problems(manifest, sha256, count)]
    if problems:
        raise FormatError(problems)
    return manifest


def _manifest_problems(manifest: Mapping[str, Any], sha256: str, count: int) -> Iterator[tuple[str, str]]:
    fmt = manifest.get("format")
    if fmt not in KNOWN_FORMATS:
        known = ", ".join(sorted(KNOWN_FORMATS))
        yield "format", f"{quote(fmt)} is not a gold-set format this goldbench reads ({known}); upgrade goldbench"
    recorded = manifest.get("documents_sha256")
    if recorded != sha256:
        yield (
            "documents_sha256",
            f"{quote(recorded)} does not match {GOLD_DOCUMENTS} (sha256 {sha256}); the documents changed after "
            "the gold set was written: pull it again, or restore the documents",
        )
    recorded_count = manifest.get("document_count")
    if type(recorded_count) is not int or recorded_count != count:
        yield "document_count", f"{quote(recorded_count)} does not match {GOLD_DOCUMENTS}, which holds {count}"
    for key in ("entity_labels", "event_types"):
        value = manifest.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() == x and x for x in value):
            yield key, f"must be a list of non-empty labels without surrounding spaces, got {quote(value)}"
