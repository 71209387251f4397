"""Backup and restore round trip: every table's rows come back exactly, on the database the
suite runs on (SQLite here, PostgreSQL with DATABASE_URL; CI runs both), with the audit log's
append-only triggers; and the refusals (not empty, wrong kind, not a backup, no client tools)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DatabaseError, connections

from rescomm.web.core import backup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def filled_database(demo_data):
    """The test data (areas, IMD, assets of two authorities) plus every kind of account record:
    demo accounts and referrals, a real account with an authenticator app, recovery codes and
    an API token, and their audit events."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rescomm.web.accounts import two_factor
    from rescomm.web.accounts.demo import create_demo_accounts
    from rescomm.web.accounts.services import create_user
    from rescomm.web.accounts.tokens import create_token
    from rescomm.web.prescribing.demo import create_demo_referrals

    create_demo_accounts()
    create_demo_referrals()
    user = create_user("alex", "correct horse battery staple", email="alex@example.org")
    TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE_NAME, confirmed=True)
    two_factor.renew_recovery_codes(user)
    create_token(user, "nightly export")


@contextmanager
def another_database(tmp_path: Path):
    """A second, empty database of the same kind, as the connection alias ``restored`` (made
    here, not in settings, so the test may use it)."""
    from django.db.utils import load_backend

    default = connections["default"].settings_dict
    if connections["default"].vendor == "sqlite":
        settings, created = {**default, "NAME": str(tmp_path / "restored.sqlite3")}, None
    else:
        created = f"{default['NAME']}_restored"[:63]
        with connections["default"].cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}"')
            cursor.execute(f'CREATE DATABASE "{created}"')
        settings = {**default, "NAME": created}
    connections["restored"] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings,
                                                                               "restored")
    try:
        yield "restored"
    finally:
        connections["restored"].close()
        del connections["restored"]
        if created:
            with connections["default"].cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{created}"')


def _value(value):
    return bytes(value) if isinstance(value, memoryview) else value


def rows(alias: str, table: str) -> list[tuple]:
    """Every row of ``table``, in a fixed order."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        found = [tuple(_value(v) for v in row) for row in cursor.fetchall()]
    return sorted(found, key=repr)


def triggers(alias: str) -> list[tuple]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                           "WHERE NOT tgisinternal")
        return sorted(cursor.fetchall())


def assert_same_database(alias: str) -> int:
    """Every table of ``default`` is in ``alias`` with the same rows; the number of rows."""
    tables = backup.table_names("default")
    assert backup.table_names(alias) == tables
    total = 0
    for table in tables:
        original = rows("default", table)
        assert rows(alias, table) == original, f"{table} differs after the round trip"
        total += len(original)
    assert triggers(alias) == triggers("default")
    return total


def test_a_backup_restores_every_table_row_for_row_with_the_audit_triggers(filled_database,
                                                                           tmp_path):
    out = tmp_path / "rescomm.backup"
    made = backup.backup(out)
    assert out.is_file() and not (tmp_path / "rescomm.backup.partial").exists()
    assert made.tables == len(backup.table_names())
    kind = connections["default"].vendor
    assert backup.file_format(out) == kind
    with another_database(tmp_path) as alias:
        assert backup.table_names(alias) == []
        restored = backup.restore(out, using=alias)
        assert restored.tables == made.tables
        total = assert_same_database(alias)
        assert total > 10_000, "the round trip covered the loaded data, not an empty schema"
        for table in ("accounts_auditevent", "accounts_user", "otp_totp_totpdevice",
                      "otp_static_statictoken", "accounts_apitoken", "prescribing_referral"):
            assert rows(alias, table), f"{table} is empty: the test would prove nothing"
        with pytest.raises(DatabaseError, match="append-only"):
            with connections[alias].cursor() as cursor:
                cursor.execute("UPDATE accounts_auditevent SET reason = 'changed'")
        with pytest.raises(backup.BackupError, match="is not empty"):
            backup.restore(out, using=alias)
        backup.restore(out, using=alias, replace=True)  # again, over itself
        assert_same_database(alias)


def test_a_backup_never_overwrites_a_file(db, tmp_path):
    out = tmp_path / "kept.backup"
    out.write_bytes(b"an earlier backup")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(out)
    assert out.read_bytes() == b"an earlier backup"


def test_a_sqlite_backup_inside_a_transaction_is_refused_instead_of_waiting_for_ever(tmp_path):
    """Regression (found by the crawl, tests/web/test_demo_crawl.py): inside a transaction that
    had written, SQLite's backup API answered "locked" at every step and ``backup`` waited for
    ever. PostgreSQL's pg_dump reads the last committed snapshot from its own session."""
    from django.db import transaction

    from rescomm.web.accounts.audit import audit
    from rescomm.web.accounts.models import AuditEvent

    if connections["default"].vendor != "sqlite":
        pytest.skip("SQLite's backup API only; pg_dump runs in its own session")
    out = tmp_path / "in-transaction.backup"
    with transaction.atomic():
        audit(None, AuditEvent.VIEW, object_type="accounts.user", object_id="1")
        with pytest.raises(backup.BackupError, match="inside an open database transaction"):
            backup.backup(out)
    assert not out.exists() and not list(tmp_path.iterdir())
    backup.backup(out)  # outside it, the same backup is made
    assert out.stat().st_size > 0


@pytest.mark.parametrize(("content", "message"), [
    (b"hello, not a backup", "is not a rescomm backup"),
    (b"", "is not a rescomm backup"),
])
def test_a_file_that_is_not_a_backup_is_refused_in_one_line(db, tmp_path, content, message):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(backup.BackupError, match=message) as error:
        backup.restore(path, replace=True)
    assert "\n" not in str(error.value)
    with pytest.raises(backup.BackupError, match="no such file"):
        backup.restore(tmp_path / "missing.backup", replace=True)


def test_a_backup_of_the_other_kind_of_database_is_refused(db, tmp_path):
    path = tmp_path / "other.backup"
    if connections["default"].vendor == "sqlite":
        path.write_bytes(backup.PG_CUSTOM_MAGIC + b"\x01\x0e\x00")
        expected = "is a PostgreSQL backup but this database is SQLite"
    else:
        path.write_bytes(backup.SQLITE_MAGIC + b"\x00" * 100)
        expected = "is a SQLite backup but this database is PostgreSQL"
    with pytest.raises(backup.BackupError, match=expected):
        backup.restore(path, replace=True)


def test_a_sqlite_file_that_is_not_a_rescomm_database_is_refused(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (text)")
    other.close()
    with pytest.raises(backup.BackupError, match="a SQLite database but not a rescomm backup"):
        backup._check_sqlite_backup(path)  # what restore checks before touching SQLite
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(backup.SQLITE_MAGIC + b"\x10\x00" + b"\xff" * 200)
    with pytest.raises(backup.BackupError, match="damaged SQLite file"):
        backup._check_sqlite_backup(damaged)


def test_missing_postgresql_client_tools_are_named_with_how_to_install_them(monkeypatch,
                                                                             tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError) as error:
        backup._pg_tool("pg_dump")
    assert str(error.value) == (
        "pg_dump is not installed: install the PostgreSQL client tools of the server's major "
        "version or newer (Debian and Ubuntu: apt-get install postgresql-client)")
