"""The quality of a project's annotation work, from its annotations and pre-annotations.

Pure: the input is ``Work`` (every annotation and prediction as a document, with who made it,
when and how long it took); ``annotate/convert_pull.py`` makes it from a Label Studio export.
The output is one ``QualityReport``, rendered in ``eval.render.quality``.

- Per annotator: tasks annotated, cancelled and skipped; median and 90th percentile lead time;
  regions (entities + triggers) per task.
- Per annotator against a reference (ground-truth annotations or an adjudicated gold set):
  entity counts STRICT and PARTIAL, micro and per label, event trigger and argument
  classification, and the most frequent label confusions. All scores are those of
  ``evaluate`` (``eval.entities.score_entities``, ``eval.events.score_events``) with the
  reference as gold.
- Between annotators: ``eval.agreement.agreement`` (pairwise), Krippendorff's alpha over
  tokens for all annotators at once, and the documents with the lowest agreement first.
- Per prediction ``model_version``: the prediction scored against the submitted annotation of
  the same task, the regions annotators kept, changed, deleted and added, and the median lead
  time of tasks with and without that version's predictions.

Conventions: an annotator's work on a task is their latest non-cancelled annotation. For
pre-annotation quality every submitted (non-cancelled) annotation of a task with a prediction
counts once, against that version's latest prediction of the task.
Percentiles are numpy's linear interpolation. None means "nothing to compute it from".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .agreement import SCHEMES, Agreement, agreement, document_agreement, token_alpha
from .counts import PRF, Counts, Scheme
from .entities import score_entities
from .events import score_events
from .model import Document
from .report import Confusion
from .table import Table

TaskId = int | str
TOP_CONFUSIONS = 5
TRIGGERS = "trigger_classification"
ARGUMENTS = "argument_classification"


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotation of one task. ``skipped``: cancelled with nothing in it (the editor's
    Skip); a cancelled annotation that holds regions counts as ``cancelled``."""

    task: TaskId
    id: int | None
    annotator: str
    document: Document
    email: str | None = None
    cancelled: bool = False
    ground_truth: bool = False
    lead_time: float | None = None
    updated: str = ""  # ISO time; orders an annotator's annotations of one task

    @property
    def regions(self) -> int:
        return len(self.document.entities) + len(self.document.events)

    @property
    def skipped(self) -> bool:
        return self.cancelled and self.regions == 0


@dataclass(frozen=True, slots=True)
class Prediction:
    """One pre-annotation of one task."""

    task: TaskId
    model_version: str
    document: Document
    created: str = ""


@dataclass(frozen=True, slots=True)
class Work:
    """Everything ``quality`` reads: a project's annotations and predictions."""

    annotations: tuple[Annotation, ...]
    predictions: tuple[Prediction, ...] = ()
    notes: tuple[str, ...] = ()  # what the source could not give (carried into the report)


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnnotatorWork:
    annotator: str
    email: str | None
    tasks: int  # tasks with a submitted (non-cancelled) annotation
    cancelled: int
    skipped: int
    lead_time_median: float | None
    lead_time_p90: float | None
    regions_per_task: float | None


class ConfusionPair(NamedTuple):
    """``spans`` spans with reference label ``reference`` were labelled ``given``
    (``(none)`` on one side: a missed or an extra span)."""

    reference: str
    given: str
    spans: int


@dataclass(frozen=True, slots=True)
class Scores:
    """Entity and event scores of one side against another, as ``evaluate`` computes them."""

    documents: int
    entities: dict[Scheme, Counts]
    labels: dict[str, dict[Scheme, Counts]]
    triggers: PRF | None  # None when neither side has events
    arguments: PRF | None
    confusions: tuple[ConfusionPair, ...] = ()


@dataclass(frozen=True, slots=True)
class AnnotatorScores:
    annotator: str
    scores: Scores


@dataclass(frozen=True, slots=True)
class DocumentAgreement:
    doc_id: str
    annotators: int
    strict_f1: float  # mean over annotator pairs; a pair with no span on either side counts 1.0
    alpha: float | None  # Krippendorff's alpha over this document's tokens


class Edits(NamedTuple):
    """What annotators did to pre-annotated regions (entities and triggers)."""

    kept: int = 0  # same kind, boundaries and label
    changed: int = 0  # label or boundaries changed (same region id, or overlapping)
    deleted: int = 0
    added: int = 0

    def __add__(self, other: object) -> Edits:
        if not isinstance(other, Edits):
            return NotImplemented
        return Edits(*(a + b for a, b in zip(self, other, strict=True)))


@dataclass(frozen=True, slots=True)
class ModelQuality:
    model_version: str
    tasks: int  # tasks with a prediction of this version and a submitted annotation
    annotations: int  # submitted annotations of those tasks: each is scored and counted
    scores: Scores  # the prediction against each annotation
    edits: Edits
    lead_time_with: float | None  # median lead time of annotations of tasks with this version
    lead_time_without: float | None
    annotations_with: int
    annotations_without: int


