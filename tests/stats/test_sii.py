import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri

from rescomm.stats import (
    InvalidDataWarning,
    MissingDataWarning,
    TooFewValuesWarning,
    UnreliableEstimateWarning,
    ZeroDenominatorWarning,
    phe_sii,
    sii,
)

BY = ["Area", "Grouping1", "Grouping2"]
CLS = dict(lower_cl="LowerCL", upper_cl="UpperCL")
SE = dict(se="StandardError")
# PHE's testSII.R compares its simulated limits with expect_equal(tolerance = 0.05): per
# column, sum(|got - expected|) / sum(|expected|) must stay below 5%.
PHE_TOLERANCE = 0.05


@pytest.fixture(scope="module")
def workbook():
    from tests.stats.conftest import read_sheet

    return read_sheet("testdata_SII.xlsx", "testdata_SII")


def _rows(sheet, first, last):
    return sheet[(sheet["RecordNo"] >= first) & (sheet["RecordNo"] <= last)]


# (input rows, options, first row of the expected results, number of levels) as in PHE's
# testSII.R, with the repetitions it uses (10,000, or 100,000 for the rows 41-60 case).
CASES = {
    "normal, se": ((1, 20), dict(value="Value", **SE), 1),
    "normal, limits": ((1, 20), dict(value="Value", **CLS), 1),
    "normal, intercept": ((1, 20), dict(value="Value", intercept=True, **CLS), 246),
    "normal, 99%": ((21, 40), dict(value="Value", confidence=0.99, **CLS), 21),
    "normal, 95% and 99%": ((226, 245), dict(value="Value", confidence=(0.95, 0.99), **SE),
                            226),
    "normal, 100,000 repetitions": ((41, 60), dict(value="Value", repetitions=100_000, **SE),
                                    41),
    "rate, se": ((71, 90), dict(value="Value", value_type=1, **SE), 71),
    "rate, limits": ((71, 90), dict(value="Value", value_type=1, **CLS), 71),
    "rate, intercept": ((71, 90), dict(value="Value", value_type=1, intercept=True, **CLS),
                        266),
    "rate, log": ((306, 325), dict(value="Value", value_type=1, transform=True,
                                   intercept=True, **CLS), 306),
    "rate, log, multiplier -1": ((386, 405), dict(value="Value", value_type=1, transform=True,
                                                  multiplier=-1, intercept=True, **CLS), 386),
    "rate, log, 98%": ((406, 425), dict(value="Value", value_type=1, transform=True,
                                        confidence=0.98, intercept=True, **CLS), 406),
    "rate, log, 95% and 98%": ((366, 385), dict(value="Value", value_type=1, transform=True,
                                                confidence=(0.95, 0.98), intercept=True,
                                                **CLS), 366),
    "rate, log, no rii": ((426, 445), dict(value="Value", value_type=1, transform=True,
                                           rii=False, **CLS), 426),
    "proportion, se": ((91, 110), dict(value="Value", value_type=2, **SE), 91),
    "proportion, limits": ((91, 110), dict(value="Value", value_type=2, **CLS), 91),
    "proportion, from counts": ((91, 110), dict(x="Count", value_type=2, **CLS), 91),
    # testSII.R runs the proportion rows as a rate here: the untransformed point estimates
    # do not depend on the value type
    "proportion rows as a rate, intercept": ((91, 110), dict(value="Value", value_type=1,
                                                             intercept=True, **CLS), 286),
    "proportion, x 100": ((111, 130), dict(value="Value", value_type=2, multiplier=100, **CLS),
                          111),
    "proportion, x 100, no rii": ((111, 130), dict(value="Value", value_type=2, multiplier=100,
                                                   rii=False, **CLS), 111),
    "proportion, x -100": ((131, 150), dict(value="Value", value_type=2, multiplier=-100,
                                            **CLS), 131),
    "proportion, x -100, no rii": ((131, 150), dict(value="Value", value_type=2,
                                                    multiplier=-100, rii=False, **CLS), 131),
    "proportion, logit": ((326, 345), dict(value="Value", value_type=2, transform=True,
                                           intercept=True, **CLS), 326),
    "proportion, logit, multiplier -1": ((346, 365), dict(value="Value", value_type=2,
                                                          transform=True, multiplier=-1,
                                                          intercept=True, **CLS), 346),
    "proportion, logit, 98%": ((466, 485), dict(value="Value", value_type=2, transform=True,
                                                confidence=0.98, intercept=True, **CLS), 466),
    "proportion, logit, 95% and 98%": ((486, 505), dict(value="Value", value_type=2,
                                                        transform=True,
                                                        confidence=(0.95, 0.98),
                                                        intercept=True, **CLS), 486),
    "proportion, logit, no rii": ((446, 465), dict(value="Value", value_type=2,
                                                   transform=True, rii=False, **CLS), 446),
}


