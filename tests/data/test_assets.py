"""Community assets: the bundled C&M tables, the normalised asset table and the readers for the
full official files. Expected counts and records are explained in ``README_assets.md``."""

from __future__ import annotations

import csv
import gzip
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.reference_data import reference_dir

import rescomm.data as A
from rescomm.data import load_lsoa21_lookup
from rescomm.data._asset_io import _normalise_postcodes, title_case_name
from rescomm.data._gp_practices import EPRACCUR_COLUMNS

CM = ("E06000006", "E06000007", "E06000049", "E06000050", "E08000011", "E08000012",
      "E08000013", "E08000014", "E08000015")


@pytest.fixture(scope="module")
def shared_assets(shared_data: Path) -> Path:
    """``assets/`` of the shared open data (see ``conftest.shared_data``); skip if absent."""
    return reference_dir("assets")


# ----------------------------------------------------------------------------- bundled tables

@pytest.mark.parametrize(("loader", "rows"), [
    (A.load_gp_practices, 338),
    (A.load_libraries, 112),
    (A.load_schools, 1110),
    (A.load_greenspace_sites, 2173),
    (A.load_greenspace_access_points, 37465),
])
def test_bundled_tables_have_the_row_counts_derived_from_the_raw_files(loader, rows):
    assert len(loader()) == rows


def test_every_green_space_site_of_the_c_and_m_buffer_is_bundled_whatever_its_size():
    sites = A.load_greenspace_sites(min_size_ha=0, in_cm_only=False)
    assert len(sites) == 6171
    assert sites["source_id"].is_unique


def test_gp_practice_record_matches_the_epraccur_file():
    gp = A.load_gp_practices().set_index("ods_code").loc["N82003"]
    assert gp["name"] == "Dovecot Health Centre"
    assert gp["name_original"] == "DOVECOT HEALTH CENTRE"
    assert gp["postcode"] == "L14 0NL"
    assert gp["phone"] == "0151 2959440"
    assert gp["open_date"] == pd.Timestamp("1974-04-01")
    assert (gp["easting"], gp["northing"]) == (341743.0, 391555.0)
    assert gp["lad_code"] == "E08000012"
    assert gp["lsoa21_code"] == "E01006571"
    assert gp["source_id"] == "ods:N82003"


def test_library_record_matches_the_ace_file_and_its_documented_hash_id():
    lib = A.load_libraries().set_index("name").loc["Chester Library at Storyhouse"]
    assert lib["postcode"] == "CH1 2AR"
    assert lib["operation_2023"] == "LA"
    assert lib["operation_model"] == "local authority run"
    assert lib["email"] == "libraries@cheshirewestandchester.gov.uk"
    key = b"chester library at storyhouse|CH12AR"
    assert lib["source_id"] == "ace:" + hashlib.sha256(key).hexdigest()[:16]


def test_libraries_temporarily_closed_in_2023_are_kept_and_flagged():
    lib = A.load_libraries()
    assert sorted(lib.loc[lib["temporarily_closed_2023"], "name"]) == [
        "Beechwood", "Ridgeway", "Wallasey Village"]


def test_school_record_matches_gias():
    s = A.load_schools().set_index("urn").loc["103598"]
    assert s["name"] == "Prenton Primary School"
    assert s["education_phase"] == "Primary"
    assert s["number_of_pupils"] == 393
    assert s["lsoa21_code"] == "E01007253" and s["lsoa21_method"] == "source"
    assert s["lad_code"] == "E08000015"


def test_schools_are_chosen_by_location_so_two_run_by_other_authorities_are_included():
    s = A.load_schools().set_index("urn")
    assert s.loc["151438", "la_name"] == "Stoke-on-Trent"
    assert s.loc["400334", "la_name"] == "Flintshire"
    assert (s["la_name"].isin(["Stoke-on-Trent", "Flintshire"])).sum() == 2


