"""The audit log is append-only in the model, the queryset and the database (both vendors)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from rescomm.web.accounts.audit import audit, client_ip
from rescomm.web.accounts.models import AuditEvent
from rescomm.web.accounts.models.audit import AuditLogIsAppendOnly

from .factories import make_organisation, make_user

pytestmark = pytest.mark.django_db


def an_event() -> AuditEvent:
    return audit(None, AuditEvent.CREATE, make_organisation(), "testing")


def test_audit_from_a_request_records_actor_role_ip_and_request_id():
    user = make_user()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="req-42")
    request.user = user
    request.acting_role = "link_worker"
    organisation = make_organisation()
    event = audit(request, AuditEvent.VIEW, organisation, "direct care")
    event.refresh_from_db()
    assert event.actor == user
    assert event.actor_role == "link_worker"
    assert (event.object_type, event.object_id) == ("accounts.organisation", str(organisation.pk))
    assert (event.reason, event.ip, event.request_id) == ("direct care", "203.0.113.9", "req-42")


def test_audit_without_a_request_id_header_makes_one_shared_by_the_request():
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="bad id with spaces")
    first = audit(request, AuditEvent.VIEW, object_type="accounts.user", object_id="1")
    second = audit(request, AuditEvent.VIEW, object_type="accounts.user", object_id="2")
    assert first.request_id == second.request_id
    assert len(first.request_id) == 32
    assert first.actor is None


def test_audit_by_the_system_has_no_actor_ip_or_request_id():
    event = an_event()
    assert (event.actor, event.ip, event.request_id, event.actor_role) == (None, None, "", "")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"action": "Not A Verb"}, "lower_snake_case"),
        ({"action": "view", "obj": "Jane Smith, NHS 943 476 5919"}, "saved model instance"),
        ({"action": "view", "object_type": "accounts.user", "object_id": "Jane Smith"}, "key"),
        ({"action": "view", "reason": "x" * 501}, "500 characters"),
    ],
)
def test_audit_refuses_malformed_input_including_personal_data_in_object_fields(kwargs, message):
    with pytest.raises(ValueError, match=message):
        audit(None, **kwargs)


def test_saving_an_existing_event_again_is_refused():
    event = an_event()
    event.reason = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()


def test_deleting_an_event_is_refused():
    with pytest.raises(AuditLogIsAppendOnly):
        an_event().delete()


@pytest.mark.parametrize("operation", ["update", "delete", "bulk_update"])
def test_queryset_update_and_delete_are_refused(operation):
    event = an_event()
    # bulk_update opens an atomic block without a savepoint: give it one, as callers would.
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        if operation == "update":
            AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
        elif operation == "delete":
            AuditEvent.objects.all().delete()
        else:
            event.reason = "changed"
            AuditEvent.objects.bulk_update([event], ["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == "testing"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_auditevent SET reason = 'changed'",
        "DELETE FROM accounts_auditevent",
    ],
)
def test_the_database_refuses_raw_update_and_delete(sql):
    event = an_event()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).reason == "testing"


def test_audit_triggers_are_installed():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'accounts_auditevent'::regclass "
                "AND NOT tgisinternal"
            )
            assert {row[0] for row in cursor.fetchall()} == {"accounts_auditevent_append_only"}
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'accounts_auditevent'"
            )
            assert {row[0] for row in cursor.fetchall()} == {
                "accounts_auditevent_no_update",
                "accounts_auditevent_no_delete",
            }


def test_a_user_with_audit_events_cannot_be_deleted():
    from django.db.models import ProtectedError

    user = make_user()
    audit(user, AuditEvent.VIEW, user)
    with pytest.raises(ProtectedError):
        user.delete()


# ------------------------------------------------------------------ the client address
def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (1, "198.51.100.1", "198.51.100.1"),  # one proxy appended the client's address
    (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own entry is never read
    (2, "6.6.6.6, 198.51.100.1, 10.0.0.5", "198.51.100.1"),  # two proxies: second from the right
    (1, "2001:db8::1", "2001:db8::1"),
    (2, "198.51.100.1", "10.0.0.2"),  # fewer entries than proxies: did not come through both
    (1, "", "10.0.0.2"),
    (1, "not-an-address", None),
])
def test_with_trusted_proxies_the_client_is_read_from_the_right_of_the_header(
        settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from("10.0.0.2", forwarded)) == expected


def test_audit_records_the_address_behind_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.2", "6.6.6.6, 198.51.100.1")
    event = audit(request, AuditEvent.VIEW, object_type="accounts.user", object_id="1")
    event.refresh_from_db()
    assert event.ip == "198.51.100.1"
