"""The one typed report object. Every output (table, JSON, Markdown, CSV, JUnit, HTML) is a
rendering of a ``Report`` made in ``eval.render``; nothing else formats results."""

from __future__ import annotations

import enum
from dataclasses import dataclass

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
class Confusion:
    """Label confusion over boundary-matched spans (exact scheme pairs), plus missed/spurious.

    Rows are gold labels then ``NONE`` (spurious predictions); columns are predicted labels
    then ``NONE`` (missed gold spans). ``matrix[i][j]`` counts spans.
    """

    labels: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]

    NONE = "(none)"


@dataclass(frozen=True, slots=True)
class Interval:
    """A bootstrap confidence interval of one metric."""

    estimate: float
    low: float
    high: float
    level: float = 0.95


@dataclass(frozen=True, slots=True)
class Comparison:
    """Paired comparison of extractor B against A on the same gold, for one metric."""

    metric: str  # e.g. "entities.strict.f1"
    a: float
    b: float
    delta: float  # b - a
    p_bootstrap: float
    p_randomization: float
    samples: int


class CheckKind(enum.Enum):
    FLOOR = "floor"  # --fail-under metric=value
    MAX_DROP = "max_drop"  # --max-drop [metric=]value against a baseline


@dataclass(frozen=True, slots=True)
class Check:
    """One gate check; ``value``/``baseline`` are None when the metric is missing there."""

    metric: str
    kind: CheckKind
    threshold: float
    value: float | None
    baseline: float | None
    passed: bool
    message: str

    @property
    def delta(self) -> float | None:
        if self.value is None or self.baseline is None:
            return None
        return self.value - self.baseline


@dataclass(frozen=True, slots=True)
class Gate:
    checks: tuple[Check, ...]
    baseline_path: str | None = None
    baseline_gold_matches: bool | None = None  # gold sha256 equal to the baseline's

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """How predictions were produced when goldbench ran the extractor itself."""

    extractor: str
    documents: int
    seconds: float

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0


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
    confusion: Confusion | None = None
    intervals: dict[str, Interval] | None = None  # metric path -> interval (--bootstrap)
    comparison: tuple[Comparison, ...] | None = None  # --against
    gate: Gate | None = None
    baseline: dict[str, float] | None = None  # metric path -> baseline value (--baseline)
    run: RunInfo | None = None  # --extractor
