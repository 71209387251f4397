"""Assets vs vulnerabilities, the wellbeing x resilience quadrant and statistical neighbours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from measure_helpers import make_spec

from rescomm.measure import (
    IndexDataError,
    IndexSpecError,
    MissingScoreWarning,
    assets_vulnerabilities,
    build,
    statistical_neighbours,
    wellbeing_resilience_quadrant,
)
from rescomm.stats import wilson_ci


def _counts_data(n: int = 60, seed: int = 3) -> pd.DataFrame:
    """Areas with a count indicator ``x / pop`` and a plain indicator ``y``, two LAs/regions."""
    rng = np.random.default_rng(seed)
    pop = rng.integers(800, 3000, size=n)
    dep = rng.uniform(5, 60, size=n)
    x = rng.binomial(pop, 0.05 + dep / 600)
    return pd.DataFrame({
        "code": [f"X{i:04d}" for i in range(n)],
        "la": np.where(np.arange(n) % 3 == 0, "LA1", "LA2"),
        "region_code": np.where(np.arange(n) < n // 2, "R1", "R2"),
        "imd_score": dep, "x": x.astype(float), "pop": pop.astype(float),
        "y": 10 + 0.2 * dep + rng.normal(0, 1, size=n),
        "z": rng.normal(size=n), "w": rng.normal(size=n),
    })


def _spec(direction_x: int = -1, direction_y: int = 1, polarity: str = "higher_is_better"):
    return make_spec(
        polarity=polarity,
        groups=[{"id": "self", "weight": 1}, {"id": "support", "weight": 1},
                {"id": "systems", "weight": 1}],
        indicators=[
            {"id": "x", "column": "x", "parent": "self", "direction": direction_x,
             "denominator": {"column": "pop", "scale": 100}},
            {"id": "y", "column": "y", "parent": "support", "direction": direction_y},
            {"id": "z", "column": "z", "parent": "systems"},
            {"id": "w", "column": "w", "parent": "systems"},
        ],
        steps={"normalise": {"method": "minmax", "range": [0, 100]},
               "weights": {"method": "explicit", "on_unnormalised": "rescale"}})


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return _counts_data()


@pytest.fixture(scope="module")
def b(data):
    return build(_spec(), data)


def _one(table: pd.DataFrame, area: str, indicator: str) -> pd.Series:
    return table[(table["area_code"] == area) & (table["indicator"] == indicator)].iloc[0]


# ----------------------------------------------------------------------------- expectations

def test_count_indicators_are_compared_with_the_pooled_proportion_of_the_comparator(b, data):
    table = assets_vulnerabilities(b, comparator="la")
    for la in ("LA1", "LA2"):
        sel = data[data["la"] == la]
        pooled = sel["x"].sum() / sel["pop"].sum() * 100
        area = sel["code"].iloc[0]
        assert _one(table, area, "x")["expected"] == pytest.approx(pooled)


def test_count_indicators_use_the_wilson_interval_of_the_area(b, data):
    table = assets_vulnerabilities(b, confidence=0.998)
    row = _one(table, "X0005", "x")
    lo, hi = wilson_ci(data.at[5, "x"], data.at[5, "pop"], confidence=0.998)
    assert (row["lower"], row["upper"]) == (pytest.approx(lo * 100), pytest.approx(hi * 100))
    assert row["method"] == "wilson_ci_vs_expected"


def test_count_status_follows_the_interval_and_the_direction(b):
    table = assets_vulnerabilities(b)
    x = table[table["indicator"] == "x"]
    below = x["upper"] < x["expected"]  # fewer cases than expected: good, direction -1
    above = x["lower"] > x["expected"]
    inside = ~below & ~above
    assert (x.loc[below, "status"] == "asset").all()
    assert (x.loc[above, "status"] == "vulnerability").all()
    assert (x.loc[inside, "status"] == "as expected").all()
    assert below.any() and above.any()


def test_plain_indicators_use_standardised_residuals_from_the_comparator_mean(b, data):
    table = assets_vulnerabilities(b, comparator="region", confidence=0.95)
    y = data["y"].to_numpy()
    expected = data.groupby("region_code")["y"].transform("mean").to_numpy()
    r = y - expected
    z = r / r.std(ddof=1)
    got = table[table["indicator"] == "y"]
    np.testing.assert_allclose(got["statistic"].to_numpy(), z)
    np.testing.assert_array_equal(got["status"].to_numpy(),
                                  np.where(z > 1.959964, "asset",
                                           np.where(z < -1.959964, "vulnerability",
                                                    "as expected")))


def test_regression_expectation_is_the_least_squares_line_on_deprivation(b, data):
    table = assets_vulnerabilities(b, expected="regression")
    slope, intercept = np.polyfit(data["imd_score"], data["y"], 1)
    got = table[table["indicator"] == "y"]["expected"].to_numpy()
    np.testing.assert_allclose(got, intercept + slope * data["imd_score"].to_numpy())
    assert table.attrs["comparator"] == "regression on imd_score"


def test_regression_for_counts_is_weighted_by_the_denominator(b, data):
    table = assets_vulnerabilities(b, expected="regression")
    p = data["x"] / data["pop"]
    slope, intercept = np.polyfit(data["imd_score"], p, 1, w=np.sqrt(data["pop"]))
    got = table[table["indicator"] == "x"]["expected"].to_numpy() / 100
    np.testing.assert_allclose(got, intercept + slope * data["imd_score"].to_numpy())


def test_an_indicator_explained_exactly_by_deprivation_is_never_an_asset():
    data = _counts_data()
    data["y"] = 3 + 0.5 * data["imd_score"]
    table = assets_vulnerabilities(build(_spec(), data), expected="regression")
    assert set(table.loc[table["indicator"] == "y", "status"]) == {"as expected"}


def test_reversing_the_direction_swaps_assets_and_vulnerabilities(data):
    a = assets_vulnerabilities(build(_spec(-1, 1), data), comparator="la")
    b = assets_vulnerabilities(build(_spec(1, -1), data), comparator="la")
    swap = {"asset": "vulnerability", "vulnerability": "asset", "as expected": "as expected",
            "not compared": "not compared"}
    for ind in ("x", "y"):
        sa = a.loc[a["indicator"] == ind, "status"].map(swap).to_numpy()
        sb = b.loc[b["indicator"] == ind, "status"].to_numpy()
        np.testing.assert_array_equal(sa, sb)


def test_a_higher_is_worse_index_reverses_what_better_means(data):
    good = assets_vulnerabilities(build(_spec(-1, 1), data))
    bad = assets_vulnerabilities(build(_spec(-1, 1, polarity="higher_is_worse"), data))
    assert (good["better_is"].map({"higher": "lower", "lower": "higher"}).to_numpy()
            == bad["better_is"].to_numpy()).all()


def test_neighbour_comparator_uses_the_mean_of_each_areas_neighbours(b, data):
    nb = statistical_neighbours(data, ["imd_score"], k=4, code="code")
    table = assets_vulnerabilities(b, comparator="neighbours", neighbours=nb)
    mine = nb[nb["area_code"] == "X0007"]["neighbour_code"]
    sel = data.set_index("code").loc[mine]
    assert _one(table, "X0007", "y")["expected"] == pytest.approx(sel["y"].mean())
    assert _one(table, "X0007", "x")["expected"] == pytest.approx(
        sel["x"].sum() / sel["pop"].sum() * 100)
    assert table.attrs["comparator"] == "4 statistical neighbours"


def test_missing_values_are_not_compared():
    data = _counts_data()
    data.loc[4, "y"] = np.nan
    with pytest.warns(MissingScoreWarning, match="X0004"):
        b = build(_spec(), data)
    table = assets_vulnerabilities(b, areas=["X0004"])
    assert _one(table, "X0004", "y")["status"] == "not compared"


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"expected": "median"}, IndexSpecError, "expected must be one of"),
    ({"confidence": 95}, IndexSpecError, "confidence must be a fraction"),
    ({"comparator": "ward"}, IndexDataError, "comparator 'ward' needs column 'ward'"),
    ({"areas": ["E01999999"]}, IndexDataError, "E01999999 not in the build"),
    ({"expected": "regression", "deprivation": "imd"}, IndexDataError,
     "deprivation column 'imd' not in the data"),
])
def test_bad_options_are_refused_with_a_clear_message(b, kwargs, error, message):
    with pytest.raises(error, match=message):
        assets_vulnerabilities(b, **kwargs)


# ----------------------------------------------------------------------------- quadrant

def test_quadrant_cuts_each_axis_at_its_median(b):
    q = wellbeing_resilience_quadrant(b)
    wb = b.scores("self").to_numpy()
    res = (b.scores("support").to_numpy() + b.scores("systems").to_numpy()) / 2
    np.testing.assert_allclose(q["resilience_score"], res)
    assert q.attrs["wellbeing_cut"] == pytest.approx(np.median(wb))
    assert q.attrs["resilience_cut"] == pytest.approx(np.median(res))
    assert ((q["wellbeing"] == "high") == (wb >= np.median(wb))).all()
    assert (q["paradox"] == (q["wellbeing"] != q["resilience"])).all()
    assert q["quadrant"].isin(["high wellbeing, high resilience", "high wellbeing, low resilience",
                               "low wellbeing, high resilience",
                               "low wellbeing, low resilience"]).all()


def test_quadrant_refuses_an_unknown_node(b):
    with pytest.raises(IndexSpecError, match="node 'feelings' is not in framework"):
        wellbeing_resilience_quadrant(b, wellbeing="feelings")


# ----------------------------------------------------------------------------- neighbours

def _brute_force(data: pd.DataFrame, cols: list[str], k: int) -> dict[str, list[str]]:
    z = (data[cols] - data[cols].mean()) / data[cols].std(ddof=1)
    d = np.sqrt(((z.to_numpy()[:, None, :] - z.to_numpy()[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(d, np.inf)
    codes = data["code"].to_numpy()
    return {codes[i]: list(codes[np.argsort(d[i], kind="stable")[:k]]) for i in range(len(d))}


def test_neighbours_match_a_brute_force_distance_matrix(data):
    nb = statistical_neighbours(data, ["imd_score", "z", "x/pop"], k=5, code="code")
    frame = data.assign(rate=data["x"] / data["pop"])
    expected = _brute_force(frame, ["imd_score", "z", "rate"], 5)
    for area, group in nb.groupby("area_code"):
        assert list(group.sort_values("neighbour_rank")["neighbour_code"]) == expected[area]
    assert (nb["area_code"] != nb["neighbour_code"]).all()
    assert (nb.groupby("area_code")["distance"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_neighbours_do_not_depend_on_the_units_of_a_variable(data):
    a = statistical_neighbours(data, ["imd_score", "z"], k=3, code="code")
    b = statistical_neighbours(data.assign(imd_score=data["imd_score"] * 1000 + 7),
                               ["imd_score", "z"], k=3, code="code")
    pd.testing.assert_frame_equal(a[["area_code", "neighbour_code"]],
                                  b[["area_code", "neighbour_code"]])


def test_weighting_a_variable_scales_its_squared_distance(data):
    one = statistical_neighbours(data, ["imd_score"], k=1, code="code", areas=["X0001"])
    four = statistical_neighbours(data, ["imd_score"], k=1, code="code", areas=["X0001"],
                                  weights={"imd_score": 4})
    assert four["distance"].iloc[0] == pytest.approx(2 * one["distance"].iloc[0])


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    (["imd"], {}, "column 'imd' not in the data"),
    (["imd_score"], {"k": 60}, "k must be an integer from 1 to 59"),
    (["imd_score"], {"weights": {"z": 1}}, "weights given for variables not used"),
    (["imd_score"], {"weights": {"imd_score": 0}}, "must be positive"),
    (["a/b/c"], {}, "use a column name or 'numerator/denominator'"),
    (["imd_score"], {"areas": ["nowhere"]}, "nowhere not in the data"),
])
def test_bad_neighbour_requests_are_refused(data, args, kwargs, message):
    with pytest.raises(IndexDataError, match=message):
        statistical_neighbours(data, args, code="code", **kwargs)


def test_a_missing_neighbour_variable_names_the_areas(data):
    broken = data.copy()
    broken.loc[3, "z"] = np.nan
    with pytest.raises(IndexDataError, match=r"'z' is missing for 1 area\(s\) \(X0003\)"):
        statistical_neighbours(broken, ["z"], code="code")


def test_a_constant_neighbour_variable_is_refused(data):
    with pytest.raises(IndexDataError, match="'c' has zero variance"):
        statistical_neighbours(data.assign(c=1.0), ["c"], code="code")


def test_the_all_areas_comparator_is_named_for_what_the_build_covers():
    from rescomm.measure import coverage

    cm = ["E06000006", "E08000012"]
    assert coverage(["E01000001", "E01000002"], cm, "lsoa21") == "Cheshire & Merseyside"
    england = [f"E01{i:06d}" for i in range(33_755)]
    assert coverage(england, ["E09000001"] * 33_755, "lsoa21") == "England"
    assert coverage(england[:100], ["E09000001", "E09000002"] * 50, "lsoa21") == (
        "2 local authorities")
    assert coverage(["A", "B", "C"], None, "none") == "3 areas"
