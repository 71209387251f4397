import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from rescomm.stats import ApproximationWarning, ZeroDenominatorWarning, byars_ci, rate
from rescomm.stats._rate import exact_poisson_ci


def test_pure_byars_matches_phe_byars_wilson_workbook(phe):
    bw = phe.sheet("testdata_Byars_Wilson.xlsx", "testdata_B_W")
    rows = bw[bw["method"] == "Byars"]
    assert len(rows) == 7
    for row in rows.itertuples():
        level = 0.95 if row.confidence == "95%" else 0.998
        lower, upper = byars_ci(row.x, confidence=level, exact_below=0, negative_lower="ignore")
        assert upper == pytest.approx(row.uppercl, rel=1e-12)
        if pd.isna(row.lowercl):  # PHE returns NA where Byar's lower limit is negative
            assert np.isnan(lower)
        else:
            assert lower == pytest.approx(row.lowercl, rel=1e-12)


def test_negative_byars_lower_limit_warns():
    with pytest.warns(ApproximationWarning, match="Byar's lower limit below zero"):
        lower, _ = byars_ci(1, confidence=0.998, exact_below=0)
    assert np.isnan(lower)


@pytest.mark.parametrize("multiplier", [100, 100000])
def test_rate_table_matches_phe_rate_workbook(multiplier, phe):
    sheet = phe.sheet("testdata_Rate.xlsx", "testdata_Rate")
    expected = sheet[(sheet["multiplier"] == multiplier) & sheet["Numerator"].notna()
                     & sheet["Denominator"].notna()]
    assert len(expected) >= 8
    got = rate(expected, "Numerator", "Denominator", confidence=(0.95, 0.998),
               multiplier=multiplier)
    for col in ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]:
        np.testing.assert_allclose(got[col], expected[col].astype(float), rtol=1e-9)
    assert list(got["method"]) == list(expected["method"])


def test_grouped_rate_matches_phe_rate_g_sheet(phe):
    sheet = phe.sheet("testdata_Rate.xlsx", "testdata_Rate")
    inputs = sheet[(sheet["multiplier"] == 100000) & sheet["Numerator"].notna()
                   & sheet["Denominator"].notna()]
    expected = phe.sheet("testdata_Rate.xlsx", "testdata_Rate_g").set_index("Area")
    # Area12 is in both sheets once (250 / 220); the others are doubled in the grouped sheet.
    doubled = pd.concat([inputs, inputs[inputs["Area"] != "Area12"]])
    got = rate(doubled, "Numerator", "Denominator", by="Area").set_index("Area")
    idx = [a for a in expected.index if a in got.index]
    assert len(idx) == 9
    for col in ["value", "lowercl", "uppercl"]:
        np.testing.assert_allclose(got.loc[idx, col], expected.loc[idx, col].astype(float),
                                   rtol=1e-9)


def test_exact_interval_is_the_chi_square_formula():
    x = np.arange(0, 12)
    lower, upper = exact_poisson_ci(x, confidence=0.95)
    np.testing.assert_allclose(upper, chi2.ppf(0.975, 2 * x + 2) / 2, rtol=1e-12)
    np.testing.assert_allclose(lower[1:], chi2.ppf(0.025, 2 * x[1:]) / 2, rtol=1e-12)
    assert lower[0] == 0


def test_counts_below_ten_use_the_exact_interval():
    np.testing.assert_allclose(byars_ci(np.arange(10)), exact_poisson_ci(np.arange(10)))


def test_negative_counts_are_refused():
    with pytest.raises(ValueError) as err:
        byars_ci([3, -1])
    assert str(err.value) == "x must be >= 0; got -1 at position 1"


def test_rate_with_zero_population_warns():
    data = pd.DataFrame({"x": [3, 5], "n": [0, 100]})
    with pytest.warns(ZeroDenominatorWarning):
        got = rate(data, "x", "n")
    assert got.loc[0, ["value", "lowercl", "uppercl"]].isna().all()
    assert got.loc[1, "value"] == 5000


def test_rate_confidence_percentage_is_refused():
    with pytest.raises(ValueError, match="fraction between 0 and 1"):
        rate(pd.DataFrame({"x": [1], "n": [2]}), "x", "n", confidence=99.8)


def test_labels_are_categorical_and_a_missing_count_has_no_method():
    data = pd.DataFrame({"x": [3.0, 25.0, np.nan], "n": [1000.0, 2000.0, 1000.0]})
    got = rate(data, "x", "n")
    assert list(got["method"].astype(object).where(got["method"].notna(), None)) == [
        "Exact", "Byars", None]
    for col in ("confidence", "statistic", "method"):
        assert isinstance(got[col].dtype, pd.CategoricalDtype)
    assert (got["statistic"] == "rate per 100,000").all() and (got["confidence"] == "95%").all()