def test_every_bundled_asset_table_carries_source_licence_and_attribution():
    for table in (A.load_gp_practices(), A.load_libraries(), A.load_schools(),
                  A.load_greenspace_sites(), A.load_greenspace_access_points()):
        for col in ("source", "licence", "attribution"):
            assert table[col].notna().all() and (table[col].astype(str) != "").all()
        assert (table["licence"] == "OGL-UK-3.0").all()
        assert table["attribution"].astype(str).str.contains("Open Government Licence").all()


# ----------------------------------------------------------------------------- load_assets

def test_load_assets_has_the_normalised_columns_in_order():
    assert list(A.load_assets().columns) == [
        "source_id", "name", "description", "category", "capitals", "needs", "address",
        "postcode", "phone", "email", "url", "easting", "northing", "latitude", "longitude",
        "lad_code", "lsoa21_code", "lsoa21_method", "source", "licence", "attribution",
        "opening_times",
    ]


def test_load_assets_counts_each_category():
    counts = A.load_assets()["category"].value_counts().to_dict()
    assert counts == {"green_space": 2173, "school": 1110, "gp_practice": 338, "library": 112}


def test_every_asset_has_a_unique_id_and_a_c_and_m_location():
    a = A.load_assets()
    assert a["source_id"].is_unique
    assert a["source_id"].str.match(r"^(ods|ace|gias|osgs|crow):").all()
    assert a["lad_code"].isin(CM).all()
    cm_lsoas = set(load_lsoa21_lookup().query("lad_code in @CM")["lsoa21_code"])
    assert a["lsoa21_code"].isin(cm_lsoas).all()
    assert a["latitude"].between(52.9, 53.75).all() and a["longitude"].between(-3.3, -1.9).all()
    assert a["easting"].between(300_000, 420_000).all()


@pytest.mark.parametrize("category", ["gp_practice", "library", "school", "green_space"])
def test_capitals_and_needs_follow_the_documented_mapping(category):
    a = A.load_assets()
    rows = a[a["category"] == category]
    assert (rows["capitals"] == ";".join(A.CATEGORY_CAPITALS[category])).all()
    assert (rows["needs"] == ";".join(A.CATEGORY_NEEDS[category])).all()


def test_mapping_uses_only_the_seven_capitals_and_the_need_codes():
    for caps in A.CATEGORY_CAPITALS.values():
        assert set(caps) <= set(A.CAPITALS) and caps
    for needs in A.CATEGORY_NEEDS.values():
        assert set(needs) <= set(A.NEEDS)


def test_asset_tags_gives_one_boolean_column_per_capital():
    a = A.load_assets()
    tags = A.asset_tags(a, "capitals")
    assert list(tags.columns) == list(A.CAPITALS)
    assert tags["natural"].sum() == 2173
    assert tags["cultural"].sum() == 112
    assert not tags["political"].any() and not tags["financial"].any()
    with pytest.raises(ValueError, match="'capitals' or 'needs'"):
        A.asset_tags(a, "category")


def test_gp_address_leaves_out_a_first_line_that_repeats_the_name():
    a = A.load_assets().set_index("source_id")
    assert a.loc["ods:N81001", "address"] == "16 Cheshire St, Audlem, Crewe, Cheshire"


def test_green_space_assets_are_sites_of_at_least_half_a_hectare():
    sites = A.load_greenspace_sites()
    assert (sites["min_size_ha"] >= 0.5).all() and sites["in_cm"].all()


# ----------------------------------------------------------------------------- helpers

