"""Two-factor sign-in: who must use it, setting up an app, codes at every sign-in, recovery
codes, the lock on wrong codes, resets, demo accounts and API tokens."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rescomm.web.accounts import two_factor
from rescomm.web.accounts.models import AuditEvent, ThrottleBucket
from rescomm.web.accounts.qr import qr_svg
from rescomm.web.accounts.roles import PERSONAL_DATA_ROLES, Role
from rescomm.web.accounts.services import grant_role
from rescomm.web.accounts.tokens import create_token

from .factories import PASSWORD, make_member, make_organisation, make_user
from .two_factor_helpers import code_for, give_app, next_code

pytestmark = pytest.mark.django_db
LOGIN, VERIFY = "/accounts/login/", "/accounts/two-factor/"
SETUP, CODES = "/accounts/two-factor/setup/", "/accounts/two-factor/recovery-codes/"


def member(role: str = Role.LINK_WORKER, username: str = "sam", **fields):
    return make_member(role, user=make_user(username, **fields)).user


def password_step(client: Client, username: str = "sam", password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def set_up_app(client: Client) -> str:
    """Go through the setup page with the right first code; the app's key (hex)."""
    client.get(SETUP)
    key = client.session[two_factor.SETUP_KEY_SESSION_KEY]
    response = client.post(SETUP, {"code": code_for(key)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return key


def action_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# Who must use it ------------------------------------------------------------------------------

def test_the_roles_that_see_personal_data_are_the_ones_that_need_a_second_factor():
    assert PERSONAL_DATA_ROLES == {Role.REFERRER, Role.LINK_WORKER, Role.PROVIDER_STAFF,
                                   Role.SERVICE_MANAGER, Role.MODERATOR, Role.ADMINISTRATOR}
    for role in Role.values:
        user = member(role, username=f"u-{role}")
        assert two_factor.required_for(user) is (role in PERSONAL_DATA_ROLES), role


def test_an_ended_role_or_a_demo_account_needs_no_second_factor():
    ended = make_member(Role.LINK_WORKER, active=False).user
    demo = make_member(Role.LINK_WORKER, user=make_user("demo-x", is_demo=True),
                       organisation=make_organisation(name="D (synthetic)", is_demo=True)).user
    assert not two_factor.required_for(ended)
    assert not two_factor.required_for(demo)


def test_production_and_every_settings_module_require_it_unless_switched_off(monkeypatch):
    import importlib

    from rescomm.web.settings import _env, base

    assert base.RESCOMM_REQUIRE_2FA is True
    monkeypatch.setenv("RESCOMM_REQUIRE_2FA", "0")
    assert _env.env_bool("RESCOMM_REQUIRE_2FA", True) is False
    monkeypatch.delenv("RESCOMM_REQUIRE_2FA")
    assert importlib.reload(base).RESCOMM_REQUIRE_2FA is True


# Setting up -----------------------------------------------------------------------------------

def login_failures() -> int:
    """Failed sign-in attempts counted in the shared store (every username and address)."""
    return sum(len(bucket.hits) for bucket in ThrottleBucket.objects.filter(scope="login"))


def test_a_role_that_sees_personal_data_is_sent_to_set_up_an_app_after_the_password():
    member()
    client = Client()
    response = password_step(client)
    assert response["Location"] == SETUP + "?next=%2Faccounts%2Fme%2F"
    assert client.get("/accounts/me/")["Location"] == SETUP + "?next=%2Faccounts%2Fme%2F"
    api = client.get("/api/accounts/me")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "two_factor_required"
    assert login_failures() == 0


def test_the_setup_page_shows_the_apps_qr_code_and_key_and_saves_nothing_until_a_right_code():
    user = member()
    client = Client()
    password_step(client)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    key = client.session[two_factor.SETUP_KEY_SESSION_KEY]
    uri = two_factor.provisioning_uri(user, key)
    assert uri.startswith("otpauth://totp/Resilient%20Communities%3Asam?secret=")
    assert "issuer=Resilient%20Communities" in uri
    assert str(qr_svg(uri, title="QR code to add Resilient Communities to your "
                                  "authenticator app")) in html
    assert '<svg role="img"' in html and "<title>QR code to add" in html
    typed = re.search(r"<code data-setup-key>([A-Z2-7 ]+)</code>", html).group(1)
    assert typed.replace(" ", "") in uri
    assert client.get(SETUP).content.decode().count(typed) == 1, "same key on a reload"

    wrong = client.post(SETUP, {"code": "000000" if code_for(key) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert "<title>Error: Set up" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.post(SETUP, {"code": "12ab"}).status_code == 400


def test_the_right_first_code_saves_the_app_shows_ten_recovery_codes_once_and_lets_you_in():
    user = member()
    client = Client()
    password_step(client)
    key = set_up_app(client)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.key == key
    codes_page = client.get(CODES + "?next=/accounts/me/").content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(set(shown)) == 10
    assert sorted(StaticToken.objects.filter(device__user=user)
                  .values_list("token", flat=True)) == sorted(shown)
    assert "only time they are shown" in codes_page
    again = client.get(CODES).content.decode()
    assert not re.findall(r"<li><code>", again) and "10 unused recovery codes" in again
    assert client.get("/accounts/me/").status_code == 200
    assert action_count(AuditEvent.TWO_FACTOR_ENROLLED) == 1
    assert two_factor.SETUP_KEY_SESSION_KEY not in client.session


def test_someone_with_an_app_cannot_set_up_another_before_entering_its_code():
    user = member()
    give_app(user)
    client = Client()
    assert password_step(client)["Location"] == VERIFY + "?next=%2Faccounts%2Fme%2F"
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert client.post(CODES)["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert StaticToken.objects.count() == 0


def test_anyone_may_set_up_an_app_and_is_then_asked_for_codes():
    commissioner = member(Role.COMMISSIONER)
    client = Client()
    assert password_step(client)["Location"] == "/accounts/me/"
    assert "Set up two-factor sign-in" in client.get("/accounts/me/").content.decode()
    set_up_app(client)
    again = Client()
    assert password_step(again)["Location"].startswith(VERIFY)
    assert again.post(VERIFY, {"code": next_code(commissioner)}).status_code == 302
    assert two_factor.app_device(commissioner) is not None


# Signing in with a code -----------------------------------------------------------------------

def test_every_sign_in_asks_for_the_apps_code_and_goes_on_to_next():
    user = member()
    device = give_app(user)
    client = Client()
    response = client.post(LOGIN + "?next=/accounts/audit/",
                           {"username": "sam", "password": PASSWORD})
    assert response["Location"] == VERIFY + "?next=%2Faccounts%2Faudit%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    done = client.post(VERIFY, {"code": code_for(device.key), "next": "/accounts/audit/"})
    assert done["Location"] == "/accounts/audit/"
    assert client.get("/accounts/me/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.TWO_FACTOR_PASSED)
    assert (event.actor, event.reason, event.object_id) == (user, "authenticator app",
                                                            str(user.pk))
    assert AuditEvent.objects.filter(action=AuditEvent.LOGIN, actor=user).count() == 1


def test_the_code_step_never_sends_you_to_another_site():
    device = give_app(member())
    client = Client()
    password_step(client)
    done = client.post(VERIFY, {"code": code_for(device.key), "next": "https://evil.example/"})
    assert done["Location"] == "/accounts/me/"


def test_the_same_code_cannot_be_used_twice():
    device = give_app(member())
    code = code_for(device.key)
    first = Client()
    password_step(first)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = Client()
    password_step(second)
    replay = second.post(VERIFY, {"code": code})
    assert replay.status_code == 400
    assert "The code is not right" in replay.content.decode()
    assert 'value=""' in replay.content.decode().split('id="id_code"')[1].split(">")[0]


def test_a_recovery_code_works_once_and_says_how_many_are_left():
    user = member()
    client = Client()
    password_step(client)
    set_up_app(client)
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    other = Client()
    password_step(other)
    typed = f"{codes[0][:4].upper()}-{codes[0][4:].upper()}"  # as people copy it
    used = other.post(VERIFY, {"code": typed})
    assert used["Location"] == CODES + "?next=%2Faccounts%2Fme%2F"
    page = other.get(used["Location"]).content.decode()
    assert "You signed in with a recovery code" in page and "<strong>9</strong>" in page
    third = Client()
    password_step(third)
    assert third.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert action_count(AuditEvent.RECOVERY_CODE_USED) == 1
    assert AuditEvent.objects.get(action=AuditEvent.RECOVERY_CODE_USED).reason == (
        "9 recovery codes left")


def test_new_recovery_codes_replace_the_old_ones_and_are_audited():
    user = member()
    client = Client()
    password_step(client)
    set_up_app(client)
    client.get(CODES)
    old = set(StaticToken.objects.values_list("token", flat=True))
    response = client.post(CODES)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    new = set(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page))
    assert len(new) == 10 and not new & old
    assert set(StaticToken.objects.filter(device__user=user)
               .values_list("token", flat=True)) == new
    assert action_count(AuditEvent.RECOVERY_CODES_RENEWED) == 1


@pytest.fixture
def lock_after_three(settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 3
    settings.ACCOUNTS_LOGIN_LOCK_SECONDS = 600
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the per-device delay is tested on its own below


def test_wrong_codes_lock_the_sign_in_and_a_right_password_does_not_reset_the_count(
    lock_after_three,
):
    device = give_app(member())
    client = Client()
    password_step(client)
    assert client.post(VERIFY, {"code": "000001"}).status_code == 400
    again = Client()
    password_step(again)  # the right password again: the wrong code still counts
    assert again.post(VERIFY, {"code": "000002"}).status_code == 400
    locked = again.post(VERIFY, {"code": "000003"})
    assert locked.status_code == 429
    assert "too many failed attempts" in locked.content.decode()
    assert int(locked["Retry-After"]) > 590
    right = again.post(VERIFY, {"code": code_for(device.key)})
    assert right.status_code == 429, "a right code must not pass while locked"
    assert password_step(Client()).status_code == 429, "the password step is locked too"
    assert action_count(AuditEvent.TWO_FACTOR_FAILED) == 3
    assert action_count(AuditEvent.LOGIN_LOCKED) >= 2
    assert not AuditEvent.objects.filter(action=AuditEvent.TWO_FACTOR_PASSED).exists()


def test_a_right_code_clears_the_failures(lock_after_three):
    device = give_app(member())
    client = Client()
    password_step(client)
    client.post(VERIFY, {"code": "000001"})
    assert login_failures() == 1
    assert client.post(VERIFY, {"code": code_for(device.key)}).status_code == 302
    assert login_failures() == 0


def test_django_otp_holds_the_device_after_a_wrong_code_whatever_the_address(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # held 60 s after a wrong code, then 120 s, ...
    device = give_app(member())
    client = Client(REMOTE_ADDR="192.0.2.1")
    password_step(client)
    assert client.post(VERIFY, {"code": "000001"}).status_code == 400
    elsewhere = Client(REMOTE_ADDR="192.0.2.9")
    password_step(elsewhere)
    response = elsewhere.post(VERIFY, {"code": code_for(device.key)})
    assert response.status_code == 400
    wait = re.search(r"several wrong codes for this account. Wait (\d+) seconds",
                     response.content.decode())
    assert wait and 50 < int(wait.group(1)) <= 61
    assert action_count(AuditEvent.TWO_FACTOR_FAILED) == 1, "a held attempt is not a guess"
    assert not AuditEvent.objects.filter(action=AuditEvent.TWO_FACTOR_PASSED).exists()


# Sessions, roles, resets ----------------------------------------------------------------------

def test_a_role_that_needs_it_given_during_a_session_applies_at_the_next_request():
    user = member(Role.CONTRIBUTOR)
    client = Client()
    assert password_step(client)["Location"] == "/accounts/me/"
    assert client.get("/accounts/me/").status_code == 200
    grant_role(user, make_organisation(), Role.LINK_WORKER)
    assert client.get("/accounts/me/")["Location"].startswith(SETUP)


def test_every_page_and_session_api_call_waits_for_the_second_factor():
    user = member(Role.ADMINISTRATOR)
    make_member(Role.LINK_WORKER, user=user)
    give_app(user)
    client = Client()
    password_step(client)
    for url in ["/", "/index/", "/assets/", "/prescribing/caseload/", "/accounts/audit/",
                "/accounts/people/", "/accounts/password/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY + "?next="), url
    assert client.post("/accounts/people/1/two-factor/reset/")["Location"] == VERIFY
    assert client.get("/api/accounts/me").status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.post("/accounts/logout/").status_code == 200


def test_api_bearer_tokens_are_not_asked_for_a_second_factor():
    user = member()  # no app set up, though the role needs one
    token = create_token(user, "script")
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["username"] == "sam"


def test_a_person_whose_roles_see_no_personal_data_signs_in_with_the_password():
    member(Role.COMMISSIONER)
    client = Client()
    assert password_step(client)["Location"] == "/accounts/me/"
    page = client.get("/accounts/me/").content.decode()
    assert 'data-two-factor="off"' in page


def test_switched_off_nobody_is_made_to_set_up_but_people_with_an_app_still_use_it(settings):
    settings.RESCOMM_REQUIRE_2FA = False
    member()
    assert password_step(Client())["Location"] == "/accounts/me/"
    give_app(make_member(Role.LINK_WORKER, user=make_user("kim")).user)
    assert password_step(Client(), "kim")["Location"].startswith(VERIFY)


def test_an_administrator_resets_a_lost_phone_audited_and_the_person_sets_up_again():
    person = member()
    client = Client()
    password_step(client)
    set_up_app(client)
    admin = make_member(Role.ADMINISTRATOR, user=make_user("alex")).user
    admin_client = Client()
    admin_client.force_login(admin)
    page = admin_client.get(f"/accounts/people/{person.pk}/").content.decode()
    assert 'data-two-factor="on"' in page and "10 unused recovery codes" in page
    assert "Reset two-factor sign-in" in page
    response = admin_client.post(f"/accounts/people/{person.pk}/two-factor/reset/")
    assert response["Location"] == f"/accounts/people/{person.pk}/"
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticToken.objects.filter(device__user=person).exists()
    event = AuditEvent.objects.get(action=AuditEvent.TWO_FACTOR_RESET)
    assert (event.actor, event.object_id) == (admin, str(person.pk))
    assert client.get("/accounts/me/")["Location"].startswith(SETUP), "their session too"
    page = admin_client.get(f"/accounts/people/{person.pk}/").content.decode()
    assert 'data-two-factor="off"' in page and "Reset two-factor sign-in" not in page
    assert admin_client.get(f"/accounts/people/{person.pk}/two-factor/reset/").status_code == 405


def test_a_demo_administrator_cannot_reset_a_real_account():
    demo_org = make_organisation(name="Demo (synthetic)", is_demo=True)
    admin = make_member(Role.ADMINISTRATOR, user=make_user("demo-a", is_demo=True),
                        organisation=demo_org).user
    person = member()
    give_app(person)
    client = Client()
    client.force_login(admin)
    assert client.post(f"/accounts/people/{person.pk}/two-factor/reset/").status_code == 404
    assert TOTPDevice.objects.filter(user=person).exists()


def test_demo_accounts_never_use_it_and_the_pages_say_so():
    demo_org = make_organisation(name="Demo (synthetic)", is_demo=True)
    make_member(Role.LINK_WORKER, user=make_user("demo-lw", is_demo=True),
                organisation=demo_org)
    client = Client()
    assert "sign in with the password alone" in client.get(LOGIN).content.decode()
    assert password_step(client, "demo-lw")["Location"] == "/accounts/me/"
    page = client.get("/accounts/me/").content.decode()
    assert "Demo accounts do not use two-factor sign-in" in page
    assert client.get(SETUP).status_code == 403
    assert client.get(CODES).status_code == 403


def test_the_login_page_says_nothing_about_demo_accounts_where_there_are_none():
    assert "data-two-factor-demo" not in Client().get(LOGIN).content.decode()


def test_the_reset_is_for_administrators_only_as_a_ladder():
    from ..ladder import ROLES, restricted

    person = member()
    access = restricted(f"/accounts/people/{person.pk}/two-factor/reset/",
                        (Role.ADMINISTRATOR,), method="post", ok=302)
    for role_name, expected in access.expected.items():
        give_app(person)
        response = ROLES[role_name](Client()).post(access.url)
        assert response.status_code == expected, role_name
        reset = expected == 302 and role_name == Role.ADMINISTRATOR
        assert TOTPDevice.objects.filter(user=person).exists() is not reset, role_name
