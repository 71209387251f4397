import numpy as np
import pandas as pd
import pytest

from rescomm.stats import ZeroDenominatorWarning, expected_events, isr, phe_israte, phe_isratio, smr

ISR_COLS = ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def _inputs(phe):
    data = phe.sheet("testdata_DSR_ISR.xlsx", "testdata_multiarea")
    ref = phe.sheet("testdata_DSR_ISR.xlsx", "refdata")
    return data, ref


def _results(phe, statistic):
    res = phe.sheet("testdata_DSR_ISR.xlsx", "testresults_ISR")
    return res[res["statistic"] == statistic]


@pytest.mark.parametrize("multiplier, label", [
    (100_000, "indirectly standardised rate per 100000"),
    (1_000, "indirectly standardised rate per 1000"),
])
def test_isrates_match_phe(phe, multiplier, label):
    data, ref = _inputs(phe)
    got = phe_israte(data, "count", "pop", x_ref=ref["refcount"], n_ref=ref["refpop"],
                     by="area", confidence=(0.95, 0.998), multiplier=multiplier,
                     missing_count="zero").set_index("area")
    expected = _results(phe, label).set_index("area").loc[got.index]
    assert len(expected) == 3
    for col in ["observed", "expected", "ref_rate", *ISR_COLS]:
        np.testing.assert_allclose(got[col], expected[col].astype(float), rtol=1e-9)
    assert list(got["method"]) == list(expected["method"])


@pytest.mark.parametrize("multiplier, label", [
    (1, "indirectly standardised ratio x 1"),
    (100, "indirectly standardised ratio x 100"),
])
def test_isratios_match_phe(phe, multiplier, label):
    data, ref = _inputs(phe)
    got = phe_isratio(data, "count", "pop", x_ref=ref["refcount"], n_ref=ref["refpop"],
                      by="area", confidence=(0.95, 0.998), multiplier=multiplier,
                      missing_count="zero").set_index("area")
    expected = _results(phe, label).set_index("area")
    expected = expected[expected.index.str.startswith("testdata")].loc[got.index]
    assert len(expected) == 3
    for col in ISR_COLS:
        np.testing.assert_allclose(got[col], expected[col].astype(float), rtol=1e-9)


def test_observed_totals_can_replace_counts_by_band(phe):
    data, ref = _inputs(phe)
    totals = phe.sheet("testdata_DSR_ISR.xlsx", "testdata_multiarea_lookup")
    got = phe_israte(data.drop(columns="count"), "total_count", "pop", x_ref=ref["refcount"],
                     n_ref=ref["refpop"], by="area", observed_totals=totals).set_index("area")
    expected = _results(phe, "indirectly standardised rate per 100000").set_index("area")
    np.testing.assert_allclose(got["value"], expected.loc[got.index, "value"], rtol=1e-9)


def test_a_band_with_zero_population_contributes_nothing_as_in_phe(phe):
    data = phe.sheet("testdata_DSR_ISR.xlsx", "testdata_err2")
    _, ref = _inputs(phe)
    got = phe_israte(data, "count", "pop", x_ref=ref["refcount"], n_ref=ref["refpop"],
                     by="area").set_index("area")
    res = phe.sheet("testdata_DSR_ISR.xlsx", "testresults_ISR")
    res = res[res["area"].isin(["Area1", "Area2"])
              & (res["statistic"] == "indirectly standardised rate per 100000")]
    res = res.set_index("area")
    for col in ["expected", "value"]:
        np.testing.assert_allclose(got[col], res.loc[got.index, col], rtol=1e-9)
    np.testing.assert_allclose(got["lowercl"], res.loc[got.index, "lower95_0cl"], rtol=1e-9)
    np.testing.assert_allclose(got["uppercl"], res.loc[got.index, "upper95_0cl"], rtol=1e-9)


def test_isr_kernel_equals_smr_times_reference_rate():
    pop = np.array([[100.0, 200.0], [50.0, 80.0]])
    ref_count, ref_pop = np.array([10.0, 40.0]), np.array([1000.0, 2000.0])
    count = np.array([[3.0, 9.0], [1.0, 2.0]])
    e = expected_events(pop, ref_count, ref_pop)
    np.testing.assert_allclose(e, [5.0, 2.1])
    v_isr, lo_isr, up_isr = isr(count, pop, ref_count, ref_pop, multiplier=1)
    v_smr, lo_smr, up_smr = smr(count.sum(axis=1), e)
    rate = 50.0 / 3000.0
    np.testing.assert_allclose(v_isr, v_smr * rate)
    np.testing.assert_allclose(lo_isr, lo_smr * rate)
    np.testing.assert_allclose(up_isr, up_smr * rate)


def test_smr_with_zero_expected_warns():
    with pytest.warns(ZeroDenominatorWarning, match="zero expected count"):
        value, _, _ = smr([3, 4], [0, 2])
    assert np.isnan(value[0]) and value[1] == 2


def test_reference_of_the_wrong_length_is_refused(phe):
    data, ref = _inputs(phe)
    with pytest.raises(ValueError, match="x_ref length must equal the number of rows"):
        phe_isratio(data, "count", "pop", x_ref=ref["refcount"][:18], n_ref=ref["refpop"],
                    by="area", missing_count="zero")


def test_negative_population_is_refused():
    with pytest.raises(ValueError) as err:
        expected_events(pd.Series([1.0, -558.0]), [1, 1], [10, 10])
    assert str(err.value) == "pop must be >= 0; got -558 at position 1"
