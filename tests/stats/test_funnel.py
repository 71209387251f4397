import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from rescomm.stats import (
    funnel_limits,
    funnel_points,
    funnel_significance,
    poisson_control_limits,
    proportion_control_limits,
)

PROP_COLS = ["Population", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit",
             "upper_3s_limit", "baseline"]


def test_proportion_funnel_matches_phe_outputs(phe):
    inputs = phe.csv("testdata_funnel_prop_inputs.csv")
    expected = phe.csv("testdata_funnel_prop_outputs.csv")
    expected.columns = PROP_COLS
    got = funnel_limits(inputs, "numerator", "denominator", statistic="proportion",
                        multiplier=100)
    assert len(got) == len(expected) == 100
    # the CSV holds 6 decimal places
    np.testing.assert_allclose(got[PROP_COLS], expected, rtol=0, atol=5.1e-7)
    assert set(got["method"]) == {"Wilson"}


def test_proportion_funnel_with_narrow_axis_matches_phe(phe):
    inputs = phe.csv("testdata_funnel_prop_inputs.csv")
    expected = phe.csv("testdata_funnel_prop_outputs_with_axis_variation.csv")
    expected.columns = PROP_COLS
    got = funnel_limits(inputs[inputs["denominator"] < 31000], "numerator", "denominator",
                        statistic="proportion", multiplier=100)
    np.testing.assert_allclose(got[PROP_COLS], expected, rtol=0, atol=5.1e-9)


def test_proportion_significance_matches_phe(phe):
    inputs = phe.csv("testdata_funnel_prop_inputs.csv")
    got = funnel_significance(inputs, "numerator", "denominator", statistic="proportion")
    assert (got["significance"].astype(str) == inputs["significance"]).all()
    assert inputs["significance"].nunique() == 5


def _ratio_expected(phe, ratio_type):
    out = phe.csv("testdata_funnel_ratio_outputs.csv")
    out = out.rename(columns={out.columns[0]: "Observed_events"})
    drop = "isr" if ratio_type == "count" else "count"
    out = out[[c for c in out.columns if not c.endswith(drop)]]
    return out.rename(columns=lambda c: c.replace(f"_{ratio_type}", "_limit"))


@pytest.mark.parametrize("ratio_type", ["count", "isr"])
def test_ratio_funnel_with_phe_bisection_matches_phe_outputs(phe, ratio_type):
    inputs = phe.csv("testdata_funnel_ratio_inputs.csv")
    expected = _ratio_expected(phe, ratio_type)
    got = funnel_limits(inputs, "obs", "expected", statistic="ratio", multiplier=100,
                        ratio_type=ratio_type, solver="bisection")
    assert len(expected) == 100
    np.testing.assert_allclose(got[expected.columns], expected, rtol=1e-5, atol=1e-6)
    assert set(got["statistic"]) == {f"ratio ({ratio_type})"}


@pytest.mark.parametrize("ratio_type", ["count", "isr"])
def test_ratio_funnel_with_exact_solver_agrees_with_phe_to_its_bisection_tolerance(
    phe, ratio_type
):
    inputs = phe.csv("testdata_funnel_ratio_inputs.csv")
    expected = _ratio_expected(phe, ratio_type)
    got = funnel_limits(inputs, "obs", "expected", statistic="ratio", multiplier=100,
                        ratio_type=ratio_type)
    exp_cols = [c for c in expected.columns if c.endswith("exp_events")]
    np.testing.assert_allclose(got[exp_cols], expected[exp_cols], rtol=1e-4)


def test_ratio_significance_matches_phe(phe):
    inputs = phe.csv("testdata_funnel_ratio_inputs.csv")
    got = funnel_significance(inputs, "obs", "expected", statistic="ratio")
    assert (got["significance"].astype(str) == inputs["significance"]).all()


def _rate_case(phe, case):
    data = phe.csv("testdata_funnel_rate_input_funnels.csv")
    if case == 1:
        return data, dict(rate_type="dsr"), "testdata_funnel_rate_outputs.csv", None
    if case == 2:
        data = data.copy()
        data.loc[data["ev"] == data["ev"].max(), "ev"] = 5
        return data, dict(rate_type="crude"), "testdata_funnel_rate_outputs_2.csv", None
    data = data[["ev", "rate"]].copy()
    data["pop"] = 1e5 * data["ev"] / data["rate"]
    top = data["ev"] == data["ev"].max()
    data.loc[top, ["ev", "rate"]] = 0
    data = data[data["pop"] > data["pop"].max() / 2]
    return data, dict(rate_type="crude"), "testdata_funnel_rate_outputs_3.csv", "pop"