@pytest.mark.parametrize(("raw", "expected"), [
    ("THE DENSHAM SURGERY", "The Densham Surgery"),
    ("ST WERBURGH'S MEDICAL PRACTICE HOMELESS", "St Werburgh's Medical Practice Homeless"),
    ("GUARDIAN STREET MED/CTR", "Guardian Street Med/Ctr"),
    ("SPEKE HC - DR SINGH & DR BICHA", "Speke HC - Dr Singh & Dr Bicha"),
    ("DR M SUARES' PRACTICE", "Dr M Suares' Practice"),
    ("BROWNLOW HEALTH AT KENSINGTON", "Brownlow Health at Kensington"),
    ("GP PRACTICE RIVERSIDE (DR JUDE)", "GP Practice Riverside (Dr Jude)"),
    ("VERNOVA HEALTHCARE CIC", "Vernova Healthcare CIC"),
    ("HOYLAKE & MEOLS MEDICAL CTR", "Hoylake & Meols Medical Ctr"),
    ("O'NEILL HOUSE", "O'Neill House"),
    ("MCDONALD CLOSE 2A", "McDonald Close 2A"),
    ("THE HEALTH CENTRE (HOLMES CHAPEL)", "The Health Centre (Holmes Chapel)"),
])
def test_title_case_name_keeps_acronyms_initials_and_possessives(raw, expected):
    assert title_case_name(raw) == expected


def test_title_case_name_passes_missing_values_through():
    assert title_case_name(None) is None
    assert pd.isna(title_case_name(np.nan))


def test_normalise_postcodes_fixes_spacing_and_case_and_blanks_invalid_values():
    out = _normalise_postcodes(pd.Series(["ch1 1 rl", "L18JQ", " CW3 0AH ", "NE26 1EJ.",
                                          "[Unknown]", None]))
    assert out.tolist()[:4] == ["CH1 1RL", "L1 8JQ", "CW3 0AH", "NE26 1EJ"]
    assert out.isna().tolist()[4:] == [True, True]


# ----------------------------------------------------------------------------- readers: GP

# Real epraccur rows (Sept 2025), reduced to the 27 header-less official fields.
_EPRACCUR_ROWS = [
    # active GP practice in Cheshire East
    ["N81001", "AUDLEM MEDICAL PRACTICE", "Y62", "QYG", "AUDLEM MEDICAL PRACTICE",
     "16 CHESHIRE ST, AUDLEM", "CREWE", "CHESHIRE", "", "CW3 0AH", "19740401", "", "A", "B",
     "27D", "20220701", "", "01270 811440", "", "", "", "0", "", "27D", "", "4", ""],
    # active GP practice in Liverpool
    ["N82003", "DOVECOT HEALTH CENTRE", "Y62", "QYG", "DOVECOT FAMILY HEALTH CTR",
     "LONGREACH RD, DOVECOT", "LIVERPOOL", "", "", "L14 0NL", "19740401", "", "A", "B", "99A",
     "20220701", "", "0151 2959440", "", "", "", "0", "", "99A", "", "4", ""],
    # closed practice (status C) in Liverpool: dropped
    ["N82999", "OLD SURGERY", "Y62", "QYG", "1 ROAD", "", "LIVERPOOL", "", "", "L14 0NL",
     "19740401", "20100331", "C", "B", "99A", "", "", "", "", "", "", "0", "", "99A", "", "4", ""],
    # active, but not a GP practice (prescribing setting 0 = other): dropped
    ["Y00001", "WALK IN CENTRE", "Y62", "QYG", "2 ROAD", "", "CREWE", "", "", "CW3 0AH",
     "20000401", "", "A", "B", "27D", "", "", "", "", "", "", "0", "", "27D", "", "0", ""],
]


def _write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None,
               encoding: str = "utf-8") -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        if header:
            w.writerow(header)
        w.writerows(rows)
    return path


def test_read_gp_practices_reads_the_headerless_official_file_and_keeps_active_gp_practices(
        tmp_path):
    path = _write_csv(tmp_path / "epraccur.csv", _EPRACCUR_ROWS)
    gp = A.read_gp_practices(path)
    assert gp["ods_code"].tolist() == ["N81001", "N82003"]
    row = gp.iloc[0]
    assert row["name"] == "Audlem Medical Practice"
    assert row["postcode"] == "CW3 0AH"
    # geocoded with the bundled ONSPD (Nov 2025) postcode centroid, as in the bundled table
    bundled = A.load_gp_practices().set_index("ods_code").loc["N81001"]
    assert (row["easting"], row["northing"]) == (bundled["easting"], bundled["northing"])
    assert row["lad_code"] == "E06000049"
    assert row["lsoa21_method"].startswith("postcode:")


