"""Acceptance: the built-in ``imd2019``/``imd2025`` frameworks rebuild the published IMD.

On all 32,844 LSOAs of IoD2019 the rebuilt score is within 0.002 of the published 3-d.p. score,
at least 99.5% of ranks agree exactly and none is more than 2 places off. The domain ranks used
are the published ones (scores are rounded to 3 d.p. and tie; see the framework YAML).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from measure_helpers import GOLDEN

from rescomm.data import load_imd
from rescomm.measure import build, la_summary

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


# ---- local-authority summaries (IoD File 10) ----------------------------------------------------
#: IoD2019 domains: column prefix in the shared LSOA file and in the golden File 10 extract
DOMAINS_2019 = ["imd", *DOMAINS]
#: IoD2025 domains: prefix in the shared LSOA file -> prefix in the published LA summaries
DOMAINS_2025 = {
    "imd": "imd", "income": "income", "employment": "employment",
    "education": "education_skills_and_training", "health": "health_deprivation_and_disability",
    "crime": "crime", "housing_and_services": "barriers_to_housing_and_services",
    "environment": "living_environment",
}
#: The shared IoD2025 file takes each LSOA's 2024 district from the ONS best-fit ward lookup; MHCLG
#: puts this one ("West Northamptonshire 048E", moved to Cherwell by the 2024 boundary change)
#: in West Northamptonshire. Every proportion of both districts agrees once it is put there.
MHCLG_LAD24 = {"E01027305": "E06000062"}
#: Published proportions are rounded to 4 d.p.: at most half a unit of the last place off.
HALF_4DP = 0.5e-4 + 1e-12


def _golden_file10_2019() -> pd.DataFrame:
    return pd.read_csv(GOLDEN / "iod2019_lad19_file10_summaries.csv").set_index("lad19cd")


def _summary_2019(iod2019, domain: str) -> pd.DataFrame:
    # File 10 weights the Employment domain by the working-age population, the rest by the total
    pop = "pop_working_age_18_59_64_mid2015" if domain == "employment" else "pop_total_mid2015"
    return la_summary(iod2019[f"{domain}_score"].to_numpy(), iod2019[f"{domain}_rank"].to_numpy(),
                      iod2019["lad19cd"].to_numpy(), iod2019[pop].to_numpy())


@pytest.mark.parametrize("domain", DOMAINS_2019)
def test_la_summary_reproduces_iod2019_file10_average_scores_and_proportions(iod2019, domain):
    """All 317 districts of IoD2019 File 10, from the published LSOA scores and ranks and the
    official mid-2015 population denominators. Average scores: the LSOA scores are published to
    3 d.p. (a weighted mean of them is off by at most 0.0005) and so are the averages (another
    0.0005), hence 0.001. Proportions: exact to the 4 published decimals."""
    golden = _golden_file10_2019()
    m = _summary_2019(iod2019, domain).set_index("la_code").join(golden, how="outer")
    assert len(m) == 317 and m.notna().all().all()
    score = (m["average_score"] - m[f"{domain}_average_score"]).abs()
    assert score.max() <= 0.001, score.idxmax()
    share = (m["proportion_most_deprived_10pc"] - m[f"{domain}_proportion_most_deprived_10pc"])
    assert share.abs().max() <= HALF_4DP, share.abs().idxmax()


def test_la_summary_reproduces_iod2019_file10_extent(iod2019):
    """Extent of every district, from the official denominators. File 10 gives 4 d.p.; 316 of 317
    are within half a unit of the last place; Hammersmith and Fulham (0.164348 here) is published
    as 0.1644, 0.015 of a unit further: the bound is 0.52e-4."""
    m = _summary_2019(iod2019, "imd").set_index("la_code").join(_golden_file10_2019())
    off = (m["extent"] - m["imd_extent"]).abs()
    assert (off <= HALF_4DP).sum() == 316
    assert off.max() < 0.52e-4 and off.idxmax() == "E09000013"


def test_build_la_summary_of_rebuilt_imd2019_matches_file10(iod2019):
    """The rebuilt index (scores within 0.002, ranks within 2 of the published ones) gives the
    same File 10 average scores, extents and proportions within the bounds above."""
    m = build("imd2019", iod2019).la_summary().set_index("la_code").join(_golden_file10_2019())
    assert len(m) == 317
    assert (m["average_score"] - m["imd_average_score"]).abs().max() <= 0.001
    assert (m["extent"] - m["imd_extent"]).abs().max() < 0.52e-4
    share = m["proportion_most_deprived_10pc"] - m["imd_proportion_most_deprived_10pc"]
    assert share.abs().max() <= HALF_4DP


@pytest.fixture(scope="module")
def iod2025_mhclg_districts(iod2025) -> pd.DataFrame:
    """The shared IoD2025 LSOAs with MHCLG's 2024 districts and, as ``pop_total``, the Census 2021
    usual residents (the mid-2022 denominators of File 7 are not in the shared data)."""
    from measure_helpers import shared_file

    t = iod2025.copy()
    t["ltla24_code"] = t["lsoa21_code"].map(MHCLG_LAD24).fillna(t["ltla24_code"])
    census = pd.read_csv(shared_file("population/census2021_ts007a_age5yr_lsoa21_ew.csv.gz"),
                         usecols=["geography code", "Age: Total"])
    t["pop_total"] = t["lsoa21_code"].map(census.set_index("geography code")["Age: Total"])
    assert t["pop_total"].notna().all()
    return t


@pytest.fixture(scope="module")
def published_2025() -> pd.DataFrame:
    from measure_helpers import shared_file

    path = shared_file("deprivation/iod2025_lad24_summaries_england.csv")
    return pd.read_csv(path).set_index("ltla24_code")


@pytest.fixture(scope="module")
def imd2025_census_weighted(iod2025_mhclg_districts):
    return build("imd2025", iod2025_mhclg_districts)


@pytest.mark.parametrize("domain", DOMAINS_2025)
def test_la_summary_reproduces_every_iod2025_proportion_in_the_most_deprived_decile(
        iod2025_mhclg_districts, published_2025, domain):
    """The proportion needs no population: all 296 districts, every domain, exact to 4 d.p."""
    t = iod2025_mhclg_districts
    s = la_summary(t[f"{domain}_score"].to_numpy(), t[f"{domain}_rank"].to_numpy(),
                   t["ltla24_code"].to_numpy(), np.ones(len(t)))
    m = s.set_index("la_code").join(published_2025, how="outer")
    assert len(m) == 296
    column = (f"{DOMAINS_2025[domain]}_proportion_of_lso_as_in_most_deprived_10_percent_"
              "nationally")
    off = (m["proportion_most_deprived_10pc"] - m[column]).abs()
    assert off.max() <= HALF_4DP, off.idxmax()


def test_build_la_summary_of_rebuilt_imd2025_matches_the_published_proportions(
        imd2025_census_weighted, published_2025):
    m = imd2025_census_weighted.la_summary().set_index("la_code").join(published_2025)
    col = "imd_proportion_of_lso_as_in_most_deprived_10_percent_nationally"
    assert len(m) == 296
    assert (m["proportion_most_deprived_10pc"] - m[col]).abs().max() <= HALF_4DP


#: IoD2025 population-weighted measures with Census 2021 usual residents in place of the
#: mid-2022 denominators: the largest difference from the published value over the 296 districts
#: measured (2026-12), and with every LSOA counted once (what the weights are worth).
CENSUS_WEIGHTED_2025 = {
    # measure: (published column, largest difference, Census 2021 weights; equal weights)
    "average_score": ("imd_average_score", 0.35, 2.15),
    "average_rank": ("imd_average_rank", 370.0, 982.0),
    "extent": ("imd25_extent", 0.0071, 0.055),
    "local_concentration": ("imd25_local_concentration", 172.0, 1023.0),
}


@pytest.mark.parametrize("measure", CENSUS_WEIGHTED_2025)
def test_iod2025_population_weighted_measures_agree_as_far_as_the_census_weights_allow(
        imd2025_census_weighted, iod2025_mhclg_districts, published_2025, measure):
    """Without the mid-2022 denominators the published average score, average rank, extent and
    local concentration cannot be reproduced exactly (IoD2019 shows the method is exact with the
    official ones). With Census 2021 weights every district stays within the measured bound, and
    the weights matter: equal weights are off by up to the second bound and further than the
    Census weights in the median district (docs/measure.md gives the figures)."""
    column, bound, unweighted_bound = CENSUS_WEIGHTED_2025[measure]
    b, t = imd2025_census_weighted, iod2025_mhclg_districts
    m = b.la_summary().set_index("la_code").join(published_2025)
    off = (m[measure] - m[column]).abs()
    assert off.max() <= bound, (off.idxmax(), off.max())
    equal = la_summary(b.results["index_score"].to_numpy(), b.results["index_rank"].to_numpy(
        dtype=float), t["ltla24_code"].to_numpy(), np.ones(len(t)))
    off_equal = (equal.set_index("la_code")[measure] - m[column]).abs()
    assert off_equal.median() > 2 * off.median()
    assert off_equal.max() <= unweighted_bound * 1.01
