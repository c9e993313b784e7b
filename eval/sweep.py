"""``--sweep-scores``: strict P/R/F1 at every distinct prediction score, from one sort.

Keeping the predictions with score >= t, a strict true positive is a prediction whose
(document, start, end, label) equals a gold span's; with k identical gold spans, at most k
identical predictions count. So a prediction is a true positive at every threshold at or below
its score exactly when it is among the k highest-scored predictions of its key. Ranking within
keys once, then one sort by score and cumulative sums, gives every point of the curve: no
re-scoring per threshold. Predictions without a score are kept at every threshold.

Average precision is ``sum over thresholds (descending) of (R_t - R_prev) * P_t`` with recall
over all gold spans (so a curve that never reaches recall 1 loses that area); sklearn's
``average_precision_score`` over the predictions' true-positive flags, times the final recall,
is the same number. The best threshold is the one with the highest F1 (ties: the higher
threshold). See docs/metrics.md, "Score thresholds".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .counts import Metrics
from .report import Sweep, ThresholdPoint, Thresholds

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _keys(*cols: IntArray) -> IntArray:
    """One integer id per distinct row of ``cols`` (doc, start, end, label)."""
    if cols[0].size == 0:
        return np.zeros(0, dtype=np.int64)
    _, inverse = np.unique(np.stack(cols, axis=1), axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


def true_positive_flags(
    gold: tuple[IntArray, IntArray, IntArray, IntArray],
    pred: tuple[IntArray, IntArray, IntArray, IntArray],
    scores: FloatArray,
) -> npt.NDArray[np.bool_]:
    """Whether each prediction is a strict true positive whenever it is kept (see module doc)."""
    n_gold = gold[0].size
    keys = _keys(*(np.concatenate([g, p]).astype(np.int64) for g, p in zip(gold, pred, strict=True)))
    gold_keys, pred_keys = keys[:n_gold], keys[n_gold:]
    size = int(keys.max()) + 1 if keys.size else 0
    gold_count = np.bincount(gold_keys, minlength=size)
    order = np.lexsort((-scores, pred_keys))  # by key, highest score first
    sorted_keys = pred_keys[order]
    first = np.searchsorted(sorted_keys, sorted_keys, side="left")
    rank = np.arange(order.size) - first
    flags = np.empty(order.size, dtype=bool)
    flags[order] = rank < gold_count[sorted_keys]
    return flags


def sweep(flags: npt.NDArray[np.bool_], scores: FloatArray, n_gold: int) -> Sweep:
    """The curve of one set of predictions (``scores`` NaN = unscored, always kept)."""
    kept_always = np.isnan(scores)
    base_tp = int(flags[kept_always].sum())
    base_actual = int(kept_always.sum())
    scored = ~kept_always
    s, f = scores[scored], flags[scored]
    order = np.argsort(-s, kind="stable")
    s, f = s[order], f[order]
    cum_tp = np.cumsum(f) + base_tp
    cum_actual = np.arange(1, s.size + 1) + base_actual
    last = np.flatnonzero(np.append(s[1:] != s[:-1], True)) if s.size else np.zeros(0, dtype=np.int64)
    points = tuple(_point(float(s[i]), int(cum_tp[i]), int(cum_actual[i]), n_gold) for i in last)
    best = max(points, key=lambda p: (p.f1, p.threshold)) if points else None
    ap, previous_recall = 0.0, base_tp / n_gold if n_gold else 0.0
    if base_actual:
        ap = previous_recall * (base_tp / base_actual)
    for p in points:
        ap += (p.recall - previous_recall) * p.precision
        previous_recall = p.recall
    return Sweep(points, best, ap)


def _point(threshold: float, tp: int, actual: int, possible: int) -> ThresholdPoint:
    m = Metrics.from_matched(tp, possible, actual)
    return ThresholdPoint(threshold, tp, actual, possible, m.precision, m.recall, m.f1)


def score_thresholds(
    gold: tuple[IntArray, IntArray, IntArray, IntArray],
    pred: tuple[IntArray, IntArray, IntArray, IntArray],
    scores: FloatArray,
    label_names: tuple[str, ...],
) -> Thresholds:
    """The micro sweep and one per label; columns are (doc, start, end, label code) over one coding."""
    flags = true_positive_flags(gold, pred, scores)
    micro = sweep(flags, scores, gold[0].size)
    labels = {}
    for code, name in enumerate(label_names):
        g, p = gold[3] == code, pred[3] == code
        if g.any() or p.any():
            labels[name] = sweep(flags[p], scores[p], int(g.sum()))
    return Thresholds(micro, labels, int(np.isnan(scores).sum()))
