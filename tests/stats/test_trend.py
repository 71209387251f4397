import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri
from tests.stats.conftest import shared_file

from rescomm.stats import (
    InvalidDataWarning,
    MissingDataWarning,
    TooFewValuesWarning,
    proportion_trend_chi_squared,
    recent_trend,
    trend_chi_squared,
)

GOLDEN = Path(__file__).parent / "golden"
EXTRACT = ("timeseries",
           "ohid_fingertips_extract_northwest_england_2018_2024_fingertipsnext.csv.gz")
KEYS = ["IndicatorId", "AreaCode", "Sex", "Age", "CategoryType", "Category"]
# Series whose published marker the extract's own values do not reproduce (a later vintage of
# the data than the marker's): see tests/stats/README.md.
KNOWN_DIFFERENCES = {
    (93015, "E92000001", "Third less deprived decile"): ("No significant change", "Increasing"),
    (93085, "E38000200", None): ("Decreasing", "No significant change"),
    (93085, "E38000228", None): ("No significant change", "Decreasing"),
}


def _fingertips_extract() -> pd.DataFrame:
    return pd.read_csv(shared_file(*EXTRACT), low_memory=False).drop_duplicates()


def _markers(data: pd.DataFrame, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # thousands of short or incomplete series
        return recent_trend(data, "Year", by=KEYS, value="Value", lower_cl="LowerCI",
                            upper_cl="UpperCI", **kwargs)


@pytest.fixture(scope="module")
def published():
    """Fingertips' own recent-trend markers beside ours, for every series of the extract whose
    latest row carries a marker."""
    data = _fingertips_extract()
    latest = data.sort_values("Year").groupby(KEYS, dropna=False).tail(1)
    latest = latest[latest["Trend"].notna()]
    both = _markers(data).merge(latest[[*KEYS, "Year", "Trend"]], on=KEYS,
                                suffixes=("", "_published"))
    assert (both["Year"] == both["Year_published"]).all()
    return data, both


def test_recent_trends_match_fingertips_published_markers(published):
    _, both = published
    direction = both["Trend"].str.split(" and ").str[0]
    comparable = both[(both["recent_trend"] != "Cannot be calculated")
                      & (direction != "Cannot be calculated")]
    differ = comparable[comparable["recent_trend"] != direction[comparable.index]]
    found = {(row.IndicatorId, row.AreaCode,
              row.CategoryType if isinstance(row.CategoryType, str) else None):
             (row.recent_trend, row.Trend.split(" and ")[0]) for row in differ.itertuples()}
    assert found == KNOWN_DIFFERENCES
    assert len(comparable) == 1123  # 1,120 agree
    moving = comparable["recent_trend"].isin(["Increasing", "Decreasing"])
    assert moving.sum() == 297  # the agreement is not only on "no significant change"


def test_polarity_words_match_fingertips(published):
    data, both = published
    worded = both[both["Trend"].str.contains(" and getting ")
                  & (both["recent_trend"] == both["Trend"].str.split(" and ").str[0])]
    high = (worded["Trend"] == "Increasing and getting better") | (
        worded["Trend"] == "Decreasing and getting worse")
    checked = 0
    for polarity, rows in (("high_is_good", worded[high]), ("low_is_good", worded[~high])):
        series = data.merge(rows[KEYS], on=KEYS)
        relabelled = _markers(series, polarity=polarity).merge(rows[[*KEYS, "Trend"]], on=KEYS)
        assert (relabelled["recent_trend"] == relabelled["Trend"]).all()
        checked += len(relabelled)
    assert checked == len(worded) > 150


def _golden():
    inputs = pd.read_csv(GOLDEN / "trend_markers_inputs.csv")
    expected = pd.read_csv(GOLDEN / "trend_markers_expected.csv", dtype={"expected_marker": str})
    return inputs, expected


@pytest.mark.parametrize("row", range(len(_golden()[1])))
def test_published_trend_calculations(row):
    inputs, expected = _golden()
    case = expected.iloc[row]
    series = inputs[inputs["case"] == case["case"]]
    if case["method"] == "weighted":
        kwargs = dict(value="value", lower_cl="lower_cl", upper_cl="upper_cl")
    else:
        kwargs = dict(x="x", n="n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InvalidDataWarning)
        got = recent_trend(series, "time", method=case["method"], **kwargs).iloc[0]
    if pd.notna(case["expected_chi_squared"]):
        assert round(got["chi_squared"], int(case["decimals"])) == pytest.approx(
            case["expected_chi_squared"], abs=1e-12, rel=1e-12)
    if pd.notna(case["expected_significant"]):
        significant = bool(got["chi_squared"] > 9.5495)
        assert significant == (case["expected_significant"] in (True, "True"))
    if pd.notna(case["expected_marker"]):
        assert got["recent_trend"] == case["expected_marker"]


def test_exact_z_scales_the_statistic_by_the_squared_ratio():
    inputs, _ = _golden()
    s = inputs[inputs["case"] == "fingertips_open_set1"]
    args = (s["value"], s["lower_cl"], s["upper_cl"])
    rounded, slope, _ = trend_chi_squared(*args)
    exact, slope_exact, _ = trend_chi_squared(*args, z_rule="exact")
    assert exact == pytest.approx(rounded * (ndtri(0.975) / 1.96) ** 2, rel=1e-12)
    assert slope_exact == pytest.approx(slope, rel=1e-12)


def test_trend_statistic_ignores_the_time_origin_and_direction_flips_with_time():
    rng = np.random.default_rng(1)
    v = np.cumsum(rng.normal(0.5, 1, 5)) + 50
    half = rng.uniform(0.5, 1.5, 5)
    a = trend_chi_squared(v, v - half, v + half, time=[2019, 2020, 2021, 2022, 2023])
    b = trend_chi_squared(v, v - half, v + half)
    c = trend_chi_squared(v[::-1], (v - half)[::-1], (v + half)[::-1])
    assert a[0] == pytest.approx(b[0], rel=1e-12) == pytest.approx(c[0], rel=1e-12)
    assert a[1] == pytest.approx(-c[1], rel=1e-12)


def test_one_point_that_makes_the_trend_is_an_outlier():
    v = np.array([10.0, 10.1, 10.0, 9.9, 20.0])
    data = pd.DataFrame({"year": range(2019, 2024), "v": v, "lo": v - 0.1, "hi": v + 0.1})
    got = recent_trend(data, "year", value="v", lower_cl="lo", upper_cl="hi").iloc[0]
    assert got["chi_squared"] > 100
    assert got["recent_trend"] == "No significant change"
    assert got["reason"] == "a single point reverses the slope when left out (outlier)"


def test_only_the_most_recent_points_count():
    v = [50.0, 1, 2, 3, 4, 5]
    data = pd.DataFrame({"year": range(2018, 2024), "v": v, "lo": np.subtract(v, 0.5),
                         "hi": np.add(v, 0.5)})
    got = recent_trend(data, "year", value="v", lower_cl="lo", upper_cl="hi").iloc[0]
    assert got["year"] == 2023 and got["points"] == 5 and got["recent_trend"] == "Increasing"


def test_results_describe_themselves():
    data = pd.DataFrame({"g": ["a"] * 5, "year": range(5), "x": [10, 12, 14, 16, 18],
                         "n": [100] * 5})
    got = recent_trend(data, "year", by="g", method="proportion", x="x", n="n").iloc[0]
    assert got["confidence"] == "99.8%"
    assert got["statistic"] == "recent trend, 5 most recent points"
    assert got["method"] == "chi-squared test for trend in proportions"
    assert got["chi_squared"] == pytest.approx(proportion_trend_chi_squared(
        [10, 12, 14, 16, 18], [100] * 5)[0])


@pytest.mark.parametrize("change, warning, reason", [
    (lambda d: d.iloc[:4], TooFewValuesWarning, "fewer than 5 time periods"),
    (lambda d: d.assign(v=[1.0, np.nan, 3, 4, 5]), MissingDataWarning, "missing values"),
    (lambda d: d.assign(year=[1, 2, 3, 4, 4]), InvalidDataWarning, "duplicate time periods"),
    (lambda d: d.assign(lo=d["hi"]), InvalidDataWarning,
     "a zero-width or reversed confidence interval"),
])
def test_series_that_cannot_be_tested_say_why(change, warning, reason):
    v = np.array([1.0, 2, 3, 4, 5])
    data = change(pd.DataFrame({"year": [1, 2, 3, 4, 5], "v": v, "lo": v - 0.5, "hi": v + 0.5}))
    with pytest.warns(warning):
        got = recent_trend(data, "year", value="v", lower_cl="lo", upper_cl="hi").iloc[0]
    assert got["recent_trend"] == "Cannot be calculated"
    assert got["reason"] == reason and np.isnan(got["chi_squared"])


def test_a_proportion_of_zero_cannot_be_tested_and_can_raise():
    data = pd.DataFrame({"year": range(5), "x": [0, 1, 2, 3, 4], "n": [10] * 5})
    with pytest.warns(InvalidDataWarning, match="no log odds"):
        got = recent_trend(data, "year", method="proportion", x="x", n="n").iloc[0]
    assert got["recent_trend"] == "Cannot be calculated"
    with pytest.raises(ValueError, match="no log odds"):
        recent_trend(data, "year", method="proportion", x="x", n="n", invalid="raise")


@pytest.mark.parametrize("kwargs, message", [
    (dict(method="poisson", value="v"), "method must be 'weighted' or 'proportion'"),
    (dict(value="v"), "needs lower_cl=, upper_cl="),
    (dict(method="proportion", x="v"), "needs n="),
    (dict(value="v", lower_cl="v", upper_cl="v", polarity="up"), "polarity must be one of"),
    (dict(value="v", lower_cl="v", upper_cl="v", confidence=99.8), "Did you mean 0.998"),
])
def test_bad_options_are_refused(kwargs, message):
    data = pd.DataFrame({"year": range(5), "v": [1.0, 2, 3, 4, 5]})
    with pytest.raises(ValueError, match=message):
        recent_trend(data, "year", **kwargs)
