"""Bootstrap confidence intervals and paired significance tests over per-document statistics.

The resampling unit is the document. A scorer hands over ``DocStats``: metric family ->
array of shape ``(n_documents, 3)`` holding per document ``(matched, possible, actual)``,
rows aligned across families. Micro precision, recall and F1 are ratios of column sums, with
the project's zero-division policy (0.0 when a denominator is 0, as ``eval.counts``).

Resamples are drawn in chunks of about ``_CHUNK_ELEMENTS`` document draws, turned into
multiplicity counts with ``np.bincount`` and multiplied with the stacked statistics, so memory
stays bounded and 1,000 samples over 100,000 documents take seconds. Formulas, p-values and
references: ``docs/statistics.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

import numpy as np

from .errors import UsageError, plural, quote
from .report import Comparison, Interval

DocStats = Mapping[str, np.ndarray]

STATISTICS: tuple[str, ...] = ("precision", "recall", "f1")

_CHUNK_ELEMENTS = 1 << 22  # document draws (or swaps) held in memory at once
_TIE = 1e-12  # a resampled |delta| this close to the observed one counts as "as extreme"


class Sufficient(Protocol):
    """What ``Counts`` and ``PRF`` both provide: the numbers precision/recall/F1 are made of."""

    @property
    def matched(self) -> float: ...
    @property
    def possible(self) -> int: ...
    @property
    def actual(self) -> int: ...


def stats_rows(counts: Sequence[Sufficient]) -> np.ndarray:
    """One ``DocStats`` family from per-document counts: rows of (matched, possible, actual)."""
    rows = [(c.matched, c.possible, c.actual) for c in counts]
    return np.array(rows, dtype=np.float64).reshape(len(rows), 3)


def bootstrap_intervals(
    stats: DocStats, *, samples: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, Interval]:
    """Percentile intervals of micro precision/recall/F1 of every family, keyed by metric path.

    Every family is resampled with the same document draws. Keys are ``"<family>.<statistic>"``,
    e.g. ``"entities.strict.f1"``; the estimate is the value on the full data.
    """
    _check_options(samples=samples, level=level)
    families, columns = _stack(stats)
    estimates = _prf(columns.sum(axis=0).reshape(len(families), 3))
    sums = _bootstrap_sums(columns, samples=samples, rng=np.random.default_rng(seed))
    resampled = _prf(sums.reshape(samples, len(families), 3))
    alpha = 1.0 - level
    bounds = np.quantile(resampled.reshape(samples, -1), [alpha / 2, 1 - alpha / 2], axis=0)
    out: dict[str, Interval] = {}
    for f, family in enumerate(families):
        for s, statistic in enumerate(STATISTICS):
            j = f * len(STATISTICS) + s
            out[f"{family}.{statistic}"] = Interval(
                float(estimates[f, s]), float(bounds[0, j]), float(bounds[1, j]), level
            )
    return out


def paired_comparison(a: DocStats, b: DocStats, *, samples: int = 1000, seed: int = 0) -> list[Comparison]:
    """F1 of extractor B against A on the same documents, one ``Comparison`` per shared family.

    ``delta = b - a``. ``p_bootstrap`` is the two-sided paired bootstrap test with the resampled
    deltas centred on the observed one; ``p_randomization`` is approximate randomization
    (each document's A/B statistics swapped with probability 1/2). Both use ``(r + 1)/(R + 1)``,
    so they are never 0, and identical extractors get exactly 1.0.
    """
    _check_options(samples=samples, level=0.95)
    shared = [family for family in a if family in b]
    if not shared:
        raise UsageError(f"the two runs share no metric family to compare (A has {sorted(a)}, B has {sorted(b)})")
    families, cols_a = _stack({f: a[f] for f in shared})
    _, cols_b = _stack({f: b[f] for f in shared})
    if cols_a.shape != cols_b.shape:
        raise UsageError(
            f"cannot pair the runs: A has {plural(cols_a.shape[0], 'document')}, B has {cols_b.shape[0]}; "
            "score both against the same gold set"
        )
    k = len(families)
    sums_a, sums_b = cols_a.sum(axis=0), cols_b.sum(axis=0)
    f1_a = _prf(sums_a.reshape(k, 3))[:, 2]
    f1_b = _prf(sums_b.reshape(k, 3))[:, 2]
    observed = f1_b - f1_a
    edge = np.abs(observed) - _TIE

    seeds = np.random.SeedSequence(seed).spawn(2)
    both = np.concatenate([cols_a, cols_b], axis=1)
    boot = _bootstrap_sums(both, samples=samples, rng=np.random.default_rng(seeds[0]))
    boot_delta = _delta(boot[:, : 3 * k], boot[:, 3 * k :], k)
    boot_extreme = (np.abs(boot_delta - observed) >= edge).sum(axis=0)

    swapped_a = sums_a + _swap_sums(cols_b - cols_a, samples=samples, rng=np.random.default_rng(seeds[1]))
    swapped_b = (sums_a + sums_b) - swapped_a
    perm_delta = _delta(swapped_a, swapped_b, k)
    perm_extreme = (np.abs(perm_delta) >= edge).sum(axis=0)

    return [
        Comparison(
            metric=f"{family}.f1",
            a=float(f1_a[f]),
            b=float(f1_b[f]),
            delta=float(observed[f]),
            p_bootstrap=float((boot_extreme[f] + 1) / (samples + 1)),
            p_randomization=float((perm_extreme[f] + 1) / (samples + 1)),
            samples=samples,
        )
        for f, family in enumerate(families)
    ]


def _check_options(*, samples: int, level: float) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise UsageError(f"the number of bootstrap samples must be a positive integer, got {quote(samples)}")
    if not 0.0 < level < 1.0:
        raise UsageError(f"the confidence level must be between 0 and 1 (e.g. 0.95), got {quote(level)}")


def _stack(stats: DocStats) -> tuple[list[str], np.ndarray]:
    """Family names and one ``(n_documents, 3 * families)`` float array."""
    if not stats:
        raise ValueError("no metric families given")
    families = list(stats)
    arrays = [np.asarray(stats[f], dtype=np.float64) for f in families]
    n = arrays[0].shape[0] if arrays[0].ndim == 2 else -1
    for family, arr in zip(families, arrays, strict=True):
        if arr.ndim != 2 or arr.shape[1] != 3 or arr.shape[0] != n:
            raise ValueError(
                f"statistics of {quote(family)} have shape {arr.shape}; every family needs ({n}, 3) "
                "rows of (matched, possible, actual) in the same document order"
            )
    if n == 0:
        raise UsageError("there are no documents to resample; the gold set is empty")
    return families, np.concatenate(arrays, axis=1)


def _prf(sums: np.ndarray) -> np.ndarray:
    """``(..., 3)`` sums -> ``(..., 3)`` precision, recall, F1; 0.0 where undefined."""
    matched, possible, actual = sums[..., 0], sums[..., 1], sums[..., 2]
    return np.stack(
        [_ratio(matched, actual), _ratio(matched, possible), _ratio(2 * matched, possible + actual)],
        axis=-1,
    )


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(np.shape(num)), where=den != 0)


def _delta(sums_a: np.ndarray, sums_b: np.ndarray, k: int) -> np.ndarray:
    """F1 of B minus F1 of A for ``(samples, 3k)`` sums -> ``(samples, k)``."""
    samples = sums_a.shape[0]
    f1_a = _prf(sums_a.reshape(samples, k, 3))[..., 2]
    f1_b = _prf(sums_b.reshape(samples, k, 3))[..., 2]
    return f1_b - f1_a


def _chunks(samples: int, n: int) -> Iterator[tuple[int, int]]:
    step = max(1, _CHUNK_ELEMENTS // n)
    for lo in range(0, samples, step):
        yield lo, min(samples, lo + step)


def _bootstrap_sums(columns: np.ndarray, *, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Column sums of ``samples`` resamples of the rows (with replacement) -> ``(samples, cols)``.

    Sample ``i`` uses the ``i``-th row of ``rng.integers(0, n, size=(samples, n))``; drawing in
    chunks does not change the stream.
    """
    n = columns.shape[0]
    out = np.empty((samples, columns.shape[1]))
    for lo, hi in _chunks(samples, n):
        draws = rng.integers(0, n, size=(hi - lo, n))
        draws += np.arange(hi - lo)[:, None] * n
        weights = np.bincount(draws.ravel(), minlength=(hi - lo) * n).reshape(hi - lo, n)
        out[lo:hi] = weights @ columns
    return out


def _swap_sums(diff: np.ndarray, *, samples: int, rng: np.random.Generator) -> np.ndarray:
    """``sum(swap * diff)`` for ``samples`` random swap masks (each document with p = 1/2)."""
    n = diff.shape[0]
    out = np.empty((samples, diff.shape[1]))
    for lo, hi in _chunks(samples, n):
        swaps = rng.random((hi - lo, n)) < 0.5
        out[lo:hi] = swaps.astype(np.float64) @ diff
    return out