def test_read_gp_practices_filters_by_local_authority_and_can_keep_every_status(tmp_path):
    path = _write_csv(tmp_path / "epraccur.csv.gz", _EPRACCUR_ROWS)
    assert A.read_gp_practices(path, lads=["E08000012"])["ods_code"].tolist() == ["N82003"]
    assert len(A.read_gp_practices(path, active_only=False)) == 4


def test_read_gp_practices_reads_a_copy_with_a_header_row(tmp_path):
    path = _write_csv(tmp_path / "gp.csv", [r for r in _EPRACCUR_ROWS],
                      header=list(EPRACCUR_COLUMNS))
    assert A.read_gp_practices(path)["ods_code"].tolist() == ["N81001", "N82003"]


def test_unknown_local_authority_code_is_refused_with_an_example(tmp_path):
    path = _write_csv(tmp_path / "epraccur.csv", _EPRACCUR_ROWS)
    with pytest.raises(ValueError, match=r"unknown local authority code\(s\) \['E99999999'\]"):
        A.read_gp_practices(path, lads=["E99999999"])


def test_gp_file_without_a_postcode_column_names_the_column_and_the_file(tmp_path):
    header = [c for c in EPRACCUR_COLUMNS if c != "postcode"]
    rows = [[v for c, v in zip(EPRACCUR_COLUMNS, r, strict=True) if c != "postcode"]
            for r in _EPRACCUR_ROWS]
    path = _write_csv(tmp_path / "broken.csv", rows, header=header)
    with pytest.raises(A.AssetFileError) as err:
        A.read_gp_practices(path)
    assert str(err.value) == (
        f"{path}: required column 'postcode' is missing from this GP practice (epraccur) file "
        "(accepted spellings: 'postcode', 'Postcode'); check that it is the full official file")
    assert err.value.column == "postcode" and err.value.path == str(path)


def test_gp_coordinates_outside_great_britain_are_refused(tmp_path):
    header = [*EPRACCUR_COLUMNS, "pc_easting", "pc_northing"]
    rows = [[*r, "-2.508717", "52.989615"] for r in _EPRACCUR_ROWS[:1]]  # lon/lat, not BNG
    path = _write_csv(tmp_path / "swapped.csv", rows, header=header)
    with pytest.raises(A.AssetCoordinateError, match="outside Great Britain") as err:
        A.read_gp_practices(path)
    assert err.value.count == 1 and err.value.first[0] == "N81001"
    assert "organisation_code='N81001'" in str(err.value)


# ----------------------------------------------------------------------------- readers: libraries

_LIB_HEADER = ["name", "address1", "address2", "address3", "authority", "postcode", "uprn",
               "type", "statutory_23", "operation_23", "closed", "opened", "monday", "hours",
               "email"]
_LIB_ROWS = [
    ["Chester Library at Storyhouse", "Hunter Street", "Chester", "Cheshire",
     "Cheshire West and Chester", "CH1 2AR", "", "Static Library", "Yes", "LA", "", "2017",
     "All Day (continuous)", "71.5", "Libraries@CheshireWestAndChester.gov.uk "],
    ["Ridgeway", "Ridgeway High School", "Noctorum", "Merseyside", "Wirral", "CH43 9EB", "",
     "Static Library", "Yes", "Temporary Closure", "", "", "Closed", "N/A Closed", ""],
    ["Closed Branch", "1 Road", "Chester", "", "Cheshire West and Chester", "CH1 2AR", "",
     "Static Library", "No", "Closed", "2016", "", "N/A Closed", "N/A Closed", ""],
    ["Mobile Library", "Depot", "Chester", "", "Cheshire West and Chester", "CH1 2AR", "",
     "Mobile Library", "Yes", "LA", "", "", "", "", ""],
]


