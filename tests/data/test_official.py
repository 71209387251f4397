"""read_onspd on ONS Postcode Directory extracts made from the bundled data."""

from __future__ import annotations

import csv
import gzip
import zipfile
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from onspd_extract import ONSPD_HEADER, onspd_frame

from rescomm.data import (
    CM_LOCAL_AUTHORITIES,
    DataFileMissingError,
    DataFormatError,
    load_postcodes,
    read_onspd,
)

HALTON, LIVERPOOL = "E06000006", "E08000012"


@pytest.mark.parametrize("fmt", ["csv", "gz", "zip", "dir"])
def test_every_distributed_format_reads_to_the_bundled_columns(write_onspd, fmt):
    path = write_onspd(onspd_frame([HALTON])[ONSPD_HEADER], fmt)
    table = read_onspd(path)
    assert list(table.columns) == list(load_postcodes().columns)
    bundled = load_postcodes()
    bundled = bundled[bundled["lad_code"] == HALTON].reset_index(drop=True)
    assert table["postcode"].tolist() == bundled["postcode"].tolist()
    assert table["easting"].astype(int).tolist() == bundled["easting"].tolist()
    np.testing.assert_allclose(table["latitude"], bundled["latitude"], atol=1e-6)
    for column in ("introduced", "terminated", "lsoa11_code", "msoa11_code", "oa11_code"):
        expected = bundled[column].astype(object).where(bundled[column].notna(), None)
        assert table[column].tolist() == expected.tolist(), column


def test_usertype_is_read_as_a_nullable_small_integer(write_onspd):
    table = read_onspd(write_onspd(onspd_frame([LIVERPOOL])))
    bundled = load_postcodes()
    bundled = bundled[bundled["lad_code"] == LIVERPOOL].reset_index(drop=True)
    assert table["usertype"].dtype == "Int8"
    pd.testing.assert_series_equal(table["usertype"], bundled["usertype"])
    assert table["usertype"].isna().any() and set(table["usertype"].dropna()) == {0, 1}


def test_a_directory_without_usertype_gives_missing_user_types(write_onspd):
    table = read_onspd(write_onspd(onspd_frame([HALTON]).drop(columns=["usertype"])))
    assert table["usertype"].dtype == "Int8" and table["usertype"].isna().all()


def test_lsoa21_from_the_directory_is_marked_exact(write_onspd):
    table = read_onspd(write_onspd(onspd_frame([LIVERPOOL])))
    row = table.set_index("postcode").loc["L1 8JQ"]
    assert (row["lsoa21_code"], row["lsoa21_method"]) == ("E01033756", "onspd")


def test_without_an_lsoa21_field_it_is_derived_only_where_exact(write_onspd):
    table = read_onspd(write_onspd(onspd_frame(["E06000050"], with_lsoa21=False)))
    by_pc = table.set_index("postcode")
    assert by_pc.loc["CH64 3RT", "lsoa21_code"] == "E01018535"
    assert by_pc.loc["CH64 3RT", "lsoa21_method"] == "lsoa11_to_lsoa21_one_to_one_or_merge"
    assert pd.isna(by_pc.loc["CH1 1AA", "lsoa21_code"])  # its 2011 LSOA was split


def test_filtering_by_local_authority_keeps_only_those(write_onspd):
    path = write_onspd(onspd_frame([HALTON, LIVERPOOL]), "zip")
    table = read_onspd(path, lads=[LIVERPOOL], chunksize=5_000)
    assert set(table["lad_code"]) == {LIVERPOOL}
    assert len(table) == int((load_postcodes()["lad_code"] == LIVERPOOL).sum())


def test_cm_filter_over_a_multi_la_file(write_onspd):
    path = write_onspd(onspd_frame(list(CM_LOCAL_AUTHORITIES) + ["E08000010"]))
    assert len(read_onspd(path, lads=CM_LOCAL_AUTHORITIES)) == int(
        load_postcodes()["lad_code"].isin(list(CM_LOCAL_AUTHORITIES)).sum())


def test_extra_columns_are_kept_under_their_onspd_names(write_onspd):
    table = read_onspd(write_onspd(onspd_frame([HALTON])), columns=["ICB", "imd"])
    assert list(table.columns[-2:]) == ["icb", "imd"]
    assert set(table["icb"]) == {"E54000008"}


