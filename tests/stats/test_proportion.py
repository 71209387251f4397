import warnings

import numpy as np
import pandas as pd
import pytest

from rescomm.stats import ZeroDenominatorWarning, proportion, wilson_ci


def _prop_sheet(phe):
    return phe.sheet("testdata_Proportion.xlsx", "testdata_Prop")


def test_wilson_ci_matches_phe_byars_wilson_workbook(phe):
    bw = phe.sheet("testdata_Byars_Wilson.xlsx", "testdata_B_W")
    rows = bw[bw["method"] == "Wilson"]
    assert len(rows) == 6
    for row in rows.itertuples():
        level = 0.95 if row.confidence == "95%" else 0.998
        lower, upper = wilson_ci(row.x, row.n, confidence=level)
        assert lower == pytest.approx(row.lowercl, rel=1e-12)
        assert upper == pytest.approx(row.uppercl, rel=1e-12)


@pytest.mark.parametrize("multiplier", [1, 100])
def test_proportion_table_matches_phe_at_95_and_998(multiplier, phe):
    sheet = _prop_sheet(phe)
    expected = sheet[(sheet["multiplier"] == multiplier) & sheet["Numerator"].notna()
                     & sheet["Denominator"].notna()]
    assert len(expected) == 8
    got = proportion(expected, "Numerator", "Denominator", confidence=(0.95, 0.998),
                     multiplier=multiplier)
    for col in ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]:
        np.testing.assert_allclose(got[col], expected[col].astype(float), rtol=1e-9)
    assert set(got["statistic"]) == {expected["statistic"].iloc[0]}
    assert set(got["method"]) == {"Wilson"}
    assert set(got["confidence"]) == {"95%, 99.8%"}


def test_grouped_proportion_sums_within_groups_like_phe(phe):
    sheet = _prop_sheet(phe)
    inputs = sheet[(sheet["multiplier"] == 1)]
    doubled = inputs.assign(Area=inputs["Area"])  # each area twice -> sums double
    import pandas as pd

    data = pd.concat([doubled, doubled])
    got = proportion(data, "Numerator", "Denominator", by="Area")
    expected = phe.sheet("testdata_Proportion.xlsx", "testdata_Prop_g").set_index("Area")
    expected = expected[expected["Numerator"].notna() & expected["Denominator"].notna()]
    assert len(expected) == 8
    got = got.set_index("Area").loc[expected.index]
    for col in ["value", "lowercl", "uppercl"]:
        np.testing.assert_allclose(got[col], expected[col].astype(float), rtol=1e-9)
    assert (got["confidence"] == "95%").all()


def test_missing_numerator_or_denominator_gives_missing_results(phe):
    sheet = _prop_sheet(phe)
    missing = sheet[sheet["Numerator"].isna() | sheet["Denominator"].isna()]
    got = proportion(missing, "Numerator", "Denominator")
    assert got[["value", "lowercl", "uppercl"]].isna().all().all()


def test_scalars_in_give_floats_out():
    lower, upper = wilson_ci(1, 100)
    assert isinstance(lower, float) and isinstance(upper, float)


def test_confidence_given_as_a_percentage_is_refused():
    with pytest.raises(ValueError, match=r"Did you mean 0\.95\?"):
        wilson_ci(1, 100, confidence=95)


def test_confidence_message_is_exact():
    with pytest.raises(ValueError) as err:
        wilson_ci(1, 100, confidence=95)
    assert str(err.value) == (
        "confidence must be a fraction between 0 and 1 (e.g. 0.95 for 95%); got 95. "
        "Did you mean 0.95?"
    )


def test_negative_count_is_refused_with_its_position():
    with pytest.raises(ValueError) as err:
        wilson_ci([1, -2], [10, 10])
    assert str(err.value) == "x must be >= 0; got -2 at position 1"


def test_numerator_above_denominator_is_refused():
    with pytest.raises(ValueError) as err:
        wilson_ci([5, 11], [10, 10])
    assert str(err.value) == "x must be <= n for a proportion; got x=11 > n=10 at position 1"


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError) as err:
        wilson_ci([1, 2, 3], [10, 10])
    assert str(err.value) == "mismatched lengths: x has shape (3,), n has shape (2,)"


def test_zero_denominator_warns_and_gives_nan_by_default():
    with pytest.warns(ZeroDenominatorWarning, match="zero denominator in 1 element"):
        lower, upper = wilson_ci([0, 1], [0, 10])
    assert np.isnan(lower[0]) and np.isnan(upper[0])
    assert lower[1] > 0


def test_zero_denominator_can_raise():
    with pytest.raises(ValueError) as err:
        wilson_ci([0, 1], [0, 10], zero_denominator="raise")
    assert str(err.value) == (
        "zero denominator in 1 element(s) (first at position 0); pass zero_denominator='warn' "
        "to return NaN for them instead"
    )


def test_zero_denominator_can_be_ignored_explicitly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lower, _ = wilson_ci(0, 0, zero_denominator="ignore")
    assert np.isnan(lower)


def test_the_result_is_a_copy_that_keeps_the_input_columns_and_their_types():
    data = pd.DataFrame({"area": pd.Categorical(["a", "b"]), "x": [3.0, 4.0],
                         "n": [10.0, 20.0], "when": pd.to_datetime(["2024-01-01", "2025-01-01"])})
    got = proportion(data, "x", "n")
    assert list(got.columns[:4]) == ["area", "x", "n", "when"]
    assert (got.dtypes[:4] == data.dtypes).all()
    got.loc[0, "x"] = 99.0
    assert data.loc[0, "x"] == 3.0
    repeated = pd.DataFrame([[3.0, 10.0, 1, 2]], columns=["x", "n", "note", "note"])
    assert list(proportion(repeated, "x", "n").columns[:5]) == ["x", "n", "note", "note",
                                                                "value"]
