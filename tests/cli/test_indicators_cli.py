"""`rescomm indicators load/releases/list/diff`: releases, idempotence, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from rescomm.cli.indicators import indicators

pytestmark = pytest.mark.django_db
EXCERPT = Path(__file__).parents[1] / "indicators" / "data" / "fingertips_all_data_excerpt.csv"


def run(*args):
    return CliRunner().invoke(indicators, [str(a) for a in args])


def test_load_then_load_again_is_one_release():
    from rescomm.web.profiles.models import Release

    first = run("load", EXCERPT)
    assert first.exit_code == 0, first.output
    number = Release.objects.get().pk
    assert first.stdout.startswith(f"release {number}: 24 values of 2 indicator(s) from "
                                   "fingertips_all_data_excerpt.csv (fingertips layout)")
    again = run("load", EXCERPT)
    assert again.exit_code == 0
    assert again.stdout.startswith(f"already loaded: this content is release {number} (loaded ")
    assert again.stdout.rstrip().endswith("; nothing written")
    listed = json.loads(run("releases", "--json").stdout)
    assert [r["release"] for r in listed] == [number]
    assert listed[0]["source"].startswith("fingertips_all_data_excerpt.csv (Office for Health")
    names = json.loads(run("list", "--json").stdout)
    assert [(i["id"], i["release"]) for i in names] == [("22401", number), ("241", number)]


def test_load_json_says_whether_it_created_a_release():
    out = json.loads(run("load", EXCERPT, "--json").stdout)
    assert out["created"] is True and out["rows"] == 24 and out["layout"] == "fingertips"
    assert json.loads(run("load", EXCERPT, "--json").stdout)["created"] is False


def test_a_missing_column_is_one_line_exit_2_and_writes_nothing(tmp_path):
    from rescomm.web.profiles.models import Release

    frame = pd.read_csv(EXCERPT, dtype=str, keep_default_na=False).drop(columns=["Value"])
    path = tmp_path / "download.csv"
    frame.to_csv(path, index=False)
    result = run("load", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"rescomm: error: {path}: no column 'Value' (a Fingertips 'all data' file needs "
        "Indicator ID, Indicator Name, Area Code, Area Type, Sex, Age, Time period, Value)\n")
    assert Release.objects.count() == 0


def test_a_zero_denominator_is_one_line_exit_2_and_writes_nothing(tmp_path):
    from rescomm.web.profiles.models import IndicatorValue

    frame = pd.read_csv(EXCERPT, dtype=str, keep_default_na=False)
    frame.loc[20, "Denominator"] = "0"
    path = tmp_path / "download.csv"
    frame.to_csv(path, index=False)
    meta = tmp_path / "m.yaml"
    meta.write_text("indicators:\n  - id: '241'\n    name: Diabetes QOF prevalence\n"
                    "    value_type: proportion\n    multiplier: 100\n", encoding="utf-8")
    result = run("load", path, "--metadata", meta)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"rescomm: error: {path}: line 22, column 'Denominator': "
                                    "denominator 0 for proportion indicator 241 (area ")
    assert IndicatorValue.objects.count() == 0


def test_diff_between_two_releases(tmp_path):
    from rescomm.web.profiles.models import Release

    assert run("load", EXCERPT).exit_code == 0
    frame = pd.read_csv(EXCERPT, dtype=str, keep_default_na=False)
    frame.loc[0, "Value"] = "3100"
    frame = frame[frame["Time period"] != "2023/24"]
    path = tmp_path / "newer.csv"
    frame.to_csv(path, index=False)
    old = Release.objects.get().pk
    assert run("load", path).stdout.startswith(f"release {old + 1}: ")
    result = run("diff", old, old + 1)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (f"release {old} -> {old + 1}: 0 values added, 4 removed, 1 changed, "
                        "19 the same (tolerance 1e-06)")
    assert "periods removed (2): 22401 2023/24, 241 2023/24" in lines
    assert lines[-1] == ("changed: 22401 E06000006 2018/19 Persons 65+ yrs: 3005.08 -> 3100 "
                         "(value)")
    unknown = run("diff", old, old + 7)
    assert unknown.exit_code == 2
    assert unknown.stderr == (f"rescomm: error: there is no release {old + 7}; releases: "
                              f"{old}, {old + 1}\n")
