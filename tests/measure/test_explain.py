"""``Build.explain_all`` gives, for every area at once, exactly what ``Build.explain`` gives for
one area: checked against a scalar reference (the per-area loop ``explain`` used before it was
vectorised) for the bundled frameworks and for every aggregation method, missing values, zero
scores and screening."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from measure_helpers import make_data, make_spec

from rescomm.measure import MeasureWarning, build

COLUMNS = ["area_code", "indicator", "name", "parent", "value", "unit", "normalised", "weight",
           "effective_weight", "contribution", "share"]


def _value(b, row: int, j: int) -> float:
    """The indicator in its unit, one cell at a time: x / d * scale for counts."""
    ind = b.spec.indicators[j]
    x = float(b._prep.raw[row, j])
    if ind.denominator is None:
        return x
    d = float(b._prep.denominator[row, j])
    return x / d * ind.denominator.scale if d and d == d else float("nan")


def reference_rows(b, i: int) -> list[dict]:
    """Scalar oracle: one area (position ``i`` in the results) walked node by node with Python
    floats, as ``Build.explain`` did before the vectorised path (``explain`` at 1947e72)."""
    run, spec = b._run, b.spec
    contrib = {"index": float(run.scores["index"][i])}
    for node in spec.node_ids:
        if spec.is_indicator(node):
            continue
        score = float(run.scores[node][i])
        factor = contrib[node] / score if score != 0.0 and not np.isnan(score) else 0.0
        for kid, t in zip(spec.children(node), run.terms[node][i], strict=True):
            contrib[kid] = float(t) * factor
    effective = b.effective_weights
    total = contrib["index"]
    code = str(b.area_codes[i])
    return [{"area_code": code, "indicator": ind.id, "name": ind.name, "parent": ind.parent,
             "value": _value(b, run.rows[i], j), "unit": ind.unit,
             "normalised": float(run.scores[ind.id][i]), "weight": run.weights[ind.id],
             "effective_weight": float(effective[ind.id]), "contribution": contrib[ind.id],
             "share": contrib[ind.id] / total if total else np.nan}
            for j, ind in enumerate(spec.indicators)]


def reference_table(b) -> pd.DataFrame:
    rows = [row for i in range(len(b.area_codes)) for row in reference_rows(b, i)]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["area_code"] = table["area_code"].astype("string")
    return table


def assert_same_numbers(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same columns, rows and strings; floats equal to 1e-12 (relative), NaN where NaN."""
    pd.testing.assert_frame_equal(actual.reset_index(drop=True),
                                  expected.reset_index(drop=True),
                                  check_exact=False, rtol=1e-12, atol=1e-12)


