"""What every rendering shares: which numbers a report leads with and how a number is written.

Renderers differ only in markup; the choice of headline metrics, the order of schemes, labels,
event metrics and gate checks, and the text of a value, an interval or a delta live here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..counts import Counts, Metrics, Scheme
from ..errors import plural
from ..report import (
    EVENT_METRICS,
    Check,
    Confusion,
    ErrorCase,
    EventErrorCase,
    Gate,
    Grounding,
    GroundingCounts,
    Interval,
    Report,
    RunInfo,
    Settings,
    SliceScores,
    Sweep,
    Thresholds,
)

DECIMALS = 3
CONTEXT_CHARS = 60  # characters of document text shown on each side of an error span
COUNT_COLUMNS: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")
COUNT_ABBREVIATIONS: tuple[str, ...] = ("cor", "inc", "par", "mis", "spu")
HEADLINE_EVENT_METRICS: tuple[str, ...] = ("trigger_classification", "argument_classification")


@dataclass(frozen=True, slots=True)
class Headline:
    """One number a report leads with: its title, metric path and value."""

    title: str
    path: str
    value: float


def number(x: float) -> str:
    return f"{x:.{DECIMALS}f}"


def interval_text(iv: Interval) -> str:
    """``0.812 [0.790, 0.835]``."""
    return f"{number(iv.estimate)} [{number(iv.low)}, {number(iv.high)}]"


def ratio_texts(m: Metrics, path: str, intervals: Mapping[str, Interval] | None) -> list[str]:
    """Precision, recall and F1 cells of the metrics at ``path`` (with intervals when computed)."""
    return [value_text(getattr(m, s), f"{path}.{s}", intervals) for s in ("precision", "recall", "f1")]


def count_texts(c: Counts) -> list[str]:
    """The five outcome counts of a scheme, in ``COUNT_COLUMNS`` order."""
    return [str(getattr(c, k)) for k in COUNT_COLUMNS]


def run_text(run: RunInfo) -> str:
    """How long the extractor took, e.g. ``15 documents in 0.19 s (80.5 docs/s)``, and what it skipped."""
    text = f"{plural(run.documents, 'document')} in {run.seconds:.2f} s ({run.docs_per_second:.1f} docs/s)"
    if run.undecodable:
        text += f", {len(run.undecodable)} undecodable (scored as no predictions)"
    return text


def value_text(value: float, path: str, intervals: Mapping[str, Interval] | None) -> str:
    """The value, with its confidence interval when one was computed for ``path``."""
    iv = intervals.get(path) if intervals else None
    return interval_text(iv) if iv is not None else number(value)


def delta_text(delta: float) -> str:
    """A change with its direction: ``▲ +0.012``, ``▼ -0.034`` or ``= 0.000`` (below rounding)."""
    if round(delta, DECIMALS) == 0:
        return f"= {number(0.0)}"
    return f"▲ +{number(delta)}" if delta > 0 else f"▼ -{number(-delta)}"


def optional_number(x: float | None) -> str:
    return "n/a" if x is None else number(x)


def p_value_text(p: float) -> str:
    return f"{p:.4f}"


def metric_title(name: str) -> str:
    """``trigger_classification`` -> ``trigger classification``."""
    return name.replace("_", " ")


def schemes_of(report: Report) -> tuple[Scheme, ...]:
    """The report's schemes that have micro counts, in the report's order."""
    return tuple(s for s in report.schemes if s in report.entities.micro)


def primary_scheme(report: Report) -> Scheme:
    """Strict when the report has it, else its first scheme (per-label tables use this one)."""
    schemes = schemes_of(report)
    return Scheme.STRICT if Scheme.STRICT in schemes or not schemes else schemes[0]


def event_metric_names(names: Iterable[str]) -> list[str]:
    """Event metric names in the TextEE order of ``EVENT_METRICS``, unknown ones last, sorted."""
    present = set(names)
    return [m for m in EVENT_METRICS if m in present] + sorted(present - set(EVENT_METRICS))


def label_rows(report: Report, scheme: Scheme) -> list[tuple[str, Counts]]:
    """``(label, counts)`` of one scheme, labels sorted."""
    return [(label, by[scheme]) for label, by in sorted(report.entities.labels.items()) if scheme in by]


@dataclass(frozen=True, slots=True)
class SliceRow:
    """One slice value's primary-scheme micro counts, and the metric path of its ratios."""

    value: str
    documents: int
    counts: Counts
    path: str  # slices.<SLICE>.<VALUE>.<scheme>
    scores: SliceScores


def slice_tables(report: Report) -> list[tuple[str, Scheme, list[SliceRow]]]:
    """``(slice name, scheme, rows)`` for each ``--slice-by`` of the report, values in slice order."""
    if not report.slices:
        return []
    scheme = primary_scheme(report)
    out = []
    for name, by_value in report.slices.items():
        rows = [
            SliceRow(value, sl.documents, sl.micro[scheme], f"slices.{name}.{value}.{scheme.value}", sl)
            for value, sl in by_value.items()
            if scheme in sl.micro
        ]
        out.append((name, scheme, rows))
    return out


