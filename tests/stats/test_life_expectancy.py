import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtri
from tests.stats.conftest import phe_file
from tests.stats.rsource import r_value

from rescomm.stats import (
    InvalidDataWarning,
    SmallCountWarning,
    StatsWarning,
    TooFewValuesWarning,
    UnreliableEstimateWarning,
    ZeroDenominatorWarning,
    life_expectancy,
    phe_life_expectancy,
)

LIMITS = ["value", "lowercl", "uppercl"]
# PHE's published values have 8 decimal places (testLifeExpectancy.R compares at 4)
ATOL = 5.1e-9
Z = ndtri(0.975)


def assert_matches_published(got, expected, lo="lowercl", hi="uppercl", z_published=1.96):
    """Values to the published 8 decimals; limits too, once the z the published limits used
    is allowed for (answer1: 1.96, PHE's Life Expectancy Calculator; the R package's
    qnorm(0.975) = 1.95996398 moves them by ~5e-6, inside testLifeExpectancy.R's 4-decimal
    comparison, which is also checked)."""
    got, expected = got.reset_index(drop=True), expected.reset_index(drop=True)
    values = expected["value"].notna()
    np.testing.assert_allclose(got.loc[values, "value"], expected.loc[values, "value"],
                               rtol=0, atol=ATOL)
    se = (got[hi] - got[lo]) / (2 * Z)
    centre = (got[hi] + got[lo]) / 2
    np.testing.assert_allclose(centre - z_published * se, expected[lo], rtol=0, atol=ATOL)
    np.testing.assert_allclose(centre + z_published * se, expected[hi], rtol=0, atol=ATOL)
    np.testing.assert_allclose(got[[lo, hi]].round(4), expected[[lo, hi]].round(4), atol=1e-12)


@pytest.fixture
def r_test():
    path = phe_file("testLifeExpectancy.R")  # read in place; skips when absent
    return lambda name: r_value(path, name)


def _table(values: dict, **rename) -> pd.DataFrame:
    return pd.DataFrame(values).rename(columns=rename)


def _answer(r_test, name="answer1") -> pd.DataFrame:
    return pd.DataFrame(r_test(name))


def test_life_expectancy_matches_phe_at_every_age(r_test):
    got = phe_life_expectancy(_table(r_test("df1")), "deaths", "pops", startage="startage")
    expected = _answer(r_test)
    assert got.loc[0, "value"] == pytest.approx(80.16960813, abs=ATOL)
    assert got.loc[0, "lowercl"] == pytest.approx(79.88268548, abs=1e-5)
    assert got.loc[0, "uppercl"] == pytest.approx(80.45653078, abs=1e-5)
    assert_matches_published(got, expected)


def test_bands_in_any_row_order_give_the_same_result(r_test):
    got = phe_life_expectancy(_table(r_test("df2")), "deaths", "pops", startage="startage")
    assert_matches_published(got, _answer(r_test))


def test_text_band_labels_with_their_age_contents(r_test):
    contents = r_test("test4").kwargs["age_contents"]
    data = _table(r_test("df3"))
    got = phe_life_expectancy(data, "deaths", "pops", startage="startage",
                              age_contents=contents)
    assert_matches_published(got, _answer(r_test))
    assert got.loc[19, "statistic"] == "life expectancy at 90 +"
    with pytest.raises(ValueError, match="do not match age_contents"):
        phe_life_expectancy(data, "deaths", "pops", startage="startage")


def test_selected_ages_come_with_the_population_and_deaths_used(r_test):
    got = phe_life_expectancy(_table(r_test("df1")), "deaths", "pops", startage="startage",
                              le_age=[5, 25])
    cum = pd.DataFrame(r_test("df1_cum")).iloc[[2, 6]].reset_index(drop=True)
    assert_matches_published(got, _answer(r_test).iloc[[2, 6]])
    np.testing.assert_array_equal(got[["pops_used", "dths_used"]], cum)
    assert list(got["statistic"]) == ["life expectancy at 5", "life expectancy at 25"]
    assert set(got["confidence"]) == {"95%"}
    assert set(got["method"]) == {"Chiang, using Silcocks et al for confidence limits"}
    with pytest.raises(ValueError, match="le_age 4 is not one of the age bands"):
        phe_life_expectancy(_table(r_test("df1")), "deaths", "pops", startage="startage",
                            le_age=4)


def test_one_level_equals_the_same_level_among_several(r_test):
    data = _table(r_test("df1"))
    one = phe_life_expectancy(data, "deaths", "pops", startage="startage", confidence=0.998)
    two = phe_life_expectancy(data, "deaths", "pops", startage="startage",
                              confidence=(0.95, 0.998))
    np.testing.assert_array_equal(one[["lowercl", "uppercl"]],
                                  two[["lower99_8cl", "upper99_8cl"]])
    assert two.loc[0, "confidence"] == "95%, 99.8%"


def test_kernel_agrees_with_the_table_and_takes_many_areas(r_test):
    df1 = r_test("df1")
    d, p = np.array(df1["deaths"]), np.array(df1["pops"])
    value, lower, upper = life_expectancy(d, p)
    table = pd.DataFrame({"value": value, "lowercl": lower, "uppercl": upper})
    assert_matches_published(table, _answer(r_test))
    v2, _, _ = life_expectancy(np.tile(d, (3, 1)), np.tile(p, (3, 1)))
    assert v2.shape == (3, 20)
    np.testing.assert_array_equal(v2[2], value)