@dataclass(frozen=True, slots=True)
class QualityReport:
    source: str
    reference: str | None  # "ground truth", a gold-set path, or None without a reference
    annotators: tuple[AnnotatorWork, ...]
    scores: tuple[AnnotatorScores, ...]
    agreement: Agreement | None  # None with fewer than two annotators
    alpha: float | None
    alpha_units: int  # tokens that at least two annotators labelled
    documents: tuple[DocumentAgreement, ...]  # lowest agreement first
    models: tuple[ModelQuality, ...]
    notes: tuple[str, ...] = ()


# --- computing ---------------------------------------------------------------------------------


def _median(xs: Sequence[float]) -> float | None:
    return float(np.median(xs)) if xs else None


def _p90(xs: Sequence[float]) -> float | None:
    return float(np.percentile(xs, 90)) if xs else None


def latest_per_annotator(annotations: Sequence[Annotation]) -> dict[str, dict[TaskId, Annotation]]:
    """Each annotator's latest non-cancelled annotation per task."""
    out: dict[str, dict[TaskId, Annotation]] = {}
    for a in annotations:
        if a.cancelled:
            continue
        mine = out.setdefault(a.annotator, {})
        if a.task not in mine or (a.updated, a.id or 0) > (mine[a.task].updated, mine[a.task].id or 0):
            mine[a.task] = a
    return out


def annotator_work(annotations: Sequence[Annotation]) -> tuple[AnnotatorWork, ...]:
    latest = latest_per_annotator(annotations)
    out = []
    for name in sorted({a.annotator for a in annotations}, key=_natural):
        mine = [a for a in annotations if a.annotator == name]
        submitted = [a for a in mine if not a.cancelled]
        leads = [a.lead_time for a in submitted if a.lead_time is not None]
        per_task = list(latest.get(name, {}).values())
        out.append(
            AnnotatorWork(
                annotator=name,
                email=next((a.email for a in mine if a.email), None),
                tasks=len(per_task),
                cancelled=sum(a.cancelled and not a.skipped for a in mine),
                skipped=sum(a.skipped for a in mine),
                lead_time_median=_median(leads),
                lead_time_p90=_p90(leads),
                regions_per_task=sum(a.regions for a in per_task) / len(per_task) if per_task else None,
            )
        )
    return tuple(out)


def _natural(name: str) -> tuple[int, int | str]:
    return (0, int(name)) if name.isdigit() else (1, name)


def _table(docs: Sequence[Document]) -> Table:
    return Table.from_documents(docs, path="<annotation>", format="jsonl", sha256="")


def score(reference: Sequence[Document], given: Sequence[Document]) -> Scores:
    """``given`` against ``reference`` (the same documents, in the same order)."""
    result = score_entities(_table(reference), _table(given), schemes=SCHEMES, details=True)
    triggers = arguments = None
    if any(r.events or g.events for r, g in zip(reference, given, strict=True)):
        events = score_events(list(reference), list(given)).micro
        triggers, arguments = events[TRIGGERS], events[ARGUMENTS]
    return Scores(
        documents=len(reference),
        entities=result.scores.micro,
        labels=dict(sorted(result.scores.labels.items())),
        triggers=triggers,
        arguments=arguments,
        confusions=_confusions(result.confusion),
    )


def _confusions(confusion: Confusion | None) -> tuple[ConfusionPair, ...]:
    if confusion is None:
        return ()
    names = confusion.labels
    pairs = [
        ConfusionPair(names[i], names[j], n)
        for i, row in enumerate(confusion.matrix)
        for j, n in enumerate(row)
        if i != j and n > 0
    ]
    pairs.sort(key=lambda p: (-p.spans, p.reference, p.given))
    return tuple(pairs[:TOP_CONFUSIONS])


def reference_scores(
    annotations: Sequence[Annotation], reference: Mapping[str, Document], *, exclude: frozenset[int] = frozenset()
) -> tuple[AnnotatorScores, ...]:
    """Each annotator's latest work on the documents of ``reference`` (by document id), scored
    against it; annotations in ``exclude`` (the reference itself) are not scored."""
    kept = [a for a in annotations if a.id is None or a.id not in exclude]
    out = []
    for name, by_task in sorted(latest_per_annotator(kept).items(), key=lambda kv: _natural(kv[0])):
        given = [a.document for a in by_task.values() if a.document.id in reference]
        if given:
            out.append(AnnotatorScores(name, score([reference[d.id] for d in given], given)))
    return tuple(out)


def ground_truth(annotations: Sequence[Annotation]) -> tuple[dict[str, Document], frozenset[int]]:
    """The latest ground-truth annotation of each task, by document id, and their ids."""
    marked = [a for a in annotations if a.ground_truth and not a.cancelled]
    latest: dict[str, Annotation] = {}
    for a in marked:
        doc = a.document.id
        if doc not in latest or (a.updated, a.id or 0) > (latest[doc].updated, latest[doc].id or 0):
            latest[doc] = a
    return {d: a.document for d, a in latest.items()}, frozenset(a.id for a in latest.values() if a.id is not None)


