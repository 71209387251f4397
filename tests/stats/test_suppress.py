import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from rescomm.stats import suppress_shared_total, suppress_small

T = 5  # the default threshold


def _reader_extremes(values, status, lines, *, threshold=T, low=1):
    """The smallest and largest value each hidden element can take, given what a reader
    sees: shown values, a primary one in [low, threshold-1], a secondary one of threshold or
    more at least threshold (any other hidden one at least low), an unpublished one at least
    0, and every line adding up. Solved exactly as integer programs (scipy's HiGHS), an
    independent check of the audit's interval propagation."""
    n = len(values)
    lo = np.zeros(n)
    hi = np.full(n, 10.0**6)  # "no upper bound", kept finite for the solver
    for i, (v, s) in enumerate(zip(values, status, strict=True)):
        if s == "shown":
            lo[i] = hi[i] = v
        elif s == "primary":
            lo[i], hi[i] = low, threshold - 1
        elif s == "secondary":
            lo[i] = threshold if v >= threshold else low
        elif s == "unpublished":
            lo[i] = 0
    rows = []
    for cells, total in lines:
        row = np.zeros(n)
        row[list(cells)] = 1
        row[total] -= 1
        rows.append(row)
    constraint = LinearConstraint(np.array(rows), 0, 0)
    out = {}
    for i in range(n):
        if status[i] == "shown":
            continue
        ends = []
        for sign in (1, -1):
            c = np.zeros(n)
            c[i] = sign
            res = milp(c, constraints=constraint, integrality=np.ones(n),
                       bounds=Bounds(lo, hi))
            assert res.success, res.message
            ends.append(sign * res.fun)
        out[i] = (round(ends[0]), round(ends[1]))
    return out


def _assert_protected(values, status, lines, **kw):
    for i, (least, most) in _reader_extremes(values, status, lines, **kw).items():
        assert least <= values[i] <= most, f"element {i}: the true value is ruled out"
        if status[i] in ("primary", "secondary"):
            assert most - least >= 1, f"element {i} ({values[i]}) can be worked out"


def _one_way(row, result):
    values = [*row, sum(row)]
    status = [*result.status, result.row_total_status[0]]
    return values, status, [(tuple(range(len(row))), len(row))]


def test_counts_of_one_to_four_are_primary_and_zeros_are_kept():
    got = suppress_small([[0, 1, 4, 5, 12, 30]])
    assert list(got.status[0]) == ["shown", "primary", "primary", "shown", "shown", "shown"]
    assert got.values[0, 0] == 0 and np.isnan(got.values[0, 1:3]).all()


def test_zeros_can_be_primary_too():
    got = suppress_small([0, 7, 9], suppress_zero=True)
    assert got.status[0] == "primary" and np.isnan(got.values[0])


def test_a_lone_small_count_gets_a_secondary_partner_that_is_never_called_small():
    # GP 7, pharmacist 3: hiding 3 alone would give it away as 10 - 7
    got = suppress_small([7, 3, 0, 0])
    assert list(got.status) == ["secondary", "primary", "shown", "shown"]
    assert got.row_totals[0] == 10 and got.row_total_status[0] == "shown"


def test_secondary_cells_are_never_zeros():
    got = suppress_small([[2, 0, 9, 30]])
    assert list(got.status[0]) == ["primary", "shown", "secondary", "shown"]


def test_a_secondary_count_of_exactly_the_threshold_is_not_enough_with_a_one():
    # with only 1 and 5 hidden the reader knows 1 + 5 = 6, one in 1-4, the other 5 or more;
    # hiding 20 as well protects them, and then the 5 need not be hidden
    got = suppress_small([1, 5, 20])
    assert list(got.status) == ["primary", "shown", "secondary"]
    _assert_protected(*_one_way([1, 5, 20], got))


def test_two_small_counts_that_add_up_too_little_are_protected():
    # 1 + 1 = 22 - 20: both would be known to be 1
    got = suppress_small([1, 1, 20])
    assert list(got.status) == ["primary", "primary", "secondary"]


def test_a_total_that_would_give_every_small_count_away_is_hidden():
    for row in ([4, 4, 4], [1, 1, 1, 1]):
        got = suppress_small(row)
        assert math.isnan(got.row_totals[0]) and got.row_total_status[0] == "secondary"
        _assert_protected(*_one_way(row, got))


def test_small_totals_are_primary():
    got = suppress_small([[1, 0, 0]])
    assert math.isnan(got.row_totals[0]) and got.row_total_status[0] == "primary"


@pytest.mark.parametrize("row", list(itertools.product([0, 1, 3, 5, 6], repeat=3)))
def test_no_hidden_count_of_a_row_can_be_worked_out(row):
    got = suppress_small(list(row))
    values, status, lines = _one_way(list(row), got)
    assert all(s != "primary" or 1 <= v <= 4 for v, s in zip(values, status, strict=True))
    _assert_protected(values, status, lines)


@pytest.mark.parametrize("row", [(1, 1, 1, 5), (2, 2, 0, 5, 5), (4, 4, 0, 0), (3, 0, 3, 6),
                                 (1, 2, 3, 4), (4, 5, 6, 7)])
