"""Transactional tests can write audit events: the flush afterwards still works (SQLite too),
and the append-only triggers survive it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from rescomm.web.accounts.audit import audit
from rescomm.web.accounts.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_may_write_audit_events():
    before = AuditEvent.objects.count()  # a session fixture may have written some already
    audit(None, AuditEvent.VIEW, object_type="accounts.user", object_id="1")
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_after_the_flush_the_log_is_empty_and_still_append_only():
    audit(None, AuditEvent.VIEW, object_type="accounts.user", object_id="2")
    # the flush that ends every transactional test (pytest-django's), run here so that this
    # test does not depend on which tests ran before it
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    audit(None, AuditEvent.VIEW, object_type="accounts.user", object_id="2")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_auditevent")
