"""The canonical document model: documents, entity spans, events.

Offsets are half-open ``[start, end)`` in Python code points (``text[start:end]``).
Records are immutable tuples: cheap enough to make millions of, and typed. Unknown JSON
fields are kept in ``extra`` so that a read/write round trip loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

EMPTY: Mapping[str, Any] = MappingProxyType({})


class Entity(NamedTuple):
    """A labelled span of a document's text."""

    start: int
    end: int
    label: str
    id: str | None = None
    text: str | None = None
    score: float | None = None  # the extractor's confidence in [0, 1], when it gives one


class Span(NamedTuple):
    """An unlabelled span (an event trigger)."""

    start: int
    end: int
    text: str | None = None


class Argument(NamedTuple):
    """An event argument: a role filled either by offsets or by the id of an entity."""

    role: str
    start: int | None = None
    end: int | None = None
    entity: str | None = None
    text: str | None = None


class Event(NamedTuple):
    """An event mention: a typed trigger with role-labelled arguments."""

    type: str
    trigger: Span
    arguments: tuple[Argument, ...] = ()
    id: str | None = None


class Mention(NamedTuple):
    """An entity given by its name only, with no offsets (LLM-style output)."""

    label: str
    text: str
    score: float | None = None


class Document(NamedTuple):
    """One document: its text and its annotations.

    ``line`` is the 1-based line (or 0) of the record in ``path`` it was read from, so that
    every problem can be reported as ``path:line``. ``mentions`` holds offset-free entities.
    """

    id: str
    text: str
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    mentions: tuple[Mention, ...] = ()
    extra: Mapping[str, Any] = EMPTY
    path: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path or "<memory>"


class Corpus(NamedTuple):
    """Documents read from one source, with what is needed to report on the source."""

    path: str
    sha256: str
    documents: tuple[Document, ...]
    format: str
    notes: tuple[str, ...] = ()  # what the reader saw that the report should mention
