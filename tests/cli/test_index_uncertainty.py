"""`rescomm index build --uncertainty/--sampling/--report` and `rescomm index sensitivity`."""

from __future__ import annotations

import click
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from rescomm.cli.index import index


def _run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(index, list(args))


@pytest.fixture(scope="module")
def small_imd(tmp_path_factory):
    from rescomm.data import load_imd

    path = tmp_path_factory.mktemp("cm") / "cm.csv"
    load_imd(2019).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def counts(tmp_path_factory):
    """A spec with a proportion (binomial) and a rate (Poisson) over 120 synthetic areas."""
    rng = np.random.default_rng(1)
    n = 120
    pop = rng.integers(300, 900, size=n)
    df = pd.DataFrame({"code": [f"X{i:04d}" for i in range(n)], "pop": pop,
                       "cases": rng.binomial(pop, 0.2), "visits": rng.poisson(pop * 1.5),
                       "green": rng.normal(50, 10, size=n)})
    folder = tmp_path_factory.mktemp("counts")
    df.to_csv(folder / "data.csv", index=False)
    (folder / "spec.yaml").write_text("""spec_version: 1
id: counts
name: Counts test index
polarity: higher_is_worse
area: {code: code}
groups: [{id: need, weight: 0.5}, {id: place, weight: 0.5}]
indicators:
  - {id: cases, column: cases, parent: need, denominator: {column: pop, scale: 100}}
  - {id: visits, column: visits, parent: need, denominator: {column: pop, scale: 1000}}
  - {id: green, column: green, parent: place, direction: -1}
""", encoding="utf-8")
    return folder


def test_uncertainty_adds_the_four_documented_columns(small_imd, tmp_path):
    out = tmp_path / "r.csv"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "--out", str(out),
                  "--uncertainty", "40", "--seed", "3")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    new = ["index_rank_p05", "index_rank_median", "index_rank_p95", "index_p_worst_decile"]
    assert list(table.columns[-4:]) == new
    assert (table["index_rank_p05"] <= table["index_rank_median"]).all()
    assert (table["index_rank_median"] <= table["index_rank_p95"]).all()
    assert table["index_p_worst_decile"].between(0, 1).all()
    assert "Monte Carlo (40 replications)" in result.output  # progress label on stderr
    again = tmp_path / "again.csv"
    _run("build", "-f", "imd2019", "-d", str(small_imd), "--out", str(again),
         "--uncertainty", "40", "--seed", "3")
    pd.testing.assert_frame_equal(table, pd.read_csv(again))


def test_uncertainty_columns_follow_the_area_selection_and_the_chosen_node(small_imd, tmp_path):
    out = tmp_path / "halton.csv"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "--out", str(out),
                  "--areas", "E06000006", "--uncertainty", "10", "--seed", "1",
                  "--uncertainty-node", "income", "--with-quantiles")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert (table["la_code"] == "E06000006").all()
    assert {"income_rank_p05", "income_p_worst_decile"} <= set(table.columns)


def test_sampling_resamples_counts_and_writes_a_report(counts, tmp_path):
    out, report = tmp_path / "r.csv", tmp_path / "r.html"
    result = _run("build", "-f", str(counts / "spec.yaml"), "-d", str(counts / "data.csv"),
                  "--out", str(out), "--uncertainty", "30", "--seed", "1", "--sampling",
                  "--weight-noise", "0", "--report", str(report))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert (table["index_rank_p95"] - table["index_rank_p05"]).mean() > 0
    html = report.read_text(encoding="utf-8")
    assert "counts resampled from their sampling error: cases (binomial), visits (poisson)" in html
    assert "No boundaries cover these areas" in html


def test_alternatives_come_from_a_yaml_file(small_imd, tmp_path):
    alts = tmp_path / "alts.yaml"
    alts.write_text("aggregate:\n  - {method: arithmetic}\n  - {method: geometric}\n",
                    encoding="utf-8")
    out = tmp_path / "r.csv"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "--out", str(out),
                  "--uncertainty", "8", "--alternatives", str(alts))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--sampling"], "--sampling, --seed and --alternatives need --uncertainty N"),
    (["--uncertainty", "0"], "Invalid value for '--uncertainty'"),
    (["--uncertainty", "5", "--sampling"], "sampling: no indicator has counts to resample"),
    (["--uncertainty", "5", "--uncertainty-node", "wealth"], "unknown node 'wealth'"),
    (["--report", "r.pdf"], "--report r.pdf: use a .html, .htm file name"),
    (["--uncertainty", "5", "--alternatives", "ALTS"], "--alternatives ALTS: expected a mapping"),
])
def test_bad_uncertainty_options_are_one_line_errors_and_write_nothing(small_imd, tmp_path,
                                                                       args, message):
    bad = tmp_path / "ALTS"
    bad.write_text("- minmax\n", encoding="utf-8")
    args = [str(bad) if a == "ALTS" else str(tmp_path / a) if a == "r.pdf" else a
            for a in args]
    message = message.replace("ALTS", str(bad)).replace("r.pdf", str(tmp_path / "r.pdf"))
    out = tmp_path / "r.csv"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "--out", str(out), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_sensitivity_prints_sobol_indices_and_writes_them(small_imd, tmp_path):
    out = tmp_path / "s.csv"
    result = _run("sensitivity", "-f", "imd2019", "-d", str(small_imd), "--n", "32",
                  "--seed", "2", "--by", "node", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Output: mean absolute shift of index ranks" in result.output
    table = pd.read_csv(out)
    assert list(table["factor"]) == ["w_income", "w_employment", "w_education", "w_health",
                                     "w_crime", "w_barriers", "w_living_env"]
    assert {"S1", "S1_conf", "S1_low", "S1_high", "ST", "ST_low", "ST_high"} <= set(table)


def test_sensitivity_refuses_a_sample_size_that_is_not_a_power_of_two(small_imd):
    result = _run("sensitivity", "-f", "imd2019", "-d", str(small_imd), "--n", "100")
    assert result.exit_code == 2
    assert "--n 100: use a power of 2" in result.output


def test_a_report_without_uncertainty_says_that_no_intervals_were_computed(small_imd, tmp_path):
    report = tmp_path / "plain.html"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "--out",
                  str(tmp_path / "r.csv"), "--report", str(report))
    assert result.exit_code == 0, result.output
    html = report.read_text(encoding="utf-8")
    assert "No uncertainty analysis was run" in html
    assert "The map shows 1,562 of the 1,562 areas" in html


def test_several_nodes_get_their_own_columns_from_the_same_replications(small_imd, tmp_path):
    out = tmp_path / "r.csv"
    result = _run("build", "-f", "imd2019", "-d", str(small_imd), "--out", str(out),
                  "--uncertainty", "12", "--seed", "5", "--uncertainty-node", "index",
                  "--uncertainty-node", "income")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns[-8:]) == [
        "index_rank_p05", "index_rank_median", "index_rank_p95", "index_p_worst_decile",
        "income_rank_p05", "income_rank_median", "income_rank_p95", "income_p_worst_decile"]
    # income is a single-indicator domain ranked by published ranks: weights cannot move it
    assert (table["income_rank_p05"] == table["income_rank"]).all()
