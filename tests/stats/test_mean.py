import numpy as np
import pytest

from rescomm.stats import TooFewValuesWarning, mean_ci, phe_mean

COLS = ["value_sum", "value_count", "stdev", "value",
        "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def test_grouped_means_match_phe(phe):
    data = phe.sheet("testdata_Mean.xlsx", "testdata_Mean")
    expected = phe.sheet("testdata_Mean.xlsx", "testdata_Mean_results").set_index("area")
    got = phe_mean(data, "values", by="area", confidence=(0.95, 0.998)).set_index("area")
    for col in COLS:
        np.testing.assert_allclose(got[col], expected.loc[got.index, col].astype(float),
                                   rtol=1e-9)
    assert set(got["method"]) == {"Student's t-distribution"}


def test_ungrouped_mean_matches_phe_no_grouping_row(phe):
    data = phe.sheet("testdata_Mean.xlsx", "testdata_Mean")
    expected = phe.sheet("testdata_Mean.xlsx", "testdata_Mean_results").set_index("area")
    row = expected.loc["No grouping"]
    mean, lower, upper = mean_ci(data["values"], confidence=0.95)
    assert mean == pytest.approx(row["value"], rel=1e-12)
    assert lower == pytest.approx(row["lower95_0cl"], rel=1e-9)
    assert upper == pytest.approx(row["upper95_0cl"], rel=1e-9)


def test_a_single_value_has_no_interval_and_warns():
    with pytest.warns(TooFewValuesWarning, match="fewer than 2 values"):
        mean, lower, upper = mean_ci([4.0])
    assert mean == 4.0 and np.isnan(lower) and np.isnan(upper)


def test_mean_confidence_as_percentage_is_refused():
    with pytest.raises(ValueError, match="Did you mean 0.95"):
        mean_ci([1.0, 2.0, 3.0], confidence=95)
