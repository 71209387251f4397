"""Indicator inputs of the warm/capitals frameworks: hand-checked values, bundle, bad input."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rescomm.data import (
    CM_LOCAL_AUTHORITIES,
    INDICATOR_COLUMNS,
    IndicatorFileError,
    load_indicators,
    read_indicators,
)
from rescomm.data._indicators import SOURCES

GOLDEN = Path(__file__).parent / "golden" / "indicators_by_hand.csv"
TS037 = "census2021_ts037_general_health_lsoa21_ew.csv.gz"


@pytest.fixture(scope="module")
def golden() -> pd.DataFrame:
    return pd.read_csv(GOLDEN, dtype={"lsoa21_code": str, "column": str})


@pytest.fixture(scope="module")
def england(shared_data) -> pd.DataFrame:
    return read_indicators(shared_data)


def _check(table: pd.DataFrame, golden: pd.DataFrame) -> int:
    by_code = table.set_index("lsoa21_code")
    checked = 0
    for row in golden.itertuples():
        if row.lsoa21_code not in by_code.index:
            continue
        got = by_code.at[row.lsoa21_code, row.column]
        if pd.isna(row.expected):
            assert pd.isna(got), (row.lsoa21_code, row.column, got)
        else:
            assert float(got) == pytest.approx(float(row.expected), abs=1e-9), (
                row.lsoa21_code, row.column, row.working)
        checked += 1
    return checked


# ----------------------------------------------------------------------------- bundled table

def test_bundled_table_matches_the_values_worked_out_by_hand(golden):
    assert _check(load_indicators(), golden) == int((golden["lsoa21_code"] != "E01000001").sum())


def test_bundled_table_has_every_cm_lsoa_once_and_only_documented_columns():
    t = load_indicators()
    assert len(t) == 1601 and t["lsoa21_code"].is_unique
    assert set(t["lad_code"]) == set(CM_LOCAL_AUTHORITIES)
    assert list(t.columns) == list(INDICATOR_COLUMNS)
    assert t["coverage_available"].all()
    assert not any("needs" in c.lower() or "cni" in c.lower() for c in t.columns)


@pytest.mark.parametrize(("count", "denominator"), [
    ("bad_health_n", "persons_n"), ("disabled_a_lot_n", "persons_ts038_n"),
    ("unpaid_care_n", "persons_5plus_n"), ("unpaid_care_50h_n", "unpaid_care_n"),
    ("overcrowded_hh_n", "households_ts052_n"), ("owner_occupied_hh_n", "households_ts054_n"),
    ("social_rented_hh_n", "households_ts054_n"), ("hh_deprived_2plus_n", "households_n"),
    ("hh_with_disabled_n", "households_ts040_n"), ("aged_65plus_n", "persons_ts007_n"),
])
def test_every_count_lies_between_zero_and_its_denominator(count, denominator):
    t = load_indicators()
    assert (t[count] >= 0).all() and (t[count] <= t[denominator]).all()


def test_la_level_columns_are_constant_within_each_local_authority():
    t = load_indicators()
    la_cols = [c for c in t.columns if c.startswith("la_")]
    assert la_cols and (t.groupby("lad_code", observed=True)[la_cols].nunique() == 1).all().all()


def test_every_column_is_described_with_a_source():
    for name, (meaning, source) in INDICATOR_COLUMNS.items():
        assert meaning.strip() and source.strip(), name


# ----------------------------------------------------------------------------- all England

def test_england_table_matches_the_values_worked_out_by_hand(england, golden):
    assert _check(england, golden) == len(golden)


def test_england_has_one_row_per_english_lsoa_and_coverage_only_in_cm(england):
    assert len(england) == 33755 and england["lsoa21_code"].str.startswith("E01").all()
    cm = england["lad_code"].isin(CM_LOCAL_AUTHORITIES)
    assert (england["coverage_available"] == cm).all()
    assert england.loc[cm, "asset_any_per_1000"].notna().all()
    assert england.loc[~cm, "asset_any_per_1000"].isna().all()
    # ONS: 56,490,048 usual residents in England at Census 2021; LSOA cells are perturbed for
    # disclosure control, so their sum differs by a few dozen.
    assert england["persons_n"].sum() == pytest.approx(56_490_048, abs=200)


def test_england_cm_rows_equal_the_bundled_table(england):
    cm = england[england["lad_code"].isin(CM_LOCAL_AUTHORITIES)].reset_index(drop=True)
    bundled = load_indicators()
    for col in INDICATOR_COLUMNS:
        a, b = cm[col], bundled[col]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            np.testing.assert_allclose(a.to_numpy(float), b.to_numpy(float), err_msg=col)
        else:
            assert (a.astype(str).to_numpy() == b.astype(str).to_numpy()).all(), col


def test_las_keeps_only_those_local_authorities(shared_data):
    t = read_indicators(shared_data, las=["E06000006"], coverage=False)
    assert set(t["lad_code"]) == {"E06000006"} and len(t) == 80  # IoD2025 lists 80 in Halton
    assert not any(c.startswith("asset_") for c in t.columns)


# ----------------------------------------------------------------------------- bad input

@pytest.fixture
def folder(shared_data, tmp_path) -> Path:
    """A copy of the indicator inputs (symlinks) that a test can break one file of."""
    for source in SOURCES:
        src = next(p for p in (shared_data / sub / source.filename
                               for sub in ("indicators", "deprivation", "population"))
                   if p.is_file())
        (tmp_path / source.filename).symlink_to(src)
    return tmp_path


def _rewrite(path: Path, edit) -> None:
    with gzip.open(path.resolve(), "rt", encoding="utf-8") as f:
        text = f.read()
    path.unlink()
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(edit(text))


def test_a_missing_file_is_named_with_the_folders_searched(folder):
    (folder / TS037).unlink()
    with pytest.raises(IndicatorFileError, match=f"indicator file {TS037} not found") as e:
        read_indicators(folder)
    assert e.value.path.endswith(TS037)


def test_a_misspelt_column_names_the_file_the_column_and_a_suggestion(folder):
    _rewrite(folder / TS037, lambda t: t.replace("General health: Bad health",
                                                 "General health: Bad helth", 1))
    with pytest.raises(IndicatorFileError) as e:
        read_indicators(folder)
    message = str(e.value)
    assert TS037 in message
    assert "column 'General health: Bad health' not found" in message
    assert "did you mean 'General health: Bad helth'" in message
    assert e.value.column == "General health: Bad health"


def test_lsoa_2011_codes_in_a_2021_file_are_refused(folder):
    from rescomm.data import load_lsoa11_lsoa21_lookup

    lk = load_lsoa11_lsoa21_lookup()
    old = sorted(set(lk["lsoa11_code"]) - set(lk["lsoa21_code"]))[0]
    _rewrite(folder / TS037, lambda t: t.replace(",E01000001,", f",{old},", 1))
    with pytest.raises(IndicatorFileError,
                       match=f"holds LSOA 2011 codes .*{old}.* LSOA 2021 codes are needed"):
        read_indicators(folder)


def test_lsoa_codes_in_a_local_authority_file_are_refused(folder, shared_data):
    name = "ons_personal_wellbeing_lad19_2020_21_uk.csv"
    (folder / name).unlink()
    text = (shared_data / "indicators" / name).read_text(encoding="utf-8")
    (folder / name).write_text(text.replace("E06000001,", "E01000001,", 1), encoding="utf-8")
    with pytest.raises(IndicatorFileError, match="should hold local authority codes") as e:
        read_indicators(folder)
    assert e.value.column == "area_code" and name in str(e.value)


def test_non_numeric_counts_name_the_file_column_and_row(folder):
    _rewrite(folder / TS037, lambda t: t.replace("E01000001,1475,", "E01000001,1475x,", 1))
    with pytest.raises(IndicatorFileError,
                       match=r"column 'General health: Total: All usual residents' has "
                             r"non-numeric values in row 2 \('1475x'\)"):
        read_indicators(folder)


def test_an_incomplete_census_file_is_refused(folder):
    _rewrite(folder / TS037, lambda t: "\n".join(line for line in t.splitlines()
                                                 if ",E01000002," not in line) + "\n")
    with pytest.raises(IndicatorFileError, match="1 English LSOA 2021 code.*E01000002"):
        read_indicators(folder)


def test_a_folder_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(IndicatorFileError, match="does not exist"):
        read_indicators(tmp_path / "nope")


def test_bad_input_leaves_the_source_files_unchanged(folder, shared_data):
    original = (shared_data / "indicators" / TS037)
    before = original.read_bytes()
    _rewrite(folder / TS037, lambda t: t.replace("General health: Bad health", "x", 1))
    with pytest.raises(IndicatorFileError):
        read_indicators(folder)
    assert original.read_bytes() == before
    shutil.rmtree(folder)
