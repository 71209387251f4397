"""The built-in `warm` and `capitals` frameworks: bundled inputs, England from a folder, docs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from measure_helpers import SHARED_DATA, make_data, make_spec
from tests.reference_data import requires

from rescomm.data import INDICATOR_COLUMNS, load_imd, load_indicators
from rescomm.measure import (
    IndexDataError,
    assets_vulnerabilities,
    build,
    framework_path,
    frameworks,
    wellbeing_resilience_quadrant,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "frameworks.md"


@pytest.fixture(scope="module")
def warm():
    return build("warm")


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_warm_and_capitals_are_listed_with_the_imd_frameworks():
    assert {"warm", "capitals", "imd2019", "imd2025"} <= set(frameworks())


def test_warm_without_data_builds_on_the_bundled_cm_inputs(warm):
    r = warm.results
    assert len(r) == 1601 and set(r["area_code"]) == set(load_indicators()["lsoa21_code"])
    assert r["index_rank"].min() == 1 and r["index_rank"].max() == 1601
    assert r[["index_score", "self_score", "support_score", "systems_score"]].notna().all().all()
    assert warm.spec.polarity == "higher_is_better"
    assert [g.id for g in warm.spec.groups if g.id != "index"] == ["self", "support", "systems"]


def test_warm_rank_one_is_the_least_resilient_area(warm):
    r = warm.results
    worst = r.loc[r["index_rank"] == 1, "index_score"].iloc[0]
    assert worst == r["index_score"].min()


def test_warm_index_score_is_the_mean_of_its_three_domains(warm):
    r = warm.results
    mean = r[["self_score", "support_score", "systems_score"]].mean(axis=1)
    pd.testing.assert_series_equal(r["index_score"], mean, check_names=False)


def test_warm_counts_enter_as_percentages_of_their_denominator(warm):
    ind = load_indicators().set_index("lsoa21_code")
    row = warm.explain("E01006412").set_index("indicator")
    assert ind.at["E01006412", "bad_health_n"] == 179
    assert row.at["bad_health", "value"] == pytest.approx(179 / 1581 * 100)
    assert row.at["bad_health", "unit"] == "% of usual residents"
    stage = warm.stage("denominate").loc["E01006412"]
    assert stage["bad_health"] == pytest.approx(179 / 1581 * 100)


def test_explain_and_profile_show_each_indicator_in_the_same_unit(warm):
    from rescomm.measure import assets_vulnerabilities

    explained = warm.explain("E01006412").set_index("indicator")
    profile = assets_vulnerabilities(warm, areas=["E01006412"]).set_index("indicator")
    assert list(explained.index) == list(profile.index.astype(str))
    np.testing.assert_allclose(explained["value"].to_numpy(float),
                               profile["value"].to_numpy(float), rtol=1e-12)
    assert list(explained["unit"]) == list(profile["unit"].astype(str))
    assert explained.at["bad_health", "value"] == pytest.approx(11.32, abs=0.005)


def test_capitals_has_six_capitals_and_no_political_group():
    b = build("capitals")
    assert [g.id for g in b.spec.groups if g.id != "index"] == ["natural", "cultural", "human",
                                                             "social", "financial", "built"]
    assert "political" not in b.spec.node_ids
    assert len(b.results) == 1601


@pytest.mark.parametrize("name", ["warm", "capitals"])
def test_every_indicator_states_unit_source_and_an_existing_column(name):
    raw = yaml.safe_load(framework_path(name).read_text(encoding="utf-8"))
    for ind in raw["indicators"]:
        assert ind.get("unit") and ind.get("source") and ind.get("direction") in (1, -1), ind
        assert ind["column"] in INDICATOR_COLUMNS, ind["column"]
        if "denominator" in ind:
            assert ind["denominator"]["column"] in INDICATOR_COLUMNS


@pytest.mark.parametrize("name", ["warm", "capitals"])
def test_every_indicator_is_justified_in_docs_frameworks(doc, name):
    raw = yaml.safe_load(framework_path(name).read_text(encoding="utf-8"))
    section = doc.split(f"<!-- {name} -->")[1].split("<!-- end -->")[0]
    for ind in raw["indicators"]:
        assert re.search(rf"`{ind['id']}`", section), (name, ind["id"])


def test_the_political_capital_gap_is_stated_in_the_docs(doc):
    section = doc.split("<!-- capitals -->")[1].split("<!-- end -->")[0]
    assert re.search(r"[Pp]olitical.*gap", section)


def test_imd_frameworks_also_build_on_their_bundled_extract_without_data():
    a = build("imd2019")
    b = build("imd2019", load_imd(2019))
    pd.testing.assert_frame_equal(a.results, b.results)


def test_a_custom_spec_without_data_is_a_clear_error():
    with pytest.raises(IndexDataError, match="framework 'toy' has no bundled inputs"):
        build(make_spec())


def test_an_edited_copy_of_a_framework_does_not_silently_use_the_bundle(tmp_path):
    text = framework_path("warm").read_text(encoding="utf-8").replace("winmax: 5", "winmax: 3")
    path = tmp_path / "warm.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IndexDataError, match="no bundled inputs"):
        build(path)
    assert len(build(path, load_indicators()).results) == 1601


def test_a_folder_is_refused_for_a_framework_that_reads_files(tmp_path):
    with pytest.raises(IndexDataError, match="is a folder; framework 'imd2019' needs a data file"):
        build("imd2019", tmp_path)


def test_a_folder_without_the_indicator_files_is_a_clear_error(tmp_path):
    with pytest.raises(IndexDataError, match="indicator file census2021_ts037.* not found"):
        build("warm", tmp_path)


def test_the_toy_data_still_builds_with_an_explicit_table():
    assert len(build(make_spec(), make_data()).results) == 40


def test_warm_assets_vulnerabilities_and_quadrant_cover_every_area(warm):
    av = assets_vulnerabilities(warm, comparator="la")
    assert len(av) == 1601 * 18
    assert set(av["status"]) <= {"asset", "as expected", "vulnerability", "not compared"}
    q = wellbeing_resilience_quadrant(warm)
    assert len(q) == 1601 and q["quadrant"].notna().all()


def test_la_level_indicators_are_as_expected_against_their_own_la(warm):
    av = assets_vulnerabilities(warm, comparator="la")
    assert set(av.loc[av["indicator"].isin(["life_satisfaction", "anxiety"]), "status"]) == {
        "as expected"}


@requires("indicators")
def test_warm_builds_all_england_from_the_folder_of_official_files():
    b = build("warm", SHARED_DATA)
    r = b.results
    assert len(r) == 33755 and r["index_score"].notna().all()
    # outside C&M the asset-map indicators are missing and skipped by the domain means
    assert r["library_distance_score"].notna().sum() == 1601
