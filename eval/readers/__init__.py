"""Readers for extractor output and gold sets, in a registry keyed by format name.

Each reader turns a path into documents. ``detect`` picks a format from the extension and,
when that is ambiguous, the first bytes; ``--pred-format`` overrides it. Readers that only
have tokens (CoNLL/BIO) need the gold documents to align tokens back to character offsets:
they receive them as ``reference``. Options that only some readers use (BIO decoding, a field
map for other JSON shapes, a Label Studio model version) travel in one ``ReadOptions``; what a
reader wants to tell the report (a token file that stops before its text ends) comes back as
``Reading.notes``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..errors import FormatError, quote
from ..io import GOLD_DOCUMENTS, resolve_documents_path, sha256_path
from ..model import Corpus, Document

Reference = Mapping[str, Document]


class BioMode(enum.Enum):
    """How token tags become entities: conlleval's rule, or seqeval's ``mode="strict"``."""

    LENIENT = "lenient"
    STRICT = "strict"


class BioStyle(enum.Enum):
    """Where a tag's letter is: ``B-PER`` (prefix) or ``PER-B`` (suffix)."""

    PREFIX = "prefix"
    SUFFIX = "suffix"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Reader settings from the command line; each reader reads the ones it knows."""

    bio_mode: BioMode = BioMode.LENIENT
    bio_style: BioStyle = BioStyle.PREFIX
    fields: Mapping[str, str] | None = None  # --pred-fields: canonical field -> dotted path
    model_version: str | None = None  # --model-version for label-studio exports
    event_types: frozenset[str] = frozenset()  # the gold set's event types (label-studio: trigger or entity)


DEFAULT_READ = ReadOptions()


class Reading(NamedTuple):
    """What a reader returns: the documents, and notes for the report."""

    documents: Sequence[Document]
    notes: tuple[str, ...] = ()


ReadFn = Callable[[Path, "Reference | None", ReadOptions], Reading]
DetectFn = Callable[[Path, bytes], bool]


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    name: str
    read: ReadFn
    detect: DetectFn
    description: str


REGISTRY: dict[str, ReaderSpec] = {}


def register(spec: ReaderSpec) -> ReaderSpec:
    REGISTRY[spec.name] = spec
    return spec


def _load_builtin() -> None:
    # Imported for their ``register`` side effect; the order is the detection order.
    from . import jsonl  # noqa: F401

    for optional in ("conll", "brat", "huggingface", "fields", "docbin", "labelstudio", "parquet"):
        try:
            __import__(f"{__name__}.{optional}")
        except ModuleNotFoundError as exc:  # a reader module not written yet
            if exc.name != f"{__name__}.{optional}":
                raise


_loaded = False


def formats() -> dict[str, ReaderSpec]:
    """Every registered format; the built-in readers are loaded once, whatever was imported first."""
    global _loaded
    if not _loaded:
        _loaded = True
        _load_builtin()
    return REGISTRY


def detect(path: Path) -> ReaderSpec:
    specs = formats()
    head = b""
    if path.is_file():
        with open(path, "rb") as f:
            head = f.read(4096)
    for spec in specs.values():
        if spec.detect(path, head):
            return spec
    names = ", ".join(specs)
    raise FormatError(f"{path}: cannot tell its format; pass --pred-format (one of: {names})")


def resolve(path: str | Path, fmt: str | None = None) -> tuple[Path, ReaderSpec]:
    """The file to read (a gold folder means its documents.jsonl) and the reader for it."""
    p = Path(path)
    if p.is_dir() and (p / GOLD_DOCUMENTS).is_file():
        p = resolve_documents_path(p)
    if not p.exists():
        raise FormatError(f"{p}: no such file or folder; check the path")
    specs = formats()
    if fmt is None:
        return p, detect(p)
    if fmt in specs:
        return p, specs[fmt]
    raise FormatError(f"unknown format {quote(fmt)}; use one of: {', '.join(specs)}")


def read_corpus(
    path: str | Path,
    *,
    fmt: str | None = None,
    reference: Reference | None = None,
    options: ReadOptions = ReadOptions(),
) -> Corpus:
    """Read documents from ``path`` in format ``fmt`` (detected when None)."""
    p, spec = resolve(path, fmt)
    reading = spec.read(p, reference, options)
    return Corpus(str(p), sha256_path(p), tuple(reading.documents), spec.name, reading.notes)
