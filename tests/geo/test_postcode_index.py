"""Postcode look-ups against the bundled index and an ONSPD extract."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import rescomm.geo as geo
from rescomm.data import DataFileMissingError, load_postcodes
from rescomm.geo import (
    EXACT_LSOA21_METHODS,
    LSOA21_METHODS,
    InvalidPostcodeError,
    PostcodeIndex,
    PostcodeRecord,
    TerminatedPostcodeError,
    UnknownPostcodeError,
    lookup_postcode,
    lookup_postcodes,
)

RECORD_FIELDS = [
    "postcode", "easting", "northing", "latitude", "longitude", "lsoa11_code", "lsoa21_code",
    "lsoa21_method", "msoa11_code", "msoa21_code", "lad_code", "lad_name", "icb_code", "icb_name",
    "region_code", "region_name", "terminated",
]


def _expected(row: pd.Series) -> dict[str, object]:
    out = {k: (v or None) for k, v in row.items() if k not in ("input", "status")}
    for axis in ("easting", "northing"):
        out[axis] = int(out[axis]) if out[axis] else None
    return out


def test_postcode_record_has_exactly_the_agreed_fields():
    assert [f.name for f in dataclasses.fields(PostcodeRecord)] == RECORD_FIELDS
    record = lookup_postcode("L1 8JQ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.postcode = "X"  # type: ignore[misc]
    assert list(record.as_dict()) == RECORD_FIELDS
    json.dumps(record.as_dict())  # plain Python values only


def test_known_postcodes_match_the_golden_table(golden):
    for _, row in golden["postcodes"].iterrows():
        if row["status"] not in ("ok", "terminated"):
            continue
        record = lookup_postcode(row["input"], allow_terminated=True)
        got = {k: getattr(record, k) for k in _expected(row)}
        assert got == _expected(row), row["input"]


def test_vectorised_lookup_matches_the_golden_table_in_order(golden):
    table = golden["postcodes"]
    out = lookup_postcodes(table["input"])
    assert out["status"].astype(str).tolist() == table["status"].tolist()
    assert out["input"].tolist() == table["input"].tolist()
    for column in ("postcode", "lsoa21_code", "lad_code", "lad_name", "terminated"):
        got = out[column].astype(object).where(out[column].notna(), "").tolist()
        assert got == table[column].tolist(), column


def test_lookup_fills_parents_from_the_lsoa21_lookup():
    record = lookup_postcode("L1 8JQ")
    assert record.icb_code == "E54000008"
    assert record.icb_name == "NHS Cheshire and Merseyside Integrated Care Board"
    assert (record.region_code, record.region_name) == ("E12000002", "North West")
    assert record.lsoa21_exact and not record.is_terminated


def test_postcode_without_lsoa21_falls_back_to_its_own_local_authority():
    record = lookup_postcode("CH41 1EL")
    assert record.lsoa21_code is None and record.msoa21_code is None
    assert (record.lad_code, record.lad_name, record.icb_code) == (
        "E08000015", "Wirral", "E54000008")
    assert not record.lsoa21_exact


def test_unknown_postcode_error_names_the_postcode_and_the_index():
    with pytest.raises(UnknownPostcodeError) as info:
        lookup_postcode("zz99zz")
    assert str(info.value) == (
        "postcode 'ZZ9 9ZZ' is not in the postcode index (bundled Cheshire & Merseyside "
        "postcodes, ONSPD Nov 2025); check it, or load the full ONS Postcode Directory with "
        "PostcodeIndex.from_onspd(...)"
    )
    assert info.value.postcode == "ZZ9 9ZZ"
    assert info.value.problem == (
        "postcode 'ZZ9 9ZZ' is not in the postcode index (bundled Cheshire & Merseyside "
        "postcodes, ONSPD Nov 2025)")
    assert [h.action for h in info.value.hints] == ["check_postcode", "full_postcode_directory"]


def test_each_front_end_words_the_hints_of_an_error_itself():
    with pytest.raises(TerminatedPostcodeError) as info:
        lookup_postcode("CH1 1AA")
    exc = info.value
    assert [h.action for h in exc.hints] == ["current_postcode", "allow_terminated"]
    assert geo.hint_text(exc.problem, exc.hints,
                         {"allow_terminated": "add --allow-terminated"}) == (
        "postcode 'CH1 1AA' was terminated in June 2020 (202006) and is no longer in use; ask "
        "for the current postcode, or add --allow-terminated")
    assert geo.hint_text(exc.problem, exc.hints, {"allow_terminated": None}) == (
        "postcode 'CH1 1AA' was terminated in June 2020 (202006) and is no longer in use; ask "
        "for the current postcode")
    assert geo.hint_text(exc.problem, exc.hints) == str(exc)


def test_a_small_bundled_index_of_a_few_postcodes_finds_them_as_the_whole_one_does():
    small = PostcodeIndex.bundled(only=["l18jq", "CH1 1AA", "nope", "ZZ9 9ZZ"])
    assert len(small) == 2
    assert small.get("L1 8JQ") == PostcodeIndex.bundled().get("L1 8JQ")
    table = small.lookup(["L1 8JQ", "CH1 1AA", "nope", "ZZ9 9ZZ"])
    assert table["status"].tolist() == ["ok", "terminated", "invalid", "unknown"]
    assert len(PostcodeIndex.bundled(only=[])) == 0
    # every field as the whole index gives it, on a sample from each local authority and the
    # postcodes whose LSOA 2021 is missing (own-LA fallback) or terminated
    whole = PostcodeIndex.bundled()
    table = whole.table
    sample = (table.sample(400, random_state=1)["postcode"].astype(str).tolist()
              + table.groupby("lad_code", observed=True).head(2)["postcode"].astype(str).tolist()
              + ["CH41 1EL", "CH1 1AA"])
    pd.testing.assert_frame_equal(PostcodeIndex.bundled(only=sample).lookup(sample),
                                  whole.lookup(sample), check_categorical=False)
    assert PostcodeIndex.bundled(only=[]).lookup(["L1 8JQ"])["status"].tolist() == ["unknown"]


def test_terminated_postcode_error_says_when_it_was_terminated():
    with pytest.raises(TerminatedPostcodeError) as info:
        lookup_postcode("CH1 1AA")
    assert str(info.value) == (
        "postcode 'CH1 1AA' was terminated in June 2020 (202006) and is no longer in use; ask "
        "for the current postcode, or pass allow_terminated=True to use its last known location"
    )
    assert info.value.terminated == "202006"
    assert lookup_postcode("CH1 1AA", allow_terminated=True).terminated == "202006"


def test_malformed_postcode_raises_before_any_lookup():
    with pytest.raises(InvalidPostcodeError, match=r"^postcode 'L1 8J' is not a valid"):
        lookup_postcode("L1 8J")


def test_every_error_is_one_line():
    for bad in ("L1 8J", "ZZ9 9ZZ", "CH1 1AA"):
        with pytest.raises(ValueError) as info:
            lookup_postcode(bad)
        assert "\n" not in str(info.value)


def test_vectorised_lookup_returns_one_row_per_input_with_the_input_index():
    s = pd.Series(["L1 8JQ", "nonsense", None, "ZZ9 9ZZ", "CH1 1AA", "L1 8JQ"],
                  index=[5, 4, 3, 2, 1, 0])
    out = lookup_postcodes(s)
    assert out.index.tolist() == [5, 4, 3, 2, 1, 0]
    assert out["status"].astype(str).tolist() == [
        "ok", "invalid", "invalid", "unknown", "terminated", "ok"]
    assert list(out.columns) == ["input", "postcode", "status", *RECORD_FIELDS[1:]]
    assert out.loc[3, "postcode"] is pd.NA and pd.isna(out.loc[2, "easting"])
    assert out.loc[1, "lsoa21_code"] == "E01035376"


def test_vectorised_lookup_agrees_with_scalar_lookup_on_every_bundled_postcode():
    index = PostcodeIndex.bundled()
    table = index.table
    out = index.lookup(table["postcode"].str.lower())
    assert (out["status"].astype(str) != "unknown").all()
    assert (out["terminated"].isna() == (out["status"] == "ok")).all()
    sample = table.sample(300, random_state=7)["postcode"]
    for postcode, (_, row) in zip(sample, out.loc[sample.index].iterrows(), strict=True):
        record = index.get(postcode, allow_terminated=True).as_dict()
        for field in RECORD_FIELDS[1:]:
            value = row[field]
            value = None if pd.isna(value) else value
            assert record[field] == value, (postcode, field)


def test_bundled_index_covers_the_bundled_postcodes():
    assert len(PostcodeIndex.bundled()) == len(load_postcodes()) == 108_012
    assert "l18jq" in PostcodeIndex.bundled() and "ZZ9 9ZZ" not in PostcodeIndex.bundled()
    assert PostcodeIndex.bundled() is PostcodeIndex.bundled()


def test_lsoa21_methods_are_all_documented():
    methods = set(load_postcodes()["lsoa21_method"].dropna().unique())
    assert methods <= set(LSOA21_METHODS)
    assert EXACT_LSOA21_METHODS == {"onspd", "lsoa11_to_lsoa21_one_to_one_or_merge"}


def test_lookup_refuses_a_single_string():
    with pytest.raises(TypeError, match="use get"):
        lookup_postcodes("L1 8JQ")


def test_index_from_an_onspd_extract_uses_the_directory_lsoa21(make_onspd_csv):
    path = make_onspd_csv("ONSPD_NOV_2025_UK.csv", ["E06000006", "E08000012"])
    index = PostcodeIndex.from_onspd(path, lads=["E08000012"])
    assert len(index) == int((load_postcodes()["lad_code"] == "E08000012").sum())
    record = index.get("L1 8JQ")
    assert (record.lsoa21_code, record.lsoa21_method, record.lad_name) == (
        "E01033756", "onspd", "Liverpool")
    assert record.lsoa21_exact
    with pytest.raises(UnknownPostcodeError) as info:
        index.get("WA7 1AA")  # Halton: filtered out
    assert str(info.value) == (
        "postcode 'WA7 1AA' is not in the postcode index (ONS Postcode Directory "
        "ONSPD_NOV_2025_UK.csv, local authorities E08000012); check it (postcodes newer than "
        "the directory are not in it)"
    )


def test_index_from_a_missing_onspd_file_names_the_product_to_download(tmp_path):
    with pytest.raises(DataFileMissingError, match=r"ONS Postcode Directory \(<Month> <Year>\)"):
        PostcodeIndex.from_onspd(tmp_path / "nope.zip")


def test_index_rejects_duplicate_postcodes():
    table = load_postcodes().head(3)
    with pytest.raises(ValueError, match="'CH1 1AA' appears more than once"):
        PostcodeIndex(pd.concat([table, table.head(1)]), source="test")


def test_index_normalises_the_postcodes_it_is_given():
    table = load_postcodes().head(3).copy()
    table["postcode"] = table["postcode"].str.lower().str.replace(" ", "")
    index = PostcodeIndex(table, source="test")
    assert index.get("CH1 1AB").postcode == "CH1 1AB"
    assert index.table["postcode"].tolist() == ["CH1 1AA", "CH1 1AB", "CH1 1AD"]


def test_index_rejects_an_invalid_postcode_in_its_table():
    table = load_postcodes().head(2).copy()
    table.loc[1, "postcode"] = "CH1 1A"
    with pytest.raises(ValueError, match="'CH1 1A' in the postcode table is not a valid"):
        PostcodeIndex(table, source="test")


def test_index_rejects_a_table_without_the_needed_columns():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['easting'"):
        PostcodeIndex(pd.DataFrame({"postcode": ["L1 8JQ"]}), source="test")


def test_lookup_has_no_per_row_python(monkeypatch):
    """The vectorised path must not call the scalar normaliser."""
    import rescomm.geo._postcode_index as module

    monkeypatch.setattr(module, "normalise_postcode", lambda *_: pytest.fail("scalar path used"))
    out = lookup_postcodes(np.array(["L1 8JQ"] * 1000, dtype=object))
    assert (out["status"] == "ok").all()
