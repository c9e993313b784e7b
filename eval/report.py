"""The one typed report object. Every output (table, JSON, Markdown, CSV, JUnit, HTML) is a
rendering of a ``Report`` made in ``eval.render``; nothing else formats results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .counts import PRF, Counts, Metrics, Scheme

SCHEMA = "goldbench.report/1"


class Level(enum.Enum):
    MENTION = "mention"  # offsets are compared
    DOCUMENT = "document"  # offset-free: (label, normalised text) per document


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    sha256: str
    documents: int


@dataclass(frozen=True, slots=True)
class EntityScores:
    micro: dict[Scheme, Counts]
    macro: dict[Scheme, Metrics]
    labels: dict[str, dict[Scheme, Counts]]
    documents: dict[str, dict[Scheme, Counts]] | None = None


EVENT_METRICS: tuple[str, ...] = (
    "trigger_identification",
    "trigger_classification",
    "argument_identification",
    "argument_classification",
    "argument_identification_attached",
    "argument_classification_attached",
)


@dataclass(frozen=True, slots=True)
class EventScores:
    micro: dict[str, PRF]
    types: dict[str, dict[str, PRF]]
    roles: dict[str, dict[str, PRF]]


@dataclass(frozen=True, slots=True)
class ErrorCase:
    """One false positive or false negative, with context for a person to read."""

    doc_id: str
    kind: str  # "missed" | "spurious" | "incorrect" | "partial"
    start: int
    end: int
    label: str
    other_label: str | None
    left: str
    span: str
    right: str


@dataclass(frozen=True, slots=True)
class Report:
    gold: Source
    predictions: Source
    entities: EntityScores
    level: Level = Level.MENTION
    schemes: tuple[Scheme, ...] = tuple(Scheme)
    events: EventScores | None = None
    notes: tuple[str, ...] = ()
    errors: tuple[ErrorCase, ...] = ()
    # Filled by later stages (statistics, gate); kept as plain data to stay renderable.
    extras: dict[str, Any] = field(default_factory=dict)
