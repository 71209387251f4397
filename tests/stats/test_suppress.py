import itertools

import numpy as np
import pandas as pd
import pytest

from rescomm.stats import suppress_small


def _recoverable(values: np.ndarray, totals: np.ndarray) -> bool:
    """True if some hidden cell equals a published row total minus published cells."""
    for row, total in zip(np.atleast_2d(values), np.atleast_1d(totals), strict=True):
        if np.isnan(row).sum() == 1 and not np.isnan(total):
            return True
    return False


def test_counts_of_one_to_four_are_hidden_and_zeros_kept():
    got = suppress_small([[0, 1, 4, 5, 12]])
    np.testing.assert_array_equal(got.primary, [[False, True, True, False, False]])
    assert np.isnan(got.values[0, 1:3]).all() and got.values[0, 0] == 0


def test_zeros_can_be_hidden_too():
    got = suppress_small([0, 7, 9], suppress_zero=True)
    assert np.isnan(got.values[0])


def test_a_lone_hidden_cell_gets_a_secondary_partner():
    got = suppress_small([[3, 10, 20]])
    np.testing.assert_array_equal(got.secondary, [[False, True, False]])
    assert got.row_totals[0] == 33
    assert not _recoverable(got.values, got.row_totals)


def test_secondary_prefers_a_positive_count_over_a_zero():
    got = suppress_small([[2, 0, 9, 30]])
    np.testing.assert_array_equal(got.secondary, [[False, False, True, False]])


def test_small_row_totals_are_hidden():
    got = suppress_small([[1, 0, 0]])
    assert np.isnan(got.row_totals[0])


@pytest.mark.parametrize("row", list(itertools.product([0, 1, 3, 5, 8], repeat=3)))
def test_no_hidden_cell_is_recoverable_from_its_row_total(row):
    got = suppress_small([row])
    assert not _recoverable(got.values, got.row_totals)


def test_rows_and_columns_can_both_be_protected():
    counts = np.array([[3, 10, 20], [6, 7, 9], [12, 12, 30]])
    got = suppress_small(counts, totals="both")
    assert not _recoverable(got.values, got.row_totals)
    assert not _recoverable(got.values.T, got.column_totals)


def test_dataframes_keep_their_labels():
    frame = pd.DataFrame({"a": [3, 50], "b": [40, 60], "c": [50, 2]}, index=["x", "y"])
    got = suppress_small(frame)
    assert list(got.values.columns) == ["a", "b", "c"] and list(got.values.index) == ["x", "y"]
    assert "Secondary" in got.policy


def test_negative_or_missing_counts_are_refused():
    with pytest.raises(ValueError, match="counts must be >= 0; got -1 at position"):
        suppress_small([[1, -1]])
    with pytest.raises(ValueError, match="must not have missing values"):
        suppress_small([[1, np.nan]])
