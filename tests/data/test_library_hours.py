"""Library opening hours: reading ``HH:MM-HH:MM`` sessions, the Libraries Hacked UK libraries
file, the join to the bundled (ACE) libraries and the ``opening_times`` of ``load_assets``.

The expected hours of named libraries were read by eye from the staged file
(``shared/data/assets/libraries_uk_librarieshacked_schema.csv``, file lines given below); those
tests skip where the shared data are absent. The small files written in ``tmp_path`` are
invented test input in the same layout.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from tests.libraries_hacked_file import write_hours
from tests.reference_data import reference_file

import rescomm.data as A
from rescomm.data import (
    AssetFileError,
    OpeningHoursError,
    OpeningHoursWarning,
    match_library_opening_times,
    normalise_library_name,
    parse_sessions,
    read_library_opening_times,
    weekly_rules,
)

CM = tuple(A.CM_LOCAL_AUTHORITIES)


@pytest.fixture(scope="module")
def hours_file(shared_data: Path) -> Path:
    return reference_file("assets/libraries_uk_librarieshacked_schema.csv")


@pytest.fixture(scope="module")
def cm_times(hours_file: Path) -> pd.DataFrame:
    return read_library_opening_times(hours_file, lads=CM)


# ----------------------------------------------------------------------------- sessions

@pytest.mark.parametrize(("text", "sessions"), [
    ("09:00-19:00", [("09:00", "19:00")]),
    ("10:00-13:00,14:00-17:00", [("10:00", "13:00"), ("14:00", "17:00")]),
    (" 10:00 - 13:00 , 13:00-17:00 ", [("10:00", "13:00"), ("13:00", "17:00")]),
    ("", []),
    ("18:00-24:00", [("18:00", "23:59")]),
    ("00:00-24:00", [("00:00", "23:59")]),
])
def test_sessions_are_read_in_order_and_24_00_closes_at_23_59(text, sessions):
    assert parse_sessions(text) == sessions


@pytest.mark.parametrize(("text", "why"), [
    ("25:00-26:00", "25:00 is not a time of day"),
    ("10:61-11:00", "10:61 is not a time of day"),
    ("24:00-24:00", "24:00 is not a time of day"),
    ("10:00-09:00", "closes at or before it opens"),
    ("19:00-00:00", "closes at or before it opens"),
    ("10:00-10:00", "closes at or before it opens"),
    ("1:00-18:00", "is not HH:MM-HH:MM"),
    ("08.30-17:00", "is not HH:MM-HH:MM"),
    ("Closed", "is not HH:MM-HH:MM"),
    ("10:00-13:00,,14:00-17:00", "empty session"),
    ("10:00-14:00,13:00-17:00", "starts before the previous session ends"),
])
def test_unreadable_sessions_say_why(text, why):
    with pytest.raises(ValueError, match=why):
        parse_sessions(text)


def test_weekly_rules_group_days_with_the_same_session_and_lose_nothing():
    rows = [("MO", "09:00", "19:00"), ("TU", "09:00", "17:00"), ("WE", "09:00", "19:00"),
            ("TH", "10:00", "13:00"), ("TH", "14:00", "17:00"), ("SA", "10:00", "13:00")]
    rules = weekly_rules(rows)
    assert rules == [
        {"byday": "MO,WE", "opens_at": "09:00", "closes_at": "19:00"},
        {"byday": "TU", "opens_at": "09:00", "closes_at": "17:00"},
        {"byday": "TH,SA", "opens_at": "10:00", "closes_at": "13:00"},
        {"byday": "TH", "opens_at": "14:00", "closes_at": "17:00"},
    ]
    back = sorted((d, r["opens_at"], r["closes_at"]) for r in rules for d in r["byday"].split(","))
    assert back == sorted(rows)


def test_weekly_rules_reject_an_unknown_day():
    with pytest.raises(ValueError, match="unknown day code 'MON'"):
        weekly_rules([("MON", "09:00", "17:00")])


def test_library_names_match_across_spellings():
    assert normalise_library_name("St. James Library") == normalise_library_name("St James")
    assert normalise_library_name("Bewsey & Dallam Library") == "bewsey and dallam"
    assert normalise_library_name("Walton (Life Rooms)") == "walton life rooms"


# ----------------------------------------------------------------------------- reading a file

def test_reader_gives_one_row_per_day_and_session_with_unstaffed_hours_apart(tmp_path):
    path = write_hours(tmp_path / "libraries.csv", [
        {"Library name": "Test Library", "Postcode": "l1 8jq", "Monday staffed hours":
         "10:00-13:00,14:00-17:00", "Saturday staffed hours": "09:30-12:00",
         "Sunday unstaffed hours": "08:00-20:00", "Unique property reference number": "0012.0"},
    ])
    t = read_library_opening_times(path)
    assert list(t.columns) == ["line", "library_name", "local_authority", "postcode", "uprn",
                               "lad_code", "day", "session", "opens_at", "closes_at", "staffed"]
    got = list(t[["day", "session", "opens_at", "closes_at", "staffed"]]
               .itertuples(index=False, name=None))
    assert got == [("MO", 1, "10:00", "13:00", True), ("MO", 2, "14:00", "17:00", True),
                   ("SA", 1, "09:30", "12:00", True), ("SU", 1, "08:00", "20:00", False)]
    assert (t["line"] == 2).all() and (t["postcode"] == "L1 8JQ").all()
    assert (t["uprn"] == "12").all() and (t["lad_code"] == "E08000012").all()


def test_a_malformed_value_names_the_file_line_library_and_column(tmp_path):
    # The first record's notes span two lines, so the second record starts on line 4.
    path = write_hours(tmp_path / "libraries.csv", [
        {"Library name": "Good Library", "Postcode": "L1 8JQ", "Notes": "two\nlines",
         "Monday staffed hours": "09:00-17:00"},
        {"Library name": "Bad Library", "Postcode": "L1 8JQ",
         "Tuesday staffed hours": "25:00-26:00"},
    ])
    with pytest.raises(OpeningHoursError, match=r"line 4 \('Bad Library'\), column 'Tuesday "
                       r"staffed hours': cannot read '25:00-26:00'") as info:
        read_library_opening_times(path)
    assert (info.value.line, info.value.column, info.value.value) == (
        4, "Tuesday staffed hours", "25:00-26:00")


def test_a_session_closing_before_it_opens_is_an_error(tmp_path):
    path = write_hours(tmp_path / "libraries.csv", [
        {"Library name": "Late Library", "Postcode": "L1 8JQ",
         "Friday staffed hours": "10:00-09:00"}])
    with pytest.raises(OpeningHoursError, match="Friday staffed hours.*closes at or before"):
        read_library_opening_times(path)


def test_skip_leaves_out_only_the_bad_day_and_warns(tmp_path):
    path = write_hours(tmp_path / "libraries.csv", [
        {"Library name": "Half Library", "Postcode": "L1 8JQ",
         "Monday staffed hours": "09:00-17:00", "Tuesday staffed hours": "9-5"}])
    with pytest.warns(OpeningHoursWarning, match=r"1 unreadable .* line 2 .*'9-5'"):
        t = read_library_opening_times(path, errors="skip")
    assert t["day"].tolist() == ["MO"]


def test_closed_libraries_and_other_areas_are_left_out_before_their_hours_are_read(tmp_path):
    path = write_hours(tmp_path / "libraries.csv", [
        {"Library name": "Open", "Postcode": "L1 8JQ", "Monday staffed hours": "09:00-17:00"},
        {"Library name": "Shut", "Postcode": "L1 8JQ", "Year closed": "2020",
         "Monday staffed hours": "09:00-17:00"},
        {"Library name": "Elsewhere", "Postcode": "SW1A 1AA",
         "Monday staffed hours": "nonsense"},
    ])
    t = read_library_opening_times(path, lads=["E08000012"])
    assert t["library_name"].unique().tolist() == ["Open"]
    both = read_library_opening_times(path, lads=["E08000012"], open_only=False)
    assert both["library_name"].unique().tolist() == ["Open", "Shut"]


def test_a_missing_day_column_names_the_accepted_spellings(tmp_path):
    path = tmp_path / "libraries.csv"
    path.write_text("Library name,Postcode,Monday staffed hours\nX,L1 8JQ,09:00-17:00\n")
    with pytest.raises(AssetFileError, match="'Tuesday_staffed'.*'Tuesday staffed hours', "
                       "'Tuesday hours'"):
        read_library_opening_times(path)


def test_errors_must_be_raise_or_skip(tmp_path):
    path = write_hours(tmp_path / "libraries.csv", [])
    with pytest.raises(ValueError, match="errors='ignore'"):
        read_library_opening_times(path, errors="ignore")


# ----------------------------------------------------------------------------- the real file

def test_real_file_hours_of_named_libraries(cm_times):
    def rows(name: str, postcode: str, staffed: bool = True) -> list[tuple]:
        t = cm_times[(cm_times["library_name"] == name) & (cm_times["postcode"] == postcode)
                     & (cm_times["staffed"] == staffed)]
        return list(t[["line", "day", "opens_at", "closes_at"]].itertuples(index=False,
                                                                          name=None))

    # file line 2002: Liverpool City Council, Central Library, L3 8EW
    assert rows("Central Library", "L3 8EW") == [
        *((2002, d, "09:00", "20:00") for d in ("MO", "TU", "WE", "TH", "FR")),
        (2002, "SA", "09:00", "17:00"), (2002, "SU", "10:00", "17:00")]
    # file line 1419: Halton Borough Council, Halton Lea, WA7 2PF
    assert rows("Halton Lea", "WA7 2PF") == [
        (1419, "MO", "10:00", "17:00"), (1419, "TU", "09:00", "19:00"),
        (1419, "WE", "10:00", "17:00"), (1419, "TH", "09:00", "19:00"),
        (1419, "FR", "10:00", "17:00"), (1419, "SA", "10:00", "14:30")]
    # file line 3942: Penketh Library, WA5 2EY: closed for lunch on weekdays
    assert rows("Penketh Library", "WA5 2EY") == [
        *(r for d in ("MO", "TU", "WE")
          for r in ((3942, d, "10:00", "13:00"), (3942, d, "14:00", "17:00"))),
        (3942, "TH", "10:00", "13:00"), (3942, "TH", "14:00", "18:00"),
        (3942, "SA", "09:30", "13:00")]
    # file line 3940: Orford Park Library, WA2 8HE: the only C&M unstaffed hours (Monday)
    assert rows("Orford Park Library", "WA2 8HE", staffed=False) == [
        (3940, "MO", "10:00", "14:00")]


def test_real_file_c_and_m_counts(cm_times):
    assert cm_times["line"].nunique() == 120          # of 123 open C&M libraries listed
    assert cm_times.loc[~cm_times["staffed"], "line"].nunique() == 1


def test_the_full_uk_file_stops_at_its_first_malformed_value_unless_told_to_skip(hours_file):
    with pytest.raises(OpeningHoursError, match=r"line 751 \('Willenhall'\), column 'Monday "
                       r"staffed hours': cannot read '10:00-00:00'"):
        read_library_opening_times(hours_file)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = read_library_opening_times(hours_file, errors="skip")
    assert [str(w.message).split(" ")[0] for w in caught] == ["6"]
    assert t["line"].nunique() > 2800


def test_join_pairs_109_of_the_112_bundled_libraries(cm_times):
    m = match_library_opening_times(cm_times)
    assert len(m) == 112 and m["source_id"].is_unique
    assert m["match"].value_counts().to_dict() == {
        "uprn": 65, "name_postcode": 42, "name_postcode_sector": 2}
    assert m["line"].dropna().is_unique
    by_name = m.set_index("name")
    assert by_name.loc["Warrington Library", "match"] == "name_postcode_sector"  # JB vs JG
    # listed without hours (Culcheth, Ridgeway) or only the building closed in 2022 (Seacombe)
    assert sorted(m.loc[m["match"].isna(), "name"]) == ["Culcheth Library", "Ridgeway",
                                                        "Seacombe"]


def test_join_never_pairs_an_ambiguous_library():
    times = pd.DataFrame({"line": [2, 3], "library_name": ["Twin", "Twin"],
                          "postcode": ["L1 8JQ", "L1 8JQ"], "uprn": [pd.NA, pd.NA]})
    libraries = pd.DataFrame({"source_id": ["a"], "name": ["Twin Library"],
                              "postcode": ["L1 8JQ"], "uprn": [pd.NA]})
    assert match_library_opening_times(times, libraries)["match"].isna().all()


# ----------------------------------------------------------------------------- load_assets

def test_load_assets_without_the_hours_file_knows_no_opening_times():
    assert A.load_assets()["opening_times"].isna().all()


def test_load_assets_with_the_hours_file_gives_libraries_weekly_rules(hours_file):
    a = A.load_assets(library_hours=hours_file)
    timed = a[a["opening_times"].notna()]
    assert len(timed) == 109 and (timed["category"] == "library").all()
    central = timed[(timed["name"] == "Central Library") & (timed["postcode"] == "L3 8EW")]
    assert central["opening_times"].iloc[0] == [
        {"byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "20:00"},
        {"byday": "SA", "opens_at": "09:00", "closes_at": "17:00"},
        {"byday": "SU", "opens_at": "10:00", "closes_at": "17:00"}]
    assert timed["source"].astype(str).str.endswith(
        "opening times from the Libraries Hacked UK public libraries file").all()
    assert timed["attribution"].astype(str).str.contains("compiled by Libraries Hacked").all()
    untimed = a[a["opening_times"].isna()]
    assert not untimed["source"].astype(str).str.contains("opening times").any()
    assert A.load_assets()["opening_times"].isna().all()  # the cached table is untouched
