"""`rescomm engage count FILE.pb --rule greedy|equal-shares [--completion] [--json]`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rescomm.cli import cli
from rescomm.engage import count, read_pabulib

DATA = Path(__file__).resolve().parents[1] / "engage" / "data"
NADWISLE = DATA / "poland_warszawa_2019_nadwisle.pb"


SRC = Path(__file__).resolve().parents[2] / "src"
#: Subprocesses import this checkout's rescomm, whatever the environment has installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC),
                                                                  os.environ.get("PYTHONPATH")]))}


def _run(*args: str):
    return CliRunner().invoke(cli, ["engage", "count", *args])


@pytest.mark.parametrize("rule", ["greedy", "equal-shares"])
def test_json_lists_the_selected_ids_as_in_the_file(rule):
    result = _run(str(NADWISLE), "--rule", rule, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    election = read_pabulib(NADWISLE)
    expected = count(election, rule)
    assert out["selected"] == [p.project_id for p in expected.selected]
    file_order = [p.project_id for p in election.projects]
    assert out["selected"] == [i for i in file_order if i in out["selected"]]
    assert out["total_cost"] == sum(p["cost"] for p in out["projects"]) <= out["budget"]
    assert out["budget_left"] == out["budget"] - out["total_cost"]
    assert [p["votes"] for p in out["projects"]] == [election.votes[i] for i in out["selected"]]
    assert out["voters"] == 205 and out["rule"] == rule


def test_greedy_json_is_what_warsaw_funded():
    out = json.loads(_run(str(NADWISLE), "--rule", "greedy", "--json").stdout)
    funded = [p.project_id for p in read_pabulib(NADWISLE).projects if p.selected_in_file]
    assert out["selected"] == funded
    assert out["completion"] is None


def test_completion_none_differs_from_add1_on_a_file_where_equal_shares_underspends():
    path = DATA / "poland_warszawa_2017_nadwisle.pb"
    none = json.loads(_run(str(path), "--rule", "equal-shares", "--completion", "none",
                           "--json").stdout)
    add1 = json.loads(_run(str(path), "--rule", "equal-shares", "--json").stdout)
    assert none["completion"] == "none" and add1["completion"] == "add1"
    assert none["total_cost"] < add1["total_cost"] <= add1["budget"]


def test_the_table_names_each_selected_project_with_cost_and_votes():
    result = _run(str(NADWISLE), "--rule", "greedy")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "4 of 7 projects selected by greedy; 205 voters" in lines[0]
    assert lines[1].split() == ["id", "cost", "votes", "name"]
    first = lines[2].split()
    assert first[:3] == ["2093", "45,000", "121"]
    assert lines[-1] == "total cost 134,225 of budget 135,502 (1,277 left)"


def test_bad_input_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text(NADWISLE.read_text(encoding="utf-8").replace("2093;45000", "2093;lots"),
                   encoding="utf-8")
    result = _run(str(bad), "--rule", "greedy")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"rescomm: error: {bad} line 22 (PROJECTS): cost 'lots'")


def test_unknown_rule_is_refused_by_the_option():
    result = _run(str(NADWISLE), "--rule", "borda")
    assert result.exit_code == 2 and "borda" in result.stderr


def test_the_console_script_exits_2_on_a_missing_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "rescomm", "engage", "count",
                           str(tmp_path / "none.pb"), "--rule", "greedy"],
                          capture_output=True, text=True, env=ENV)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"rescomm: error: {tmp_path / 'none.pb'}: "
                                                "no such file"]


def test_help_does_not_import_pabutools():
    code = ("import sys\nfrom rescomm.cli import cli\n"
            "try:\n    cli.main(['engage', 'count', '--help'], prog_name='rescomm')\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "print(sorted(m for m in ('pabutools', 'numpy', 'gmpy2') if m in sys.modules),"
            " file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=ENV)
    assert "rescomm engage count" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_the_command_is_in_the_readme_table_and_docs():
    repo = Path(__file__).resolve().parents[2]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert "| `rescomm engage count FILE.pb --rule greedy\\|equal-shares" in readme
    docs = (repo / "docs" / "engage.md").read_text(encoding="utf-8")
    for text in ("rescomm engage count", "--rule equal-shares", "--completion", "--json",
                 "add1-greedy", "Peters and Skowron"):
        assert text in docs, text
