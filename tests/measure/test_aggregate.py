"""Aggregation kernels: weighted means with missing values, zero policies, Copeland."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescomm.measure import aggregate, arithmetic, copeland, generalised, geometric, harmonic

V = np.array([[10.0, 20.0, 40.0], [5.0, np.nan, 15.0], [np.nan, np.nan, np.nan]])
W = np.array([0.5, 0.25, 0.25])


def test_the_arithmetic_mean_renormalises_weights_over_present_children():
    r = arithmetic(V, W)
    assert r.score[0] == pytest.approx(0.5 * 10 + 0.25 * 20 + 0.25 * 40)
    assert r.score[1] == pytest.approx((0.5 * 5 + 0.25 * 15) / 0.75)
    assert np.isnan(r.score[2])
    np.testing.assert_allclose(r.terms[:2].sum(axis=1), r.score[:2])


def test_propagate_makes_any_missing_child_a_missing_score():
    r = arithmetic(V, W, missing="propagate")
    assert not np.isnan(r.score[0]) and np.isnan(r.score[1])


def test_min_coverage_blanks_rows_with_too_few_children():
    r = aggregate(V, W, method="arithmetic", min_coverage=0.8)
    assert not np.isnan(r.score[0]) and np.isnan(r.score[1])


def test_geometric_harmonic_and_power_means_follow_their_formulas():
    v = V[:1]
    g = geometric(v, W).score[0]
    h = harmonic(v, W).score[0]
    p2 = generalised(v, W, p=2).score[0]
    assert g == pytest.approx(np.exp(0.5 * np.log(10) + 0.25 * np.log(20) + 0.25 * np.log(40)))
    assert h == pytest.approx(1 / (0.5 / 10 + 0.25 / 20 + 0.25 / 40))
    assert p2 == pytest.approx(np.sqrt(0.5 * 100 + 0.25 * 400 + 0.25 * 1600))
    assert h < g < arithmetic(v, W).score[0] < p2


def test_zeros_in_a_geometric_mean_follow_the_zero_policy():
    v = np.array([[0.0, 10.0]])
    w = np.array([0.5, 0.5])
    eps = geometric(v, w, zero_policy="epsilon", epsilon=0.01)
    assert eps.score[0] == pytest.approx(np.sqrt(0.01 * 10)) and eps.nonpositive[0, 0]
    nan = geometric(v, w, zero_policy="nan")
    assert nan.score[0] == pytest.approx(10.0)


def test_copeland_coinr_variant_equals_the_outranking_matrix_row_sums():
    rng = np.random.default_rng(3)
    v = rng.integers(0, 5, size=(12, 4)).astype(float)
    w = np.array([1.0, 2.0, 1.0, 0.5])
    wn = w / w.sum()
    orm = np.zeros((12, 12))
    for i in range(12):
        for j in range(12):
            if i != j:
                orm[i, j] = wn[v[i] > v[j]].sum() + wn[v[i] == v[j]].sum() / 2
    np.testing.assert_allclose(copeland(v, w).score, orm.sum(axis=1))


def test_classic_copeland_counts_pairwise_wins_minus_losses():
    v = np.array([[3.0, 3.0], [2.0, 2.0], [1.0, 1.0]])
    np.testing.assert_array_equal(copeland(v, np.ones(2), variant="classic").score, [2, 0, -2])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.floats(0.1, 100), min_size=3, max_size=3), min_size=1, max_size=20),
       st.lists(st.floats(0.01, 5), min_size=3, max_size=3))
def test_every_mean_lies_between_the_row_minimum_and_maximum(rows, weights):
    v, w = np.array(rows), np.array(weights)
    for method, kw in (("arithmetic", {}), ("geometric", {}), ("harmonic", {}),
                       ("generalised", {"p": 3.0})):
        s = aggregate(v, w, method=method, **kw).score
        assert (s >= v.min(axis=1) - 1e-9).all() and (s <= v.max(axis=1) + 1e-9).all()
