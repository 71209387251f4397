"""The audit's robustness tables: leave-one-indicator-out rank changes and cross-group
correlations (OECD/JRC Handbook 2008, steps 4 and 7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from measure_helpers import make_data, make_spec
from scipy.stats import rankdata, spearmanr

from rescomm.measure import build
from rescomm.measure._audit import leave_one_out


def _worst_first(score: np.ndarray) -> np.ndarray:
    """Rank 1 = lowest score (higher_is_better), ties at the minimum rank."""
    return rankdata(score, method="min").astype(float)


def _minmax(x: np.ndarray) -> np.ndarray:
    return (x - x.min()) / (x.max() - x.min()) * 100


def test_leaving_one_indicator_out_gives_the_ranks_of_the_build_without_it():
    data = make_data(120, seed=5)
    b = build(make_spec(), data)
    loo = leave_one_out(b).set_index("indicator")

    # Without "a", group "people" is just b (direction -1) and the index is the mean of the
    # two groups: worked here from the raw columns with min-max 0-100.
    people = 100 - _minmax(data["b"].to_numpy())
    place = (_minmax(data["c"].to_numpy()) + _minmax(data["d"].to_numpy())) / 2
    without_a = _worst_first((people + place) / 2)
    nominal = b.results["index_rank"].to_numpy(float)
    shift = np.abs(without_a - nominal)
    row = loo.loc["a"]
    assert row["mean_abs_rank_shift"] == pytest.approx(shift.mean())
    assert row["max_abs_rank_shift"] == shift.max()
    assert row["spearman"] == pytest.approx(spearmanr(without_a, nominal)[0])
    decile_nominal = np.ceil(nominal * 10 / 120)
    decile_without = np.ceil(without_a * 10 / 120)
    assert row["share_changing_decile"] == pytest.approx(
        np.mean(decile_nominal != decile_without))
    assert (loo["mean_abs_rank_shift"] > 0).all()


def test_an_indicator_that_does_not_move_the_ranks_shows_no_shift():
    data = make_data(60, seed=2)
    data["d"] = data["c"] * 3 + 7  # d orders areas exactly as c does: min-max makes them equal
    b = build(make_spec(), data)
    loo = leave_one_out(b).set_index("indicator")
    assert loo.loc["d", "mean_abs_rank_shift"] == 0
    assert loo.loc["d", "spearman"] == pytest.approx(1.0)
    assert loo.loc["c", "mean_abs_rank_shift"] == 0


def test_an_only_child_is_not_left_out_and_says_why():
    spec = make_spec(indicators=[
        {"id": "a", "column": "a", "parent": "people", "weight": 0.5},
        {"id": "b", "column": "b", "parent": "people", "weight": 0.5},
        {"id": "c", "column": "c", "parent": "place", "weight": 1.0},
    ])
    loo = leave_one_out(build(spec, make_data(50))).set_index("indicator")
    assert loo.loc["c", "note"] == "only indicator of 'place'"
    assert np.isnan(loo.loc["c", "mean_abs_rank_shift"])
    assert loo.loc["a", "note"] == ""


def test_an_indicator_that_tracks_another_group_is_flagged_closer_to_other():
    rng = np.random.default_rng(3)
    n = 200
    people, place = rng.normal(size=n), rng.normal(size=n)
    data = pd.DataFrame({
        "code": [f"X{i:04d}" for i in range(n)], "la": "LA1",
        "a": people + 0.1 * rng.normal(size=n),
        "b": -people + 0.1 * rng.normal(size=n),   # direction -1 in the spec
        "c": place + 0.1 * rng.normal(size=n),
        "d": people + 0.01 * rng.normal(size=n),   # misplaced: measures "people"
    })
    a = build(make_spec(), data).audit()
    cross = a["cross_group"].set_index("indicator")
    assert cross.loc["d", "group"] == "people" and cross.loc["d", "flag"] == "closer_to_other"
    assert cross.loc["a", "flag"] == "ok" and cross.loc["c", "flag"] == "ok"
    assert set(a) >= {"indicators", "correlations", "groups", "cross_group", "leave_one_out"}