@pytest.mark.parametrize("name, warning, message", [
    ("df_neg_deaths", InvalidDataWarning, "negative deaths"),
    ("df_zero_pop", ZeroDenominatorWarning, "zero population"),
    ("df_deaths_greater_pops", InvalidDataWarning, "more deaths than population"),
    ("df_low_pops", SmallCountWarning, "total population of 5,000 or less"),
])
def test_unusable_tables_give_nan_with_phe_s_warning(r_test, name, warning, message):
    with pytest.warns(warning, match=message):
        got = phe_life_expectancy(_table(r_test(name)), "deaths", "pop", startage="age")
    assert got[LIMITS].isna().all().all() and len(got) == 20


def test_a_missing_age_band_gives_nan(r_test):
    short = [int(a) for a in r_test("age_contents_short")]
    with pytest.warns(TooFewValuesWarning, match="one row for each of the 20 age bands"):
        got = phe_life_expectancy(_table(r_test("df_missing_age")), "deaths", "pop",
                                  startage="age", age_contents=short)
    assert got[LIMITS].isna().all().all()


def test_wide_intervals_suppress_the_value_but_keep_the_limits(r_test):
    # testLifeExpectancy.R sets Area 1's 90+ deaths to 312 (> its population of 311)
    data = _table(r_test("df_widecis_plus"))
    data.loc[(data["area"] == "Area 1") & (data["startage"] == 90), "deaths"] = 312
    with pytest.warns(UnreliableEstimateWarning, match="wider than 20 years"), \
            pytest.warns(InvalidDataWarning, match="more deaths than population"):
        got = phe_life_expectancy(data, "deaths", "pops", startage="startage", by="area",
                                  confidence=(0.95, 0.998))
    expected = _answer(r_test, "answer_widecis")  # Area 2's 20 ages, then Area 1's NAs
    area2 = got[got["area"] == "Area 2"].reset_index(drop=True)
    cols = ["value", "lower95_0cl", "upper95_0cl"]
    # these limits were published with z = 1.959964 (qnorm(0.975) to 6 decimals)
    assert_matches_published(area2, expected.iloc[:20], "lower95_0cl", "upper95_0cl",
                             z_published=1.959964)
    assert area2["value"].isna().sum() == 11 and area2["lower95_0cl"].notna().all()
    assert got[got["area"] == "Area 1"][cols].isna().all().all()


def test_each_group_is_judged_on_its_own(r_test):
    data = _table(r_test("df_grouped_with_warnings"))
    with pytest.warns(StatsWarning) as record:
        got = phe_life_expectancy(data, "deaths", "pop", startage="age", by="area")
    messages = " ".join(str(w.message) for w in record)
    for text in ("negative deaths", "negative population", "more deaths than population",
                 "5,000 or less", "one row for each of the 20 age bands"):
        assert text in messages
    finite = got.groupby("area")["value"].apply(lambda s: s.notna().all())
    assert finite.to_dict() == {"Deaths more than pops": False, "Good data": True,
                                "Low pops": False, "Missing age band": False,
                                "Negative deaths": False, "Negative pops": False}


def test_age_contents_are_checked_like_phe(r_test):
    data = _table(r_test("df3"))
    bad_order = ["0", "1 4", "5 9", "20 24", "25 29", "10 14", "15 19", "30 34", "35 39",
                 "40 44", "45 49", "50 54", "55 59", "60 64", "65 69", "70 74", "75 79",
                 "80 84", "85 89", "90+"]
    with pytest.raises(ValueError, match="out of position: 20 24, 25 29, 10 14, 15 19"):
        phe_life_expectancy(data, "deaths", "pops", startage="startage",
                            age_contents=bad_order)
    with pytest.raises(ValueError, match="must start at 0"):
        phe_life_expectancy(data, "deaths", "pops", startage="startage",
                            age_contents=[1, 0, *range(5, 95, 5)])


def test_no_deaths_in_the_final_band_is_a_small_count():
    deaths = np.full(20, 10.0)
    deaths[-1] = 0
    with pytest.warns(SmallCountWarning, match="no deaths in the final"):
        value, lower, _ = life_expectancy(deaths, np.full(20, 5000.0))
    assert np.isnan(value).all() and np.isnan(lower).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=1e-4, max_value=0.2), min_size=20, max_size=20),
       st.integers(min_value=20_000, max_value=200_000))
def test_intervals_contain_the_life_expectancy_for_any_mortality(rates, people):
    pop = np.full(20, float(people))
    deaths = np.round(np.array(rates) * pop)
    deaths[-1] = max(deaths[-1], 1.0)
    value, lower, upper = life_expectancy(deaths, pop, unreliable="ignore")
    ok = ~np.isnan(value)
    assert (lower[ok] <= value[ok]).all() and (value[ok] <= upper[ok]).all()
    assert (value[ok] >= 0).all()
    many, _, _ = life_expectancy(np.tile(deaths, (2, 1)), np.tile(pop, (2, 1)),
                                 unreliable="ignore")
    np.testing.assert_array_equal(many[1], value)
