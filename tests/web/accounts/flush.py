"""Let Django's test flush empty the append-only audit table on SQLite (tests only).

Transactional tests (``transactional_db``, ``live_server``) end with ``flush``, which on SQLite
runs ``DELETE FROM`` each table; the audit log's ``BEFORE DELETE`` trigger then aborts it if the
test wrote any audit event (signing in does). :func:`install` wraps SQLite's ``sql_flush`` so
the flush drops the audit triggers, empties the tables and re-creates the triggers from their
own stored definitions, in the flush's transaction. PostgreSQL needs nothing: its flush uses
``TRUNCATE``, which row triggers do not see.

Use it from a session-scoped autouse fixture (see ``conftest.py`` here); the whole test suite
should do the same from ``tests/web/conftest.py``.
"""

from __future__ import annotations

AUDIT_TABLE = "accounts_auditevent"
_saved: dict = {}


def _operations_class():
    from django.db.backends.sqlite3.base import DatabaseWrapper  # loads the module in order

    return DatabaseWrapper.ops_class


def _sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    statements = _saved["sql_flush"](
        self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
    )
    if AUDIT_TABLE not in tables:
        return statements
    with self.connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [AUDIT_TABLE],
        )
        triggers = cursor.fetchall()
    drops = [f'DROP TRIGGER IF EXISTS "{name}"' for name, _ in triggers]
    return [*drops, *statements, *(sql for _, sql in triggers)]


def install() -> None:
    operations = _operations_class()
    if getattr(operations.sql_flush, "audit_flush", False):
        return  # installed already (perhaps by this module imported under another name)
    _saved.setdefault("sql_flush", operations.sql_flush)
    operations.sql_flush = _sql_flush


_sql_flush.audit_flush = True


def uninstall() -> None:
    if "sql_flush" in _saved:
        _operations_class().sql_flush = _saved.pop("sql_flush")
