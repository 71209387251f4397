"""The Build object: results format, log, rebuild, explain, summaries and degenerate policies."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from measure_helpers import SPECS, make_data, make_spec

from rescomm.measure import (
    IndexDataError,
    IndexSpecError,
    MissingScoreWarning,
    NonPositiveValueWarning,
    ScreeningWarning,
    WeightsNotNormalisedWarning,
    ZeroVarianceWarning,
    build,
)


@pytest.fixture
def toy():
    return build(make_spec(), make_data())


def test_results_have_area_code_then_score_rank_decile_for_every_node_root_first(toy):
    cols = list(toy.results.columns)
    assert cols[:4] == ["area_code", "index_score", "index_rank", "index_decile"]
    nodes = ["index", "people", "a", "b", "place", "c", "d"]
    assert cols[1:] == [f"{n}_{s}" for n in nodes for s in ("score", "rank", "decile")]
    assert str(toy.results["index_rank"].dtype) == "Int64"
    assert len(toy.results) == 40


def test_rank_1_is_the_least_resilient_area_and_decile_1_the_worst_tenth(toy):
    r = toy.results
    worst = r.loc[r["index_rank"] == 1]
    assert worst["index_score"].item() == r["index_score"].min()  # higher_is_better
    assert (r.loc[r["index_rank"] <= 4, "index_decile"] == 1).all()
    assert sorted(r["index_decile"].unique()) == list(range(1, 11))


def test_a_deprivation_index_ranks_its_highest_score_first():
    b = build(make_spec(polarity="higher_is_worse"), make_data())
    r = b.results
    assert r.loc[r["index_rank"] == 1, "index_score"].item() == r["index_score"].max()


def test_negative_direction_reverses_an_indicator_before_normalising(toy):
    data = make_data().set_index("code")
    r = toy.results.set_index("area_code")
    assert r.loc[data["b"].idxmax(), "b_score"] == 0 and r.loc[data["b"].idxmin(), "b_score"] == 100


def test_the_log_records_every_step_in_order_with_parameters_and_summaries(toy):
    steps = [rec.step for rec in toy.log]
    assert steps == ["denominate", "shrink", "impute", "screen", "treat", "normalise", "weights",
                     "aggregate"]
    norm = next(rec for rec in toy.log if rec.step == "normalise")
    assert norm.params["method"] == "minmax"
    assert norm.nodes["a"]["range"] == [0, 100]
    assert norm.summary["a"]["max"] == pytest.approx(100)
    assert toy.describe()["rank_convention"].startswith("1 = most deprived")


def test_rebuild_with_a_new_weight_rescales_the_group_and_leaves_the_original(toy):
    with pytest.warns(WeightsNotNormalisedWarning, match="group 'people'"):
        b2 = toy.rebuild(weights={"a": 1.5})
    assert b2.weights["a"] == pytest.approx(0.75) and b2.weights["b"] == pytest.approx(0.25)
    assert toy.weights["a"] == pytest.approx(0.5)
    assert not np.allclose(b2.results["people_score"], toy.results["people_score"])
    np.testing.assert_array_equal(b2.results["place_score"], toy.results["place_score"])
    assert b2.spec.raw["indicators"][0]["weight"] == 1.5 and toy.spec.raw["indicators"][0][
        "weight"] == 0.5


def test_rebuild_with_another_method_reruns_from_that_step(toy):
    b2 = toy.rebuild(normalise={"method": "zscore"})
    norm = next(rec for rec in b2.log if rec.step == "normalise")
    assert norm.params == {"method": "zscore"}
    assert abs(b2.results["a_score"].mean()) < 1e-9
    # earlier steps are reused, not recomputed
    assert next(r for r in b2.log if r.step == "treat") is next(
        r for r in toy.log if r.step == "treat")
    again = b2.rebuild(normalise={"method": "minmax", "range": [0, 100]})
    np.testing.assert_allclose(again.results["index_score"], toy.results["index_score"])


def test_rebuild_rejects_unknown_steps_parameters_and_nodes(toy):
    with pytest.raises(IndexSpecError, match="unknown step 'normalize'"):
        toy.rebuild(normalize={"method": "zscore"})
    with pytest.raises(IndexSpecError, match="unknown normalise method"):
        toy.rebuild(normalise={"method": "z"})
    with pytest.raises(IndexSpecError, match="unknown node"):
        toy.rebuild(weights={"nope": 1})


def test_explain_contributions_sum_to_the_index_score_for_arithmetic_means(toy):
    area = toy.results["area_code"].iloc[7]
    table = toy.explain(area)
    score = toy.results.set_index("area_code").loc[area, "index_score"]
    assert table["contribution"].sum() == pytest.approx(score)
    assert table["effective_weight"].sum() == pytest.approx(1.0)
    row = table.set_index("indicator").loc["a"]
    assert row["contribution"] == pytest.approx(row["normalised"] * 0.25)


def test_explain_names_an_unknown_area(toy):
    with pytest.raises(IndexDataError, match="'X9999' is not in the data"):
        toy.explain("X9999")


def test_each_group_can_use_its_own_aggregation_and_weighting_method():
    spec = make_spec(groups=[{"id": "people", "aggregate": {"method": "geometric"}},
                             {"id": "place", "weights": {"method": "equal"}}],
                     steps={"normalise": {"method": "minmax", "range": [1, 100]}})
    b = build(spec, make_data())
    agg = next(r for r in b.log if r.step == "aggregate")
    assert agg.nodes["people"]["method"] == "geometric"
    assert agg.nodes["place"]["method"] == "arithmetic"
    r = b.results.iloc[0]
    assert r["people_score"] == pytest.approx(np.sqrt(r["a_score"] * r["b_score"]))


def test_pca_and_factor_weights_come_from_the_data_and_are_logged():
    spec = make_spec(groups=[{"id": "g", "weights": {"method": "factor"}}],
                     indicators=[{"id": k, "column": k, "parent": "g",
                                  "direction": -1 if k == "b" else 1} for k in "abcd"],
                     steps={"weights": {"method": "pca"}})
    b = build(spec, make_data(400))
    rec = next(r for r in b.log if r.step == "weights")
    assert rec.nodes["g"]["method"] == "factor" and len(rec.nodes["g"]["loadings"]) == 4
    assert sum(rec.nodes["g"]["weights"].values()) == pytest.approx(1.0)
    assert b.effective_weights.sum() == pytest.approx(1.0)
    flipped = make_spec(groups=[{"id": "g", "weights": {"method": "pca"}}],
                        indicators=[{"id": k, "column": k, "parent": "g"} for k in "abcd"])
    with pytest.raises(IndexDataError, match=r"pca loadings are negative for b \(-0\.\d+\)"):
        build(flipped, make_data(400))


def test_zero_variance_is_a_named_warning_and_the_indicator_is_skipped():
    data = make_data().assign(c=7.0)
    with pytest.warns(ZeroVarianceWarning, match="indicator 'c'"):
        b = build(make_spec(), data)
    assert b.results["c_score"].isna().all()
    np.testing.assert_allclose(b.results["place_score"], b.results["d_score"])
    with pytest.raises(IndexDataError, match="indicator 'c'"):
        build(make_spec(steps={"normalise": {"method": "minmax", "zero_variance": "error"}}),
              data)


def test_an_all_missing_indicator_leaves_missing_scores_with_a_warning():
    data = make_data().assign(c=np.nan, d=np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ZeroVarianceWarning)
        with pytest.warns(MissingScoreWarning, match="group 'place'"):
            b = build(make_spec(), data)
    assert b.results["place_score"].isna().all()
    assert b.results["place_rank"].isna().all()
    assert b.results["index_score"].notna().all()


def test_zeros_in_a_geometric_mean_are_named_and_handled_by_policy():
    spec = make_spec(steps={"normalise": {"method": "minmax", "range": [0, 100]},
                            "aggregate": {"method": "geometric"}})
    with pytest.warns(NonPositiveValueWarning, match="group 'people'.*child 'a' is zero"):
        build(spec, make_data())
    spec["steps"]["aggregate"]["zero_policy"] = "error"
    with pytest.raises(IndexDataError, match="minmax range"):
        build(spec, make_data())


def test_negative_weights_in_a_spec_are_an_error():
    spec = make_spec()
    spec["indicators"][0]["weight"] = -1
    with pytest.raises(IndexSpecError, match=r"indicators\[0\]\.weight: negative weight"):
        build(spec, make_data())


def test_screening_drops_areas_with_too_little_data_and_says_which():
    data = make_data()
    data.loc[3, ["a", "b", "c"]] = np.nan
    spec = make_spec(steps={"screen": {"min_coverage": 0.5}})
    with pytest.warns(ScreeningWarning, match="X0003"):
        b = build(spec, data)
    assert "X0003" not in set(b.results["area_code"]) and len(b.results) == 39
    with pytest.raises(IndexDataError, match="removed by screening"):
        b.explain("X0003")


def test_group_imputation_by_la_is_reported_cell_by_cell():
    data = make_data()
    data.loc[[2, 5], "a"] = np.nan
    spec = make_spec(steps={"impute": {"method": "group_median", "by": "la"}})
    b = build(spec, data)
    rep = b.reports["impute"]
    assert list(rep["area_code"]) == ["X0002", "X0005"]
    la = data.set_index("code")["la"]
    expected = data[(data["la"] == la["X0002"])]["a"].median()
    assert rep.iloc[0]["value"] == pytest.approx(expected)


def test_denominators_and_shrinkage_turn_counts_into_rates():
    data = make_data().assign(cases=lambda d: (d["c"].abs() * 10).round(), pop=1000)
    spec = make_spec()
    spec["indicators"][2] = {"id": "c", "column": "cases", "parent": "place",
                             "denominator": {"column": "pop", "scale": 1000}}
    b = build(spec, data)
    np.testing.assert_allclose(b.stage("denominate")["c"], data["cases"].to_numpy())
    spec["indicators"][2]["shrink"] = True
    spec["steps"]["shrink"] = {"parent": "la"}
    shrunk = build(spec, data).stage("shrink")["c"]
    assert not np.allclose(shrunk, data["cases"]) and (shrunk > 0).all()


def test_goalposts_respect_the_direction_and_reference_areas_work():
    spec = make_spec(indicators=[
        {"id": "a", "column": "a", "parent": "people", "goalposts": [40, 60],
         "normalise": {"method": "goalposts", "scale": 1}},
        {"id": "b", "column": "b", "parent": "people", "direction": -1, "goalposts": [10, 30],
         "normalise": {"method": "goalposts", "scale": 1}},
        {"id": "c", "column": "c", "parent": "place",
         "normalise": {"method": "dist2ref", "reference": "X0000"}},
    ])
    data = make_data()
    b = build(spec, data)
    r = b.results
    np.testing.assert_allclose(r["a_score"], np.clip((data["a"] - 40) / 20, 0, 1))
    np.testing.assert_allclose(r["b_score"], np.clip((30 - data["b"]) / 20, 0, 1))
    assert r.loc[0, "c_score"] == pytest.approx(1.0)


def test_la_summary_and_quantiles_within_la(toy):
    spec = make_spec(area={"code": "code", "la": "la", "population": "pop"})
    b = build(spec, make_data())
    s = b.la_summary()
    assert list(s["la_code"]) == ["LA1", "LA2"]
    assert s["n_areas"].tolist() == [20, 20]
    assert {"average_score", "average_rank", "extent", "local_concentration",
            "proportion_most_deprived_10pc", "rank_of_extent"} <= set(s.columns)
    q = b.quantiles(q=5, within="la")
    assert q.groupby(make_data().set_index("code")["la"]).value_counts().max() == 4
    table = b.table()
    assert {"la_code", "population", "index_quintile", "index_decile_la"} <= set(table.columns)


def test_the_results_are_the_same_from_a_csv_file(tmp_path, toy):
    path = tmp_path / "toy.csv"
    make_data().to_csv(path, index=False)
    b = build(make_spec(), path)
    pd.testing.assert_frame_equal(b.results, toy.results)


def test_the_log_alone_replays_the_build(toy):
    import json

    blocks = {rec.step: rec.params for rec in toy.log}
    replay = build(toy.spec.with_steps(blocks), make_data())
    pd.testing.assert_frame_equal(replay.results, toy.results)
    json.dumps(toy.describe(), default=str)  # the description is JSON-ready


def test_rebuild_on_new_data_reruns_everything(toy):
    b2 = toy.rebuild(data=make_data(seed=2))
    assert not np.allclose(b2.results["index_score"], toy.results["index_score"])
    assert [r.step for r in b2.log] == [r.step for r in toy.log]


def test_warnings_point_at_the_callers_line():
    data = make_data().assign(c=7.0)
    with pytest.warns(ZeroVarianceWarning) as record:
        build(make_spec(), data)
    assert record[0].filename == __file__


def test_a_missing_data_file_for_a_built_in_framework_says_where_the_official_file_comes_from(
        tmp_path):
    missing = tmp_path / "iod2019_lsoa11_england.csv.gz"
    with pytest.raises(IndexDataError) as info:
        build("imd2019", missing)
    assert str(info.value) == (
        f"data file {missing} does not exist; framework imd2019 reads the official English "
        "Indices of Deprivation 2019 File 7 CSV (all ranks, scores, deciles and population "
        "denominators) from MHCLG, "
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019 (or leave "
        "the data out to use its bundled Cheshire & Merseyside inputs)")


def test_a_missing_data_file_for_a_spec_without_a_data_source_names_only_the_file(tmp_path):
    with pytest.raises(IndexDataError) as info:
        build(SPECS / "asem.yaml", tmp_path / "nope.csv")
    assert str(info.value) == f"data file {tmp_path / 'nope.csv'} does not exist"
