"""Monte Carlo uncertainty (weights ±25%, method alternatives) and the statistical audit."""

from __future__ import annotations

import numpy as np
import pandas as pd
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


def test_the_summary_computed_in_blocks_equals_the_direct_percentiles(toy, monkeypatch):
    from rescomm.measure import _uncertainty

    u = toy.uncertainty(n=50, seed=4)
    monkeypatch.setattr(_uncertainty, "SUMMARY_BLOCK", 50 * 7)  # 7 areas per block
    s = _uncertainty.summarise(toy, u.ranks, "index")
    np.testing.assert_allclose(s["p05_rank"], np.percentile(u.ranks, 5, axis=0))
    np.testing.assert_allclose(s["median_rank"], np.median(u.ranks, axis=0))
    np.testing.assert_allclose(s["p95_rank"], np.percentile(u.ranks, 95, axis=0))
    np.testing.assert_allclose(s["mean_rank"], u.ranks.mean(axis=0))
    worst = (np.ceil(u.ranks * 10 / u.ranks.shape[1]) == 1).mean(axis=0)
    np.testing.assert_allclose(s["p_worst_decile"], worst)
    pd.testing.assert_frame_equal(s, u.summary)


def test_threads_do_not_change_the_replications(toy, monkeypatch):
    from rescomm.measure import _replicate, _uncertainty

    monkeypatch.setattr(_replicate, "BATCH_ELEMENTS", 200 * 2 * 3)  # 3 replications a batch
    threaded = toy.uncertainty(n=20, seed=6)
    monkeypatch.setattr(_uncertainty, "MAX_THREADS", 1)
    single = toy.uncertainty(n=20, seed=6)
    np.testing.assert_array_equal(threaded.ranks, single.ranks)


def test_progress_is_reported_for_every_replication(toy):
    seen: list[int] = []
    toy.uncertainty(n=17, seed=1, progress=seen.append)
    assert sum(seen) == 17


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"n": 0}, ValueError, "n must be a whole number of replications >= 1, not 0"),
    ({"n": 2.5}, ValueError, "n must be a whole number"),
    ({"weight_noise": 1.0}, ValueError, r"weight_noise is a fraction in \[0, 1\)"),
    ({"node": "nowhere"}, IndexSpecError, "unknown node 'nowhere'"),
    ({"alternatives": {"aggregate": []}}, IndexSpecError, "alternatives for 'aggregate' are empty"),
])
def test_bad_uncertainty_arguments_are_refused_with_a_message(toy, kwargs, error, message):
    with pytest.raises(error, match=message):
        toy.uncertainty(**kwargs)
