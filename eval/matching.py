"""One-to-one span matching on columns, for the four SemEval-2013 schemes.

Spans are columns (``SpanColumns``: document index, start, end, label code). Candidate pairs
are every gold/predicted pair that overlaps in the same document, found with sorted arrays
and binary search — no Python loop per span. For each scheme the pairs are then assigned in
two tiers (see docs/metrics.md):

====== ============================ =====================================
scheme tier 1 (counts ``correct``)   tier 2 (any overlap, among the rest)
====== ============================ =====================================
strict same boundaries and label    ``incorrect``
exact  same boundaries              ``incorrect``
partial same boundaries             ``partial``
type   overlap and same label       ``incorrect``
====== ============================ =====================================

Within a tier, pairs are taken greedily in a total order that depends only on offsets and
labels (never on input order): predictions left to right, and for each its gold candidates
left to right (``type`` tier 1: closest boundaries first, as nervaluate). A span takes part
in at most one pair per scheme. Pairs whose gold and prediction have no rival in the tier
are accepted at once (vectorised); only contested pairs go through a sequential pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .counts import Scheme

IntArray = npt.NDArray[np.integer]
BoolArray = npt.NDArray[np.bool_]

# Span columns and pair indices are int32 (offsets and counts below 2**31); global coordinates
# are int64 and live only inside ``candidate_pairs``.
INDEX = np.int32

TIER_CORRECT = 1
TIER_OVERLAP = 2


@dataclass(frozen=True, slots=True)
class SpanColumns:
    """Spans as parallel arrays, sorted by (doc, start, end, label)."""

    doc: IntArray
    start: IntArray
    end: IntArray
    label: IntArray

    @classmethod
    def build(cls, doc: npt.ArrayLike, start: npt.ArrayLike, end: npt.ArrayLike, label: npt.ArrayLike) -> SpanColumns:
        d = np.asarray(doc, dtype=INDEX)
        s = np.asarray(start, dtype=INDEX)
        e = np.asarray(end, dtype=INDEX)
        lab = np.asarray(label, dtype=INDEX)
        if _is_sorted(d, s, e, lab):  # JSONL is usually in document and offset order already
            return cls(d, s, e, lab)
        order = _order(d, s, e, lab)
        return cls(d[order], s[order], e[order], lab[order])

    def __len__(self) -> int:
        return int(self.doc.shape[0])


def _order(d: IntArray, s: IntArray, e: IntArray, lab: IntArray) -> IntArray:
    """Permutation sorting rows by (doc, start, end, label).

    One combined int64 key when it cannot overflow, sorted with a stable sort (timsort, fast on
    the nearly ordered spans extractors write); four-key lexsort otherwise.
    """
    span = int(max(s.max(), e.max())) + 1
    n_labels = int(lab.max()) + 1
    if (int(d.max()) + 1) * span * span * n_labels < 2**62:
        key = ((d.astype(np.int64) * span + s) * span + e) * n_labels + lab
        return np.argsort(key, kind="stable")
    return np.lexsort((lab, e, s, d))


def _is_sorted(*keys: IntArray) -> bool:
    """Whether rows are in ascending lexicographic order of ``keys`` (most significant first)."""
    if keys[0].size < 2:
        return True
    tied = np.ones(keys[0].size - 1, dtype=bool)
    for k in keys:
        step = k[1:] - k[:-1]
        if (step[tied] < 0).any():
            return False
        tied &= step == 0
        if not tied.any():
            return True
    return True


@dataclass(frozen=True, slots=True)
class Candidates:
    """Every overlapping (gold, pred) pair in the same document, with what the schemes need."""

    gold: IntArray
    pred: IntArray
    same_bounds: BoolArray
    same_label: BoolArray
    distance: IntArray  # |start difference| + |end difference|


@dataclass(frozen=True, slots=True)
class Assignment:
    """The pairs one scheme kept: indices into gold and pred, and the tier of each pair."""

    gold: IntArray
    pred: IntArray
    tier: IntArray

    def gold_matched(self, n: int) -> BoolArray:
        out = np.zeros(n, dtype=bool)
        out[self.gold] = True
        return out

    def pred_matched(self, n: int) -> BoolArray:
        out = np.zeros(n, dtype=bool)
        out[self.pred] = True
        return out


def candidate_pairs(gold: SpanColumns, pred: SpanColumns) -> Candidates:
    """All overlapping pairs, via global coordinates ``doc * stride + offset`` and bisection."""
    if len(gold) == 0 or len(pred) == 0:
        empty = np.zeros(0, dtype=INDEX)
        return Candidates(empty, empty, empty.astype(bool), empty.astype(bool), empty)
    stride = int(max(gold.end.max(), pred.end.max())) + 1
    g_doc = gold.doc.astype(np.int64) * stride
    g_start, g_end = g_doc + gold.start, g_doc + gold.end
    del g_doc
    p_doc = pred.doc.astype(np.int64) * stride
    p_start, p_end = p_doc + pred.start, p_doc + pred.end
    del p_doc
    # Gold is sorted by start; the running maximum of its ends is monotone, so the golds that
    # can reach a prediction's start begin at a bisection point even when golds nest.
    lo = np.searchsorted(np.maximum.accumulate(g_end), p_start, side="right")
    hi = np.searchsorted(g_start, p_end, side="left")
    width = np.maximum(hi - lo, 0)
    del hi
    total = int(width.sum())
    pair_pred = np.repeat(np.arange(len(pred), dtype=INDEX), width)
    # gold index of pair k = lo[pred] + (k - first pair of that pred)
    pair_gold = (np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(width) - width - lo, width)).astype(INDEX)
    del lo, width
    keep = (g_end[pair_gold] > p_start[pair_pred]) & (g_start[pair_gold] < p_end[pair_pred])
    del g_start, g_end, p_start, p_end
    pg, pp = pair_gold[keep], pair_pred[keep]
    del pair_gold, pair_pred, keep
    ds = np.abs(gold.start[pg] - pred.start[pp])
    de = np.abs(gold.end[pg] - pred.end[pp])
    return Candidates(pg, pp, (ds == 0) & (de == 0), gold.label[pg] == pred.label[pp], ds + de)


def _greedy(gold: IntArray, pred: IntArray, rank_of: Callable[[BoolArray], IntArray]) -> tuple[IntArray, IntArray]:
    """One-to-one greedy matching of pairs taken in ascending rank (a total order).

    A pair whose gold and prediction have no rival in this tier is kept whatever the order, so
    only the contested pairs are ranked (``rank_of(mask)`` ranks the pairs selected by mask) and
    walked in order.
    """
    if gold.size == 0:
        return gold, pred
    g_rivals = np.bincount(gold)[gold] > 1
    p_rivals = np.bincount(pred)[pred] > 1
    contested = g_rivals | p_rivals
    if not contested.any():
        return gold, pred
    keep = ~contested
    idx = np.flatnonzero(contested)
    order = idx[np.argsort(rank_of(contested), kind="stable")]
    # A span with a rival appears only in contested pairs, so uncontested pairs never clash.
    used_g: set[int] = set()
    used_p: set[int] = set()
    chosen: list[int] = []
    for i, gi, pi in zip(order.tolist(), gold[order].tolist(), pred[order].tolist(), strict=True):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        chosen.append(i)
    keep[np.asarray(chosen, dtype=np.int64)] = True
    return gold[keep], pred[keep]


def _tier1(scheme: Scheme, cand: Candidates) -> BoolArray:
    if scheme is Scheme.STRICT:
        return cand.same_bounds & cand.same_label
    if scheme is Scheme.TYPE:
        return cand.same_label
    return cand.same_bounds


def _ranker(cand: Candidates, sel: BoolArray, *, by_distance: bool) -> Callable[[BoolArray], IntArray]:
    """Rank pairs: predictions left to right; per prediction, (closest first, then) golds left
    to right, same-label golds first. Indices are positions in the sorted columns, so this is
    the order of offsets. Returns a function ranking the pairs picked by a mask over ``sel``;
    nothing is computed unless some pairs are contested."""

    def rank(mask: BoolArray) -> IntArray:
        rows = np.flatnonzero(sel)[mask]
        second = cand.distance[rows] if by_distance else (~cand.same_label[rows]).astype(np.int64)
        keys = np.lexsort((cand.gold[rows], second, cand.pred[rows]))
        out = np.empty(keys.size, dtype=np.int64)
        out[keys] = np.arange(keys.size, dtype=np.int64)
        return out

    return rank


def assign(scheme: Scheme, gold: SpanColumns, pred: SpanColumns, cand: Candidates) -> Assignment:
    """The one-to-one pairs of ``scheme``: tier 1 first, then overlaps among the rest."""
    sel1 = _tier1(scheme, cand)
    g1, p1 = _greedy(cand.gold[sel1], cand.pred[sel1], _ranker(cand, sel1, by_distance=scheme is Scheme.TYPE))
    free_g = np.ones(len(gold), dtype=bool)
    free_p = np.ones(len(pred), dtype=bool)
    free_g[g1] = False
    free_p[p1] = False
    sel2 = ~sel1 & free_g[cand.gold] & free_p[cand.pred]
    g2, p2 = _greedy(cand.gold[sel2], cand.pred[sel2], _ranker(cand, sel2, by_distance=False))
    tier = np.concatenate([np.full(g1.size, TIER_CORRECT), np.full(g2.size, TIER_OVERLAP)]).astype(np.int64)
    return Assignment(np.concatenate([g1, g2]), np.concatenate([p1, p2]), tier)


def _subset(cand: Candidates, m: BoolArray) -> Candidates:
    return Candidates(cand.gold[m], cand.pred[m], cand.same_bounds[m], cand.same_label[m], cand.distance[m])


def restrict_to_same_label(cand: Candidates) -> Candidates:
    """The candidates for per-label scoring (CoNLL convention: each label scored alone)."""
    return _subset(cand, cand.same_label)


def with_min_overlap(cand: Candidates, gold: SpanColumns, pred: SpanColumns, fraction: float) -> Candidates:
    """The pairs in which the prediction covers at least ``fraction`` of the gold span.

    Computed as nervaluate 1.2.1 does (``overlap / gold length * 100 >= percentage``), so that
    its ``min_overlap_percentage = 100 * fraction`` gives the same pairs. Same-boundary pairs
    always qualify; only overlap pairs (tier 2, and tier 1 of ``type``) are removed.
    """
    g, p = cand.gold, cand.pred
    overlap = np.minimum(gold.end[g], pred.end[p]).astype(np.int64) - np.maximum(gold.start[g], pred.start[p])
    length = (gold.end[g] - gold.start[g]).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        enough = (overlap / length) * 100.0 >= fraction * 100.0
    return _subset(cand, enough | cand.same_bounds)
