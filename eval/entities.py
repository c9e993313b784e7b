"""Entity scoring: micro, per label (CoNLL convention), macro and per document.

Micro counts come from one matching over all spans. Per label, as seqeval and spaCy do, the
gold spans labelled L are matched against the predictions labelled L alone, so precision of L
is over predictions labelled L and recall over gold spans labelled L. Macro is the unweighted
mean over the labels present in gold or predictions.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .counts import Counts, Metrics, Scheme, add_by_key
from .matching import (
    TIER_CORRECT,
    Assignment,
    Candidates,
    IntArray,
    SpanColumns,
    assign,
    candidate_pairs,
    restrict_to_same_label,
    with_min_overlap,
)
from .report import Confusion, EntityScores, ErrorCase, SliceScores
from .slices import Grouping
from .table import Table

_SHARED: dict[str, dict[Scheme, Scheme]] = {
    "micro": {Scheme.PARTIAL: Scheme.EXACT},
    "label": {Scheme.EXACT: Scheme.STRICT, Scheme.PARTIAL: Scheme.STRICT},
}

# Per-document sufficient statistics, (n_docs, 3) = matched, possible, actual; see eval/stats.py.
DocStats = dict[str, npt.NDArray[np.float64]]

CONTEXT = 60


@dataclass(frozen=True, slots=True)
class LabelCodes:
    names: tuple[str, ...]

    @property
    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}


@dataclass(frozen=True, slots=True)
class EntityResult:
    scores: EntityScores
    doc_stats: DocStats
    errors: tuple[ErrorCase, ...] = ()
    confusion: Confusion | None = None
    slices: dict[str, SliceScores] | None = None  # slice value -> scores (with ``groups``)


def _columns(table: Table, doc_map: npt.NDArray[np.int64], index: Mapping[str, int]) -> SpanColumns:
    """The spans of ``table`` in gold document numbering; documents mapped to -1 are dropped."""
    doc = doc_map[table.doc]
    recode = np.asarray([index[n] for n in table.label_names] or [0], dtype=np.int64)
    code = recode[table.label_codes]
    keep = doc >= 0
    if keep.all():
        return SpanColumns.build(doc, table.start, table.end, code)
    return SpanColumns.build(doc[keep], table.start[keep], table.end[keep], code[keep])


def _known_labels(cols: SpanColumns) -> SpanColumns:
    """Drop spans whose label was filtered out by ``labels`` (coded -1)."""
    keep = cols.label >= 0
    if keep.all():
        return cols
    return SpanColumns(cols.doc[keep], cols.start[keep], cols.end[keep], cols.label[keep])


def _outcomes(
    scheme: Scheme,
    a: Assignment,
    g_key: IntArray,
    p_key: IntArray,
    size: int,
    totals: tuple[IntArray, IntArray] | None = None,
) -> dict[str, npt.NDArray[np.int64]]:
    """Outcome counts per bucket; ``g_key``/``p_key`` give each gold/predicted span's bucket.
    ``totals``: their bincounts, the same for every scheme (computed once by the caller)."""
    correct = a.tier == TIER_CORRECT
    paired = np.bincount(g_key[a.gold[~correct]], minlength=size)
    g_all, p_all = totals if totals is not None else _totals(g_key, p_key, size)
    out = {
        "correct": np.bincount(g_key[a.gold[correct]], minlength=size),
        "incorrect": paired if scheme is not Scheme.PARTIAL else np.zeros(size, np.int64),
        "partial": paired if scheme is Scheme.PARTIAL else np.zeros(size, np.int64),
        "missed": g_all - np.bincount(g_key[a.gold], minlength=size),
        "spurious": p_all - np.bincount(p_key[a.pred], minlength=size),
    }
    return out


def _totals(g_key: IntArray, p_key: IntArray, size: int) -> tuple[IntArray, IntArray]:
    return np.bincount(g_key, minlength=size), np.bincount(p_key, minlength=size)


def _counts_at(out: Mapping[str, npt.NDArray[np.int64]], i: int, scheme: Scheme) -> Counts:
    return Counts(
        int(out["correct"][i]),
        int(out["incorrect"][i]),
        int(out["partial"][i]),
        int(out["missed"][i]),
        int(out["spurious"][i]),
        scheme.half_credit,
    )


def _doc_stats(out: Mapping[str, npt.NDArray[np.int64]], scheme: Scheme) -> npt.NDArray[np.float64]:
    matched = out["correct"] + (0.5 * out["partial"] if scheme.half_credit else 0.0)
    possible = out["correct"] + out["incorrect"] + out["partial"] + out["missed"]
    actual = out["correct"] + out["incorrect"] + out["partial"] + out["spurious"]
    return np.stack([matched, possible, actual], axis=1).astype(np.float64)


def score_entities(
    gold_table: Table,
    pred_table: Table,
    *,
    schemes: Sequence[Scheme] = tuple(Scheme),
    labels: Collection[str] | None = None,
    per_document: bool = False,
    details: bool = False,
    max_errors: int = 200,
    min_overlap: float | None = None,
    groups: Grouping | None = None,
) -> EntityResult:
    """Score predicted entities against gold. Documents are paired by id; gold order is kept.

    Predicted documents whose id is not in gold are ignored (validation reports them first).
    ``details`` adds error cases (strict scheme) and the label confusion matrix.
    ``min_overlap`` (0 < F <= 1): a pair with other boundaries counts only when the prediction
    covers at least that fraction of the gold span (nervaluate's ``min_overlap_percentage``).
    ``groups`` (slices of the gold documents) adds micro and per-label counts per slice: the
    per-document outcomes of the same pairings, summed over the slice's documents.
    """
    counts = count_entities(
        gold_table,
        pred_table,
        schemes=schemes,
        labels=labels,
        per_document=per_document,
        details=details,
        max_errors=max_errors,
        min_overlap=min_overlap,
        groups=groups,
    )
    return counts.result(max_errors)


@dataclass(slots=True)
class EntityCounts:
    """``score_entities`` before averaging: sums over documents, so the counts of consecutive
    document chunks add up (``add``) to those of the whole corpus; ``result`` averages them."""

    schemes: tuple[Scheme, ...]
    micro: dict[Scheme, Counts]
    labels: dict[str, dict[Scheme, Counts]]  # the labels present in gold or predictions
    documents: dict[str, dict[Scheme, Counts]] | None
    doc_stats: list[DocStats]  # one per chunk, concatenated by ``result``
    n_docs: int
    # details: error candidates (document, start, end, case), how many of each kind were taken
    # (incorrect, missed, spurious; at most max_errors + 1 each over all chunks) and the
    # confusion counts by (gold label, predicted label), None standing for Confusion.NONE.
    errors: list[tuple[int, int, int, ErrorCase]] | None = None
    taken: tuple[int, int, int] = (0, 0, 0)
    confusion: Counter[tuple[str | None, str | None]] | None = None
    slices: dict[str, tuple[tuple[Any, ...], SliceScores]] | None = None  # value -> (sort key, scores)

    def add(self, other: EntityCounts) -> None:
        """Add the counts of the next document chunk."""
        self.micro = add_by_key(self.micro, other.micro)
        self.labels = _add_labels(self.labels, other.labels)
        if self.documents is not None and other.documents is not None:
            self.documents.update(other.documents)
        self.doc_stats += map(_compact, other.doc_stats)
        if self.errors is not None and other.errors is not None:
            self.errors += [(doc + self.n_docs, start, end, case) for doc, start, end, case in other.errors]
            self.taken = other.taken
        self.n_docs += other.n_docs
        if self.confusion is not None and other.confusion is not None:
            self.confusion.update(other.confusion)
        if self.slices is not None and other.slices is not None:
            for value, (key, scores) in other.slices.items():
                mine_slice = self.slices.get(value)
                self.slices[value] = (key, scores if mine_slice is None else _add_slice(mine_slice[1], scores))

    def result(self, max_errors: int) -> EntityResult:
        names = sorted(self.labels)
        by_label = {name: self.labels[name] for name in names}
        macro = {s: Metrics.mean([by_label[name][s].metrics for name in names]) for s in self.schemes}
        stats = {
            k: np.concatenate([chunk[k] for chunk in self.doc_stats], dtype=np.float64)
            if len(self.doc_stats) > 1
            else v
            for k, v in self.doc_stats[0].items()
        }
        errors: tuple[ErrorCase, ...] = ()
        if self.errors is not None:
            rows = sorted(self.errors, key=lambda r: (r[0], r[1], r[2], r[3].kind))
            errors = tuple(r[3] for r in rows[:max_errors])
        confusion = None
        if self.confusion is not None:
            axis: list[str | None] = [*names, None]
            matrix = tuple(tuple(self.confusion.get((g, p), 0) for p in axis) for g in axis)
            confusion = Confusion((*names, Confusion.NONE), matrix)
        slices = None
        if self.slices is not None:
            ordered = sorted(self.slices.items(), key=lambda kv: kv[1][0])
            slices = {value: dataclasses.replace(s, labels=dict(sorted(s.labels.items()))) for value, (_, s) in ordered}
        scores = EntityScores(self.micro, macro, by_label, self.documents)
        return EntityResult(scores, stats, errors, confusion, slices)


def _compact(stats: DocStats) -> DocStats:
    """A chunk's doc_stats in float32 while chunks are gathered (half the bytes per document):
    exact, since counts and half counts below 2**22 are; ``result`` makes them float64 again."""
    return {k: v.astype(np.float32) if v.size and np.abs(v).max() < 2**22 else v for k, v in stats.items()}


def _add_labels(
    a: Mapping[str, dict[Scheme, Counts]], b: Mapping[str, dict[Scheme, Counts]]
) -> dict[str, dict[Scheme, Counts]]:
    out = dict(a)
    for name, by_scheme in b.items():
        out[name] = add_by_key(out[name], by_scheme) if name in out else by_scheme
    return out


def _add_slice(a: SliceScores, b: SliceScores) -> SliceScores:
    bounds = a.bounds
    if a.bounds is not None and b.bounds is not None:
        bounds = (min(a.bounds[0], b.bounds[0]), max(a.bounds[1], b.bounds[1]))
    events = add_by_key(a.events, b.events) if a.events is not None and b.events is not None else a.events or b.events
    labels = _add_labels(a.labels, b.labels)
    return SliceScores(a.documents + b.documents, add_by_key(a.micro, b.micro), labels, bounds, events)


def count_entities(
    gold_table: Table,
    pred_table: Table,
    *,
    schemes: Sequence[Scheme] = tuple(Scheme),
    labels: Collection[str] | None = None,
    per_document: bool = False,
    details: bool = False,
    max_errors: int = 200,
    min_overlap: float | None = None,
    groups: Grouping | None = None,
    taken: tuple[int, int, int] = (0, 0, 0),
) -> EntityCounts:
    """The counts of ``score_entities`` (see there); ``taken``: error candidates of each kind
    taken from earlier chunks (the whole corpus takes at most ``max_errors + 1`` of each)."""
    n_docs = len(gold_table)
    every = set(gold_table.label_counts()) | set(pred_table.label_counts())
    present = every & set(labels) if labels is not None else every
    codes = LabelCodes(tuple(sorted(present)))
    index = {**{x: -1 for x in (*gold_table.label_names, *pred_table.label_names)}, **codes.index}
    gold = _columns(gold_table, np.arange(n_docs, dtype=np.int64), index)
    pred_map = pred_table.rows_in(gold_table)
    pred = _columns(pred_table, pred_map, index)
    gold, pred = _known_labels(gold), _known_labels(pred)
    cand = candidate_pairs(gold, pred)
    if min_overlap is not None:
        cand = with_min_overlap(cand, gold, pred, min_overlap)
    same_label = restrict_to_same_label(cand)
    n_labels = len(codes.names)

    micro: dict[Scheme, Counts] = {}
    by_label: dict[str, dict[Scheme, Counts]] = {name: {} for name in codes.names}
    by_doc: dict[str, dict[Scheme, Counts]] | None = {d: {} for d in gold_table.ids} if per_document else None
    stats: DocStats = {}
    slices: dict[Scheme, SliceCounts] = {}
    assignments: dict[Scheme, Assignment] = {}
    shared: dict[tuple[str, Scheme], Assignment] = {}

    def pairing(scope: str, scheme: Scheme, candidates: Candidates) -> Assignment:
        """Schemes with the same tiers share one pairing: exact = partial overall; per label
        (same-label candidates only) strict = exact = partial."""
        key = _SHARED[scope].get(scheme, scheme)
        if (scope, key) not in shared:
            shared[scope, key] = assign(key, gold, pred, candidates)
        return shared[scope, key]

    doc_totals, label_totals = _totals(gold.doc, pred.doc, n_docs), _totals(gold.label, pred.label, n_labels)
    for scheme in schemes:
        a = pairing("micro", scheme, cand)
        assignments[scheme] = a
        per_doc = _outcomes(scheme, a, gold.doc, pred.doc, n_docs, doc_totals)
        micro[scheme] = Counts(
            int(per_doc["correct"].sum()),
            int(per_doc["incorrect"].sum()),
            int(per_doc["partial"].sum()),
            int(per_doc["missed"].sum()),
            int(per_doc["spurious"].sum()),
            scheme.half_credit,
        )
        stats[f"entities.{scheme.value}"] = _doc_stats(per_doc, scheme)
        if by_doc is not None:
            for i, d in enumerate(gold_table.ids):
                by_doc[d][scheme] = _counts_at(per_doc, i, scheme)
        by_label_pairs = pairing("label", scheme, same_label)
        per_label = _outcomes(scheme, by_label_pairs, gold.label, pred.label, n_labels, label_totals)
        if groups is not None:
            slices[scheme] = _slice_counts(scheme, per_doc, by_label_pairs, gold, pred, groups, n_labels)
        for i, name in enumerate(codes.names):
            by_label[name][scheme] = _counts_at(per_label, i, scheme)

    out = EntityCounts(tuple(schemes), micro, by_label, by_doc, [stats], n_docs)
    if details:
        strict = assignments.get(Scheme.STRICT) or assign(Scheme.STRICT, gold, pred, cand)
        exact = assignments.get(Scheme.EXACT) or assign(Scheme.EXACT, gold, pred, cand)
        budget = tuple(max_errors + 1 - n for n in taken)
        out.errors, got = _error_cases(gold_table, gold, pred, strict, codes, budget)
        out.taken = (taken[0] + got[0], taken[1] + got[1], taken[2] + got[2])
        out.confusion = _confusion(gold, pred, exact, codes)
    if groups is not None:
        named = _slice_scores(slices, groups, codes.names)
        out.slices = {value: (groups.order[i], named[value]) for i, value in enumerate(groups.values)}
    return out


# Per scheme: outcome arrays per slice, and per (slice, label) bucket (slice * n_labels + label).
SliceCounts = tuple[dict[str, npt.NDArray[np.int64]], dict[str, npt.NDArray[np.int64]]]


def _slice_counts(
    scheme: Scheme,
    per_doc: Mapping[str, npt.NDArray[np.int64]],
    by_label_pairs: Assignment,
    gold: SpanColumns,
    pred: SpanColumns,
    groups: Grouping,
    n_labels: int,
) -> SliceCounts:
    n = len(groups.values)
    micro = {k: np.bincount(groups.codes, weights=v, minlength=n).astype(np.int64) for k, v in per_doc.items()}
    g_key = groups.codes[gold.doc] * n_labels + gold.label
    p_key = groups.codes[pred.doc] * n_labels + pred.label
    labels = _outcomes(scheme, by_label_pairs, g_key, p_key, n * n_labels)
    return micro, labels


def _slice_scores(
    counts: Mapping[Scheme, SliceCounts], groups: Grouping, names: Sequence[str]
) -> dict[str, SliceScores]:
    """``SliceScores`` per slice value; a label appears in a slice where it has gold or predicted spans."""
    documents = groups.documents()
    out: dict[str, SliceScores] = {}
    for i, value in enumerate(groups.values):
        micro = {scheme: _counts_at(m, i, scheme) for scheme, (m, _) in counts.items()}
        labels: dict[str, dict[Scheme, Counts]] = {}
        for j, name in enumerate(names):
            by_scheme = {scheme: _counts_at(lab, i * len(names) + j, scheme) for scheme, (_, lab) in counts.items()}
            if any(c.possible or c.actual for c in by_scheme.values()):
                labels[name] = by_scheme
        out[value] = SliceScores(int(documents[i]), micro, labels, groups.bounds.get(value))
    return out


def _context(text: str, start: int, end: int) -> tuple[str, str, str]:
    return text[max(0, start - CONTEXT) : start], text[start:end], text[end : end + CONTEXT]


def _error_cases(
    table: Table, gold: SpanColumns, pred: SpanColumns, a: Assignment, codes: LabelCodes, budget: Sequence[int]
) -> tuple[list[tuple[int, int, int, ErrorCase]], tuple[int, int, int]]:
    """False negatives and positives of the strict scheme, as (document, start, end, case) rows:
    the first ``budget`` incorrect, missed and spurious ones (document order), and how many of each."""
    names = codes.names
    rows: list[tuple[int, int, int, ErrorCase]] = []

    def add(kind: str, doc: int, start: int, end: int, label: int, other: int | None) -> None:
        left, span, right = _context(table.texts[doc], start, end)
        other_name = names[other] if other is not None else None
        rows.append(
            (doc, start, end, ErrorCase(table.ids[doc], kind, start, end, names[label], other_name, left, span, right))
        )

    wrong = a.tier != TIER_CORRECT
    incorrect = list(zip(a.gold[wrong][: budget[0]].tolist(), a.pred[wrong][: budget[0]].tolist(), strict=True))
    for g, p in incorrect:
        add("incorrect", int(pred.doc[p]), int(pred.start[p]), int(pred.end[p]), int(pred.label[p]), int(gold.label[g]))
    missed = np.flatnonzero(~a.gold_matched(len(gold)))[: budget[1]].tolist()
    for g in missed:
        add("missed", int(gold.doc[g]), int(gold.start[g]), int(gold.end[g]), int(gold.label[g]), None)
    spurious = np.flatnonzero(~a.pred_matched(len(pred)))[: budget[2]].tolist()
    for p in spurious:
        add("spurious", int(pred.doc[p]), int(pred.start[p]), int(pred.end[p]), int(pred.label[p]), None)
    return rows, (len(incorrect), len(missed), len(spurious))


def _confusion(
    gold: SpanColumns, pred: SpanColumns, exact: Assignment, codes: LabelCodes
) -> Counter[tuple[str | None, str | None]]:
    """Confusion counts over same-boundary pairs, plus missed and spurious spans (None: no span),
    as the scikit-learn confusion matrix counts them; ``EntityCounts.result`` lays out the matrix."""
    from sklearn.metrics import confusion_matrix

    none = len(codes.names)
    same = exact.tier == TIER_CORRECT
    g_idx, p_idx = exact.gold[same], exact.pred[same]
    g_free = np.ones(len(gold), dtype=bool)
    g_free[g_idx] = False
    p_free = np.ones(len(pred), dtype=bool)
    p_free[p_idx] = False
    y_true = np.concatenate([gold.label[g_idx], gold.label[g_free], np.full(int(p_free.sum()), none)])
    y_pred = np.concatenate([pred.label[p_idx], np.full(int(g_free.sum()), none), pred.label[p_free]])
    out: Counter[tuple[str | None, str | None]] = Counter()
    if not len(y_true):  # no spans on either side (an events-only corpus): sklearn refuses empty input
        return out
    matrix = confusion_matrix(y_true, y_pred, labels=list(range(none + 1)))
    axis: list[str | None] = [*codes.names, None]
    for i, j in zip(*np.nonzero(matrix), strict=True):
        out[axis[int(i)], axis[int(j)]] = int(matrix[i, j])
    return out