def test_read_ace_libraries_keeps_open_static_libraries_and_geocodes_by_postcode(tmp_path):
    path = _write_csv(tmp_path / "libraries.csv", _LIB_ROWS, header=_LIB_HEADER)
    lib = A.read_ace_libraries(path)
    assert lib["name"].tolist() == ["Chester Library at Storyhouse", "Ridgeway"]
    assert lib["temporarily_closed_2023"].tolist() == [False, True]
    assert lib["hours"].tolist()[0] == 71.5 and np.isnan(lib["hours"].tolist()[1])
    assert lib["email"].iloc[0] == "libraries@cheshirewestandchester.gov.uk"
    bundled = A.load_libraries().set_index("source_id")
    first = lib.iloc[0]
    assert first["source_id"] in bundled.index
    assert first["easting"] == bundled.loc[first["source_id"], "easting"]


def test_library_file_without_a_statutory_column_names_it(tmp_path):
    header = [c for c in _LIB_HEADER if c != "statutory_23"]
    rows = [[v for c, v in zip(_LIB_HEADER, r, strict=True) if c != "statutory_23"]
            for r in _LIB_ROWS]
    path = _write_csv(tmp_path / "libs.csv", rows, header=header)
    with pytest.raises(A.AssetFileError, match=r"required column 'statutory_23' is missing"):
        A.read_ace_libraries(path)


# ----------------------------------------------------------------------------- readers: GIAS

_GIAS_HEADER = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
                "TypeOfEstablishment (name)", "EstablishmentTypeGroup (name)",
                "EstablishmentStatus (name)", "PhaseOfEducation (name)", "NumberOfPupils",
                "Easting", "Northing", "LSOA (code)", "DistrictAdministrative (code)",
                "Postcode", "Street", "Town", "TelephoneNum", "SchoolWebsite"]
_GIAS_ROWS = [
    ["103598", "344", "Wirral", "2000", "Prenton Primary School", "Community school",
     "Local authority maintained schools", "Open", "Primary", "393", "330079", "386063",
     "E01007253", "E08000015", "CH43 0RL", "Prenton Lane", "Birkenhead", "0151 000 0000",
     "www.example.sch.uk"],
    ["999991", "344", "Wirral", "2001", "École Française de Wirral", "Other independent school",
     "Independent schools", "Open, but proposed to close", "Not applicable", "20", "330100",
     "386100", "E01007253", "E08000015", "", "", "", "", ""],
    ["999992", "344", "Wirral", "2002", "Closed Primary", "Community school",
     "Local authority maintained schools", "Closed", "Primary", "", "330200", "386200",
     "E01007253", "E08000015", "", "", "", "", ""],
    ["999993", "201", "City of London", "3614", "The Aldgate School", "Voluntary aided school",
     "Local authority maintained schools", "Open", "Primary", "244", "533498", "181201",
     "E01032739", "E09000001", "", "", "", "", ""],
]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_read_gias_reads_the_official_layout_in_either_encoding(tmp_path, encoding):
    path = _write_csv(tmp_path / "edubasealldata.csv", _GIAS_ROWS, header=_GIAS_HEADER,
                      encoding=encoding)
    s = A.read_gias(path)
    assert s["urn"].tolist() == ["103598", "999991", "999993"]  # closed one dropped
    assert s["name"].iloc[1] == "École Française de Wirral"  # no mojibake
    assert s["number_of_pupils"].iloc[0] == 393
    assert s["address"].iloc[0] == "Prenton Lane, Birkenhead"
    assert s["url"].iloc[0] == "www.example.sch.uk"
    assert s["lsoa21_method"].tolist() == ["source"] * 3
    assert s["latitude"].between(51, 54).all()