def _mean_relative_difference(got, expected):
    return np.abs(got - expected).sum() / np.abs(expected).sum()


@pytest.mark.parametrize("case", list(CASES))
def test_sii_matches_phe_workbook(workbook, case):
    (first, last), options, result_row = CASES[case]
    options = {"rii": True, "repetitions": 10_000, **options}
    data = _rows(workbook, first, last)
    got = phe_sii(data, "Quantile", "Population", by=BY, seed=2019, **options)
    expected = _rows(workbook, result_row, result_row + 10)
    expected = expected[expected["sii"].notna()].reset_index(drop=True)
    assert list(got["Area"]) == list(expected["Area"]) == ["area1", "area2"]
    confidence = options.get("confidence", 0.95)
    levels = len(confidence) if isinstance(confidence, tuple) else 1
    suffixes = ["95_0", "99_0" if 0.99 in np.atleast_1d(confidence) else "98_0"]
    for stat in ["sii", "rii"] if options["rii"] else ["sii"]:
        # point estimates: exact (closed-form least squares against PHE's lm)
        np.testing.assert_allclose(got[stat], expected[stat].astype(float), rtol=1e-6, atol=0)
        for j in range(levels):
            names = ("lowercl", "uppercl") if levels == 1 else (
                f"lower{suffixes[j]}cl", f"upper{suffixes[j]}cl")
            for ours, side in zip(names, ("lowercl", "uppercl"), strict=True):
                exp = expected[f"{stat}_{side}_{j + 1}"].astype(float).to_numpy()
                diff = _mean_relative_difference(got[f"{stat}_{ours}"].to_numpy(), exp)
                assert diff < PHE_TOLERANCE, (stat, ours, diff)
    if options.get("intercept"):
        np.testing.assert_allclose(got["intercept"], expected["Intercept"].astype(float),
                                   rtol=1e-6)
    else:
        assert "intercept" not in got


def test_quintile_sii_matches_phe(workbook):
    data = _rows(workbook, 61, 70)
    got = phe_sii(data, "Quantile", "Population", by=BY, value="Value", se="StandardError",
                  repetitions=10_000, seed=1)
    expected = data[data["sii"].notna()]
    np.testing.assert_allclose(got["sii"], expected["sii"].astype(float), rtol=1e-6)


def test_ungrouped_table_gives_one_row_like_phe(workbook):
    data = _rows(workbook, 1, 10)
    got = phe_sii(data, "Quantile", "Population", value="Value", rii=True, repetitions=10_000,
                  seed=5, **CLS)
    assert len(got) == 1
    assert got.loc[0, "sii"] == pytest.approx(data["sii"].iloc[0], rel=1e-9)
    assert got.loc[0, "rii"] == pytest.approx(data["rii"].iloc[0], rel=1e-9)


def test_results_describe_themselves(workbook):
    got = phe_sii(_rows(workbook, 306, 325), "Quantile", "Population", by=BY, value="Value",
                  value_type=1, transform=True, multiplier=-1, repetitions=1000, seed=1,
                  confidence=(0.95, 0.998), **CLS)
    row = got.iloc[0]
    assert row["indicator_type"] == "rate" and row["transform"] == "log"
    assert row["multiplier"] == -1 and row["confidence"] == "95%, 99.8%"
    assert row["statistic"] == "slope index of inequality"
    assert row["method"] == "Low & Low weighted regression; simulation, 1000 repetitions"
    assert {"sii_lower95_0cl", "sii_upper99_8cl"} <= set(got.columns)


