"""The LSOA -> MSOA -> LA -> ICB -> region hierarchy and area-code checks."""

from __future__ import annotations

import pandas as pd
import pytest

from rescomm.data import CM_LOCAL_AUTHORITIES
from rescomm.geo import AreaCodeError, AreaHierarchy, GeoError

# LSOAs per C&M local authority, counted in the ONS lookups (see README.md).
LSOA21_PER_LA = {
    "E06000006": 80, "E06000007": 132, "E06000049": 244, "E06000050": 222, "E08000011": 100,
    "E08000012": 302, "E08000013": 121, "E08000014": 191, "E08000015": 209,
}
LSOA11_PER_LA = {
    "E06000006": 79, "E06000007": 127, "E06000049": 234, "E06000050": 212, "E08000011": 98,
    "E08000012": 298, "E08000013": 119, "E08000014": 189, "E08000015": 206,
}


@pytest.fixture(scope="module")
def hierarchy() -> AreaHierarchy:
    return AreaHierarchy.bundled()


@pytest.mark.parametrize(("year", "per_la", "total"),
                         [(2021, LSOA21_PER_LA, 1601), (2011, LSOA11_PER_LA, 1562)])
def test_lsoa_counts_per_cm_local_authority_sum_to_the_published_total(hierarchy, year, per_la,
                                                                        total):
    counts = {lad: len(hierarchy.lsoas_in(lad, year=year)) for lad in CM_LOCAL_AUTHORITIES}
    assert counts == per_la
    assert sum(counts.values()) == total


def test_the_cm_icb_contains_exactly_the_nine_local_authorities(hierarchy):
    lsoas = hierarchy.lsoas_in("E54000008", year=2021)
    assert len(lsoas) == 1601
    parents = hierarchy.parents(lsoas)
    assert set(parents["lad_code"]) == set(CM_LOCAL_AUTHORITIES)


def test_parents_of_a_known_lsoa(hierarchy):
    row = hierarchy.parents(["E01033756"]).iloc[0].to_dict()
    assert row == {
        "lsoa21_code": "E01033756", "lsoa21_name": "Liverpool 061C",
        "msoa21_code": "E02006933", "msoa21_name": "Liverpool 061",
        "lad_code": "E08000012", "lad_name": "Liverpool",
        "icb_code": "E54000008",
        "icb_name": "NHS Cheshire and Merseyside Integrated Care Board",
        "region_code": "E12000002", "region_name": "North West",
    }


def test_parents_keep_input_order_and_duplicates(hierarchy):
    codes = ["E01012407", "E01033756", "E01012407"]
    out = hierarchy.parents(pd.Series(codes), year=2021)
    assert out["lsoa21_code"].tolist() == codes
    assert out["lad_name"].tolist() == ["Halton", "Liverpool", "Halton"]


def test_parents_for_2011_codes_use_2011_msoas(hierarchy):
    out = hierarchy.parents(["E01018326"], year=2011)
    assert list(out.columns[:4]) == ["lsoa11_code", "lsoa11_name", "msoa11_code", "msoa11_name"]
    assert out.loc[0, "msoa11_code"] == "E02003803"
    assert out.loc[0, "lad_name"] == "Cheshire West and Chester"


def test_welsh_lsoas_have_no_icb_or_region(hierarchy):
    out = hierarchy.parents(["W01000303"])
    assert out.loc[0, "lad_code"] == "W06000005"
    assert pd.isna(out.loc[0, "icb_code"]) and pd.isna(out.loc[0, "region_code"])


def test_a_2011_code_where_2021_is_needed_says_which_year_and_how_to_convert(hierarchy):
    with pytest.raises(AreaCodeError) as info:
        hierarchy.check_codes(["E01033756", "E01018326"], 2021)
    assert str(info.value) == (
        "1 code is not a 2021 LSOA code: 'E01018326' is a 2011 LSOA code (replaced in 2021); "
        "convert 2011-based data to 2021 LSOAs with rescomm.geo.lsoa11_to_lsoa21"
    )
    assert info.value.codes == ["E01018326"]


def test_a_2021_code_where_2011_is_needed_points_to_the_inverse_bridge(hierarchy):
    with pytest.raises(AreaCodeError) as info:
        hierarchy.parents(["E01035376"], year=2011)
    assert str(info.value) == (
        "1 code is not a 2011 LSOA code: 'E01035376' is a 2021 LSOA code (new in 2021); "
        "convert 2021-based data to 2011 LSOAs with rescomm.geo.lsoa21_to_lsoa11"
    )


def test_malformed_missing_and_unknown_codes_are_all_named(hierarchy):
    with pytest.raises(AreaCodeError) as info:
        hierarchy.check_codes(["E02001342", None, "E01999999"], 2021)
    assert str(info.value) == (
        "3 codes are not 2021 LSOA codes: 'E02001342' is not an LSOA code, a missing value, "
        "'E01999999' is not a known LSOA code; check the codes (LSOA codes are 'E01' or 'W01' "
        "followed by 6 digits)"
    )


def test_long_lists_of_bad_codes_are_truncated_to_one_line(hierarchy):
    bad = [f"E0199{i:04d}" for i in range(12)]
    with pytest.raises(AreaCodeError) as info:
        hierarchy.check_codes(bad, 2021)
    assert " and 7 more; " in str(info.value) and "\n" not in str(info.value)
    assert len(info.value.codes) == 12


def test_coerce_returns_missing_parents_instead_of_raising(hierarchy):
    out = hierarchy.parents(["E01033756", "nonsense"], errors="coerce")
    assert out["lad_code"].tolist()[0] == "E08000012" and pd.isna(out["lad_code"].iloc[1])


def test_unknown_area_for_lsoas_in_names_the_code(hierarchy):
    with pytest.raises(AreaCodeError) as info:
        hierarchy.lsoas_in("E08000099")
    assert str(info.value) == (
        "area code 'E08000099' is not a local authority, MSOA, ICB or region of the 2021 LSOA "
        "lookup; check the code (local authorities look like 'E08000012') and the year"
    )


def test_lsoas_in_also_takes_msoa_and_region_codes(hierarchy):
    assert hierarchy.lsoas_in("E02006933").tolist() == sorted(
        hierarchy.table().query("msoa21_code == 'E02006933'")["lsoa21_code"])
    assert len(hierarchy.lsoas_in("E12000002")) > 1601  # North West region


def test_unsupported_year_is_rejected(hierarchy):
    with pytest.raises(GeoError, match="use year=2011 or year=2021"):
        hierarchy.parents(["E01033756"], year=2019)


def test_local_authorities_table_has_one_row_per_la(hierarchy):
    las = hierarchy.local_authorities(2021)
    assert las.index.is_unique
    assert las.loc["E08000013", "lad_name"] == "St. Helens"
    assert las.loc["E08000013", "icb_code"] == "E54000008"


def test_hierarchy_counts_agree_with_the_raw_ons_lookup(shared_data, hierarchy):
    raw = pd.read_csv(shared_data / "lookups/lookup_lsoa21_msoa21_ward24_lad24_icb24_ew.csv.gz",
                      dtype=str)
    raw = raw[raw["ltla24_code"].isin(CM_LOCAL_AUTHORITIES)]
    assert raw.groupby("ltla24_code").size().to_dict() == LSOA21_PER_LA
