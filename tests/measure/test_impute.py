"""Denominate, impute and screen: formulas, reports and the degenerate cases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rescomm.measure import (
    availability,
    denominate,
    impute_grouped,
    impute_overall,
    impute_table,
    screen_rows,
)


def test_denominate_divides_and_scales_and_flags_zero_denominators():
    out, bad = denominate(np.array([5.0, 2.0, np.nan]), np.array([1000.0, 0.0, 10.0]),
                          scale=1000)
    assert out[0] == 5.0 and np.isnan(out[1]) and np.isnan(out[2])
    np.testing.assert_array_equal(bad, [False, True, False])


def test_group_mean_imputation_uses_the_same_group_only():
    x = np.array([1.0, np.nan, 3.0, 10.0, np.nan])
    g = np.array(["a", "a", "a", "b", "b"])
    filled, mask = impute_grouped(x, g, stat="mean")
    np.testing.assert_array_equal(filled, [1, 2, 3, 10, 10])
    np.testing.assert_array_equal(mask, [False, True, False, False, True])


def test_a_wholly_missing_group_stays_missing_unless_a_fallback_is_given():
    x = np.array([1.0, 3.0, np.nan, np.nan])
    g = np.array(["a", "a", "b", "b"])
    filled, mask = impute_grouped(x, g)
    assert np.isnan(filled[2:]).all() and not mask[2:].any()
    filled, mask = impute_grouped(x, g, fallback="median")
    np.testing.assert_array_equal(filled[2:], [2.0, 2.0]) and mask[2:].all()


def test_overall_median_and_an_all_missing_column():
    filled, _ = impute_overall(np.array([1.0, np.nan, 10.0, 2.0]), stat="median")
    assert filled[1] == 2.0
    filled, mask = impute_overall(np.array([np.nan, np.nan]))
    assert np.isnan(filled).all() and not mask.any()


def test_the_table_wrapper_reports_every_imputed_cell():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0], "y": [np.nan, 2.0, 4.0]})
    out, report = impute_table(df, method="mean")
    assert out.isna().sum().sum() == 0
    assert set(zip(report["row"], report["indicator"], strict=True)) == {(1, "x"), (0, "y")}


def test_screening_keeps_rows_with_enough_indicators():
    v = np.array([[1.0, 2.0, np.nan], [np.nan, np.nan, 1.0], [1.0, 1.0, 1.0]])
    np.testing.assert_allclose(availability(v), [2 / 3, 1 / 3, 1])
    np.testing.assert_array_equal(screen_rows(v, min_coverage=0.66), [True, False, True])
