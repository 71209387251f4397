"""Outlier treatment is COINr's algorithm: e1071 type-2 skew/kurtosis, step-wise Winsorisation,
log fallback applied to the original values. Expected values: ``golden/README.md``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from measure_helpers import GOLDEN

from rescomm.measure import check_skew_kurt, kurt, skew, treat, winsorise
from rescomm.measure._treat import boxcox, log_ct, log_ct_orig, log_ct_plus

VIGNETTE_X = np.array([*range(1, 11), 30, 100], dtype=float)


def test_skew_and_kurtosis_are_the_excel_type_2_definitions():
    assert skew(VIGNETTE_X) == pytest.approx(3.063241, abs=5e-7)
    assert kurt(VIGNETTE_X) == pytest.approx(9.741391, abs=5e-7)


def test_winsorising_the_vignette_vector_moves_one_point():
    x, nwin, marks = winsorise(VIGNETTE_X, winmax=2)
    assert nwin == 1 and list(marks).count("winhi") == 1
    assert x[-1] == 30
    ok, s, k = check_skew_kurt(x)
    assert ok and s == pytest.approx(1.712038, abs=5e-7) and k == pytest.approx(1.815781, abs=5e-7)


def test_an_indicator_fails_only_if_skew_and_kurtosis_are_both_high():
    assert check_skew_kurt(VIGNETTE_X)[0] is False
    low_kurt = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], dtype=float)
    assert check_skew_kurt(low_kurt)[0] is True


def test_asem_raw_treatment_matches_the_coinr_vignette(asem_data):
    golden = pd.read_csv(GOLDEN / "coinr_treat_raw.csv")
    for _, row in golden.iterrows():
        r = treat(asem_data[row["indicator"]].to_numpy(float), winmax=int(row["winmax"]))
        assert r.passed0 == bool(row["pass0"])
        assert r.skew0 == pytest.approx(row["skew0"], abs=5e-7)
        assert r.kurt0 == pytest.approx(row["kurt0"], abs=5e-7)
        assert r.nwin == row["nwin"]
        if not np.isnan(row["skew1"]):
            assert r.skew1 == pytest.approx(row["skew1"], abs=5e-6)
            assert r.passed1 == (row["pass1"] is True or row["pass1"] == "TRUE")
        if not np.isnan(row["kurt1"]):
            assert r.kurt1 == pytest.approx(row["kurt1"], abs=5e-6)


def test_when_winsorising_is_not_enough_the_log_applies_to_the_original_values():
    x = np.array([1.0] * 30 + [2.0, 50.0, 400.0, 1000.0, 5000.0])
    r = treat(x, winmax=1)
    assert r.nwin == 1 and r.passed1 is False
    assert r.transform == "log_ct"
    np.testing.assert_allclose(r.values, log_ct(x))
    combined = treat(x, winmax=1, combine=True)
    assert not np.allclose(combined.values, r.values)


def test_negative_skew_winsorises_the_minimum():
    x, nwin, marks = winsorise(-VIGNETTE_X, winmax=1)
    assert nwin == 1 and marks[-1] == "winlo" and x[-1] == -30


def test_ties_at_the_extreme_are_winsorised_together_and_counted():
    x = np.array([*range(1, 21), 90, 90], dtype=float)
    _, nwin, marks = winsorise(x, winmax=5)
    assert nwin == 2 and list(marks).count("winhi") == 2


def test_missing_values_are_ignored_and_kept():
    x = np.append(VIGNETTE_X, np.nan)
    r = treat(x, winmax=2)
    assert np.isnan(r.values[-1]) and r.nwin == 1


def test_transforms_follow_the_coin_tool_formulas():
    x = np.array([1.0, 2.0, 5.0, 11.0])
    np.testing.assert_allclose(log_ct(x), np.log(x - 1 + 0.1))
    np.testing.assert_allclose(log_ct_orig(x), np.log(x))
    np.testing.assert_allclose(log_ct_plus(x), np.log(x - 1 + 0.1))
    np.testing.assert_allclose(boxcox(x, lmbda=0.5), ((x - 1 + 1) ** 0.5 - 1) / 0.5)
    np.testing.assert_allclose(boxcox(x, lmbda=0), np.log(x))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=5, max_size=60),
       st.integers(0, 6))
def test_winsorising_never_widens_the_range_or_moves_inner_points(values, winmax):
    x = np.array(values)
    y, nwin, marks = winsorise(x, winmax=winmax)
    assert y.min() >= x.min() and y.max() <= x.max()
    untouched = marks == ""
    np.testing.assert_array_equal(y[untouched], x[untouched])


def _coinr_winsorise(x: np.ndarray, winmax: int) -> tuple[np.ndarray, int]:
    """Line-by-line port of COINr ``winsorise`` (recomputes skew/kurtosis every step)."""
    x = x.copy()

    def passes(v):
        v = v[~np.isnan(v)]
        n, d = v.size, v - v.mean()
        if np.sum(d**2) == 0:
            return True, 0.0
        s = np.sqrt(n) * np.sum(d**3) / np.sum(d**2) ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * np.sum(d**4) / np.sum(d**2) ** 2
        k = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
        return bool(abs(s) < 2 or k < 3.5), s

    imax = imin = np.array([], dtype=int)
    nwin = 0
    passing = passes(x)[0]
    while not passing and nwin < winmax:
        if passes(x)[1] >= 0:
            imax = np.flatnonzero(x == np.nanmax(x))
            x[imax] = np.nanmax(np.delete(x, imax))
        else:
            imin = np.flatnonzero(x == np.nanmin(x))
            x[imin] = np.nanmin(np.delete(x, imin))
        nwin = imax.size + imin.size
        passing = passes(x)[0]
    return x, nwin


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-3, 40), min_size=8, max_size=50), st.integers(1, 10),
       st.sampled_from([1.0, -1.0, 0.5]))
def test_fast_winsorising_equals_a_direct_port_of_coinr(values, winmax, scale):
    x = np.exp(np.array(values, dtype=float) / 8.0) * scale
    got, nwin, _ = winsorise(x, winmax=winmax)
    want, nwin_want = _coinr_winsorise(x, winmax)
    np.testing.assert_allclose(got, want)
    assert nwin == nwin_want
