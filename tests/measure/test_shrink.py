"""Empirical-Bayes logit shrinkage towards the parent area (IMD/SIMD practice)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescomm.measure import eb_logit_shrink


def _areas(seed: int = 0):
    rng = np.random.default_rng(seed)
    parent = np.repeat(["P1", "P2", "P3"], 30)
    n = rng.integers(20, 2000, size=parent.size).astype(float)
    p = np.where(parent == "P1", 0.05, np.where(parent == "P2", 0.15, 0.30))
    p = np.clip(p + rng.normal(0, 0.03, size=p.size), 0.01, 0.9)
    return rng.binomial(n.astype(int), p).astype(float), n, parent


def test_small_areas_are_pulled_further_towards_their_parent_than_large_ones():
    r, n, parent = _areas()
    res = eb_logit_shrink(r, n, parent)
    assert ((0 <= res.weight) & (res.weight <= 1)).all()
    small, large = np.argmin(n), np.argmax(n)
    assert res.weight[small] < res.weight[large]
    # shrunk logit lies between the raw logit and the parent mean
    lo = np.minimum(res.logit, res.parent_mean) - 1e-12
    hi = np.maximum(res.logit, res.parent_mean) + 1e-12
    assert ((res.logit_shrunk >= lo) & (res.logit_shrunk <= hi)).all()


def test_the_weight_is_the_precision_share():
    r, n, parent = _areas(1)
    res = eb_logit_shrink(r, n, parent)
    s2 = 1 / (r + 0.5) + 1 / (n - r + 0.5)
    np.testing.assert_allclose(res.weight, (1 / s2) / (1 / s2 + 1 / res.between_var))
    np.testing.assert_allclose(res.rate, 1 / (1 + np.exp(-res.logit_shrunk)))


def test_a_parent_with_one_area_is_left_unshrunk_and_reported():
    res = eb_logit_shrink(np.array([5.0, 10, 20]), np.array([100.0, 100, 100]),
                          np.array(["A", "A", "B"]))
    assert res.degenerate_parents == ("B",)
    assert res.weight[2] == 1.0


def test_impossible_counts_are_rejected():
    with pytest.raises(ValueError, match="exceeds"):
        eb_logit_shrink(np.array([5.0]), np.array([3.0]), np.array(["A"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(50, 500)), min_size=4, max_size=30))
def test_shrunk_rates_are_proportions(pairs):
    r = np.array([p[0] for p in pairs], float)
    n = np.array([p[1] for p in pairs], float)
    res = eb_logit_shrink(r, n, np.array(["X"] * len(pairs)))
    assert ((res.rate > 0) & (res.rate < 1)).all()