def test_same_seed_same_limits_whatever_the_number_of_threads(workbook):
    data = _rows(workbook, 71, 90)
    kwargs = dict(by=BY, value="Value", value_type=1, rii=True, repetitions=2000, seed=7, **CLS)
    one = phe_sii(data, "Quantile", "Population", workers=1, **kwargs)
    two = phe_sii(data, "Quantile", "Population", workers=2, **kwargs)
    pd.testing.assert_frame_equal(one, two)
    other = phe_sii(data, "Quantile", "Population", **{**kwargs, "seed": 8})
    assert (other["sii_lowercl"] != one["sii_lowercl"]).all()


def test_simulated_limits_converge_to_the_normal_quantiles_of_the_slope():
    # value type 0: the slope is linear in the values, so its exact distribution is normal
    # with variance sum(h^2 se^2); the Monte Carlo limits must approach its quantiles.
    rng = np.random.default_rng(0)
    pop = rng.integers(1000, 9000, 10).astype(float)
    value = 70 + np.arange(10) * 0.8 + rng.normal(0, 0.5, 10)
    se = rng.uniform(0.2, 1.5, 10)
    a = pop / pop.sum()
    b = np.cumsum(a) - a / 2
    bbar = (a * b).sum()
    h = a * (b - bbar) / ((a * b * b).sum() - bbar**2)
    slope, sd = (h * value).sum(), np.sqrt((h * h * se * se).sum())
    out = sii(value, pop, se=se, repetitions=400_000, seed=3, confidence=0.95)
    z = ndtri(0.975)
    assert out["sii"] == pytest.approx(slope, rel=1e-12)
    assert out["sii_lowercl"] == pytest.approx(slope - z * sd, abs=0.02 * sd)
    assert out["sii_uppercl"] == pytest.approx(slope + z * sd, abs=0.02 * sd)


def test_reliability_statistic_gives_small_mean_absolute_differences(workbook):
    got = phe_sii(_rows(workbook, 1, 20), "Quantile", "Population", by=BY, value="Value",
                  rii=True, reliability_stat=True, repetitions=1000, seed=1, **CLS)
    assert {"sii_mad", "rii_mad"} <= set(got.columns)
    width = got["sii_uppercl"] - got["sii_lowercl"]
    assert ((got["sii_mad"] > 0) & (got["sii_mad"] < 0.1 * width)).all()


def test_sii_of_real_life_expectancy_deciles_agrees_with_numpy_least_squares(phe):
    # LE_testdata.csv: life expectancy by IMD decile for 362 areas and 2 sexes (the data of
    # PHEindicatormethods' LE_data); 18 area-sex groups lack a decile.
    data = phe.csv("LE_testdata.csv")
    with pytest.warns(TooFewValuesWarning, match="without a row for each of the 10 quantiles"):
        got = phe_sii(data, "Decile", "Pop", by=["GeoCode", "Sex"], value="LifeExp",
                      se="SE", repetitions=1000, seed=1)
    counts = data.groupby(["GeoCode", "Sex"]).size().to_numpy()
    assert np.isnan(got["sii"].to_numpy()[counts < 10]).all()
    complete = data.groupby(["GeoCode", "Sex"]).filter(lambda g: len(g) == 10)
    assert (counts < 10).sum() == len(got) - complete.groupby(["GeoCode", "Sex"]).ngroups > 0
    indexed = got.set_index(["GeoCode", "Sex"])
    for (code, sex), g in list(complete.groupby(["GeoCode", "Sex"]))[::25]:
        g = g.sort_values("Decile")
        a = g["Pop"].to_numpy() / g["Pop"].sum()
        b = np.cumsum(a) - a / 2
        design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])
        coef = np.linalg.lstsq(design, g["LifeExp"].to_numpy() * np.sqrt(a), rcond=None)[0]
        assert indexed.loc[(code, sex), "sii"] == pytest.approx(coef[1], rel=1e-10)


def test_a_group_without_every_quantile_is_nan_with_a_warning(workbook):
    data = _rows(workbook, 1, 20)
    data = data[data["RecordNo"] != 16]
    with pytest.warns(TooFewValuesWarning, match="a group without a row for each"):
        got = phe_sii(data, "Quantile", "Population", by=BY, value="Value", repetitions=1000,
                      seed=1, **CLS)
    assert np.isfinite(got.loc[0, "sii"]) and np.isnan(got.loc[1, "sii"])
    with pytest.raises(ValueError, match="a group without a row"):
        phe_sii(data, "Quantile", "Population", by=BY, value="Value", repetitions=1000,
                too_few="raise", **CLS)