def test_read_gias_filters_by_district(tmp_path):
    path = _write_csv(tmp_path / "edubasealldata.csv", _GIAS_ROWS, header=_GIAS_HEADER)
    assert A.read_gias(path, lads=["E09000001"])["urn"].tolist() == ["999993"]


def test_gias_file_without_eastings_names_the_column(tmp_path):
    header = [c for c in _GIAS_HEADER if c != "Easting"]
    rows = [[v for c, v in zip(_GIAS_HEADER, r, strict=True) if c != "Easting"]
            for r in _GIAS_ROWS]
    path = _write_csv(tmp_path / "gias.csv", rows, header=header)
    with pytest.raises(A.AssetFileError) as err:
        A.read_gias(path)
    assert "required column 'easting' is missing from this GIAS establishments file" in str(
        err.value)
    assert "'Easting'" in str(err.value) and str(path) in str(err.value)


def test_gias_coordinates_outside_great_britain_are_refused(tmp_path):
    rows = [r.copy() for r in _GIAS_ROWS[:1]]
    rows[0][10], rows[0][11] = "2500000", "386063"
    path = _write_csv(tmp_path / "gias.csv", rows, header=_GIAS_HEADER)
    with pytest.raises(A.AssetCoordinateError, match="urn='103598'"):
        A.read_gias(path)


# ----------------------------------------------------------------------------- readers: green space

def test_formal_access_points_are_linked_to_the_site_whose_bounding_box_holds_them(tmp_path):
    # a 2 ha site known by its four bounding-box mid-points, and a gate on its edge
    header = ["site_id", "easting", "northing", "min_size_ha_class"]
    cls = "local (>=2ha)"
    rows = [["SITE-A", "340000", "390100", cls], ["SITE-A", "340000", "389900", cls],
            ["SITE-A", "340100", "390000", cls], ["SITE-A", "339900", "390000", cls],
            ["GATE-1", "340100", "390050", cls],
            # a small site's gate inside the same box but of another class stays unlinked
            ["GATE-2", "340050", "390050", "under_0.5ha"]]
    path = _write_csv(tmp_path / "ap.csv", rows, header=header)
    ap = A.read_greenspace_access_points(path).set_index("point_id")
    assert ap.loc["GATE-1", "site_id"] == "SITE-A"
    assert ap.loc["GATE-1", "site_link"] == "bbox_unique"
    assert ap.loc["GATE-2", "site_link"] == "unlinked"
    sites = A.greenspace_sites(ap.reset_index()).set_index("site_id")
    assert sites.loc["SITE-A", "n_access_points"] == 5
    assert sites.loc["SITE-A", "n_formal_access_points"] == 1
    assert sites.loc["SITE-A", "source_id"] == "osgs:SITE-A"
    assert sites.loc["SITE-A", "min_size_ha"] == 2.0


def test_os_native_access_points_use_the_site_reference_as_given(tmp_path):
    path = _write_csv(tmp_path / "os.csv", [["P1", "S1", "340000", "390000"]],
                      header=["id", "refToGreenspaceSite", "easting", "northing"])
    ap = A.read_greenspace_access_points(path)
    assert ap[["site_id", "point_id", "site_link"]].iloc[0].tolist() == ["S1", "P1", "source"]


def test_unknown_green_space_size_class_is_refused(tmp_path):
    path = _write_csv(tmp_path / "ap.csv", [["S1", "340000", "390000", "huge"]],
                      header=["site_id", "easting", "northing", "min_size_ha_class"])
    with pytest.raises(A.AssetFileError, match="unknown min_size_ha_class value"):
        A.read_greenspace_access_points(path)


def test_bundled_access_points_are_linked_to_sites_for_every_os_formal_point():
    ap = A.load_greenspace_access_points()
    assert ap["site_link"].value_counts().to_dict() == {
        "own_site_id": 24684, "bbox_unique": 12050, "bbox_smallest_of_several": 731}
    assert ap["point_kind"].value_counts().to_dict() == {
        "site_bbox_midpoint": 22028, "os_access_point": 12781, "crow_bbox_midpoint": 2656}


