"""`rescomm index build/profile/neighbours` on the bundled warm inputs (no --data needed)."""

from __future__ import annotations

import json

import click
import pandas as pd
from click.testing import CliRunner

from rescomm.cli.index import index

AREA = "E01006412"  # Knowsley 006A


def _run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(index, list(args))


def test_build_warm_without_data_writes_every_cm_lsoa(tmp_path):
    out = tmp_path / "r.csv"
    result = _run("build", "--framework", "warm", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 1601
    assert {"index_score", "self_rank", "support_decile", "systems_score"} <= set(table.columns)


def test_build_of_a_custom_spec_without_data_is_a_one_line_error(tmp_path):
    spec = tmp_path / "mine.yaml"
    from rescomm.measure import framework_path

    spec.write_text(framework_path("warm").read_text(encoding="utf-8").replace(
        "id: warm", "id: mine"), encoding="utf-8")
    result = _run("build", "--framework", str(spec), "--out", str(tmp_path / "x.csv"))
    assert result.exit_code == 2
    assert result.output.strip() == ("rescomm: error: framework 'mine' has no bundled inputs: "
                                     "give the data (a CSV/Parquet table with one row per area)")
    assert not (tmp_path / "x.csv").exists()


def test_profile_prints_quadrant_assets_and_vulnerabilities():
    result = _run("profile", "--framework", "warm", "--area", AREA)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"{AREA}  WARM")
    assert "quadrant: low wellbeing, low resilience" in out
    assert "Assets (" in out and "Vulnerabilities (" in out
    assert ("compared with: all 1,601 areas in the build (Cheshire & Merseyside), "
            "expected = mean, 95.0% level") in out.splitlines()


def test_the_comparator_of_c_and_m_data_is_not_called_england():
    result = _run("profile", "--framework", "warm", "--area", AREA, "--comparator", "england")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "rescomm: error: comparator 'england' needs a build of all of England; this one holds "
        "1,601 areas (Cheshire & Merseyside): use comparator 'all' to compare with every area "
        "in the build")


def test_profile_json_lists_every_indicator_with_a_status():
    result = _run("profile", "--framework", "warm", "--area", AREA, "--comparator",
                  "neighbours", "--k", "5", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["comparator"] == "5 statistical neighbours" and data["areas"] == 1601
    assert len(data["indicators"]) == 18
    assert {i["status"] for i in data["indicators"]} <= {"asset", "as expected",
                                                         "vulnerability", "not compared"}
    assert data["quadrant"]["quadrant"].endswith("resilience")


def test_profile_of_an_unknown_area_is_a_one_line_error():
    result = _run("profile", "--framework", "warm", "--area", "E01999999")
    assert result.exit_code == 2
    assert result.output.strip() == "rescomm: error: area(s) E01999999 not in the build"


def test_profile_with_a_bad_comparator_names_the_missing_column():
    result = _run("profile", "--framework", "warm", "--area", AREA, "--comparator", "ward")
    assert result.exit_code == 2
    assert "comparator 'ward' needs column 'ward' in the data" in result.output


def test_neighbours_lists_k_areas_with_names():
    result = _run("neighbours", "--area", AREA, "--k", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 5  # title, header, 3 neighbours
    assert "Knowsley" in result.output or "Liverpool" in result.output


def test_neighbours_csv_with_chosen_variables():
    result = _run("neighbours", "--area", AREA, "--k", "4", "--variables",
                  "imd_score,lonely_pct", "--format", "csv")
    assert result.exit_code == 0, result.output
    from io import StringIO

    table = pd.read_csv(StringIO(result.output))
    assert list(table["neighbour_rank"]) == [1, 2, 3, 4]
    assert (table["neighbour_code"] != AREA).all()


def test_neighbours_with_an_unknown_variable_is_a_one_line_error():
    result = _run("neighbours", "--area", AREA, "--variables", "imd")
    assert result.exit_code == 2
    assert result.output.strip() == ("rescomm: error: neighbour variable 'imd': column 'imd' "
                                     "not in the data")