@pytest.mark.parametrize("case", [1, 2, 3])
def test_rate_funnels_match_phe_outputs(phe, case):
    data, kwargs, output, denominator = _rate_case(phe, case)
    expected = phe.csv(output)
    got = funnel_limits(data, "ev", denominator, rate="rate", statistic="rate",
                        multiplier=1e5, years_of_data=3, solver="bisection", **kwargs)
    numeric = expected.columns[:10]
    assert len(expected) == 100
    np.testing.assert_allclose(got[numeric], expected[numeric], rtol=2e-9)
    assert list(got["statistic"].str.replace(",", "")) == list(
        expected["statistic"].str.replace(",", "")
    )


@pytest.mark.parametrize("rate, rate_type, multiplier, column", [
    ("rate_dsr", "dsr", 1e5, "dsr_per_100000"),
    ("rate_dsr", "dsr", 100, "dsr_per_100"),
    ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000"),
    ("rate_crude_per_100", "crude", 100, "crude_per_100"),
])
@pytest.mark.parametrize("zeros", ["with_0", "without_0"])
def test_rate_significance_matches_phe(phe, rate, rate_type, multiplier, column, zeros):
    data = phe.csv("testdata_funnel_rate_dsr_inputs.csv")
    if zeros == "without_0":
        data = data[data["count"] != 0]
    got = funnel_significance(data, "count", "pop", statistic="rate", rate=rate,
                              rate_type=rate_type, multiplier=multiplier)
    assert (got["significance"].astype(str) == data[f"{column}_{zeros}"]).all()


def test_exact_poisson_limits_are_the_chi_square_quantiles():
    o = np.arange(1, 50.0)
    e_low, e_high = poisson_control_limits(o, confidence=0.998)
    np.testing.assert_allclose(e_low, chi2.ppf(0.001, 2 * o) / 2, rtol=1e-12)
    np.testing.assert_allclose(e_high, chi2.ppf(0.999, 2 * o + 2) / 2, rtol=1e-12)


def test_proportion_limits_surround_the_baseline_and_narrow_with_size():
    n = np.array([10.0, 100.0, 1000.0, 10000.0])
    lower, upper = proportion_control_limits(0.3, n, confidence=0.95)
    assert (lower < 0.3).all() and (upper > 0.3).all()
    assert (np.diff(upper - lower) < 0).all()


def test_funnel_inputs_are_validated():
    data = pd.DataFrame({"x": [65, 80, 30], "n": [100, 100, 20]})
    with pytest.raises(ValueError) as err:
        funnel_significance(data, "x", "n", statistic="proportion")
    assert str(err.value) == (
        "numerators must be <= denominators for a proportion; got 30 at position 2"
    )
    with pytest.raises(ValueError, match="denominators must be > 0; got 0 at position 2"):
        funnel_significance(data.assign(n=[100, 100, 0]), "x", "n", statistic="proportion")
    with pytest.raises(ValueError, match="statistic must be"):
        funnel_limits(data, "x", "n", statistic="pop", multiplier=100)


@pytest.mark.parametrize("case", ["dsr, largest count set to 5", "crude",
                                  "crude with populations, largest count set to 0"])
def test_funnel_points_match_phe(phe, case):
    # PHE's testFunnels.R: calculate_funnel_points on the funnel input CSV
    data = phe.csv("testdata_funnel_rate_input_funnels.csv")
    top = data["ev"] == data["ev"].max()
    if case.startswith("dsr"):
        inputs = data[["ev", "rate"]].assign(ev=np.where(top, 5, data["ev"]))
        kwargs, expected = dict(rate_type="dsr", years_of_data=3), ("rate_chart",
                                                                   "denominator_derived")
    elif case == "crude":
        inputs = data[["ev", "rate"]]
        kwargs, expected = dict(rate_type="crude", years_of_data=3), (
            "rate_chart_crude", "denominator_derived_crude")
    else:
        inputs = data[["ev", "rate", "pop"]].assign(ev=np.where(top, 0, data["ev"]))
        kwargs, expected = dict(rate_type="crude", years_of_data=5, denominator="pop"), (
            "rate_chart_crude_with_denom", "denominator_derived_crude_with_denom")
    got = funnel_points(inputs, "ev", "rate", multiplier=1e5, **kwargs)
    # the CSV holds about 10 significant digits
    np.testing.assert_allclose(got["rate_chart"], data[expected[0]], rtol=1e-9)
    np.testing.assert_allclose(got["denominator_derived"], data[expected[1]], rtol=1e-9)
    assert got["rate_chart"].isna().sum() == (1 if case.startswith("dsr") else 0)


def test_funnel_points_need_populations_for_zero_events():
    data = pd.DataFrame({"ev": [0, 12], "rate": [0.0, 80.0], "pop": [np.nan, 15000]})
    with pytest.raises(ValueError, match="pass denominator="):
        funnel_points(data, "ev", "rate", rate_type="crude", years_of_data=1, multiplier=1e5)
    with pytest.raises(ValueError, match="row 0 has 0 events and no population"):
        funnel_points(data, "ev", "rate", rate_type="crude", years_of_data=1, multiplier=1e5,
                      denominator="pop")