# ----------------------------------------------------------------------------- independent oracle

def test_bundled_counts_match_an_independent_count_of_the_raw_files(shared_assets):
    """Counts with the csv module, not the readers (see README_assets.md)."""
    with gzip.open(shared_assets / "gp_practices_epraccur_2025-09.csv.gz", "rt",
                   encoding="utf-8") as f:
        gp = sum(1 for r in csv.DictReader(f) if r["status_code"] == "A"
                 and r["prescribing_setting"] == "4" and r["pc_lad25cd"] in CM)
    with open(shared_assets / "libraries_england_ace_basic_dataset_2023.csv",
              encoding="utf-8") as f:
        libs = [r for r in csv.DictReader(f) if r["pc_lad25cd"] in CM]
    open_static = [r for r in libs if r["type"] == "Static Library" and not r["closed"].strip()
                   and r["operation_23"].strip() != "Closed"]
    with gzip.open(shared_assets / "schools_gias_open_2025-05-24_england.csv.gz", "rt",
                   encoding="utf-8") as f:
        schools = list(csv.DictReader(f))
    names = {"Halton", "Warrington", "Cheshire East", "Cheshire West and Chester", "Knowsley",
             "Liverpool", "St. Helens", "Sefton", "Wirral"}
    cm_lsoas = set(load_lsoa21_lookup().query("lad_code in @CM")["lsoa21_code"])
    assert gp == len(A.load_gp_practices()) == 338
    assert len(libs) == 148 and len(open_static) == len(A.load_libraries()) == 112
    assert sum(r["la_name"] in names for r in schools) == 1108
    assert sum(r["lsoa_code"] in cm_lsoas for r in schools) == len(A.load_schools()) == 1110


def test_full_england_files_read_without_errors(shared_assets):
    gp = A.read_gp_practices(shared_assets / "gp_practices_epraccur_2025-09.csv.gz")
    assert len(gp) == 6618  # every active GP practice (setting 4) in England in the file
    s = A.read_gias(shared_assets / "schools_gias_open_2025-05-24_england.csv.gz")
    assert len(s) == 27153
    assert not s["name"].str.contains("Ã").any()  # UTF-8 detected, no mojibake


def test_a_user_postcode_table_in_any_spelling_geocodes_the_official_gp_file(tmp_path):
    path = _write_csv(tmp_path / "epraccur.csv", _EPRACCUR_ROWS[:1])
    onspd = pd.DataFrame({"postcode": ["cw30ah"], "easting": [365948.0],
                          "northing": [343708.0], "lad_code": ["E06000049"]})
    gp = A.read_gp_practices(path, postcodes=onspd)
    assert (gp["easting"].iloc[0], gp["northing"].iloc[0]) == (365948.0, 343708.0)
    assert gp["lsoa21_method"].iloc[0] == "point_in_polygon_bsc_approx"  # no LSOA in the table
    with pytest.raises(ValueError, match=r"postcode table lacks column\(s\) \['northing'\]"):
        A.read_gp_practices(path, postcodes=onspd.drop(columns="northing"))


# ----------------------------------------------------------------------------- green-space names

def test_green_space_names_are_recognisable_not_a_run_of_identical_labels():
    g = A.load_assets().query("category == 'green_space'")
    # Before: 2,173 "Green space (doorstop, 0.5 ha or more)"-style names, 11 distinct.
    assert not g["name"].str.contains(r"ha or more\)$", regex=True).any()
    assert g["name"].str.contains(" ward").all()
    assert g["name"].nunique() > 0.9 * len(g)
    assert g["description"].str.contains("Nearest postcode to its centre").mean() > 0.99