def test_fewer_than_five_quantiles_is_a_policy(workbook):
    with pytest.warns(TooFewValuesWarning, match="fewer than 5 quantiles"):
        got = phe_sii(_rows(workbook, 1, 3), "Quantile", "Population", value="Value",
                      repetitions=1000, **CLS)
    assert np.isnan(got.loc[0, "sii"])


def test_more_than_ten_quantiles_warns_but_computes(workbook):
    with pytest.warns(UnreliableEstimateWarning, match="more than 10 quantiles"):
        got = phe_sii(_rows(workbook, 211, 225), "Quantile", "Population", value="Value",
                      repetitions=1000, seed=1, **CLS)
    assert np.isfinite(got.loc[0, "sii"])


def test_missing_limits_and_standard_errors_are_a_policy(workbook):
    data = _rows(workbook, 191, 200)
    for kwargs in (CLS, SE):
        with pytest.warns(MissingDataWarning, match="a missing value, population"):
            got = phe_sii(data, "Quantile", "Population", value="Value", repetitions=1000,
                          **kwargs)
        assert np.isnan(got.loc[0, "sii"])
    with pytest.raises(ValueError, match="missing"):
        phe_sii(data, "Quantile", "Population", value="Value", repetitions=1000,
                missing="raise", **SE)


def test_zero_count_for_a_proportion_is_outside_the_logit(workbook):
    data = _rows(workbook, 166, 170)
    with pytest.warns(InvalidDataWarning, match="exactly 0 or 1, which has no logit"):
        got = phe_sii(data, "Quantile", "Population", x="Count", value_type=2,
                      repetitions=1000, **SE)
    assert np.isnan(got.loc[0, "sii"])


def test_a_rate_of_zero_has_no_logarithm():
    pop = np.full(5, 1000.0)
    with pytest.warns(InvalidDataWarning, match="rate <= 0"):
        out = sii([0.0, 1, 2, 3, 4], pop, lower_cl=[0.0, 0.5, 1, 2, 3],
                  upper_cl=[1.0, 2, 3, 4, 5], value_type=1, repetitions=1000)
    assert np.isnan(out["sii"])


def test_zero_population_is_a_policy():
    with pytest.warns(ZeroDenominatorWarning, match="zero population"):
        out = sii([1.0, 2, 3, 4, 5], [10.0, 0, 10, 10, 10], se=np.ones(5), repetitions=1000)
    assert np.isnan(out["sii"])


@pytest.mark.parametrize("rows, kwargs, message", [
    ((151, 160), dict(value="Value", **SE), "population must be >= 0; got -200"),
    ((161, 165), dict(value="Value", **SE), "se must be >= 0; got -5"),
    ((1, 20), dict(value="Value", value_type=2, **SE), "proportions .* between 0 and 1"),
    ((171, 175), dict(value="Value", value_type=2, **CLS), "upper_cl of a proportion"),
    ((176, 180), dict(value="Value", value_type=2, **CLS), "lower_cl of a proportion"),
])
def test_invalid_inputs_are_refused_as_phe_does(workbook, rows, kwargs, message):
    with pytest.raises(ValueError, match=message):
        phe_sii(_rows(workbook, *rows), "Quantile", "Population", by=BY, repetitions=1000,
                **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    (dict(value="Value", value_type=3, **SE), "value_type must be 0"),
    (dict(value="Value", transform=True, **CLS), "transform=True needs value_type 1"),
    (dict(value="Value", value_type=1, transform=True, **SE), "needs lower_cl and upper_cl"),
    (dict(value="Value", lower_cl="LowerCL"), "give se, or both lower_cl and upper_cl"),
    (dict(value="Value", repetitions=500, **SE), "repetitions must be an integer >= 1000"),
    (dict(value_type=0, x="Count", **SE), "needs value=, or x= for a proportion"),
    (dict(value="Value", confidence=99, **SE), "Did you mean 0.99"),
])
def test_inconsistent_options_are_refused(workbook, kwargs, message):
    with pytest.raises(ValueError, match=message):
        phe_sii(_rows(workbook, 1, 20), "Quantile", "Population", by=BY, **kwargs)