def test_no_hidden_count_of_a_longer_row_can_be_worked_out(row):
    got = suppress_small(list(row))
    _assert_protected(*_one_way(list(row), got))


def _two_way(counts, got):
    counts = np.asarray(counts)
    r, c = counts.shape
    values = [*counts.ravel().tolist(), *counts.sum(axis=1).tolist(),
              *counts.sum(axis=0).tolist(), int(counts.sum())]
    status = [*got.status.ravel().tolist(), *got.row_total_status.tolist(),
              *got.column_total_status.tolist(), got.grand_total_status]
    lines = [(tuple(i * c + j for j in range(c)), r * c + i) for i in range(r)]
    lines += [(tuple(i * c + j for i in range(r)), r * c + r + j) for j in range(c)]
    lines += [(tuple(r * c + i for i in range(r)), len(values) - 1),
              (tuple(r * c + r + j for j in range(c)), len(values) - 1)]
    return values, status, lines


@pytest.mark.parametrize(("seed", "shape"), [(s, (2, 3)) for s in range(20)]
                         + [(s, (3, 4)) for s in range(10)])
def test_no_hidden_count_of_a_two_way_table_can_be_worked_out(seed, shape):
    rng = np.random.default_rng(seed)
    counts = rng.choice([0, 1, 3, 5, 6, 9], size=shape)
    got = suppress_small(counts, totals="both")
    values, status, lines = _two_way(counts, got)
    _assert_protected(values, status, lines)


def test_a_two_way_table_hides_a_rectangle_around_one_small_count():
    counts = [[3, 10, 20], [6, 7, 9], [12, 12, 30]]
    got = suppress_small(counts, totals="both")
    assert got.status.tolist() == [["primary", "secondary", "shown"],
                                   ["secondary", "secondary", "shown"],
                                   ["shown", "shown", "shown"]]
    assert got.grand_total == 109 and list(got.column_totals) == [21, 29, 59]


def test_dataframes_keep_their_labels():
    frame = pd.DataFrame({"a": [3, 50], "b": [40, 60], "c": [50, 2]}, index=["x", "y"])
    got = suppress_small(frame)
    assert list(got.values.columns) == ["a", "b", "c"] and list(got.values.index) == ["x", "y"]
    assert "Secondary" in got.policy


def test_tables_of_the_same_people_share_one_total():
    # by profession [7, 3], by status [5, 5], by quintile [10]
    got = suppress_shared_total([[7, 3], [5, 5], [10]])
    assert got.total == 10 and got.total_status == "shown"
    assert list(got.tables[0].status) == ["secondary", "primary"]
    assert list(got.tables[1].status) == ["shown", "shown"]
    assert all(t.row_totals[0] == 10 for t in got.tables)


def test_a_shared_total_hidden_for_one_table_is_hidden_for_all_and_still_protected():
    tables = [[4, 4, 4], [12, 0], [6, 6]]
    got = suppress_shared_total(tables)
    assert math.isnan(got.total) and got.total_status == "secondary"
    # the total is not recoverable from the tables whose counts are all shown
    values = [*(v for t in tables for v in t), 12]
    status = [*(s for t in got.tables for s in t.status), got.total_status]
    lines = [((0, 1, 2), 7), ((3, 4), 7), ((5, 6), 7)]
    _assert_protected(values, status, lines)


@pytest.mark.parametrize("seed", range(15))
def test_no_hidden_count_of_tables_sharing_a_total_can_be_worked_out(seed):
    rng = np.random.default_rng(seed)
    first = rng.choice([0, 1, 2, 4, 5, 8], size=4)
    total = int(first.sum())
    cut = sorted(rng.integers(0, total + 1, size=2))
    tables = [first.tolist(), [cut[0], cut[1] - cut[0], total - cut[1]]]
    got = suppress_shared_total(tables)
    values = [*tables[0], *tables[1], total]
    status = [*got.tables[0].status, *got.tables[1].status, got.total_status]
    _assert_protected(values, status, [((0, 1, 2, 3), 7), ((4, 5, 6), 7)])


def test_unpublished_cells_count_but_are_never_shown_or_called_small():
    # periods before the chart (3 referrals) and two shown periods
    got = suppress_shared_total([[3, 1, 8], [12]], unpublished=[[True, False, False],
                                                                 [False]])
    assert list(got.tables[0].status) == ["unpublished", "primary", "shown"]
    assert got.total == 12


def test_tables_with_different_totals_are_refused():
    with pytest.raises(ValueError, match=r"tables\[1\] adds up to 9, tables\[0\] to 10"):
        suppress_shared_total([[7, 3], [9]])


def test_negative_or_missing_counts_are_refused():
    with pytest.raises(ValueError, match="counts must be >= 0; got -1 at position"):
        suppress_small([[1, -1]])
    with pytest.raises(ValueError, match="must not have missing values"):
        suppress_small([[1, np.nan]])


def test_a_threshold_whose_label_names_the_count_is_refused():
    with pytest.raises(ValueError, match="'fewer than 2' would give the hidden count away"):
        suppress_small([1, 9], threshold=2)