def region_edits(prediction: Document, annotation: Document) -> Edits:
    """How ``annotation`` differs from the ``prediction`` it started from, region by region.

    Regions are entities and event triggers. Kept: one-to-one same kind, boundaries and label.
    Of the rest, a prediction region and an annotation region with the same id, or (failing
    that) of the same kind and overlapping, count as one changed region; what is left of the
    prediction was deleted, what is left of the annotation was added.
    """

    def regions(doc: Document) -> list[tuple[str, int, int, str, str | None]]:
        return [("entity", e.start, e.end, e.label, e.id) for e in doc.entities] + [
            ("trigger", ev.trigger.start, ev.trigger.end, ev.type, ev.id) for ev in doc.events
        ]

    pred, ann = regions(prediction), regions(annotation)
    kept = 0
    rest_ann: list[tuple[str, int, int, str, str | None]] = []
    pool = list(pred)
    for r in ann:
        match = next((i for i, p in enumerate(pool) if p[:4] == r[:4]), None)
        if match is None:
            rest_ann.append(r)
        else:
            pool.pop(match)
            kept += 1
    changed = 0
    for same in (
        lambda p, a: p[4] is not None and p[4] == a[4] and p[0] == a[0],
        lambda p, a: p[0] == a[0] and p[1] < a[2] and a[1] < p[2],
    ):
        left = []
        for r in rest_ann:
            match = next((i for i, p in enumerate(pool) if same(p, r)), None)
            if match is None:
                left.append(r)
            else:
                pool.pop(match)
                changed += 1
        rest_ann = left
    return Edits(kept, changed, len(pool), len(rest_ann))


def model_quality(annotations: Sequence[Annotation], predictions: Sequence[Prediction]) -> tuple[ModelQuality, ...]:
    """Per ``model_version``: its (latest) prediction of a task against every submitted
    annotation of that task, since each annotator started from the prediction."""
    submitted = [a for a in annotations if not a.cancelled]
    out = []
    for version in sorted({p.model_version for p in predictions}):
        latest: dict[TaskId, Prediction] = {}
        for p in predictions:
            if p.model_version == version and (p.task not in latest or p.created >= latest[p.task].created):
                latest[p.task] = p
        pairs = [(latest[a.task].document, a.document) for a in submitted if a.task in latest]
        # one scoring unit per pair: a document annotated twice must not be paired by id twice
        unique = [(p._replace(id=f"{p.id}#{i}"), a._replace(id=f"{a.id}#{i}")) for i, (p, a) in enumerate(pairs)]
        leads_with = [a.lead_time for a in submitted if a.task in latest and a.lead_time is not None]
        leads_without = [a.lead_time for a in submitted if a.task not in latest and a.lead_time is not None]
        out.append(
            ModelQuality(
                model_version=version,
                tasks=len({a.task for a in submitted if a.task in latest}),
                annotations=len(pairs),
                scores=score([a for _, a in unique], [p for p, _ in unique]),
                edits=sum((region_edits(p, a) for p, a in pairs), Edits()),
                lead_time_with=_median(leads_with),
                lead_time_without=_median(leads_without),
                annotations_with=len(leads_with),
                annotations_without=len(leads_without),
            )
        )
    return tuple(out)


def quality(
    work: Work,
    *,
    source: str,
    reference: Mapping[str, Document] | None = None,
    reference_name: str | None = None,
) -> QualityReport:
    """The quality report of ``work``. Without ``reference`` the ground-truth annotations are
    the reference (and are then not scored against themselves)."""
    annotations = work.annotations
    notes: list[str] = list(work.notes)
    exclude: frozenset[int] = frozenset()
    if reference is None:
        reference, exclude = ground_truth(annotations)
        reference_name = "ground truth" if reference else None
        if not reference:
            notes.append("no annotation is marked ground truth; pass --reference gold/NAME to score annotators")
    latest = latest_per_annotator(annotations)
    by_annotator = {name: [a.document for a in latest[name].values()] for name in sorted(latest, key=_natural)}
    pairwise = agreement(by_annotator) if len(by_annotator) >= 2 else None
    alpha, units = token_alpha(by_annotator) if len(by_annotator) >= 2 else (None, 0)
    if pairwise is None:
        notes.append("fewer than two annotators: no agreement between annotators")
    docs = document_agreement(by_annotator) if len(by_annotator) >= 2 else ()
    return QualityReport(
        source=source,
        reference=reference_name,
        annotators=annotator_work(annotations),
        scores=reference_scores(annotations, reference, exclude=exclude) if reference else (),
        agreement=pairwise,
        alpha=alpha,
        alpha_units=units,
        documents=tuple(
            DocumentAgreement(d, n, f1, a)
            for d, n, f1, a in sorted(docs, key=lambda x: (x[2], -1.0 if x[3] is None else x[3], x[0]))
        ),
        models=model_quality(annotations, work.predictions),
        notes=tuple(notes),
    )


__all__ = [
    "Annotation",
    "AnnotatorScores",
    "AnnotatorWork",
    "ConfusionPair",
    "DocumentAgreement",
    "Edits",
    "ModelQuality",
    "Prediction",
    "QualityReport",
    "Scores",
    "Work",
    "quality",
]
