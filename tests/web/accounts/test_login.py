"""Signing in and out: CSRF, error summary, audit events, throttling, session lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from rescomm.web.accounts import throttle
from rescomm.web.accounts.models import AuditEvent, ThrottleBucket

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_sign_in_page_has_a_csrf_protected_form_with_labelled_fields():
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label class="label" for="id_username">' in html
    assert 'autocomplete="current-password"' in html
    assert 'value="' not in html.split('id="id_password"')[1].split(">")[0]


def test_sign_in_without_the_csrf_token_is_refused_in_the_error_shape():
    make_user("alex")
    response = sign_in(Client(enforce_csrf_checks=True), "alex", PASSWORD)
    assert response.status_code == 403
    assert b"csrf_failed" in response.content


def test_right_password_signs_in_redirects_to_your_account_and_is_audited():
    user = make_user("alex")
    client = Client()
    response = sign_in(client, "alex", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    event = AuditEvent.objects.get(action=AuditEvent.LOGIN)
    assert (event.actor, event.object_id, event.ip) == (user, str(user.pk), "127.0.0.1")


def test_sign_in_follows_a_safe_next_but_not_another_site():
    make_user("alex")
    credentials = {"username": "alex", "password": PASSWORD}
    safe = Client().post(LOGIN + "?next=/accounts/audit/", credentials)
    assert safe["Location"] == "/accounts/audit/"
    unsafe = Client().post(LOGIN + "?next=https://evil.example/", credentials)
    assert unsafe["Location"] == "/accounts/me/"


def test_wrong_password_is_400_with_an_error_summary_and_audited_without_the_typed_name():
    user = make_user("alex")
    response = sign_in(Client(), "alex", "wrong password")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The username or password is not right" in html
    assert '<a href="#id_username">' in html
    assert "<title>Error: Sign in" in html
    event = AuditEvent.objects.get(action=AuditEvent.LOGIN_FAILED)
    assert (event.actor, event.object_id) == (None, str(user.pk))


def test_unknown_username_is_audited_with_no_record_and_no_typed_name():
    sign_in(Client(), "my-secret-password-typed-here", "x")
    event = AuditEvent.objects.get(action=AuditEvent.LOGIN_FAILED)
    assert (event.object_type, event.object_id, event.reason) == ("", "", "")
    bucket = ThrottleBucket.objects.get(scope="login")
    assert "my-secret" not in f"{bucket.key} {bucket.hits}"


def test_empty_fields_are_named_in_the_error_summary():
    response = sign_in(Client(), "", "")
    assert response.status_code == 400
    assert "Enter your username" in response.content.decode()
    assert "Enter your password" in response.content.decode()


def test_inactive_user_cannot_sign_in():
    make_user("gone", is_active=False)
    assert sign_in(Client(), "gone", PASSWORD).status_code == 400


@pytest.fixture
def lock_after_three(settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 3
    settings.ACCOUNTS_LOGIN_LOCK_SECONDS = 600


def test_repeated_failures_lock_the_username_from_that_address_with_a_clear_message(
    lock_after_three,
):
    make_user("alex")
    client = Client()
    assert [sign_in(client, "alex", "nope").status_code for _ in range(2)] == [400, 400]
    third = sign_in(client, "alex", "nope")
    assert third.status_code == 429
    assert "too many failed attempts" in third.content.decode()
    assert "Wait 10 minutes" in third.content.decode()
    assert int(third["Retry-After"]) > 590
    locked = sign_in(client, "alex", PASSWORD)
    assert locked.status_code == 429, "the right password must not unlock a locked account"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.LOGIN_LOCKED).count() == 1


def test_the_lock_is_per_username_and_address(lock_after_three):
    make_user("alex")
    make_user("sam")
    for _ in range(3):
        sign_in(Client(), "alex", "nope")
    assert sign_in(Client(), "ALEX ", PASSWORD).status_code == 429
    assert sign_in(Client(), "sam", PASSWORD).status_code == 302
    assert sign_in(Client(), "alex", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_lock_ends_when_the_failures_leave_the_window(lock_after_three):
    make_user("alex")
    for _ in range(3):
        sign_in(Client(), "alex", "nope")
    bucket = ThrottleBucket.objects.get(scope="login")
    bucket.hits = [t - 601 for t in bucket.hits]
    bucket.save()
    assert sign_in(Client(), "alex", PASSWORD).status_code == 302


def test_success_clears_earlier_failures(lock_after_three):
    make_user("alex")
    for _ in range(2):
        sign_in(Client(), "alex", "nope")
    assert sign_in(Client(), "alex", PASSWORD).status_code == 302
    assert not ThrottleBucket.objects.filter(scope="login").exists()
    for _ in range(2):
        sign_in(Client(), "alex", "nope")
    assert sign_in(Client(), "alex", PASSWORD).status_code == 302


def test_failures_never_store_the_typed_username_or_address():
    sign_in(Client(), "Alex", "nope")
    bucket = ThrottleBucket.objects.get(scope="login")
    assert len(bucket.key) == 64  # a SHA-256 hex digest, not the name
    assert "alex" not in bucket.key.casefold() and "127.0.0.1" not in bucket.key
    assert len(bucket.hits) == 1
    assert throttle.lock_remaining("ALEX ", "127.0.0.1") is None


def test_minutes_text_rounds_up():
    assert throttle.minutes_text(timedelta(seconds=61)) == "2 minutes"
    assert throttle.minutes_text(timedelta(seconds=5)) == "1 minute"


def test_sign_out_needs_post_ends_the_session_and_is_audited():
    user = make_user("alex")
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.LOGOUT, actor=user).exists()


def test_sessions_end_after_30_idle_minutes_and_each_request_extends_them():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    client = Client()
    client.force_login(make_user())
    client.get("/accounts/me/")
    assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60


def test_argon2_is_the_first_password_hasher_outside_tests():
    from rescomm.web.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert base.AUTH_USER_MODEL == "accounts.User"


def test_demo_accounts_cannot_sign_in_under_production_settings(settings):
    make_user("demo-gp", is_demo=True)
    settings.SETTINGS_MODULE = "rescomm.web.settings.prod"
    assert sign_in(Client(), "demo-gp", PASSWORD).status_code == 400
    settings.SETTINGS_MODULE = "rescomm.web.settings.test"
    assert sign_in(Client(), "demo-gp", PASSWORD).status_code == 302


def test_navigation_offers_sign_in_or_your_account_and_sign_out():
    anonymous = Client().get(LOGIN).content.decode()
    assert 'href="/accounts/login/"' in anonymous and "Sign out" not in anonymous
    client = Client()
    client.force_login(make_user(is_demo=True))
    page = client.get("/accounts/me/").content.decode()
    assert "Your account (demo)" in page
    assert 'action="/accounts/logout/"' in page


@pytest.mark.parametrize(("method", "url"), [("get", LOGIN), ("post", "/accounts/logout/")])
def test_sign_in_and_out_pages_keep_the_service_name_not_the_host(method, url):
    html = getattr(Client(), method)(url).content.decode()
    assert "Resilient Communities</a>" in html
    assert "testserver" not in html