def test_upper_case_headers_and_pcd_only_files_are_read(write_onspd):
    frame = onspd_frame([HALTON]).drop(columns=["pcds", "pcd2"])
    frame.columns = [c.upper() for c in frame.columns]
    table = read_onspd(write_onspd(frame))
    assert table["postcode"].iloc[0] == load_postcodes().query("lad_code == @HALTON")[
        "postcode"].iloc[0]
    assert table["postcode"].str.match(r"^[A-Z0-9]{2,4} [0-9][A-Z]{2}$").all()


def test_pseudo_codes_and_missing_grid_references_become_missing(write_onspd):
    frame = onspd_frame([HALTON]).head(3).copy()
    frame.loc[0, ["lsoa11", "lsoa21"]] = ["L99999999", "L99999999"]
    frame.loc[1, ["oseast1m", "osnrth1m", "osgrdind", "lat", "long"]] = [
        "", "", "9", "99.999999", "0.000000"]
    table = read_onspd(write_onspd(frame)).set_index("postcode").loc[frame["pcds"]]
    assert pd.isna(table["lsoa11_code"].iloc[0]) and pd.isna(table["lsoa21_code"].iloc[0])
    assert pd.isna(table["easting"].iloc[1]) and np.isnan(table["latitude"].iloc[1])
    assert np.isnan(table["longitude"].iloc[1])


def test_missing_file_names_the_product_to_download(tmp_path):
    path = tmp_path / "ONSPD_NOV_2025.zip"
    with pytest.raises(DataFileMissingError) as info:
        read_onspd(path)
    assert str(info.value) == (
        f"ONS Postcode Directory file '{path}' does not exist; download 'ONS Postcode Directory "
        "(<Month> <Year>) for the UK' from the ONS Open Geography Portal "
        "(https://geoportal.statistics.gov.uk) and pass the .zip, or the Data/ONSPD_*.csv inside it"
    )
    assert isinstance(info.value, FileNotFoundError)


def test_a_csv_without_grid_references_is_refused_with_the_field_names(write_onspd):
    path = write_onspd(onspd_frame([HALTON]).drop(columns=["oseast1m"]))
    with pytest.raises(DataFormatError) as info:
        read_onspd(path)
    assert str(info.value) == (
        "ONSPD_NOV_2025_UK.csv: no easting field (looked for oseast1m, east1m); is this an ONS "
        "Postcode Directory CSV?"
    )


def test_a_missing_extra_column_is_named(write_onspd):
    with pytest.raises(DataFormatError, match=r"no field\(s\) 'pcon' among its 25 columns"):
        read_onspd(write_onspd(onspd_frame([HALTON])), columns=["pcon"])


def test_a_zip_without_the_directory_csv_is_refused(tmp_path):
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.csv", "x\n")
        z.writestr("b.csv", "y\n")
    with pytest.raises(DataFormatError, match=r"holds no Data/ONSPD_\*.csv \(it has 2 CSV files\)"):
        read_onspd(archive)


def test_the_shared_postcode_file_agrees_with_the_bundle(shared_data):
    raw = pd.read_csv(shared_data / "lookups/postcodes_cheshire_merseyside.csv.gz", dtype=str)
    row = raw.set_index("postcode").loc["L1 8JQ"]
    bundled = load_postcodes().set_index("postcode").loc["L1 8JQ"]
    assert (row["lsoa21cd"], row["lad25cd_nspd"]) == (bundled["lsoa21_code"],
                                                      bundled["lad_code"])
    assert float(row["oseast1m"]) == bundled["easting"]


def test_bundled_user_types_match_a_csv_count_of_the_shared_postcode_file(shared_data):
    """``usertype`` counted with the csv module, not pandas: 0 and 1 as given, blank as missing."""
    with gzip.open(shared_data / "lookups/postcodes_cheshire_merseyside.csv.gz", "rt",
                   encoding="utf-8") as f:
        counts = Counter(r["usertype"] for r in csv.DictReader(f))
    assert counts == {"0": 78_784, "1": 27_783, "": 1_445}
    bundled = load_postcodes()["usertype"]
    assert bundled.dtype == "Int8"
    assert bundled.value_counts(dropna=False).to_dict() == {0: 78_784, 1: 27_783, pd.NA: 1_445}
