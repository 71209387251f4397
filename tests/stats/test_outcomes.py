import numpy as np
import pandas as pd
import pytest
from tests.reference_data import reference_file

from rescomm.stats import (
    IncompleteResponseWarning,
    ons4_band,
    swemwbs_metric,
    swemwbs_total,
    ucla3_lonely,
    ucla3_total,
)


def test_swemwbs_metric_reproduces_the_whole_reference_table():
    table = pd.read_csv(reference_file("reference/swemwbs_raw_to_metric.csv"))
    assert list(table["raw_score"]) == list(range(7, 36))
    np.testing.assert_array_equal(swemwbs_metric(table["raw_score"]), table["metric_score"])


def test_bundled_swemwbs_table_cites_its_source(phe):
    readme = (phe.repo / "src" / "rescomm" / "stats" / "data" / "README.md").read_text()
    assert "Stewart-Brown" in readme and "10.1186/1477-7525-7-15" in readme


@pytest.mark.parametrize("raw, metric", [
    # Published conversion table (Stewart-Brown et al. 2009, doi:10.1186/1477-7525-7-15):
    # the scale ends map to themselves, and e.g. raw 20 -> 18.59, raw 28 -> 25.03.
    (7, 7.00), (20, 18.59), (28, 25.03), (35, 35.00),
])
def test_swemwbs_metric_published_values(raw, metric):
    assert swemwbs_metric(raw) == metric


def test_swemwbs_metric_keeps_missing_totals_missing():
    got = swemwbs_metric([21, np.nan])
    assert got[0] == 19.25 and np.isnan(got[1])


@pytest.mark.parametrize("raw, message", [
    ([20, 36], "raw SWEMWBS totals must be whole numbers from 7 to 35; got 36 at position 1"),
    ([6], "raw SWEMWBS totals must be whole numbers from 7 to 35; got 6 at position 0"),
    ([20.5], "raw SWEMWBS totals must be whole numbers from 7 to 35; got 20.5 at position 0"),
])
def test_out_of_range_or_fractional_raw_scores_are_refused(raw, message):
    with pytest.raises(ValueError) as err:
        swemwbs_metric(raw)
    assert str(err.value) == message


def test_swemwbs_total_sums_seven_items():
    assert swemwbs_total([1, 2, 3, 4, 5, 1, 2]) == 18
    np.testing.assert_array_equal(swemwbs_total([[5] * 7, [1] * 7]), [35, 7])


def test_swemwbs_total_refuses_an_item_out_of_range_with_its_position():
    with pytest.raises(ValueError) as err:
        swemwbs_total([[1, 2, 3, 4, 5, 1, 2], [1, 2, 6, 4, 5, 1, 2]])
    assert str(err.value) == (
        "SWEMWBS item scores must be whole numbers from 1 to 5; got 6 at position (1, 2)"
    )


def test_swemwbs_total_refuses_the_wrong_number_of_items():
    with pytest.raises(ValueError, match=r"needs 7 item scores per response"):
        swemwbs_total([1, 2, 3])


def test_incomplete_swemwbs_response_has_no_total_and_warns():
    with pytest.warns(IncompleteResponseWarning):
        got = swemwbs_total([[1, 2, 3, 4, 5, 1, np.nan], [2] * 7])
    assert np.isnan(got[0]) and got[1] == 14
    with pytest.raises(ValueError, match="SWEMWBS response with missing items"):
        swemwbs_total([1, 2, 3, 4, 5, 1, np.nan], incomplete="raise")


@pytest.mark.parametrize("item", ["life_satisfaction", "worthwhile", "happiness"])
def test_ons4_positive_items_use_ons_thresholds(item):
    got = ons4_band(item, list(range(11)))
    assert list(got) == ["low"] * 5 + ["medium"] * 2 + ["high"] * 2 + ["very high"] * 2


def test_ons4_anxiety_uses_its_own_thresholds():
    got = ons4_band("anxiety", list(range(11)))
    assert list(got) == ["very low"] * 2 + ["low"] * 2 + ["medium"] * 2 + ["high"] * 5


def test_ons4_scalar_in_scalar_out_and_bad_scores_refused():
    assert ons4_band("happiness", 9) == "very high"
    with pytest.raises(ValueError) as err:
        ons4_band("anxiety", [3, 11])
    assert str(err.value) == (
        "ONS4 anxiety scores must be whole numbers from 0 to 10; got 11 at position 1"
    )
    with pytest.raises(ValueError, match="item must be one of"):
        ons4_band("wellbeing", 3)


def test_ucla3_totals_and_loneliness_cut_off():
    totals = ucla3_total([[1, 1, 1], [2, 2, 1], [2, 2, 2], [3, 3, 3]])
    np.testing.assert_array_equal(totals, [3, 5, 6, 9])
    assert list(ucla3_lonely(totals)) == [False, False, True, True]
    with pytest.raises(ValueError, match="got 4 at position"):
        ucla3_total([1, 4, 2])
