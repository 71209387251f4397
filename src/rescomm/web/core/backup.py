"""Back up and restore the whole database: SQLite through its online backup API, PostgreSQL
through ``pg_dump`` / ``pg_restore``.

A backup is one file: for SQLite a SQLite database (a consistent copy taken while the app runs:
the backup API reads one snapshot, and in WAL mode writers carry on), for PostgreSQL a
``pg_dump --format=custom`` archive (one transaction's snapshot, compressed). Everything is in
it: every table, the audit log and its append-only triggers, and the two-factor secrets, so a
backup must be protected as the database itself.

A restore replaces everything in the target database with the backup, all or nothing: SQLite's
backup API writes the target in one transaction, and ``pg_restore --single-transaction`` rolls
back on the first error. It refuses a file that is not a backup, or one made from the other
kind of database, with one line saying so (:class:`BackupError`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
INSTALL_HINT = ("install the PostgreSQL client tools of the server's major version or newer "
                "(Debian and Ubuntu: apt-get install postgresql-client)")


class BackupError(Exception):
    """A backup or restore that cannot be done, in one line saying what and what to do."""


@dataclass(frozen=True)
class Result:
    """What a backup or restore did: the database, the file and how many tables."""

    database: str
    path: Path
    tables: int


def describe(using: str = "default") -> str:
    """The database in words: ``SQLite database /srv/db.sqlite3`` or ``PostgreSQL database
    rescomm on db.internal``."""
    settings = connections[using].settings_dict
    if connections[using].vendor == "sqlite":
        return f"SQLite database {settings['NAME']}"
    return (f"PostgreSQL database {settings['NAME']} on "
            f"{settings.get('HOST') or 'localhost'}")


def file_format(path: Path) -> str:
    """``"sqlite"`` or ``"postgresql"``, read from the file's first bytes; :class:`BackupError`
    for a missing file or anything else."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a rescomm backup: it is neither a SQLite database nor a "
                      "pg_dump custom-format archive (made by `rescomm backup`)")


def table_names(using: str = "default") -> list[str]:
    """The tables in the database (none for a new, empty one)."""
    with connections[using].cursor() as cursor:
        return sorted(connections[using].introspection.table_names(cursor))


# Backing up -----------------------------------------------------------------------------------

def backup(out: Path, *, using: str = "default") -> Result:
    """Write a backup of the database ``using`` to ``out`` (a new file: an existing one is
    never overwritten). Written to ``out.partial`` first and renamed when complete, so ``out``
    is never a half-written backup."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists: choose a new file name (backups are never "
                          "overwritten)")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a folder: create it first")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connections[using].vendor == "sqlite":
            _backup_sqlite(partial, using)
        elif connections[using].vendor == "postgresql":
            _backup_postgresql(partial, using)
        else:
            raise BackupError(f"cannot back up a {connections[using].vendor} database")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return Result(describe(using), out, len(table_names(using)))


def _backup_sqlite(partial: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    if connection.connection.in_transaction:
        # SQLite's backup API cannot copy a database while the connection it copies through is
        # in a transaction: each step answers "locked" and Python's backup() retries for ever
        raise BackupError("cannot back up from inside an open database transaction: run the "
                          "backup on its own (rescomm backup)")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)  # the online backup API: one consistent snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        problem = target.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        target.close()
    if problem != "ok":
        raise BackupError(f"the copy failed SQLite's check ({problem}); nothing was written")


def _pg_environment(using: str) -> dict[str, str]:
    """libpq variables for the connection settings of ``using`` (the password never goes on a
    command line)."""
    settings = connections[using].settings_dict
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if settings.get(key):
            environment[variable] = str(settings[key])
    sslmode = (settings.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = sslmode
    return environment


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: {INSTALL_HINT}")
    return found


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        detail = lines[-1].strip() if lines else f"exit status {done.returncode}"
        if "version mismatch" in done.stderr:
            detail += f"; {INSTALL_HINT}"
        raise BackupError(f"{what} failed: {detail}")


def _backup_postgresql(partial: Path, using: str) -> None:
    _run([_pg_tool("pg_dump"), "--format=custom", "--file", str(partial)],
         _pg_environment(using), "pg_dump")


# Restoring ------------------------------------------------------------------------------------

def restore(path: Path, *, using: str = "default", replace: bool = False) -> Result:
    """Replace everything in the database ``using`` with the backup at ``path``.

    Raises :class:`BackupError` for a file that is not a backup or was made from the other
    kind of database, and, unless ``replace``, for a database that already has tables.
    Afterwards run ``rescomm migrate`` if the backup came from an older version.
    """
    path = Path(path)
    kind = file_format(path)
    vendor = connections[using].vendor
    if kind != vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"{path} is a {names[kind]} backup but this database is {names.get(vendor, vendor)}: "
            f"restore it into a {names[kind]} database (--database-url)")
    if kind == "sqlite":
        _check_sqlite_backup(path)
    else:
        _run([_pg_tool("pg_restore"), "--list", str(path)], dict(os.environ), "reading the backup")
    existing = table_names(using)
    if existing and not replace:
        raise BackupError(f"{describe(using)} is not empty ({len(existing)} tables): restoring "
                          "replaces everything in it; confirm (--yes) to go ahead")
    if kind == "sqlite":
        _restore_sqlite(path, using)
    else:
        _restore_postgresql(path, using)
    return Result(describe(using), path, len(table_names(using)))


def _check_sqlite_backup(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problem = source.execute("PRAGMA quick_check").fetchone()[0]
        migrated = source.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                  "AND name = 'django_migrations'").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is a damaged SQLite file: {exc}") from None
    finally:
        source.close()
    if problem != "ok":
        raise BackupError(f"{path} is a damaged SQLite file ({problem}); nothing was restored")
    if not migrated:
        raise BackupError(f"{path} is a SQLite database but not a rescomm backup (it has no "
                          "django_migrations table)")


def _restore_sqlite(path: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)  # one write transaction on the target
    finally:
        source.close()


def _restore_postgresql(path: Path, using: str) -> None:
    connections[using].close()  # pg_restore drops tables this process may hold open
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction",
          "--no-password", "--dbname", connections[using].settings_dict["NAME"], str(path)],
         _pg_environment(using), "pg_restore")
