"""``rescomm backup --out FILE`` and ``rescomm restore FILE``: the whole database, SQLite or
PostgreSQL (``rescomm.web.core.backup``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from ._errors import EXIT_USER_ERROR
from .web import configure_django, database_url_option


def _fail(message: str) -> NoReturn:
    click.echo(f"rescomm: error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_USER_ERROR)


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="The backup file to write (a new file; never overwritten).")
@database_url_option
def backup_command(out: Path, database_url: str | None) -> None:
    """Back up the whole database to FILE while the service runs: every table, the audit log
    and its triggers.

    SQLite: a copy made with SQLite's online backup API (one consistent snapshot; a SQLite
    file). PostgreSQL: pg_dump --format=custom (one transaction's snapshot; needs the
    PostgreSQL client tools). The file holds personal data and sign-in secrets: keep it as
    safe as the database.
    """
    configure_django(database_url)
    from rescomm.web.core.backup import BackupError, backup

    try:
        result = backup(out)
    except BackupError as exc:
        _fail(str(exc))
    size = result.path.stat().st_size
    click.echo(f"Backed up {result.database} ({result.tables} tables) to {result.path} "
               f"({size / 1e6:.1f} MB)")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True,
              help="Replace a database that is not empty without asking.")
@database_url_option
def restore_command(file: Path, yes: bool, database_url: str | None) -> None:
    """Replace everything in the database with the backup FILE (made by `rescomm backup`).

    All or nothing: a restore that fails leaves the database as it was. A database that
    already has tables is replaced only after you confirm (or with --yes). Stop the service
    first, and run `rescomm migrate` afterwards if the backup came from an older version. A
    SQLite backup restores into SQLite and a PostgreSQL backup into PostgreSQL (an existing,
    possibly empty, database: createdb NAME).
    """
    configure_django(database_url)
    from rescomm.web.core.backup import BackupError, describe, file_format, restore, table_names

    try:
        file_format(file)
        existing = table_names()
        replace = yes
        if existing and not yes:
            if not sys.stdin.isatty():
                _fail(f"{describe()} is not empty ({len(existing)} tables): add --yes to "
                      f"replace everything in it with {file}")
            replace = click.confirm(
                f"{describe()} has {len(existing)} tables. Replace everything in it with "
                f"{file}?", default=False)
            if not replace:
                _fail("nothing was restored")
        result = restore(file, replace=replace)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"Restored {result.database} from {result.path} ({result.tables} tables)")
