"""The `rescomm` command line: help on every command, version, and one-line user errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import rescomm
from rescomm.cli import cli


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path
        if isinstance(command, click.Group):
            yield from _all_commands(command, path)


COMMANDS = sorted(_all_commands(cli))


def test_required_commands_exist():
    names = {" ".join(path) for path in COMMANDS}
    assert {"demo", "serve", "migrate", "load-demo", "geo", "geo lookup"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_has_help_text(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    command = cli
    for name in path:
        command = command.commands[name]
    assert command.help and command.help.strip(), f"`rescomm {' '.join(path)}` has no help text"


def test_version_prints_the_package_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"rescomm, version {rescomm.__version__}"


def test_serve_documents_host_port_and_database_url():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    for option in ("--host", "--port", "--database-url"):
        assert option in result.output


def test_unsupported_database_url_is_refused_with_the_fix():
    result = CliRunner().invoke(cli, ["migrate", "--database-url", "mysql://root@localhost/x"])
    assert result.exit_code == 2
    assert "database URL scheme 'mysql' is not supported" in result.output
    assert "postgres://USER@HOST:PORT/NAME" in result.output


def _rescomm(*args: str, home, database_url: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "RESCOMM_HOME": str(home), "DJANGO_SETTINGS_MODULE":
           "rescomm.web.settings.dev", "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "rescomm", *args], capture_output=True,
                          text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize("command", [["load-demo"], ["serve", "--port", "1"], ["users", "list"],
                                     ["referrals", "escalate"]])
def test_commands_on_a_database_that_was_never_migrated_say_run_migrate_first(tmp_path,
                                                                              command):
    proc = _rescomm(*command, home=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "is not set up for this version of rescomm" in proc.stderr
    assert "run `rescomm migrate` first" in proc.stderr
    assert "no such table" not in proc.stderr


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="needs PostgreSQL (DATABASE_URL)")
def test_load_demo_on_an_empty_postgresql_database_says_run_migrate_first(tmp_path):
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"rescomm_unmigrated_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
        try:
            proc = _rescomm("load-demo", home=tmp_path, database_url=f"{base}/{name}")
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert proc.returncode == 2
    assert f"the database {name} is not set up" in proc.stderr
    assert "run `rescomm migrate` first" in proc.stderr and proc.stderr.count("\n") == 1


def test_a_database_that_cannot_be_reached_is_one_line(tmp_path):
    proc = _rescomm("users", "list", home=tmp_path,
                    database_url="postgres://nobody@127.0.0.1:1/nothing")
    assert proc.returncode == 2
    assert proc.stderr.startswith("rescomm: error: cannot use the database: ")
    assert proc.stderr.count("\n") == 1


# --------------------------------------------------------------------------- geo lookup
def test_geo_lookup_prints_the_areas_of_a_known_postcode():
    result = CliRunner().invoke(cli, ["geo", "lookup", "--json", "l18jq"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    # Expected values: shared/data/lookups/postcodes_cheshire_merseyside.csv.gz row "L1 8JQ"
    # (ONSPD Nov 2025 / ONS May-2022 lookup); see tests/cli/README.md.
    assert row["postcode"] == "L1 8JQ"
    assert row["lad_code"] == "E08000012"
    assert row["lsoa11_code"] == "E01033756"
    assert row["lsoa21_code"] == "E01033756"
    assert row["easting"] == 334469 and row["northing"] == 390202
    assert set(row) >= {"latitude", "longitude", "msoa21_code", "icb_code"}


def test_geo_lookup_table_output_lists_every_field():
    result = CliRunner().invoke(cli, ["geo", "lookup", "L1 8JQ"])
    assert result.exit_code == 0, result.output
    for field in ("postcode", "easting", "northing", "latitude", "longitude", "lsoa11_code",
                  "lsoa21_code", "msoa21_code", "lad_code", "icb_code"):
        assert field in result.output


def test_geo_lookup_of_a_malformed_postcode_exits_2_naming_it(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "rescomm", "geo", "lookup", "NOT A POSTCODE"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("rescomm: error: ")
    assert "'NOT A POSTCODE'" in lines[0]


def test_geo_lookup_of_an_unknown_postcode_exits_2_and_still_prints_the_good_ones():
    result = CliRunner().invoke(cli, ["geo", "lookup", "--json", "L1 8JQ", "ZZ9 9ZZ"])
    assert result.exit_code == 2
    assert "'ZZ9 9ZZ'" in result.output
    assert '"L1 8JQ"' in result.output
