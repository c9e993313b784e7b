"""Gold-set folders: ``documents.jsonl`` plus ``manifest.json``, written all at once or not at all.

A gold set is written into a temporary folder beside its destination and renamed into place
only when both files are complete, so a failed pull never leaves a half-written gold set (nor
damages the one it was replacing). The manifest (format ``goldbench.gold/1``) records what the
documents are, where they came from and the sha256 of ``documents.jsonl``; ``read_gold_set``
checks that hash. Fields are listed in docs/schema.md.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from eval.errors import FormatError, Problem, UsageError, ValidationError
from eval.io import (
    FORMAT_VERSION,
    GOLD_DOCUMENTS,
    GOLD_MANIFEST,
    atomic_write,
    current_umask,
    read_manifest,
    write_documents,
)
from eval.model import Document
from eval.readers.jsonl import read_gold_documents, read_jsonl

from .convert_push import document_problems
from .schema import Schema

# Computed from the documents; ``manifest_fields`` may not set them.
RESERVED = frozenset({"format", "documents_file", "documents_sha256", "document_count"})


class GoldSet(NamedTuple):
    """A gold set as read back: its folder, its documents and its manifest."""

    path: Path
    documents: tuple[Document, ...]
    manifest: Mapping[str, Any]


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _check(documents: list[Document], schema: Schema | None) -> None:
    problems: list[Problem] = []
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            problems.append(Problem(doc.where, "the document id appears twice in the gold set", doc.id))
        seen.add(doc.id)
        if schema is not None:
            problems += document_problems(doc, schema)
    if problems:
        raise ValidationError(problems)


def _manifest(
    documents: list[Document],
    sha256: str,
    schema: Schema | None,
    fields: Mapping[str, Any],
) -> dict[str, Any]:
    if schema is not None:
        labels, types = list(schema.entity_label_names()), list(schema.event_type_names())
    else:
        labels = sorted({e.label for d in documents for e in d.entities})
        types = sorted({ev.type for d in documents for ev in d.events})
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created": utc_now(),
        "source": "",
        "documents_file": GOLD_DOCUMENTS,
        "documents_sha256": sha256,
        "document_count": len(documents),
        "entity_labels": labels,
        "event_types": types,
        "schema_sha256": schema.sha256() if schema is not None else None,
        "policy": None,
        "counts": {
            "documents": len(documents),
            "entities": sum(len(d.entities) for d in documents),
            "events": sum(len(d.events) for d in documents),
        },
        "repairs": [],
        "notes": "",
    }
    manifest.update(fields)
    return manifest


def check_out_folder(folder: str | Path, *, overwrite: bool) -> Path:
    """Refuse, before any work, a gold-set destination that cannot be written: a file, a folder
    that already holds files (without ``overwrite``), or a place under a file or a read-only folder."""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a folder; choose a folder for the gold set")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise UsageError(f"{target}: already holds files; choose a new folder or pass --force")
    parent = target.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"{target}: {parent} is a file, not a folder; choose a folder for the gold set")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{target}: cannot write in {parent} (permission denied); choose another folder")
    return target


def write_gold_set(
    folder: str | Path,
    documents: Iterable[Document],
    *,
    manifest_fields: Mapping[str, Any] | None = None,
    schema: Schema | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``documents`` and their manifest into ``folder`` atomically; returns the folder.

    ``manifest_fields`` adds to or overrides the manifest (``source``, ``notes``, ``created``,
    and ``PullResult.manifest_fields()``: ``policy``, ``counts``, ``repairs``, ...). With
    ``schema`` the documents are checked against it and its labels and hash are recorded.
    A folder that already holds other files (articles, sources, a README) keeps them: only
    ``documents.jsonl`` and ``manifest.json`` are written there, each atomically, documents
    first (the manifest carries their sha256, so a reader can tell a torn pair). Existing gold
    files are replaced only with ``overwrite``.
    """
    fields = dict(manifest_fields or {})
    reserved = sorted(RESERVED & fields.keys())
    if reserved:
        raise UsageError(f"manifest fields {', '.join(reserved)} are computed from the documents; do not pass them")
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a folder; choose a folder for the gold set")
    has_gold = (target / GOLD_DOCUMENTS).exists() or (target / GOLD_MANIFEST).exists()
    if has_gold and not overwrite:
        raise UsageError(f"{target}: already holds a gold set; choose a new folder or allow overwriting (--force)")
    docs = list(documents)
    _check(docs, schema)
    if target.is_dir() and any(p.name not in (GOLD_DOCUMENTS, GOLD_MANIFEST) for p in target.iterdir()):
        sha256 = write_documents(target / GOLD_DOCUMENTS, docs)
        with atomic_write(target / GOLD_MANIFEST) as f:
            f.write(_manifest_text(_manifest(docs, sha256, schema, fields)))
        return target
    with staged_folder(target) as staging:
        sha256 = write_documents(staging / GOLD_DOCUMENTS, docs)
        (staging / GOLD_MANIFEST).write_text(_manifest_text(_manifest(docs, sha256, schema, fields)), encoding="utf-8")
    return target


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` to fill; on success it gets the usual mode and replaces
    ``target`` (``swap_into_place``), on failure it is removed and ``target`` is left as it was."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield staging
        staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700
        swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _manifest_text(manifest: Mapping[str, Any]) -> str:
    try:
        return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    except (TypeError, ValueError) as exc:
        raise UsageError(f"manifest fields must be plain JSON data ({exc})") from None


def swap_into_place(staging: Path, target: Path) -> None:
    """Rename the folder ``staging`` to ``target`` (same parent); an existing ``target`` is kept
    until that succeeded, then removed. ``staging`` should be named ``<something>.tmp``."""
    if not target.exists():
        os.replace(staging, target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        os.replace(staging, target)
        return
    old = staging.with_name(staging.name.removesuffix(".tmp") + ".old")
    os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def read_gold_set(folder: str | Path, *, verify: bool = True) -> GoldSet:
    """Read a gold-set folder; with ``verify`` the manifest must agree with the documents
    (``eval.io.verify_manifest``: format, sha256, count, label lists)."""
    p = Path(folder)
    if not p.is_dir():
        raise FormatError(f"{p}: not a folder; a gold set is a folder with {GOLD_DOCUMENTS} and {GOLD_MANIFEST}")
    documents = p / GOLD_DOCUMENTS
    if not documents.is_file():
        raise FormatError(f"{p}: no {GOLD_DOCUMENTS}; this folder is not a gold set")
    manifest = read_manifest(p)
    if manifest is None:
        raise FormatError(f"{p}: no {GOLD_MANIFEST}; write the gold set with annotate pull (or read {documents})")
    if not verify:
        return GoldSet(p, tuple(read_jsonl(documents)), manifest)
    return GoldSet(p, tuple(read_gold_documents(p)), manifest)


def annotator_sets(sources: Sequence[str | Path]) -> dict[str, list[Document]]:
    """Annotator name -> documents, for agreement.

    One folder holding per-annotator gold sets (what ``pull --annotations all`` writes) gives one
    entry per sub-folder; otherwise every source (a JSONL file or a gold folder) is one annotator,
    named by its file stem or folder name.
    """
    paths = [Path(s) for s in sources]
    if len(paths) == 1 and paths[0].is_dir() and not (paths[0] / GOLD_DOCUMENTS).exists():
        paths = sorted(p for p in paths[0].iterdir() if (p / GOLD_DOCUMENTS).is_file())
        if not paths:
            raise UsageError(f"{sources[0]}: no gold sets inside; pass the folder written by `pull --annotations all`")
    out: dict[str, list[Document]] = {}
    for p in paths:
        name = p.name if p.is_dir() else p.stem
        if name in out:
            raise UsageError(f"{p}: two sources are both named {name!r}; rename one")
        out[name] = read_gold_documents(p)
    return out
