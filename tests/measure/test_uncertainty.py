"""Monte Carlo uncertainty (weights ±25%, method alternatives) and the statistical audit."""

from __future__ import annotations

import numpy as np
import pytest
from measure_helpers import make_data, make_spec

from rescomm.measure import IndexSpecError, build
from rescomm.measure._audit import cronbach_alpha


@pytest.fixture(scope="module")
def toy():
    return build(make_spec(), make_data(200))


def test_without_noise_or_alternatives_every_run_gives_the_nominal_ranks(toy):
    u = toy.uncertainty(n=5, seed=1, weight_noise=0.0)
    s = u.summary
    np.testing.assert_array_equal(s["median_rank"], s["nominal_rank"])
    np.testing.assert_array_equal(s["p05_rank"], s["p95_rank"])
    assert set(s["p_worst_decile"]) <= {0.0, 1.0}


def test_the_same_seed_gives_the_same_runs_and_another_seed_differs(toy):
    alts = {"aggregate": [{"method": "arithmetic"}, {"method": "generalised", "p": 0.5}]}
    a = toy.uncertainty(n=30, seed=7, alternatives=alts)
    b = toy.uncertainty(n=30, seed=7, alternatives=alts)
    c = toy.uncertainty(n=30, seed=8, alternatives=alts)
    np.testing.assert_array_equal(a.ranks, b.ranks)
    assert not np.array_equal(a.ranks, c.ranks)
    assert set(a.runs.columns) >= {"run", "aggregate", "w_a", "w_people"}


def test_rank_intervals_contain_the_median_and_probabilities_are_fractions(toy):
    u = toy.uncertainty(n=60, seed=3, alternatives={
        "normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "zscore"}]})
    s = u.summary
    assert (s["p05_rank"] <= s["median_rank"]).all() and (s["median_rank"] <= s["p95_rank"]).all()
    assert s["p_worst_decile"].between(0, 1).all()
    worst = s.loc[s["nominal_rank"] == 1].iloc[0]
    assert worst["p_worst_decile"] > 0.5
    assert u.ranks.shape == (60, 200)


def test_bad_alternatives_are_named(toy):
    with pytest.raises(IndexSpecError, match=r"alternatives\.normalise\[1\]\.method"):
        toy.uncertainty(n=2, alternatives={"normalise": [{"method": "minmax"},
                                                         {"method": "zz"}]})
    with pytest.raises(IndexSpecError, match="unknown step"):
        toy.uncertainty(n=2, alternatives={"normalize": [{"method": "minmax"}]})


def test_cronbach_alpha_follows_its_formula():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 1)) + rng.normal(size=(100, 4))
    k = 4
    expected = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(x) == pytest.approx(expected)


def test_the_audit_reports_statistics_flags_correlations_and_groups(toy):
    a = toy.audit()
    stats = a["indicators"].set_index("indicator")
    assert list(stats.index) == ["a", "b", "c", "d"]
    assert (stats["availability"] == 1).all() and stats["effective_weight"].sum() == 1
    corr = a["correlations"]
    assert {"parent", "sibling"} == set(corr["relation"])
    groups = a["groups"].set_index("group")
    assert groups.loc["people", "children"] == 2
    assert 0 < groups.loc["index", "pc1_share"] <= 1
