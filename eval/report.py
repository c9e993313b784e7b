"""The one typed report object. Every output (table, JSON, Markdown, CSV, JUnit, HTML) is a
rendering of a ``Report`` made in ``eval.render``; nothing else formats results."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .counts import PRF, Counts, Metrics, Scheme

if TYPE_CHECKING:
    import pandas as pd

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


@dataclass(frozen=True, slots=True)
class SliceScores:
    """The scores of one slice of the gold documents (``evaluate --slice-by``).

    Sums of per-document counts: the slices of one field add up to the report's micro counts.
    ``bounds`` holds the shortest and longest text of a ``length:N`` slice.
    """

    documents: int
    micro: dict[Scheme, Counts]
    labels: dict[str, dict[Scheme, Counts]]
    bounds: tuple[int, int] | None = None
    events: dict[str, PRF] | None = None


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


EventErrorKind = Literal[
    "missed trigger", "spurious trigger", "wrong type", "missed argument", "spurious argument", "wrong role"
]


@dataclass(frozen=True, slots=True)
class EventErrorCase:
    """One event error with context: a trigger or an argument (``role`` set) that is wrong.

    ``event_type``/``role`` are the gold ones for missed items and wrong types/roles, the
    predicted ones for spurious items; ``other`` is the predicted type (wrong type) or role
    (wrong role). ``trigger`` is the trigger's text for argument errors.
    """

    doc_id: str
    kind: EventErrorKind
    event_type: str
    role: str | None
    other: str | None
    start: int
    end: int
    left: str
    span: str
    right: str
    trigger: str | None = None


@dataclass(frozen=True, slots=True)
class Confusion:
    """Label confusion over boundary-matched spans (exact scheme pairs).

    Rows are gold labels then ``NONE``; columns are predicted labels then ``NONE``.
    ``matrix[i][j]`` counts gold spans labelled ``labels[i]`` predicted with the same
    boundaries and labelled ``labels[j]``. The ``NONE`` column counts gold spans with no
    prediction of the same boundaries — missed ones *and* those predicted with other
    boundaries; the ``NONE`` row counts predictions with no gold span of the same boundaries —
    spurious ones *and* boundary mismatches.
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
    CEILING = "ceiling"  # --fail-over metric=value (e.g. grounding.ungrounded_rate)
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


UNDECODABLE_SHOWN = 5  # undecodable documents named in the report (--on-bad-output skip)


@dataclass(frozen=True, slots=True)
class RunInfo:
    """How predictions were produced when goldbench ran the extractor itself."""

    extractor: str
    documents: int
    seconds: float
    undecodable: tuple[str, ...] | None = None  # --on-bad-output skip: ids (or stdout lines) skipped

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Settings:
    """Every transformation applied to the predictions before scoring (``"settings"`` in JSON).

    Two reports compare only when their settings are equal (the gate refuses a baseline made
    under other settings). ``None`` means the option was not used. ``label_map_sha256`` is the
    sha256 of the map as canonical JSON, so the same map inline or in a file hashes the same.
    """

    label_map: dict[str, str | None] | None = None  # --label-map (predicted label -> gold label)
    label_map_sha256: str | None = None
    label_map_source: str | None = None  # the file, or "inline" (not compared)
    drop_unknown_labels: bool = False  # --drop-unknown-labels
    ground: str | None = None  # --ground first|all
    ground_fuzzy: float | None = None  # --ground-fuzzy RATIO
    min_overlap: float | None = None  # --min-overlap F
    min_score: float | None = None  # --min-score T
    bio_mode: str | None = None  # --bio-mode (token files)
    bio_style: str | None = None  # --bio-style (token files)
    pred_fields: str | None = None  # --pred-fields

    NOT_COMPARED = frozenset({"label_map_source", "label_map"})  # the sha256 stands for the map


@dataclass(frozen=True, slots=True)
class GroundingCounts:
    """How offset-free mentions were located in the document text, by match level."""

    mentions: int = 0
    exact: int = 0
    normalized: int = 0
    fuzzy: int = 0
    ungrounded: int = 0

    @property
    def ungrounded_rate(self) -> float:
        """Ungrounded (hallucinated) mentions over all mentions; 0.0 when there are none."""
        return self.ungrounded / self.mentions if self.mentions else 0.0

    def __add__(self, other: GroundingCounts) -> GroundingCounts:
        return GroundingCounts(
            self.mentions + other.mentions,
            self.exact + other.exact,
            self.normalized + other.normalized,
            self.fuzzy + other.fuzzy,
            self.ungrounded + other.ungrounded,
        )


@dataclass(frozen=True, slots=True)
class Grounding:
    """``--ground``: the policy, the totals and the same counts per (mapped) predicted label."""

    policy: str  # "first" | "all"
    total: GroundingCounts
    labels: dict[str, GroundingCounts]


@dataclass(frozen=True, slots=True)
class ThresholdPoint:
    """Strict scores keeping only the predictions with score >= ``threshold``."""

    threshold: float
    correct: int
    actual: int
    possible: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class Sweep:
    """The strict P/R/F1 curve over every distinct score, its best-F1 point and average precision."""

    points: tuple[ThresholdPoint, ...]  # thresholds descending
    best: ThresholdPoint | None
    average_precision: float


@dataclass(frozen=True, slots=True)
class Thresholds:
    """``--sweep-scores``: the micro sweep and one per label; ``unscored`` predictions are always kept."""

    micro: Sweep
    labels: dict[str, Sweep]
    unscored: int = 0


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
    event_errors: tuple[EventErrorCase, ...] = ()
    intervals: dict[str, Interval] | None = None  # metric path -> interval (--bootstrap)
    comparison: tuple[Comparison, ...] | None = None  # --against
    gate: Gate | None = None
    baseline: dict[str, float] | None = None  # metric path -> baseline value (--baseline)
    run: RunInfo | None = None  # --extractor
    settings: Settings = Settings()
    grounding: Grounding | None = None  # --ground
    thresholds: Thresholds | None = None  # --sweep-scores
    slices: dict[str, dict[str, SliceScores]] | None = None  # --slice-by: field -> value -> scores

    def to_frame(self, name: str = "micro") -> pd.DataFrame:
        """One table as a tidy pandas DataFrame (pandas is imported here); see ``eval.render.frames``.

        ``name``: micro, macro, labels, documents, errors, confusion, events, slices, slice_labels, intervals.
        """
        from .render.frames import to_frame

        return to_frame(self, name)
