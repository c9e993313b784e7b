"""Paired comparison: clear winners are significant, identical runs are not, results reproduce."""

from __future__ import annotations

import numpy as np
import pytest

from eval.counts import Metrics
from eval.errors import UsageError
from eval.stats import paired_comparison


def extractor(gold: np.ndarray, *, hit_rate: float, spurious: float, seed: int) -> np.ndarray:
    """(matched, possible, actual) per document for an extractor that finds `hit_rate` of gold."""
    rng = np.random.default_rng(seed)
    matched = rng.binomial(gold, hit_rate)
    actual = matched + rng.poisson(spurious, size=len(gold))
    return np.stack([matched, gold, actual], axis=1).astype(float)


@pytest.fixture
def gold() -> np.ndarray:
    return np.random.default_rng(0).integers(1, 10, size=200)


def test_clearly_better_extractor_is_significant(gold):
    a = {"entities.strict": extractor(gold, hit_rate=0.6, spurious=1.0, seed=1)}
    b = {"entities.strict": extractor(gold, hit_rate=0.8, spurious=1.0, seed=2)}
    (c,) = paired_comparison(a, b, samples=1000, seed=0)
    assert c.metric == "entities.strict.f1"
    assert c.delta == pytest.approx(c.b - c.a) and c.delta > 0.1
    assert c.p_bootstrap < 0.05
    assert c.p_randomization < 0.05
    assert c.samples == 1000


def test_direction_does_not_matter_for_two_sided_p_values(gold):
    a = {"entities.strict": extractor(gold, hit_rate=0.6, spurious=1.0, seed=1)}
    b = {"entities.strict": extractor(gold, hit_rate=0.8, spurious=1.0, seed=2)}
    (ab,) = paired_comparison(a, b, samples=300, seed=4)
    (ba,) = paired_comparison(b, a, samples=300, seed=4)
    assert ba.delta == pytest.approx(-ab.delta)
    assert ba.p_randomization == ab.p_randomization  # swapping is symmetric in A and B
    assert ba.p_bootstrap == ab.p_bootstrap


def test_identical_extractors_get_p_value_one(gold):
    a = {
        "entities.strict": extractor(gold, hit_rate=0.7, spurious=1.0, seed=1),
        "events.trigger_classification": extractor(gold, hit_rate=0.4, spurious=0.5, seed=3),
    }
    comparisons = paired_comparison(a, {k: v.copy() for k, v in a.items()}, samples=500, seed=9)
    assert [c.metric for c in comparisons] == ["entities.strict.f1", "events.trigger_classification.f1"]
    for c in comparisons:
        assert c.delta == 0.0
        assert c.p_bootstrap == 1.0
        assert c.p_randomization == 1.0


def test_balanced_small_changes_are_not_significant(gold):
    # B loses one match in six documents and gains one in five others: almost a wash
    rows = extractor(gold, hit_rate=0.7, spurious=1.0, seed=1)
    changed = rows.copy()
    losers = np.flatnonzero(rows[:, 0] >= 1)[:6]
    gainers = np.flatnonzero(rows[:, 0] < rows[:, 1])[-5:]
    changed[losers, 0] -= 1
    changed[gainers, 0] += 1
    (c,) = paired_comparison({"entities.strict": rows}, {"entities.strict": changed}, samples=1000)
    assert -0.005 < c.delta < 0
    assert c.p_bootstrap > 0.5
    assert c.p_randomization > 0.5


def test_point_values_are_the_micro_f1_of_each_run(gold):
    a = {"entities.type": extractor(gold, hit_rate=0.5, spurious=2.0, seed=5)}
    b = {"entities.type": extractor(gold, hit_rate=0.9, spurious=0.1, seed=6)}
    (c,) = paired_comparison(a, b, samples=50)
    for value, rows in ((c.a, a), (c.b, b)):
        m, p, act = rows["entities.type"].sum(axis=0)
        assert value == pytest.approx(Metrics.from_matched(float(m), int(p), int(act)).f1, abs=1e-12)


def test_p_values_have_the_plus_one_form_and_reproduce(gold):
    a = {"entities.strict": extractor(gold, hit_rate=0.65, spurious=1.0, seed=1)}
    b = {"entities.strict": extractor(gold, hit_rate=0.7, spurious=1.0, seed=2)}
    first = paired_comparison(a, b, samples=199, seed=21)
    assert first == paired_comparison(a, b, samples=199, seed=21)
    (c,) = first
    for p in (c.p_bootstrap, c.p_randomization):
        assert 1 / 200 <= p <= 1.0
        assert (p * 200) == pytest.approx(round(p * 200))


def test_only_shared_families_are_compared(gold):
    rows = extractor(gold, hit_rate=0.7, spurious=1.0, seed=1)
    a = {"entities.strict": rows, "entities.exact": rows}
    b = {"entities.exact": rows, "events.trigger_identification": rows}
    assert [c.metric for c in paired_comparison(a, b, samples=20)] == ["entities.exact.f1"]


def test_no_shared_family_is_a_usage_error(gold):
    rows = extractor(gold, hit_rate=0.7, spurious=1.0, seed=1)
    with pytest.raises(UsageError, match="share no metric family"):
        paired_comparison({"entities.strict": rows}, {"entities.exact": rows})


def test_different_document_counts_are_a_usage_error(gold):
    rows = extractor(gold, hit_rate=0.7, spurious=1.0, seed=1)
    with pytest.raises(UsageError, match="200 documents, B has 199"):
        paired_comparison({"entities.strict": rows}, {"entities.strict": rows[:-1]})


def slow_p_values(a: np.ndarray, b: np.ndarray, *, samples: int, seed: int) -> tuple[float, float]:
    """Plain-loop reference of both tests with the same draws as eval.stats."""

    def f1(rows, picks):
        m = sum(rows[i][0] for i in picks)
        return Metrics.from_matched(
            m, int(sum(rows[i][1] for i in picks)), int(sum(rows[i][2] for i in picks))
        ).f1

    n = len(a)
    ra, rb = a.tolist(), b.tolist()
    every = range(n)
    observed = f1(rb, every) - f1(ra, every)
    boot_rng, swap_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    extreme = 0
    for _ in range(samples):
        picks = [int(i) for i in boot_rng.integers(0, n, size=n)]
        if abs(f1(rb, picks) - f1(ra, picks) - observed) >= abs(observed) - 1e-12:
            extreme += 1
    p_boot = (extreme + 1) / (samples + 1)
    extreme = 0
    for _ in range(samples):
        swap = [bool(s) for s in swap_rng.random(n) < 0.5]
        new_a = [rb[i] if swap[i] else ra[i] for i in every]
        new_b = [ra[i] if swap[i] else rb[i] for i in every]
        if abs(f1(new_b, every) - f1(new_a, every)) >= abs(observed) - 1e-12:
            extreme += 1
    return p_boot, (extreme + 1) / (samples + 1)


def test_p_values_match_a_slow_loop_with_the_same_draws():
    gold = np.random.default_rng(3).integers(0, 6, size=40)
    a = extractor(gold, hit_rate=0.6, spurious=0.8, seed=1)
    b = extractor(gold, hit_rate=0.7, spurious=0.8, seed=2)
    (c,) = paired_comparison({"entities.strict": a}, {"entities.strict": b}, samples=300, seed=5)
    p_boot, p_rand = slow_p_values(a, b, samples=300, seed=5)
    assert c.p_bootstrap == pytest.approx(p_boot)
    assert c.p_randomization == pytest.approx(p_rand)
    assert 0.0 < c.p_bootstrap < 1.0 and 0.0 < c.p_randomization < 1.0
