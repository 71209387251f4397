"""API tokens: shown once, stored as a hash, and accepted only while usable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rescomm.web.accounts.models import ApiToken, AuditEvent
from rescomm.web.accounts.roles import Role
from rescomm.web.accounts.tokens import (
    DEFAULT_LIFETIME,
    UnknownTokenError,
    authenticate_bearer,
    authenticate_token,
    create_token,
    find_token,
    hash_secret,
    revoke_token,
)

from .factories import make_member, make_user

pytestmark = pytest.mark.django_db
API_URLS = __name__.rsplit(".", 1)[0] + ".api_urls"


def bearer(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_create_token_returns_plaintext_and_stores_only_the_secret_hash():
    user = make_user()
    plaintext = create_token(user, "nightly export")
    token = ApiToken.objects.get(user=user)
    assert plaintext.startswith(f"rct_{token.prefix}_")
    secret = plaintext.removeprefix(f"rct_{token.prefix}_")
    assert token.secret_hash == hash_secret(secret)
    stored = {f.name: str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields}
    assert not any(secret in value for value in stored.values())


def test_create_token_expires_after_the_default_lifetime_and_is_audited():
    user = make_user()
    create_token(user, "script")
    token = ApiToken.objects.get(user=user)
    assert token.expires_at - token.created_at == DEFAULT_LIFETIME
    event = AuditEvent.objects.get(action=AuditEvent.TOKEN_CREATED)
    assert (event.object_type, event.object_id) == ("accounts.apitoken", str(token.pk))


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_create_token_without_a_sensible_name_is_refused(name):
    with pytest.raises(ValueError, match="name"):
        create_token(make_user(), name)


def test_create_token_for_an_inactive_user_is_refused():
    with pytest.raises(ValueError, match="not active"):
        create_token(make_user(is_active=False), "x")


def test_valid_token_authenticates_and_records_last_use():
    user = make_user()
    token = authenticate_token(create_token(user, "x"))
    assert token is not None and token.user == user
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_bearer_check_reads_token_user_and_active_memberships_in_one_statement(
        django_assert_num_queries):
    first = make_member(Role.REFERRER, profession="pharmacist")
    user = first.user
    make_member(Role.LINK_WORKER, user=user, active=False)
    second = make_member(Role.COMMISSIONER, user=user)
    plaintext = create_token(user, "x")
    authenticate_bearer(plaintext)  # the first use writes last_used_at
    with django_assert_num_queries(1):
        bearer = authenticate_bearer(plaintext)
    assert bearer.token.user == user and bearer.token.user.username == user.username
    assert bearer.memberships == [
        (Role.REFERRER, first.organisation_id, "pharmacist"),
        (Role.COMMISSIONER, second.organisation_id, ""),
    ]


def test_bearer_of_a_user_without_memberships_has_none():
    bearer = authenticate_bearer(create_token(make_user(), "x"))
    assert bearer is not None and bearer.memberships == []


def test_last_use_is_written_at_most_once_a_minute(django_assert_num_queries):
    plaintext = create_token(make_user(), "x")
    with django_assert_num_queries(2):  # the check and the write
        authenticate_bearer(plaintext)
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(seconds=30))
    with django_assert_num_queries(1):
        authenticate_bearer(plaintext)
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    with django_assert_num_queries(2):
        authenticate_bearer(plaintext)


def test_authenticated_token_loads_its_other_fields_with_their_stored_values():
    plaintext = create_token(make_user(), "nightly", expires_in=timedelta(days=3))
    stored = ApiToken.objects.get()
    token = authenticate_token(plaintext)
    assert (token.pk, token.name, token.prefix) == (stored.pk, "nightly", stored.prefix)
    assert token.expires_at == stored.expires_at and token.revoked_at is None


def test_a_token_expiring_in_the_future_authenticates_and_one_expired_a_second_ago_does_not():
    plaintext = create_token(make_user(), "x")
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(seconds=5))
    assert authenticate_token(plaintext) is not None
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert authenticate_token(plaintext) is None


@pytest.mark.parametrize(
    "presented",
    ["", "rct_", "not-a-token", "rct_short_secret", "Bearer rct_x", "rct_" + "a" * 300],
)
def test_malformed_tokens_do_not_authenticate(presented):
    create_token(make_user(), "x")
    assert authenticate_token(presented) is None


def test_token_with_the_wrong_secret_does_not_authenticate():
    plaintext = create_token(make_user(), "x")
    assert authenticate_token(plaintext[:-2] + ("AA" if plaintext[-2:] != "AA" else "BB")) is None


def test_revoked_token_does_not_authenticate_and_revoking_is_audited_once():
    plaintext = create_token(make_user(), "x")
    token = find_token(plaintext.split("_")[1])
    revoke_token(token)
    revoke_token(token)
    assert authenticate_token(plaintext) is None
    assert AuditEvent.objects.filter(action=AuditEvent.TOKEN_REVOKED).count() == 1


def test_expired_token_does_not_authenticate():
    plaintext = create_token(make_user(), "x", expires_in=timedelta(days=1))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert authenticate_token(plaintext) is None


def test_token_of_a_deactivated_user_does_not_authenticate():
    user = make_user()
    plaintext = create_token(user, "x")
    user.is_active = False
    user.save()
    assert authenticate_token(plaintext) is None


def test_find_token_names_an_unknown_prefix():
    with pytest.raises(UnknownTokenError, match="rct_zzzzzzzzzz"):
        find_token("rct_zzzzzzzzzz")


@pytest.mark.urls(API_URLS)
def test_token_auth_accepts_a_valid_bearer_token():
    user = make_user("script-user")
    response = bearer(create_token(user, "x")).get("/api/test/token-only")
    assert response.status_code == 200
    assert response.json() == {"username": "script-user", "role": ""}


@pytest.mark.urls(API_URLS)
@pytest.mark.parametrize("state", ["wrong", "revoked", "expired", "missing", "basic"])
def test_token_auth_refuses_unusable_tokens_with_401_in_the_error_shape(state):
    plaintext = create_token(make_user(), "x")
    if state == "wrong":
        client = bearer(plaintext[:-4] + "abcd")
    elif state == "revoked":
        revoke_token(ApiToken.objects.get())
        client = bearer(plaintext)
    elif state == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        client = bearer(plaintext)
    elif state == "basic":
        client = Client(headers={"Authorization": "Basic dXNlcjpwYXNz"})
    else:
        client = Client()
    response = client.get("/api/test/token-only")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.urls(API_URLS)
def test_token_auth_ignores_the_session():
    client = Client()
    client.force_login(make_user())
    assert client.get("/api/test/token-only").status_code == 401


@pytest.mark.urls(API_URLS)
def test_role_auth_with_a_token_of_the_wrong_role_is_403():
    member = make_member(Role.LINK_WORKER)
    response = bearer(create_token(member.user, "x")).get("/api/test/commissioners")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.urls(API_URLS)
def test_role_auth_with_a_token_of_the_right_role_records_the_acting_role():
    member = make_member(Role.COMMISSIONER)
    response = bearer(create_token(member.user, "x")).get("/api/test/commissioners")
    assert response.status_code == 200
    assert response.json()["role"] == Role.COMMISSIONER


@pytest.mark.urls(API_URLS)
def test_role_auth_with_a_session_needs_the_csrf_token_for_unsafe_methods():
    member = make_member(Role.COMMISSIONER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    assert client.get("/api/test/commissioners").status_code == 200
    refused = client.post("/api/test/commissioners")
    assert refused.status_code == 403
    assert refused.json()["error"]["status"] == 403


@pytest.mark.urls(API_URLS)
def test_role_auth_with_a_token_needs_no_csrf_token():
    member = make_member(Role.COMMISSIONER)
    client = Client(enforce_csrf_checks=True, headers={
        "Authorization": f"Bearer {create_token(member.user, 'x')}"
    })
    assert client.post("/api/test/commissioners").status_code == 200


@pytest.mark.urls(API_URLS)
def test_a_bad_token_is_not_rescued_by_a_valid_session():
    member = make_member(Role.COMMISSIONER)
    client = Client(headers={"Authorization": "Bearer rct_0000000000_nope"})
    client.force_login(member.user)
    assert client.get("/api/test/commissioners").status_code == 401
