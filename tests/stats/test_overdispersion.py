import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri

from rescomm.stats import (
    InvalidDataWarning,
    TooFewValuesWarning,
    funnel_overdispersion,
    overdispersed_limits,
    overdispersion,
)

GOLDEN = Path(__file__).parent / "golden"
LIMITS = [("lower_2s_limit", "od95lcl"), ("upper_2s_limit", "od95ucl"),
          ("lower_3s_limit", "od998lcl"), ("upper_3s_limit", "od998ucl")]
CASES = {
    "proportion_arcsine": dict(statistic="proportion"),
    "ratio_log_truncated": dict(statistic="ratio", transform="log", trim_method="truncate"),
    "ratio_sqrt": dict(statistic="ratio", transform="sqrt"),
}


def _golden(name):
    return pd.read_csv(GOLDEN / f"funnelplotr_overdispersion_{name}.csv")


@pytest.mark.parametrize("name", list(CASES))
def test_additive_overdispersion_matches_funnelplotr(name):
    # FunnelPlotR 0.6.0 run on PHEindicatormethods' funnel inputs (funnelplotr_overdispersion.R)
    expected = _golden(name)
    zeros = int((expected["numerator"] == 0).sum())
    assert zeros == (1 if name.startswith("ratio") else 0)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        got = funnel_overdispersion(expected, "numerator", "denominator", **CASES[name])
    # a zero count has no log: left out, as FunnelPlotR's -Inf z-score is by its truncation
    assert len([w for w in record if issubclass(w.category, InvalidDataWarning)]) == (
        1 if name == "ratio_log_truncated" else 0)
    assert got["phi"].iloc[0] == pytest.approx(expected["phi"].iloc[0], rel=1e-12)
    assert got["tau2"].iloc[0] == pytest.approx(expected["tau2"].iloc[0], rel=1e-12)
    assert got["target"].iloc[0] == pytest.approx(expected["target"].iloc[0], rel=1e-12)
    np.testing.assert_allclose(got["z"], expected["z"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got["z_trimmed"], expected["z_trimmed"], rtol=1e-12, atol=1e-12)
    if "od95lcl" in expected:
        # FunnelPlotR's z for the limits are 1.959964 and 3.090232 (6 decimals)
        for ours, theirs in LIMITS:
            np.testing.assert_allclose(got[ours], expected[theirs], rtol=3e-7)


def test_winsorising_pulls_the_tails_in_to_the_10_and_90_percent_quantiles():
    z = np.arange(1.0, 21.0)
    phi, _, trimmed = overdispersion(z, np.ones(20))
    lo, hi = np.quantile(z, [0.1, 0.9])
    assert trimmed.min() == lo and trimmed.max() == hi
    assert phi == pytest.approx(np.mean(np.clip(z, lo, hi) ** 2))


def test_without_overdispersion_phi_is_near_one_and_few_units_are_flagged():
    rng = np.random.default_rng(2005)
    n = rng.integers(200, 5000, 2000)
    data = pd.DataFrame({"x": rng.binomial(n, 0.3), "n": n})
    got = funnel_overdispersion(data, "x", "n", statistic="proportion")
    # winsorising shrinks phi below 1 when there is no overdispersion
    assert 0.6 < got["phi"].iloc[0] < 1.05 and got["tau2"].iloc[0] < 2e-5
    flagged = (got["significance"] != "Not significant").mean()
    assert 0.02 < flagged < 0.08  # about 5% outside the 95% limits, by chance


def test_overdispersed_data_widen_the_limits_and_flag_fewer_units():
    rng = np.random.default_rng(7)
    n = rng.integers(1000, 20000, 400)
    p = 1 / (1 + np.exp(-rng.normal(-1.0, 0.25, 400)))
    data = pd.DataFrame({"x": rng.binomial(n, p), "n": n})
    additive = funnel_overdispersion(data, "x", "n", statistic="proportion")
    assert additive["phi"].iloc[0] > 5 and additive["tau2"].iloc[0] > 0
    plain_lower, _ = overdispersed_limits(data["n"], target=additive["target"].iloc[0],
                                          statistic="proportion")
    assert (additive["lower_2s_limit"] < plain_lower).all()
    unadjusted = (np.abs(additive["z"]) > ndtri(0.975)).mean()
    adjusted = (np.abs(additive["z_adjusted"]) > ndtri(0.975)).mean()
    # winsorising understates tau2 a little, so somewhat more than 5% stay outside
    assert adjusted < 0.2 and adjusted < unadjusted / 3


def test_multiplicative_method_scales_standard_errors_by_root_phi():
    expected = _golden("ratio_log_truncated")
    got = funnel_overdispersion(expected, "numerator", "denominator", statistic="ratio",
                                method="multiplicative", trim_method="truncate",
                                out_of_domain="ignore")
    phi = got["phi"].iloc[0]
    np.testing.assert_allclose(got["z_adjusted"], got["z"] / np.sqrt(phi), rtol=1e-14)
    e = expected["denominator"].to_numpy()
    z = ndtri(0.975)
    np.testing.assert_allclose(got["upper_2s_limit"], np.exp(z * np.sqrt(phi / e)), rtol=1e-12)
    assert got["method"].iloc[0] == ("Spiegelhalter multiplicative over-dispersion, z-scores "
                                     "10% truncated")


def test_under_dispersion_never_narrows_multiplicative_limits():
    lower, upper = overdispersed_limits([100.0], target=1, statistic="ratio",
                                        method="multiplicative", phi=0.5)
    plain = overdispersed_limits([100.0], target=1, statistic="ratio")
    np.testing.assert_array_equal(lower, plain[0])
    np.testing.assert_array_equal(upper, plain[1])


def test_arcsine_limits_stay_inside_zero_and_one():
    lower, upper = overdispersed_limits([1.0, 4.0, 1e6], target=0.02, statistic="proportion",
                                        tau2=0.01, confidence=0.998)
    assert (lower >= 0).all() and (upper <= 1).all() and lower[0] == 0


def test_a_zero_count_on_the_log_scale_is_left_out_of_the_estimate():
    data = pd.DataFrame({"o": [0, 5, 9, 12, 30, 50], "e": [4.0, 6, 8, 11, 25, 60]})
    with pytest.warns(InvalidDataWarning, match="zero count"):
        got = funnel_overdispersion(data, "o", "e", statistic="ratio")
    assert got.loc[0, "z"] == -np.inf and np.isnan(got.loc[0, "z_trimmed"])
    assert np.isfinite(got.loc[0, "lower_2s_limit"])
    assert got.loc[0, "significance"] in ("Low (0.025)", "Low (0.001)", "Not significant")


def test_fewer_than_two_units_give_no_estimate():
    data = pd.DataFrame({"x": [3], "n": [10]})
    with pytest.warns(TooFewValuesWarning, match="fewer than 2 units"):
        got = funnel_overdispersion(data, "x", "n", statistic="proportion")
    assert np.isnan(got.loc[0, "phi"]) and pd.isna(got.loc[0, "significance"])


@pytest.mark.parametrize("kwargs, message", [
    (dict(statistic="rate"), "statistic must be 'proportion' or 'ratio'"),
    (dict(statistic="proportion", transform="log"), "transform for a proportion"),
    (dict(statistic="ratio", method="mixed"), "method must be 'additive'"),
    (dict(statistic="ratio", trim=0.6), "trim must be a fraction"),
])
def test_bad_options_are_refused(kwargs, message):
    data = pd.DataFrame({"x": [3, 4], "n": [10, 12]})
    with pytest.raises(ValueError, match=message):
        funnel_overdispersion(data, "x", "n", **kwargs)


def test_bad_inputs_name_the_position():
    data = pd.DataFrame({"x": [3, 14], "n": [10, 12]})
    with pytest.raises(ValueError, match="numerators must be <= denominators .* position 1"):
        funnel_overdispersion(data, "x", "n", statistic="proportion")
    with pytest.raises(ValueError, match="denominators must be > 0; got 0 at position 0"):
        funnel_overdispersion(data.assign(n=[0, 20]), "x", "n", statistic="proportion")