def quiet_build(spec, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        return build(spec, data)


# ---- bundled frameworks ---------------------------------------------------------------------
@pytest.fixture(scope="module", params=["imd2025", "warm", "capitals", "imd2019"])
def framework(request):
    return quiet_build(request.param, None)


def test_explain_all_matches_the_scalar_reference_for_every_area_of_a_bundled_framework(
        framework):
    table = framework.explain_all()
    assert list(table.columns) == COLUMNS
    assert len(table) == len(framework.area_codes) * len(framework.spec.indicators)
    assert_same_numbers(table, reference_table(framework))


def test_explain_of_each_area_is_its_block_of_explain_all_for_a_bundled_framework(framework):
    table = framework.explain_all()
    per_area = pd.concat([framework.explain(str(code)) for code in framework.area_codes],
                         ignore_index=True)
    assert_same_numbers(per_area, table.drop(columns="area_code"))


def test_bundled_arithmetic_contributions_add_up_to_each_index_score(framework):
    total = framework.explain_all().groupby("area_code", sort=False)["contribution"].sum()
    scores = framework.scores()
    np.testing.assert_allclose(total.to_numpy(), scores.loc[total.index].to_numpy(), rtol=1e-9)


# ---- every aggregation method, missing values, zeros ----------------------------------------
def nested_spec(aggregate: dict, *, normalise_range=(1, 100), index_aggregate=None) -> dict:
    """Three levels (index > people, place > services) with one aggregation for every group."""
    spec = make_spec(
        groups=[{"id": "people", "weight": 0.6}, {"id": "place", "weight": 0.4},
                {"id": "services", "parent": "place", "weight": 2}],
        indicators=[
            {"id": "a", "column": "a", "parent": "people", "weight": 0.5},
            {"id": "b", "column": "b", "parent": "people", "direction": -1, "weight": 0.3},
            {"id": "c", "column": "c", "parent": "place", "weight": 1},
            {"id": "d", "column": "d", "parent": "services", "weight": 0.7},
            {"id": "e", "column": "e", "parent": "services", "weight": 0.3},
        ],
        steps={"normalise": {"method": "minmax", "range": list(normalise_range)},
               "weights": {"on_unnormalised": "rescale"},
               "aggregate": aggregate})
    if index_aggregate:
        spec["index"] = {"aggregate": index_aggregate}
    return spec


def gappy_data(n: int = 60, seed: int = 3) -> pd.DataFrame:
    """``make_data`` plus indicator ``e``, with single cells, a whole group and a whole area
    missing, and one area at the minimum of every indicator (normalised to the range floor)."""
    data = make_data(n=n, seed=seed)
    data["e"] = np.random.default_rng(seed).normal(size=n) + data["c"]
    data.loc[2, "a"] = np.nan                      # one child of people missing
    data.loc[5, ["d", "e"]] = np.nan               # the whole services group missing
    data.loc[7, ["a", "b", "c", "d", "e"]] = np.nan  # nothing at all: index missing
    data.loc[11, "c"] = np.nan
    for column in ["a", "c", "d", "e"]:            # worst on every indicator (b: direction -1)
        data.loc[13, column] = data[column].min() - 1
    data.loc[13, "b"] = data["b"].max() + 1
    return data


AGGREGATIONS = {
    "arithmetic": {"method": "arithmetic"},
    "arithmetic, propagate": {"method": "arithmetic", "missing": "propagate"},
    "arithmetic, min coverage": {"method": "arithmetic", "min_coverage": 0.75},
    "geometric": {"method": "geometric"},
    "geometric, propagate": {"method": "geometric", "missing": "propagate"},
    "harmonic": {"method": "harmonic"},
    "generalised p=2": {"method": "generalised", "p": 2},
    "generalised p=0.5": {"method": "generalised", "p": 0.5},
    "generalised p=-2": {"method": "generalised", "p": -2},
    "copeland": {"method": "copeland"},
    "copeland, propagate": {"method": "copeland", "missing": "propagate"},
    "copeland classic": {"method": "copeland", "variant": "classic"},
}


@pytest.mark.parametrize("aggregate", AGGREGATIONS.values(), ids=AGGREGATIONS.keys())
def test_explain_all_matches_the_scalar_reference_for_each_aggregation_with_missing_values(
        aggregate):
    b = quiet_build(nested_spec(aggregate), gappy_data())
    table = b.explain_all()
    assert_same_numbers(table, reference_table(b))
    assert_same_numbers(b.explain("X0005"),
                        table[table["area_code"] == "X0005"].drop(columns="area_code"))


ZERO_CASES = {
    "arithmetic": ({"method": "arithmetic"}, None),
    "geometric, zeros replaced by epsilon": ({"method": "geometric"}, None),
    "geometric, zeros dropped": ({"method": "geometric", "zero_policy": "nan"}, None),
    "harmonic, zeros dropped": ({"method": "harmonic", "zero_policy": "nan"}, None),
    "mixed: geometric groups in an arithmetic index": (
        {"method": "geometric", "zero_policy": "nan"}, {"method": "arithmetic"}),
    "mixed: arithmetic groups in a harmonic index": (
        {"method": "arithmetic"}, {"method": "harmonic", "zero_policy": "nan"}),
}


@pytest.mark.parametrize(("aggregate", "index_aggregate"), ZERO_CASES.values(),
                         ids=ZERO_CASES.keys())
def test_explain_all_matches_the_scalar_reference_with_zero_scores(aggregate, index_aggregate):
    spec = nested_spec(aggregate, normalise_range=(0, 100), index_aggregate=index_aggregate)
    b = quiet_build(spec, gappy_data())
    table = b.explain_all()
    assert_same_numbers(table, reference_table(b))
    worst = table[table["area_code"] == "X0013"]
    assert (worst["normalised"] == 0).all()


def test_an_index_score_of_zero_leaves_shares_missing_and_contributions_zero():
    b = quiet_build(nested_spec({"method": "arithmetic"}, normalise_range=(0, 100)),
                    gappy_data())
    worst = b.explain_all().query("area_code == 'X0013'")
    assert b.scores()["X0013"] == 0
    assert (worst["contribution"] == 0).all() and worst["share"].isna().all()


def test_an_area_without_any_value_has_missing_contributions_and_shares():
    b = quiet_build(nested_spec({"method": "arithmetic"}), gappy_data())
    empty = b.explain_all().query("area_code == 'X0007'")
    assert np.isnan(b.scores()["X0007"])
    assert empty[["value", "normalised", "contribution", "share"]].isna().all().all()


def test_a_missing_child_passes_its_weight_to_the_children_present():
    b = quiet_build(nested_spec({"method": "arithmetic"}), gappy_data())
    row = b.explain_all().query("area_code == 'X0002'").set_index("indicator")
    assert np.isnan(row.at["a", "value"]) and row.at["a", "contribution"] == 0
    # people (weight 0.6) is b alone: b contributes 0.6 x its normalised score
    assert row.at["b", "contribution"] == pytest.approx(0.6 * row.at["b", "normalised"])
    assert row["contribution"].sum() == pytest.approx(b.scores()["X0002"])


def test_kept_unnormalised_weights_scale_the_contributions_with_the_score():
    spec = nested_spec({"method": "arithmetic"})
    spec["steps"]["weights"] = {"on_unnormalised": "keep"}
    b = quiet_build(spec, gappy_data())
    table = b.explain_all()
    assert_same_numbers(table, reference_table(b))
    total = table.groupby("area_code", sort=False)["contribution"].sum()
    present = b.scores().dropna()
    np.testing.assert_allclose(total.loc[present.index], present, rtol=1e-9)


def test_explain_all_covers_only_the_areas_left_after_screening_with_their_own_raw_values():
    data = gappy_data()
    spec = nested_spec({"method": "geometric"})
    spec["steps"]["screen"] = {"min_coverage": 0.5}
    b = quiet_build(spec, data)
    table = b.explain_all()
    assert "X0007" not in set(table["area_code"])
    assert list(dict.fromkeys(table["area_code"])) == list(b.area_codes)
    assert_same_numbers(table, reference_table(b))
    raw = table.query("indicator == 'd'").set_index("area_code")["value"]
    expected = data.set_index("code").loc[raw.index, "d"]
    np.testing.assert_array_equal(raw.to_numpy(), expected.to_numpy())
