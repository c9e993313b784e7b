"""Bootstrap intervals: a slow loop agrees, estimates match eval.counts, intervals behave."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from eval.counts import Metrics
from eval.errors import UsageError
from eval.stats import STATISTICS, bootstrap_intervals


def synthetic(n_docs: int, *, recall: float, precision: float, seed: int) -> np.ndarray:
    """Per-document (matched, possible, actual) with the given expected error rates."""
    rng = np.random.default_rng(seed)
    possible = rng.integers(0, 12, size=n_docs)
    matched = rng.binomial(possible, recall)
    # spurious predictions so that matched/actual is about `precision`
    extra = rng.binomial(matched + 3, 1 - precision)
    return np.stack([matched, possible, matched + extra], axis=1).astype(float)


def stats_of(n_docs: int, seed: int = 1) -> dict[str, np.ndarray]:
    strict = synthetic(n_docs, recall=0.7, precision=0.8, seed=seed)
    partial = strict.copy()
    partial[:, 0] += 0.5 * (strict[:, 1] - strict[:, 0] > 0)  # one half-credit span where one is missed
    return {"entities.strict": strict, "entities.partial": partial}


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default 'linear' method)."""
    h = (len(sorted_values) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def slow_intervals(stats: dict[str, np.ndarray], *, samples: int, seed: int, level: float):
    """Plain-Python reference: the same draws (row i of integers(0, n, (samples, n))), summed in loops."""
    n = len(next(iter(stats.values())))
    rng = np.random.default_rng(seed)
    draws = [[int(i) for i in rng.integers(0, n, size=n)] for _ in range(samples)]
    out = {}
    for family, rows in stats.items():
        table = rows.tolist()
        values: dict[str, list[float]] = {s: [] for s in STATISTICS}
        for draw in draws:
            m = sum(table[i][0] for i in draw)
            p = sum(table[i][1] for i in draw)
            a = sum(table[i][2] for i in draw)
            metrics = Metrics.from_matched(m, int(p), int(a))
            for s in STATISTICS:
                values[s].append(getattr(metrics, s))
        for s in STATISTICS:
            ordered = sorted(values[s])
            alpha = 1 - level
            out[f"{family}.{s}"] = (percentile(ordered, alpha / 2), percentile(ordered, 1 - alpha / 2))
    return out


def test_bootstrap_matches_a_slow_loop_with_the_same_draws():
    stats = stats_of(37)
    fast = bootstrap_intervals(stats, samples=200, seed=7, level=0.9)
    slow = slow_intervals(stats, samples=200, seed=7, level=0.9)
    assert set(fast) == set(slow)
    for path, (low, high) in slow.items():
        assert fast[path].low == pytest.approx(low, abs=1e-12), path
        assert fast[path].high == pytest.approx(high, abs=1e-12), path
        assert fast[path].level == 0.9


def test_chunking_does_not_change_the_draws(monkeypatch):
    stats = stats_of(50)
    whole = bootstrap_intervals(stats, samples=120, seed=3)
    monkeypatch.setattr("eval.stats._CHUNK_ELEMENTS", 50 * 7)  # 7 samples per chunk
    chunked = bootstrap_intervals(stats, samples=120, seed=3)
    assert chunked == whole


def test_estimate_is_the_full_data_micro_score_and_lies_inside():
    stats = stats_of(300)
    intervals = bootstrap_intervals(stats, samples=500, seed=0)
    for family, rows in stats.items():
        m, p, a = rows.sum(axis=0)
        expected = Metrics.from_matched(float(m), int(p), int(a))
        for s in STATISTICS:
            iv = intervals[f"{family}.{s}"]
            assert iv.estimate == pytest.approx(getattr(expected, s), abs=1e-12)
            assert iv.low <= iv.estimate <= iv.high
            assert iv.low < iv.high


def test_intervals_narrow_as_documents_grow():
    small = bootstrap_intervals(stats_of(100, seed=2), samples=500, seed=0)
    large = bootstrap_intervals(stats_of(2000, seed=2), samples=500, seed=0)
    for path in small:
        width_small = small[path].high - small[path].low
        width_large = large[path].high - large[path].low
        # sqrt(20) ~ 4.5 times narrower in expectation; ask for a clear factor of 2
        assert width_large < width_small / 2, path


def test_higher_level_gives_wider_interval():
    stats = stats_of(200)
    narrow = bootstrap_intervals(stats, samples=400, seed=5, level=0.5)
    wide = bootstrap_intervals(stats, samples=400, seed=5, level=0.99)
    for path in narrow:
        assert wide[path].low <= narrow[path].low and narrow[path].high <= wide[path].high
        assert wide[path].high - wide[path].low > narrow[path].high - narrow[path].low


def test_seed_makes_results_reproducible():
    stats = stats_of(150)
    assert bootstrap_intervals(stats, samples=300, seed=11) == bootstrap_intervals(
        stats, samples=300, seed=11
    )
    assert bootstrap_intervals(stats, samples=300, seed=11) != bootstrap_intervals(
        stats, samples=300, seed=12
    )


def test_zero_denominators_follow_the_zero_division_policy():
    # no predictions at all: precision 0/0 -> 0.0, recall 0.0, f1 0.0 in every resample
    rows = np.array([[0, 3, 0], [0, 2, 0], [0, 0, 0]], dtype=float)
    intervals = bootstrap_intervals({"events.trigger_identification": rows}, samples=50)
    for s in STATISTICS:
        iv = intervals[f"events.trigger_identification.{s}"]
        assert (iv.estimate, iv.low, iv.high) == (0.0, 0.0, 0.0)


def test_perfect_predictions_give_a_point_interval_at_one():
    rows = np.array([[2, 2, 2], [5, 5, 5], [1, 1, 1]], dtype=float)
    iv = bootstrap_intervals({"entities.exact": rows}, samples=50)["entities.exact.f1"]
    assert (iv.estimate, iv.low, iv.high) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        ({"samples": 0}, "samples"),
        ({"samples": 2.5}, "samples"),
        ({"level": 1.0}, "level"),
        ({"level": 0}, "level"),
    ],
)
def test_bad_options_are_usage_errors(options, needle):
    with pytest.raises(UsageError, match=needle):
        bootstrap_intervals(stats_of(10), **options)


def test_empty_gold_set_is_a_usage_error():
    with pytest.raises(UsageError, match="no documents"):
        bootstrap_intervals({"entities.strict": np.zeros((0, 3))})


def test_misaligned_families_are_rejected():
    with pytest.raises(ValueError, match="entities.exact"):
        bootstrap_intervals({"entities.strict": np.ones((4, 3)), "entities.exact": np.ones((5, 3))})


def test_large_input_takes_seconds_not_minutes():
    n = 100_000
    stats = {f"entities.{s}": synthetic(n, recall=0.7, precision=0.8, seed=i) for i, s in enumerate("ab")}
    started = time.perf_counter()
    intervals = bootstrap_intervals(stats, samples=1000, seed=0)
    elapsed = time.perf_counter() - started
    assert elapsed < 30, f"{elapsed:.1f}s"
    iv = intervals["entities.a.f1"]
    assert iv.high - iv.low < 0.01  # 100k documents pin micro F1 down tightly
