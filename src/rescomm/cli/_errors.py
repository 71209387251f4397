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


def run_guarded(command: click.Command) -> None:
    """Run a click command; print known user errors as ``rescomm: error: ...`` and exit 2."""
    try:
        command.main(standalone_mode=True)
    except Exception as exc:  # SystemExit (e.g. after --help) passes through untouched
        if not isinstance(exc, _user_error_types()):
            raise
        click.echo(f"rescomm: error: {exc}", err=True)
        sys.exit(EXIT_USER_ERROR)