def headlines(report: Report) -> list[Headline]:
    """Primary-scheme micro F1, and trigger/argument classification F1 when there are events."""
    scheme = primary_scheme(report)
    out: list[Headline] = []
    if scheme in report.entities.micro:
        f1 = report.entities.micro[scheme].metrics.f1
        out.append(Headline(f"{scheme.value} F1", f"entities.{scheme.value}.f1", f1))
    if report.events is not None:
        for name in HEADLINE_EVENT_METRICS:
            prf = report.events.micro.get(name)
            if prf is not None:
                out.append(Headline(f"{metric_title(name)} F1", f"events.{name}.f1", prf.metrics.f1))
    return out


def checks_failed_first(gate: Gate) -> list[Check]:
    """Gate checks with the breaches first; the order within each group is kept."""
    return [c for c in gate.checks if not c.passed] + [c for c in gate.checks if c.passed]


def confusion_axis(confusion: Confusion) -> tuple[str, ...]:
    """Row (gold) and column (predicted) names, ending with ``(none)``; checks the matrix is square."""
    axis = confusion.labels
    if not axis or axis[-1] != Confusion.NONE:
        axis = (*axis, Confusion.NONE)
    n = len(axis)
    if len(confusion.matrix) != n or any(len(row) != n for row in confusion.matrix):
        raise ValueError(f"confusion matrix is not {n}x{n} over labels {axis}")
    return axis


def error_context(case: ErrorCase) -> tuple[str, str, str]:
    """Left context, span, right context, each side cut to ``CONTEXT_CHARS`` with an ellipsis."""
    left = case.left[-CONTEXT_CHARS:]
    right = case.right[:CONTEXT_CHARS]
    if len(case.left) > CONTEXT_CHARS:
        left = "…" + left
    if len(case.right) > CONTEXT_CHARS:
        right += "…"
    return left, case.span, right


def error_labels(case: ErrorCase) -> tuple[str, str]:
    """``(gold label, predicted label)`` of an error; ``(none)`` for the side that has no span.

    As ``eval.entities`` makes them, ``label`` is the gold label of a missed span and the
    predicted label otherwise, with the gold label of an incorrect/partial pair in ``other_label``.
    """
    none = Confusion.NONE
    if case.kind == "missed":
        return case.label, none
    if case.kind == "spurious":
        return none, case.label
    return case.other_label or none, case.label


GROUNDING_COLUMNS: tuple[str, ...] = ("mentions", "exact", "normalized", "fuzzy", "ungrounded", "ungrounded rate")
THRESHOLD_COLUMNS: tuple[str, ...] = ("best threshold", "P", "R", "F1", "average precision")


def settings_rows(settings: Settings) -> list[tuple[str, str]]:
    """``(option, value)`` of every setting that is not at its default, in a fixed order."""
    rows: list[tuple[str, str]] = []
    if settings.label_map is not None:
        pairs = ", ".join(f"{k}→{v if v is not None else 'drop'}" for k, v in sorted(settings.label_map.items()))
        sha = (settings.label_map_sha256 or "")[:12]
        rows.append(("label map", f"{settings.label_map_source}: {pairs} (sha256 {sha})"))
    if settings.drop_unknown_labels:
        rows.append(("unknown labels", "dropped"))
    if settings.ground is not None:
        fuzzy = f", fuzzy ≥ {settings.ground_fuzzy:g}" if settings.ground_fuzzy is not None else ""
        rows.append(("grounding", f"{settings.ground}{fuzzy}"))
    for name, value in (
        ("min overlap", settings.min_overlap),
        ("min score", settings.min_score),
        ("BIO mode", settings.bio_mode),
        ("BIO style", settings.bio_style),
        ("pred fields", settings.pred_fields),
    ):
        if value is not None:
            rows.append((name, f"{value:g}" if isinstance(value, float) else str(value)))
    return rows


def grounding_texts(c: GroundingCounts) -> list[str]:
    """The cells of one grounding row, in ``GROUNDING_COLUMNS`` order."""
    counts = (c.mentions, c.exact, c.normalized, c.fuzzy, c.ungrounded)
    return [*map(str, counts), number(c.ungrounded_rate)]


def grounding_rows(g: Grounding) -> list[tuple[str, GroundingCounts]]:
    """``("all", totals)`` then one row per label, sorted."""
    return [("all", g.total), *sorted(g.labels.items())]


def sweep_texts(s: Sweep) -> list[str]:
    """Best threshold with its P/R/F1, and average precision (``n/a`` without scored predictions)."""
    if s.best is None:
        return ["n/a", "n/a", "n/a", "n/a", number(s.average_precision)]
    b = s.best
    return [f"{b.threshold:g}", number(b.precision), number(b.recall), number(b.f1), number(s.average_precision)]


def sweep_rows(t: Thresholds) -> list[tuple[str, Sweep]]:
    """``("micro", sweep)`` then one row per label, sorted."""
    return [("micro", t.micro), *sorted(t.labels.items())]


def event_error_labels(case: EventErrorCase) -> tuple[str, str]:
    """``(gold, predicted)`` type (triggers) or role (arguments) of an event error; ``(none)`` for
    the side that has nothing."""
    name = case.role if case.role is not None else case.event_type
    none = Confusion.NONE
    if case.kind in ("missed trigger", "missed argument"):
        return name, none
    if case.kind in ("spurious trigger", "spurious argument"):
        return none, name
    return name, case.other or none
