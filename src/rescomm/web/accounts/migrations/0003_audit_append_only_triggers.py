"""Database triggers that make ``accounts_auditevent`` append-only (UPDATE and DELETE raise).

PostgreSQL: one row trigger calling a PL/pgSQL function (SQLSTATE 23001, restrict_violation).
TRUNCATE is not blocked (Django's test flush uses it); in production, grant the application's
database role only SELECT and INSERT on this table (docs/accounts.md).

SQLite: two ``BEFORE UPDATE``/``BEFORE DELETE`` triggers using ``RAISE(ABORT, ...)``. SQLite drops
a table's triggers when Django rebuilds the table for an ALTER: any later migration that alters
``AuditEvent`` must create them again (``test_audit_triggers_are_installed`` catches a loss).
"""

from django.db import migrations

MESSAGE = "audit events are append-only"


class VendorRunSQL(migrations.RunSQL):
    """``RunSQL`` applied only on one database vendor (``postgresql`` or ``sqlite``)."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs["vendor"] = self.vendor
        return name, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


POSTGRESQL_FORWARDS = [
    f"""
    CREATE OR REPLACE FUNCTION accounts_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only()
    """,
]
POSTGRESQL_BACKWARDS = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS accounts_auditevent_append_only()",
]

SQLITE_FORWARDS = [
    f"""
    CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER accounts_auditevent_no_delete BEFORE DELETE ON accounts_auditevent
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_update",
    "DROP TRIGGER IF EXISTS accounts_auditevent_no_delete",
]


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_organisations_tokens_audit")]

    operations = [
        VendorRunSQL("postgresql", POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
        VendorRunSQL("sqlite", SQLITE_FORWARDS, SQLITE_BACKWARDS),
    ]
