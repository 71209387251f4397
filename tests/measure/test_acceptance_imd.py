"""Acceptance: the built-in ``imd2019``/``imd2025`` frameworks rebuild the published IMD.

On all 32,844 LSOAs of IoD2019 the rebuilt score is within 0.002 of the published 3-d.p. score,
at least 99.5% of ranks agree exactly and none is more than 2 places off. The domain ranks used
are the published ones (scores are rounded to 3 d.p. and tie; see the framework YAML).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rescomm.data import load_imd
from rescomm.measure import build

DOMAINS = ["income", "employment", "education", "health", "crime", "barriers", "living_env"]
#: official File 7 (IoD2019) column names for the columns the framework reads
FILE7_2019 = {
    "lsoa11cd": "LSOA code (2011)",
    "lad19cd": "Local Authority District code (2019)",
    "pop_total_mid2015": "Total population: mid 2015 (excluding prisoners)",
    "income_score": "Income Score (rate)",
    "income_rank": "Income Rank (where 1 is most deprived)",
    "employment_score": "Employment Score (rate)",
    "employment_rank": "Employment Rank (where 1 is most deprived)",
    "education_score": "Education, Skills and Training Score",
    "education_rank": "Education, Skills and Training Rank (where 1 is most deprived)",
    "health_score": "Health Deprivation and Disability Score",
    "health_rank": "Health Deprivation and Disability Rank (where 1 is most deprived)",
    "crime_score": "Crime Score",
    "crime_rank": "Crime Rank (where 1 is most deprived)",
    "barriers_score": "Barriers to Housing and Services Score",
    "barriers_rank": "Barriers to Housing and Services Rank (where 1 is most deprived)",
    "living_env_score": "Living Environment Score",
    "living_env_rank": "Living Environment Rank (where 1 is most deprived)",
}


def _compare(results: pd.DataFrame, published: pd.DataFrame, code: str) -> pd.DataFrame:
    m = results.merge(published, left_on="area_code", right_on=code, validate="1:1")
    assert len(m) == len(results) == len(published)
    return m


@pytest.fixture(scope="module")
def imd2019_build(iod2019):
    return build("imd2019", iod2019)


def test_imd2019_scores_are_within_0_002_of_the_published_scores(imd2019_build, iod2019):
    m = _compare(imd2019_build.results, iod2019, "lsoa11cd")
    assert len(m) == 32844
    diff = (m["index_score"] - m["imd_score"]).abs()
    assert diff.max() < 0.002, diff.max()


def test_imd2019_ranks_agree_for_at_least_99_5_percent_and_none_is_off_by_more_than_2(
        imd2019_build, iod2019):
    m = _compare(imd2019_build.results, iod2019, "lsoa11cd")
    off = (m["index_rank"].astype(int) - m["imd_rank"]).abs()
    assert (off == 0).mean() >= 0.995, (off == 0).mean()
    assert off.max() <= 2
    assert (m["index_decile"].astype(int) == m["imd_decile"]).mean() >= 0.999


def test_imd2019_domain_ranks_and_deciles_are_the_published_ones(imd2019_build, iod2019):
    m = _compare(imd2019_build.results, iod2019, "lsoa11cd")
    for d in DOMAINS:
        assert (m[f"{d}_rank_x"].astype(int) == m[f"{d}_rank_y"]).all(), d
        assert (m[f"{d}_decile_x"].astype(int) == m[f"{d}_decile_y"]).all(), d


def test_the_first_lsoa_in_england_keeps_its_published_rank_and_decile(imd2019_build):
    row = imd2019_build.results.set_index("area_code").loc["E01000001"]
    assert row["index_rank"] == 29199 and row["index_decile"] == 9


def test_the_official_file_7_column_names_give_the_same_index(imd2019_build, iod2019):
    official = iod2019[list(FILE7_2019)].rename(columns=FILE7_2019)
    b = build("imd2019", official)
    assert b.columns_used["income"] == "Income Score (rate)"
    np.testing.assert_array_equal(b.results["index_score"], imd2019_build.results["index_score"])


def test_the_bundled_cheshire_and_merseyside_subset_keeps_national_scores():
    cm = load_imd(2019)
    b = build("imd2019", cm)
    m = b.results.merge(cm, left_on="area_code", right_on="lsoa11_code")
    assert len(m) == 1562
    assert (m["index_score"] - m["imd_score"]).abs().max() < 0.002


def test_imd2025_is_rebuilt_from_its_published_domain_ranks(iod2025):
    b = build("imd2025", iod2025)
    m = _compare(b.results, iod2025, "lsoa21_code")
    assert len(m) == 33755
    assert (m["index_score"] - m["imd_score"]).abs().max() < 0.002
    off = (m["index_rank"].astype(int) - m["imd_rank"]).abs()
    assert (off == 0).mean() >= 0.995 and off.max() <= 2


def test_imd2025_la_summaries_match_the_published_proportion_in_the_most_deprived_decile(
        iod2025):
    from measure_helpers import shared_file

    published = pd.read_csv(shared_file("deprivation/iod2025_lad24_summaries_england.csv"))
    with pytest.warns(Warning):  # no population column in this file: unweighted summaries
        summary = build("imd2025", iod2025).la_summary()
    m = summary.merge(published, left_on="la_code", right_on="ltla24_code")
    assert len(m) == len(published) == 296
    col = "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"
    # published to 4 d.p. (some values truncated rather than rounded, e.g. 5/237 -> 0.0210)
    assert (m["proportion_most_deprived_10pc"] - m[col]).abs().max() < 1e-4
