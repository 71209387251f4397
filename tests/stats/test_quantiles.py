import numpy as np
import pandas as pd
import pytest

from rescomm.stats import TooFewValuesWarning, phe_quantile, quantile_of


def _quantile_data(phe):
    data = phe.sheet("testdata_Quantiles.xlsx", "testdata_Quantiles")
    good = data[data["Test"].str.startswith("Good")].copy()
    # PHE's fixture maps polarity to invert: low is good -> invert (quantile 1 = highest).
    good["invert"] = good["Polarity"].map(
        {"RAG - Low is good": True, "RAG - High is good": False, True: True, False: False}
    ).astype(bool)
    good["Value"] = good["Value"].astype(float)
    return good


def _same(got: pd.Series, expected: pd.Series) -> None:
    np.testing.assert_array_equal(got.to_numpy(float), expected.to_numpy(float))


def test_regional_deciles_with_polarity_field_match_phe(phe):
    data = _quantile_data(phe)
    subset = data[data["GroupSet"] == "IndSexReg"]
    assert len(subset) == 339
    with pytest.warns(TooFewValuesWarning, match="fewer values than the 10 quantiles"):
        got = phe_quantile(subset, "Value", by=["IndSexRef", "ParentCode"], invert="invert")
    _same(got["quantile"], subset["QuantileInGrp"])
    assert got["groupvars"].iloc[0] == "IndSexRef, ParentCode"


def test_septiles_within_indicator_match_phe(phe):
    data = _quantile_data(phe)
    subset = data[data["GroupSet"] == "IndSex"]
    assert len(subset) == 152
    got = phe_quantile(subset, "Value", by="IndSexRef", invert="invert", nquantiles=7)
    _same(got["quantile"], subset["QuantileInGrp"])


def test_ungrouped_quartiles_with_default_inversion_match_phe(phe):
    data = _quantile_data(phe)
    subset = data[data["GroupSet"] == "None"]
    assert len(subset) == 491
    got = phe_quantile(subset, "Value", nquantiles=4)
    _same(got["quantile"], subset["QuantileInGrp"])
    assert (got["qinverted"] == "lowest quantile represents highest values").all()


def test_kernel_agrees_with_the_table_wrapper(phe):
    data = _quantile_data(phe)
    subset = data[data["GroupSet"] == "None"]
    assert len(subset) == 491
    _same(pd.Series(quantile_of(subset["Value"], nquantiles=4)), subset["QuantileInGrp"])


def test_too_few_values_for_the_quantiles_is_a_policy():
    with pytest.warns(TooFewValuesWarning):
        q = quantile_of([1.0, 2.0, 3.0], nquantiles=5)
    assert np.isnan(q).all()
    with pytest.raises(ValueError, match="fewer values than the 5 quantiles"):
        quantile_of([1.0, 2.0, 3.0], nquantiles=5, too_few="raise")


def test_invert_false_puts_lowest_values_in_quantile_one():
    q = quantile_of(np.arange(10.0), nquantiles=5, invert=False)
    np.testing.assert_array_equal(q, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])


def test_invert_column_must_be_constant_within_groups():
    data = pd.DataFrame({"g": ["a", "a"], "v": [1.0, 2.0], "inv": [True, False]})
    with pytest.raises(ValueError, match="must take the same value within each group"):
        phe_quantile(data, "v", by="g", invert="inv", nquantiles=2)
