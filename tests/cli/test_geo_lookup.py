"""`rescomm geo lookup`: hints that name the command's own flags, a postcode split over two
arguments, --json with postcodes that were not found, and a missing --onspd file."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from rescomm.cli import cli

ONSPD_SOURCE = ("'ONS Postcode Directory (<Month> <Year>) for the UK' from the ONS Open "
                "Geography Portal, https://geoportal.statistics.gov.uk")
UNKNOWN = ("rescomm: error: postcode 'ZZ9 9ZZ' is not in the postcode index (bundled Cheshire & "
           "Merseyside postcodes, ONSPD Nov 2025); check it, or look it up in the full ONS "
           f"Postcode Directory with --onspd FILE ({ONSPD_SOURCE})")
TERMINATED = ("rescomm: error: postcode 'CH1 1AA' was terminated in June 2020 (202006) and is no "
              "longer in use; ask for the current postcode, or add --allow-terminated to use its "
              "last known location")
INVALID = ("rescomm: error: postcode 'nope' is not a valid UK postcode (expected an outward and an "
           "inward code, e.g. 'L1 8JQ' or 'CH64 3RT'); check it for typos")


def _run(*args: str):
    return CliRunner().invoke(cli, ["geo", "lookup", *args])


def test_an_unknown_postcode_is_told_to_use_the_onspd_flag_and_where_the_file_comes_from():
    result = _run("ZZ9 9ZZ")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [UNKNOWN]
    assert "from_onspd" not in result.stderr


def test_a_terminated_postcode_is_told_to_use_the_allow_terminated_flag():
    result = _run("CH1 1AA")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [TERMINATED]
    assert _run("--allow-terminated", "CH1 1AA").exit_code == 0


def test_a_postcode_split_over_two_arguments_is_read_as_one_and_said_so():
    result = _run("L1", "8JQ")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "rescomm: note: read 'L1' and '8JQ' as one postcode, L1 8JQ (put quotes round a "
        "postcode with a space: \"L1 8JQ\")"]
    assert result.stdout.splitlines()[0].split() == ["postcode", "L1", "8JQ"]


def test_split_halves_are_joined_only_where_neither_is_a_postcode_alone():
    result = _run("--json", "l18jq", "WA7", "4AB", "CH64", "3RT")
    rows = json.loads(result.stdout)
    assert [r["input"] for r in rows] == ["l18jq", "WA7 4AB", "CH64 3RT"]
    assert [r["status"] for r in rows] == ["ok", "ok", "ok"]
    assert result.exit_code == 0


def test_json_with_only_bad_postcodes_reports_each_and_exits_2():
    result = _run("--json", "nope", "ZZ9 9ZZ")
    assert result.exit_code == 2
    rows = json.loads(result.stdout)
    assert [(r["input"], r["status"], r["postcode"]) for r in rows] == [
        ("nope", "invalid", None), ("ZZ9 9ZZ", "unknown", "ZZ9 9ZZ")]
    assert [r["error"] for r in rows] == [INVALID.removeprefix("rescomm: error: "),
                                          UNKNOWN.removeprefix("rescomm: error: ")]
    assert all(r["lsoa21_code"] is None for r in rows)
    assert result.stderr.splitlines() == [INVALID, UNKNOWN]


def test_json_keeps_found_postcodes_in_input_order_beside_the_bad_ones():
    result = _run("--json", "ZZ9 9ZZ", "l18jq")
    assert result.exit_code == 2
    bad, good = json.loads(result.stdout)
    assert (good["status"], good["error"], good["lsoa21_code"]) == ("ok", None, "E01033756")
    assert bad["status"] == "unknown"


def test_a_missing_onspd_file_says_where_the_official_file_comes_from(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "rescomm", "geo", "lookup", "--onspd",
                           str(tmp_path / "ONSPD.zip"), "L1 8JQ"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"rescomm: error: ONS Postcode Directory file '{tmp_path / 'ONSPD.zip'}' does not exist; "
        "download 'ONS Postcode Directory (<Month> <Year>) for the UK' from the ONS Open "
        "Geography Portal (https://geoportal.statistics.gov.uk) and pass the .zip, or the "
        "Data/ONSPD_*.csv inside it"]
