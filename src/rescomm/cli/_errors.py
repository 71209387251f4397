"""Turn errors a user can fix into one clear line on stderr and a non-zero exit code."""

from __future__ import annotations

import sys

import click

#: Exit code for input a user can correct (bad postcode, missing file, ...).
EXIT_USER_ERROR = 2


def _user_error_types() -> tuple[type[BaseException], ...]:
    from rescomm.data import DataFileMissingError, DataFormatError, FileEncodingError

    types: list[type[BaseException]] = [DataFileMissingError, DataFormatError, FileEncodingError]
    try:
        from rescomm.geo import GeoError

        types.append(GeoError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


def database_problem(exc: BaseException) -> str | None:
    """One line for a database error a user can fix, else None (a bug: let it surface).

    A database without the tables (``no such table``, ``relation ... does not exist``) or
    older than the code: "run rescomm migrate first". A database that cannot be reached: the
    driver's first line.
    """
    if "django" not in sys.modules:
        return None
    from django.db import DatabaseError

    if not isinstance(exc, DatabaseError):
        return None
    try:
        return unmigrated_database()
    except DatabaseError as again:
        lines = str(again).strip().splitlines() or [type(again).__name__]
        return f"cannot use the database: {lines[0]}"


def unmigrated_database() -> str | None:
    """"run rescomm migrate first" if the database lacks migrations of this version, else None.

    Raises
    ------
    django.db.DatabaseError
        The database cannot be reached.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not missing:
        return None
    where = connection.settings_dict.get("NAME")
    return (f"the database {where} is not set up for this version of rescomm ({len(missing)} "
            "migration(s) not applied): run `rescomm migrate` first (same --database-url)")


#: Where the official ONS Postcode Directory comes from (said wherever a hint names --onspd).
ONSPD_SOURCE = ("'ONS Postcode Directory (<Month> <Year>) for the UK' from the ONS Open "
                "Geography Portal, https://geoportal.statistics.gov.uk")

#: How the command line words the core's hints (``rescomm.geo.Hint.action`` -> text): the
#: options of ``rescomm geo lookup`` instead of the Python calls the library names.
CLI_HINTS = {
    "full_postcode_directory": f"look it up in the full ONS Postcode Directory with --onspd FILE "
                               f"({ONSPD_SOURCE})",
    "allow_terminated": "add --allow-terminated to use its last known location",
}


def user_message(exc: BaseException) -> str:
    """The one-line message for a user error, with the core's hints worded for the command line
    (``rescomm.geo`` errors carry them as data: ``problem`` and ``hints``)."""
    hints = getattr(exc, "hints", None)
    problem = getattr(exc, "problem", None)
    if hints is None or problem is None:
        return str(exc)
    from rescomm.geo import hint_text

    return hint_text(problem, hints, CLI_HINTS)


def run_guarded(command: click.Command) -> None:
    """Run a click command; print known user errors as ``rescomm: error: ...`` and exit 2."""
    try:
        command.main(standalone_mode=True)
    except Exception as exc:  # SystemExit (e.g. after --help) passes through untouched
        if isinstance(exc, _user_error_types()):
            message = user_message(exc)
        else:
            message = database_problem(exc)
        if message is None:
            raise
        click.echo(f"rescomm: error: {message}", err=True)
        sys.exit(EXIT_USER_ERROR)
