"""`rescomm index publish` and the demo loader hook: publish a build to the web app's database;
errors a user can fix are one line and exit 2, with nothing written."""

from __future__ import annotations

from io import StringIO

import pytest
from click.testing import CliRunner
from django.core.management import call_command

from rescomm import data
from rescomm.cli import cli
from rescomm.web.insight.models import IndexRun, IndexValue

HALTON = "E06000006"


def run(*args):
    return CliRunner().invoke(cli, ["index", "publish", *map(str, args)])


@pytest.fixture
def halton_csv(tmp_path):
    table = data.load_imd(2025)
    path = tmp_path / "iod2025_halton.csv"
    table[table["lad_code"] == HALTON].to_csv(path, index=False)
    return path


def test_publish_is_listed_under_index():
    result = CliRunner().invoke(cli, ["index", "--help"])
    assert "publish" in result.output
    help_text = CliRunner().invoke(cli, ["index", "publish", "--help"]).output
    for option in ("--framework", "--data", "--uncertainty", "--seed", "--database-url"):
        assert option in help_text


@pytest.mark.django_db
def test_publish_a_data_file_with_uncertainty(halton_csv):
    result = run("--framework", "imd2025", "--data", halton_csv, "--uncertainty", 20,
                 "--seed", 3, "--by", "Halton public health")
    assert result.exit_code == 0, result.output
    assert "published imd2025 2025.1: 80 areas, 8 nodes, 20 Monte Carlo runs" in result.output
    published = IndexRun.objects.get(framework="imd2025")
    assert published.area_count == 80 and published.uncertainty_seed == 3
    assert published.published_by == "Halton public health"
    assert published.source.startswith("iod2025_halton.csv (sha256 ")
    assert IndexValue.objects.filter(run=published, node__node_id="index",
                                     rank_p05__isnull=False).count() == 80


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--framework", "imd2025", "--seed", "1"],
         "rescomm: error: --seed needs --uncertainty N (the seed is for the Monte Carlo runs)"),
        (["--framework", "nope"],
         "rescomm: error: --framework nope: not a built-in framework"),
        (["--framework", "{own}"],
         "rescomm: error: framework 'own' has no bundled inputs"),
    ],
)
def test_bad_options_exit_2_with_one_line_and_write_nothing(args, message, tmp_path):
    from rescomm.measure import framework_path

    own = tmp_path / "own.yaml"
    own.write_text(framework_path("imd2025").read_text().replace("id: imd2025", "id: own"))
    before = list(IndexRun.objects.values_list("pk", "checksum"))
    result = run(*[arg.format(own=own) for arg in args])
    assert result.exit_code == 2
    assert message in result.output
    assert list(IndexRun.objects.values_list("pk", "checksum")) == before


@pytest.mark.django_db
def test_data_without_a_needed_column_is_refused_naming_it(tmp_path, halton_csv):
    bad = tmp_path / "bad.csv"
    bad.write_text(halton_csv.read_text().replace("income_score", "incme_score"))
    assert run("--framework", "imd2025", "--data", halton_csv).exit_code == 0
    before = IndexRun.objects.get(framework="imd2025").pk
    result = run("--framework", "imd2025", "--data", bad)
    assert result.exit_code == 2
    assert result.output.strip() == (
        "rescomm: error: column 'income_score' for indicator 'income' not found (tried "
        "'income_score', 'Income Score (rate)'); did you mean 'incme_score', 'crime_score', "
        "'imd_score'?"
    )
    assert IndexRun.objects.get(framework="imd2025").pk == before


@pytest.mark.django_db
def test_load_demo_publishes_the_demo_indices_once():
    out = StringIO()
    call_command("load_demo", "--lad", HALTON, stdout=out)
    text = out.getvalue()
    assert "index imd2025: published 1,601 areas" in text
    assert "index warm:" in text  # published, or skipped until rescomm.measure ships it
    published = IndexRun.objects.get(framework="imd2025")
    assert published.uncertainty_runs == 200 and published.published_by == "rescomm load-demo"
    again = StringIO()
    call_command("load_demo", "--lad", HALTON, stdout=again)
    assert "index imd2025: up to date" in again.getvalue()
    assert IndexRun.objects.get(framework="imd2025").pk == published.pk
    skipped = StringIO()
    call_command("load_demo", "--lad", HALTON, "--no-index", stdout=skipped)
    assert "index" not in skipped.getvalue().replace("index_", "")