def test_a_real_green_space_is_named_by_size_ward_and_nearest_postcode():
    """Worked by hand, independently of greenspace_names: the site's LSOA through the lookup
    to its ward, and the nearest live postcode by brute force over every bundled postcode."""
    a = A.load_assets().set_index("source_id")
    site = a.loc["osgs:10687F55-0ED8-64A4-E063-AAEFA00A3B27"]
    ward = load_lsoa21_lookup().set_index("lsoa21_code").loc[site["lsoa21_code"], "ward_name"]
    pc = A.load_postcodes()
    pc = pc[pc["terminated"].isna()]
    d2 = (pc["easting"] - site["easting"]) ** 2 + (pc["northing"] - site["northing"]) ** 2
    nearest = pc["postcode"].iloc[int(np.argmin(d2.to_numpy()))]
    assert (ward, nearest) == ("Whiston and Cronton", "L35 3JB")
    assert site["name"] == f"Green space (0.5–2 ha), {ward} ward, near {nearest}"
    assert "Knowsley" in site["description"]


def test_size_ranges_run_from_each_class_minimum_to_the_next():
    assert A.GREENSPACE_SIZE_RANGES == {
        "under_0.5ha": "under 0.5 ha", "doorstop (>=0.5ha)": "0.5–2 ha",
        "local (>=2ha)": "2–10 ha", "neighbourhood (>=10ha)": "10–20 ha",
        "wider (>=20ha)": "20–100 ha", "district (>=100ha)": "100–500 ha",
        "subregional (>=500ha)": "500 ha or more"}


# Test fixture in the layout of OS Open Greenspace's GreenspaceSite layer (attribute table saved
# as CSV); the ids are real bundled site ids, the names and functions are made up for the test.
OS_SITES_FIXTURE = """id,function,distName1,distName2
10687F55-0ED8-64A4-E063-AAEFA00A3B27,Public Park Or Garden,Test Fixture Park,
10687F55-17ED-64A4-E063-AAEFA00A3B27,Playing Field,,
"""


def test_the_source_s_own_name_and_kind_are_used_where_it_has_them(tmp_path):
    path = tmp_path / "GB_GreenspaceSite.csv"
    path.write_text(OS_SITES_FIXTURE, encoding="utf-8")
    names = A.read_greenspace_site_names(path)
    assert names["site_name"].tolist()[0] == "Test Fixture Park"
    assert pd.isna(names["site_name"].iloc[1])
    sites = A.load_greenspace_sites().copy()
    sites = sites.merge(names, on="site_id", how="left")
    named = A.greenspace_names(sites).set_index(sites["site_id"])
    park = named.loc["10687F55-0ED8-64A4-E063-AAEFA00A3B27"]
    assert (park["name"], park["name_method"]) == ("Test Fixture Park", "source_name")
    pitch = named.loc["10687F55-17ED-64A4-E063-AAEFA00A3B27"]
    assert pitch["name"].startswith("Playing field (2–10 ha), Moreton West")
    assert pitch["name_method"] == "descriptive"
    assert "Playing field, 2–10 ha" in pitch["description"]


def test_greenspace_sites_carries_the_names_given(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(OS_SITES_FIXTURE, encoding="utf-8")
    ap = A.load_greenspace_access_points(min_size_ha=0.5)
    ap = ap[ap["site_id"].isin(["10687F55-0ED8-64A4-E063-AAEFA00A3B27",
                                "10687F55-17ED-64A4-E063-AAEFA00A3B27"])]
    sites = A.greenspace_sites(ap, A.read_greenspace_site_names(path)).set_index("site_id")
    assert sites.loc["10687F55-0ED8-64A4-E063-AAEFA00A3B27", "site_name"] == "Test Fixture Park"
    assert sites.loc["10687F55-17ED-64A4-E063-AAEFA00A3B27", "site_function"] == "Playing Field"


def test_a_file_that_is_not_the_greenspace_site_layer_is_refused(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("id,easting,northing\nA,1,2\n", encoding="utf-8")
    with pytest.raises(A.AssetFileError, match="not the GreenspaceSite layer"):
        A.read_greenspace_site_names(path)
