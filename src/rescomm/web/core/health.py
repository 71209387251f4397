"""Readiness checks used by ``/healthz``."""

from __future__ import annotations

from django.db import connection


def check_database() -> None:
    """Run ``SELECT 1`` on the default database; raises a DatabaseError if it cannot answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    if row is None or row[0] != 1:
        from django.db import DatabaseError

        raise DatabaseError("SELECT 1 did not return 1")
