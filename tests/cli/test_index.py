"""`rescomm index`: frameworks, build and explain, and one-line errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner
from tests.reference_data import reference_file

from rescomm.cli.index import index


def _run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(index, list(args))


@pytest.fixture(scope="module")
def iod2019_csv() -> Path:
    return reference_file("deprivation/iod2019_lsoa11_england.csv.gz")


@pytest.fixture
def small_imd(tmp_path) -> Path:
    """The bundled C&M IoD2019 extract as a CSV (no shared/ needed)."""
    from rescomm.data import load_imd

    path = tmp_path / "cm.csv"
    load_imd(2019).to_csv(path, index=False)
    return path


def test_the_index_group_is_a_click_group_named_index():
    assert isinstance(index, click.Group) and index.name == "index"
    assert {"frameworks", "build", "explain"} <= set(index.commands)


def test_frameworks_lists_the_builtin_imd_frameworks():
    result = _run("frameworks")
    assert result.exit_code == 0
    assert "imd2019" in result.output and "imd2025" in result.output
    listed = json.loads(_run("frameworks", "--json").output)
    assert {f["id"] for f in listed} >= {"imd2019", "imd2025"}


def test_build_writes_the_results_table_for_the_selected_local_authority(small_imd, tmp_path):
    out = tmp_path / "halton.csv"
    result = _run("build", "--framework", "imd2019", "--data", str(small_imd),
                  "--areas", "E06000006", "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns[:4]) == ["area_code", "index_score", "index_rank", "index_decile"]
    assert len(table) == 79  # Halton's LSOAs
    assert table["index_rank"].between(1, 1562).all()


def test_build_writes_parquet_and_the_log(small_imd, tmp_path):
    out, log = tmp_path / "r.parquet", tmp_path / "log.json"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "-o", str(out),
                  "--log", str(log), "--with-quantiles")
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(out)
    assert {"la_code", "index_quintile", "index_decile_la"} <= set(table.columns)
    steps = [r["step"] for r in json.loads(log.read_text())["log"]]
    assert steps[0] == "denominate" and steps[-1] == "aggregate"


def test_build_reproduces_the_published_imd_rank_of_the_first_lsoa(iod2019_csv, tmp_path):
    out = tmp_path / "one.csv"
    result = _run("build", "-f", "imd2019", "-d", str(iod2019_csv), "--areas", "E01000001",
                  "-o", str(out))
    assert result.exit_code == 0, result.output
    row = pd.read_csv(out).iloc[0]
    assert row["index_rank"] == 29199 and row["index_decile"] == 9


def test_explain_shows_each_domain_contribution(small_imd):
    result = _run("explain", "-f", "imd2019", "-d", str(small_imd), "--area", "E01006412",
                  "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    total = sum(row["contribution"] for row in payload["indicators"])
    assert total == pytest.approx(payload["index_score"])
    assert {row["indicator"] for row in payload["indicators"]} >= {"income", "living_env"}


def _bad(tmp_path, frame: pd.DataFrame, *extra: str) -> click.testing.Result:
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    return _run("build", "-f", "imd2019", "-d", str(path), "-o", str(tmp_path / "o.csv"),
                *extra)


def _cm() -> pd.DataFrame:
    from rescomm.data import load_imd

    return load_imd(2019).copy()


@pytest.mark.parametrize(("mutate", "says"), [
    (lambda d: d.rename(columns={"income_score": "income_scor"}),
     "column 'income_score' for indicator 'income' not found"),
    (lambda d: d.drop(columns=["health_score"]), "health_score"),
    (lambda d: d.astype({"crime_score": object}).assign(
        crime_score=lambda x: x["crime_score"].where(x.index != 3, "n/k")),
     "column 'crime_score' (indicator 'crime') has non-numeric values in row 4"),
    (lambda d: pd.concat([d, d.iloc[[0]]]), "duplicate area codes"),
    (lambda d: d.assign(lsoa11_code=d["lsoa11_code"].where(d.index != 0, "E01999999")),
     "not LSOA11 LSOA codes"),
    (lambda d: d.assign(lsoa11_code=d["lsoa11_code"].where(d.index != 0, "E01035000")),
     "(row 1 (E01035000))"),
])
def test_bad_data_is_one_clear_line_and_exit_code_2(tmp_path, mutate, says):
    result = _bad(tmp_path, mutate(_cm()))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("rescomm: error")]
    assert len(lines) == 1 and says in lines[0], result.output


def test_mixed_2011_and_2021_codes_are_rejected_with_the_fix(tmp_path):
    frame = _cm()
    frame.loc[0, "lsoa11_code"] = "E01035000"  # LSOA 2021 only
    frame.loc[1, "lsoa11_code"] = "E01000015"  # LSOA 2011 only (split in 2021)
    result = _bad(tmp_path, frame)
    assert result.exit_code == 2
    assert "mixes LSOA 2011 and LSOA 2021 codes" in result.output
    assert "load_lsoa11_lsoa21_lookup" in result.output


def test_unknown_areas_and_bad_output_names_are_user_errors(small_imd, tmp_path):
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "--areas", "E06000099",
                  "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and "E06000099" in result.output
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "-o", str(tmp_path / "x.txt"))
    assert result.exit_code == 2 and ".csv" in result.output
    result = _run("build", "-f", "imd2091", "-d", str(small_imd), "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and "neither a built-in framework" in result.output


def test_explain_of_an_area_not_in_the_data_is_a_user_error(small_imd):
    result = _run("explain", "-f", "imd2019", "-d", str(small_imd), "--area", "E01000001")
    assert result.exit_code == 2 and "not in the data" in result.output


def test_build_can_write_local_authority_summaries(small_imd, tmp_path):
    summary = tmp_path / "la.csv"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "-o", str(tmp_path / "r.csv"),
                  "--la-summary", str(summary))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(summary)
    assert len(table) == 9  # the nine Cheshire & Merseyside LAs
    assert {"la_code", "average_score", "extent", "local_concentration"} <= set(table.columns)


def test_explain_prints_a_readable_table(small_imd):
    result = _run("explain", "-f", "imd2019", "-d", str(small_imd), "--area", "E01006412")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("E01006412") and "rank" in first and "decile 1" in first
    assert "income" in result.output and "%" in result.output


def test_a_user_yaml_framework_with_a_bad_key_names_the_line(small_imd, tmp_path):
    spec = tmp_path / "mine.yaml"
    spec.write_text("spec_version: 1\nid: mine\narea: {code: lsoa11_code}\nindicators:\n"
                    "  - {id: inc, column: income_score, direction: up}\n", encoding="utf-8")
    result = _run("build", "-f", str(spec), "-d", str(small_imd), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert "mine.yaml:5: indicators[0].direction: must be 1 or -1" in result.output


def _bomb(tmp_path: Path, name: str, top: str = "") -> Path:
    """Nine nested YAML aliases of nine (387 million values once expanded)."""
    lines = [f"{top}x0: &x0 [" + ", ".join(['"lol"'] * 9) + "]"]
    lines += [f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_framework_of_expanding_yaml_aliases_is_refused_in_one_line(small_imd, tmp_path):
    spec = _bomb(tmp_path, "bomb.yaml")
    out = tmp_path / "o.csv"
    result = _run("build", "-f", str(spec), "-d", str(small_imd), "-o", str(out))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "bomb.yaml: line " in result.output and "more than 50,000 values" in result.output
    assert not out.exists()


def test_alternatives_of_expanding_yaml_aliases_are_refused_in_one_line(small_imd, tmp_path):
    alts = _bomb(tmp_path, "alts.yaml")
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "-o", str(tmp_path / "o.csv"),
                  "--uncertainty", "5", "--alternatives", str(alts))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert f"--alternatives {alts}: alts.yaml: line " in result.output


def test_a_framework_file_that_is_not_utf8_is_one_line(small_imd, tmp_path):
    spec = tmp_path / "cp1252.yaml"
    spec.write_bytes("spec_version: 1\nid: mine\nname: Caf\xe9\n".encode("cp1252"))
    result = _run("build", "-f", str(spec), "-d", str(small_imd), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert ("cp1252.yaml is not UTF-8 text (line 3: byte 0xe9 at offset 34); save it as UTF-8"
            in result.output)


def _cp1252_table(small_imd: Path, tmp_path: Path) -> Path:
    table = pd.read_csv(small_imd)
    table["note"] = ""
    table.loc[0, "note"] = "Café"
    path = tmp_path / "excel.csv"
    table.to_csv(path, index=False, encoding="cp1252")
    return path


def test_a_data_file_that_is_not_utf8_is_one_line_pointing_at_encoding(small_imd, tmp_path):
    data = _cp1252_table(small_imd, tmp_path)
    result = _run("build", "-f", "imd2019", "-d", str(data), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "excel.csv is not UTF-8 text (line 2: byte 0xe9 at offset" in result.output
    assert "--encoding cp1252" in result.output


def test_encoding_reads_a_data_file_saved_by_excel(small_imd, tmp_path):
    data = _cp1252_table(small_imd, tmp_path)
    out = tmp_path / "o.csv"
    result = _run("build", "-f", "imd2019", "-d", str(data), "--encoding", "cp1252", "-o",
                  str(out))
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == len(pd.read_csv(small_imd))
    unknown = _run("explain", "-f", "imd2019", "-d", str(data), "--encoding", "klingon",
                   "--area", "E01006412")
    assert unknown.exit_code == 2
    assert "'klingon' is not an encoding Python knows" in unknown.output
