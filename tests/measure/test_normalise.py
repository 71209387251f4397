"""Normalisation kernels: each formula, its direction convention, and two external oracles
(the Community Needs Index for the IMD exponential transform, CDC SVI for percentile ranks)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from measure_helpers import SPECS, shared_file

from rescomm.measure import build, exponential, exponential_from_ranks, normalise
from rescomm.measure._normalise import ranks

X = np.array([3.0, 1.0, np.nan, 4.0, 1.5, 9.0])


@pytest.mark.parametrize(("method", "params", "expected"), [
    ("minmax", {"range": [0, 100]}, (X - 1) / 8 * 100),
    ("minmax", {"range": [1, 10]}, 1 + (X - 1) / 8 * 9),
    ("zscore", {"mean_sd": [0, 1]}, (X - np.nanmean(X)) / np.nanstd(X, ddof=1)),
    ("zscore", {"mean_sd": [100, 10]}, 100 + 10 * (X - np.nanmean(X)) / np.nanstd(X, ddof=1)),
    ("prank", {}, np.array([2, 0, np.nan, 3, 1, 4]) / 4),
    ("rank", {}, np.array([3, 1, np.nan, 4, 2, 5])),
    ("borda", {}, np.array([2, 0, np.nan, 3, 1, 4])),
    ("dist2max", {}, 1 - (9 - X) / 8),
    ("dist2target", {"target": 5.0}, 1 - (5 - X) / 4),
    ("dist2target", {"target": 5.0, "cap": True}, np.minimum(1 - (5 - X) / 4, 1)),
    ("dist2ref", {"ref_value": 4.0}, 1 - (4 - X) / 3),
    ("fracmax", {}, X / 9),
    ("goalposts", {"lo": 2, "hi": 6, "scale": 100}, np.clip((X - 2) / 4, 0, 1) * 100),
    ("goalposts", {"lo": 2, "hi": 6, "scale": 1, "truncate": False}, (X - 2) / 4),
])
def test_each_normalisation_follows_its_formula(method, params, expected):
    np.testing.assert_allclose(normalise(X, method=method, **params), expected)


def test_rank_inverse_normal_uses_van_der_waerden_scores():
    from scipy.stats import norm

    got = normalise(X, method="rank_inverse_normal")
    r = np.array([3, 1, np.nan, 4, 2, 5])
    np.testing.assert_allclose(got, norm.ppf(r / 6))
    blom = normalise(X, method="rank_inverse_normal", c=3 / 8)
    np.testing.assert_allclose(blom, norm.ppf((r - 3 / 8) / (5 + 1 / 4)))


def test_the_imd_exponential_gives_100_to_the_most_deprived_and_about_0_to_the_least():
    n = 32844
    published_rank = np.array([1, 3285, n])  # 1 = most deprived
    x = exponential_from_ranks(n + 1 - published_rank, n=n)
    assert x[0] == pytest.approx(100.0)
    assert x[2] == pytest.approx(-23 * np.log(1 - (1 / n) * (1 - np.exp(-100 / 23))))
    assert x[2] < 0.01
    # the constant 23 puts (just over) the most deprived 10% above 50: X = 50 at R = 0.898
    at = exponential_from_ranks(np.array([0.90, 0.898, 0.8975]) * n, n=n)
    assert at[0] > 50 and at[1] > 50 > at[2]


def test_exponential_of_values_ranks_the_highest_value_as_most_deprived():
    x = exponential(np.array([0.1, 0.5, 0.3]))
    assert np.argmax(x) == 1 and x[1] == pytest.approx(100.0)


def test_ranks_support_every_tie_rule():
    v = np.array([2.0, 1.0, 2.0, np.nan])
    np.testing.assert_array_equal(ranks(v, ties="min")[:3], [2, 1, 2])
    np.testing.assert_array_equal(ranks(v, ties="max")[:3], [3, 1, 3])
    np.testing.assert_array_equal(ranks(v, ties="average")[:3], [2.5, 1, 2.5])
    np.testing.assert_array_equal(ranks(v, ties="first")[:3], [2, 1, 3])
    np.testing.assert_array_equal(ranks(v, ties="dense")[:3], [2, 1, 2])
    assert np.isnan(ranks(v)[3])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=40, unique=True))
def test_minmax_maps_onto_the_range_and_keeps_the_order(values):
    x = np.array(values)
    y = normalise(x, method="minmax", range=[0, 100])
    assert np.nanmin(y) == pytest.approx(0) and np.nanmax(y) == pytest.approx(100)
    assert (np.diff(y[np.argsort(x)]) >= 0).all()  # order kept (ties only by rounding)


def test_the_community_needs_index_is_the_sum_of_exponential_domain_scores():
    path = shared_file("indicators/community_needs_index_2023_lsoa21_england.csv.gz")
    cni = pd.read_csv(path)
    b = build(SPECS / "cni2023.yaml", cni)
    m = b.results.merge(cni, left_on="area_code", right_on="lsoa21_code")
    assert len(m) == 33755
    diff = (m["index_score"] - m["Community Needs Index 2023 Score"]).abs()
    # published to 2 d.p.; the 25 exceptions (<= 0.022) hold tied domain ranks in the file
    assert (diff < 0.0050001).mean() > 0.999
    assert diff.max() < 0.025
    assert m.loc[m["area_code"] == "E01026129", "index_score"].round(2).item() == 251.21
    assert (m["index_rank"] == 1).sum() == 1
    assert m.loc[m["index_rank"] == 1, "area_code"].item() == "E01026129"


def test_percentile_ranks_match_the_cdc_svi_epl_values():
    svi = pd.read_csv(shared_file("reference/svi/2020svi_pa_co_cdc.csv"))
    for var in ("POV150", "UNEMP", "NOVEH", "AGE65"):
        x = svi[f"EP_{var}"].to_numpy(float)
        x[x == -999] = np.nan
        got = normalise(x, method="prank", ties="min")
        np.testing.assert_allclose(np.round(got, 4), svi[f"EPL_{var}"], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 6).map(float), st.just(float("nan"))), min_size=1,
                max_size=30),
       st.sampled_from(["average", "min", "max", "dense", "ordinal"]))
def test_ranks_equal_scipy_rankdata(values, ties):
    from scipy.stats import rankdata

    x = np.array(values)
    ok = ~np.isnan(x)
    expected = np.full(x.shape, np.nan)
    if ok.any():
        expected[ok] = rankdata(x[ok], method=ties)
    np.testing.assert_array_equal(ranks(x, ties=ties), expected)
