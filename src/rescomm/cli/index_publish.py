"""``rescomm index publish``: build an index and publish it to the web app's database.

The web pages (``/index/``) and the API (``/api/index/``) read published runs and never rebuild
per request. Publishing replaces the framework's previous run in one transaction; a failure
leaves it untouched. Errors a user can fix (unknown framework, bad spec or data, bad options)
are one line on stderr and exit code 2.
"""

from __future__ import annotations

import getpass
import hashlib
import warnings
from pathlib import Path
from typing import NoReturn

import click

from ._errors import EXIT_USER_ERROR
from .index import ENCODING, IndexCommandError, _message, data_table
from .web import configure_django, database_url_option


def _fail(message: str) -> NoReturn:
    click.echo(f"rescomm: error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_USER_ERROR)


def _file_digest(path: Path) -> str:
    """SHA-256 of a file, or of every file in a folder (names and contents, sorted)."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _framework_text(framework: str) -> bytes:
    from rescomm.measure import framework_path, frameworks

    if framework in frameworks():
        return framework_path(framework).read_bytes()
    path = Path(framework)
    if path.is_file():
        return path.read_bytes()
    names = ", ".join(frameworks())
    _fail(f"--framework {framework}: not a built-in framework ({names}) nor a YAML file")


@click.command("publish")
@click.option("--framework", "-f", required=True, metavar="NAME|FILE.yaml",
              help="Built-in framework (e.g. imd2025, warm) or a YAML spec file.")
@click.option("--data", "-d", "data", metavar="FILE", type=click.Path(exists=True, path_type=Path),
              help="Input data (CSV, Parquet, Excel, or a folder where the framework reads "
                   "one). Default: the framework's bundled Cheshire & Merseyside inputs.")
@ENCODING
@click.option("--uncertainty", "n", type=click.IntRange(1, 100_000), metavar="N",
              help="Also run N Monte Carlo runs (weights +/-25%) for the index and each "
                   "domain, and publish each area's 5th-95th percentile rank.")
@click.option("--seed", type=int, metavar="S", help="Random seed of the Monte Carlo runs.")
@click.option("--by", "published_by", metavar="NAME",
              help="Who publishes (default: your user name).")
@database_url_option
def publish_command(framework: str, data: Path | None, n: int | None, seed: int | None,
                    published_by: str | None, database_url: str | None) -> None:
    """Build an index and publish it to the web app (replaces this framework's previous
    run). Ranks are among the areas in the data: 1 = most deprived / least resilient."""
    if seed is not None and n is None:
        _fail("--seed needs --uncertainty N (the seed is for the Monte Carlo runs)")
    text = _framework_text(framework)
    configure_django(database_url)
    from rescomm.measure import IndexDataError, IndexSpecError, MeasureWarning
    from rescomm.web.insight import publish as service

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MeasureWarning)
        try:
            build = service.build_framework(framework, data_table(data))
        except (IndexSpecError, IndexDataError, service.PublishError) as exc:
            _fail(_message(exc))
        except IndexCommandError as exc:
            _fail(exc.format_message())
    for warning in caught:
        if issubclass(warning.category, MeasureWarning):
            click.echo(f"rescomm: warning: {warning.category.__name__}: {warning.message}",
                       err=True)
    if data is None:
        source = service._bundled_source(build.spec.id)
        data_digest = "bundled"
    else:
        data_digest = _file_digest(data)
        source = f"{data.name} (sha256 {data_digest[:16]})"
    checksum = hashlib.sha256(
        text + f"\ndata={data_digest}\nn={n}\nseed={seed}".encode()).hexdigest()

    def say(line: str) -> None:
        click.echo(f"publish: {line}", err=True)

    uncertainty = (service.run_uncertainty(build, n=n, seed=seed, progress=say)
                   if n else None)
    try:
        run = service.publish(
            build, uncertainty=uncertainty, source=source,
            published_by=published_by or f"{getpass.getuser()} (rescomm index publish)",
            checksum=checksum, progress=say)
    except service.PublishError as exc:
        _fail(str(exc))
    click.echo(f"published {run.framework} {run.version}: {run.area_count:,} areas, "
               f"{run.nodes.count()} nodes"
               + (f", {run.uncertainty_runs:,} Monte Carlo runs" if run.uncertainty_runs else "")
               + f"; see /index/{run.framework}/")
