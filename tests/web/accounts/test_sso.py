"""Single sign-on through OpenID Connect, against a real (fake) provider on 127.0.0.1: the
code flow with PKCE, ID token checks, matching existing accounts only, no roles from the
provider, the second factor, failures and configuration."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from rescomm.web.accounts import two_factor
from rescomm.web.accounts.models import AuditEvent, SingleSignOnIdentity, User
from rescomm.web.accounts.permissions import roles_of
from rescomm.web.accounts.roles import Role
from rescomm.web.settings._oidc import backends, oidc_settings

from .factories import make_member, make_organisation, make_user
from .fake_oidc import CLIENT_ID, FakeProvider
from .two_factor_helpers import code_for, give_app

pytestmark = pytest.mark.django_db
START, CALLBACK = "/accounts/sso/login/", "/accounts/sso/callback/"


@pytest.fixture(scope="module")
def provider():
    fake = FakeProvider().start()
    yield fake
    fake.stop()


def configure(settings, provider: FakeProvider, **extra: str) -> None:
    """Apply the settings ``base.py`` makes from the provider's environment variables."""
    values = oidc_settings(provider.env(**extra))
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = backends(
        ["rescomm.web.accounts.backends.AccountsBackend"], values)


@pytest.fixture
def sso(settings, provider):
    provider.claims, provider.userinfo, provider.tamper = {}, None, set()
    provider.requests.clear()
    configure(settings, provider)
    return provider


def sign_in_with_provider(client: Client, provider: FakeProvider, next_url: str = ""):
    """What a browser does: to the provider, which sends it back to the callback."""
    start = client.get(START + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    assert start.status_code == 302
    assert start["Location"].startswith(provider.issuer + "/authorize?")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlparse(at_provider.headers["Location"])
    assert back.path == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def commissioner(email: str = "pat@example.nhs.uk", **fields) -> User:
    return make_member(Role.COMMISSIONER, user=make_user("pat", email=email, **fields)).user


# Configuration --------------------------------------------------------------------------------

def test_without_configuration_there_is_no_single_sign_on():
    assert oidc_settings({}) == {}
    assert Client().get(START).status_code == 404
    assert Client().get(CALLBACK + "?code=x&state=y").status_code == 404
    assert "data-sso" not in Client().get("/accounts/login/").content.decode()


def test_an_issuer_without_the_other_variables_stops_start_up_naming_them(provider):
    with pytest.raises(ImproperlyConfigured) as error:
        oidc_settings({"RESCOMM_OIDC_ISSUER": "https://login.example"})
    for name in ("RESCOMM_OIDC_CLIENT_ID", "RESCOMM_OIDC_CLIENT_SECRET",
                 "RESCOMM_OIDC_TOKEN_ENDPOINT", "RESCOMM_OIDC_JWKS_ENDPOINT"):
        assert name in str(error.value)
    insecure = provider.env(RESCOMM_OIDC_TOKEN_ENDPOINT="http://login.example/token")
    with pytest.raises(ImproperlyConfigured, match="must be https://.*TOKEN_ENDPOINT"):
        oidc_settings(insecure)
    with pytest.raises(ImproperlyConfigured, match="asymmetric"):
        oidc_settings(provider.env(RESCOMM_OIDC_SIGN_ALGO="HS256"))


def test_the_settings_never_create_accounts_and_use_pkce(provider):
    values = oidc_settings(provider.env())
    assert values["OIDC_CREATE_USER"] is False and values["OIDC_USE_PKCE"] is True
    assert values["SINGLE_SIGN_ON"] == {"provider_name": "Test Care Identity",
                                      "issuer": provider.issuer, "provider_mfa": False}


def test_the_sign_in_page_offers_the_provider_and_the_request_is_a_pkce_code_flow(sso):
    page = Client().get("/accounts/login/?next=/accounts/me/").content.decode()
    assert "Sign in with Test Care Identity" in page
    assert 'href="/accounts/sso/login/?next=/accounts/me/"' in page
    start = Client().get(START)
    query = {k: v[0] for k, v in parse_qs(urlparse(start["Location"]).query).items()}
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["scope"] == "openid email profile"
    assert query["redirect_uri"] == "http://testserver/accounts/sso/callback/"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32


# Matching accounts ----------------------------------------------------------------------------

def test_the_first_sign_in_matches_the_email_links_the_subject_and_gives_no_roles(sso):
    user = commissioner()
    sso.claims = {"sub": "uuid-1", "email": "Pat@Example.NHS.uk", "email_verified": True,
                  "roles": ["administrator"], "groups": ["rescomm-admins"],
                  "nhsid_nrbac_roles": [{"role_name": "Administrator"}]}
    client = Client()
    response = sign_in_with_provider(client, sso)
    assert response["Location"] == "/accounts/me/"
    assert client.get("/accounts/me/").status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk
    identity = SingleSignOnIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (user, sso.issuer, "uuid-1")
    assert identity.last_used_at is not None
    assert roles_of(user) == {Role.COMMISSIONER}, "no role comes from the provider"
    assert AuditEvent.objects.filter(action=AuditEvent.SSO_LINKED, object_id=str(user.pk))
    login = AuditEvent.objects.get(action=AuditEvent.LOGIN)
    assert (login.actor, login.reason) == (user, "single sign-on")
    assert User.objects.count() == 1


def test_later_sign_ins_find_the_account_by_subject_even_with_a_new_email(sso):
    user = commissioner()
    sso.claims = {"sub": "uuid-1", "email": "pat@example.nhs.uk"}
    sign_in_with_provider(Client(), sso)
    sso.claims = {"sub": "uuid-1", "email": "pat.new@example.nhs.uk"}
    client = Client()
    assert sign_in_with_provider(client, sso)["Location"] == "/accounts/me/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert sso.requests.count("GET /userinfo") == 1, "the subject alone finds the account"


def test_another_identity_claiming_a_linked_accounts_email_is_refused(sso):
    commissioner()
    sso.claims = {"sub": "uuid-1", "email": "pat@example.nhs.uk"}
    sign_in_with_provider(Client(), sso)
    sso.claims = {"sub": "uuid-2", "email": "pat@example.nhs.uk"}
    client = Client()
    response = sign_in_with_provider(client, sso)
    assert response.status_code == 403
    assert "linked to another Test Care Identity identity" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(("claims", "shown", "reason"), [
    ({"sub": "u", "email": "nobody@example.nhs.uk"}, "is not linked to an account here",
     "no_account"),
    ({"sub": "u"}, "did not tell us a verified e-mail address", "no_email"),
    ({"sub": "u", "email": "pat@example.nhs.uk", "email_verified": False},
     "did not tell us a verified e-mail address", "no_email"),
], ids=["unknown e-mail", "no e-mail", "unverified e-mail"])
def test_no_account_is_made_for_someone_the_service_does_not_know(sso, claims, shown, reason):
    commissioner()
    sso.claims = claims
    client = Client()
    response = sign_in_with_provider(client, sso)
    assert response.status_code == 403
    html = response.content.decode()
    assert shown in html and "<title>Error: Sign in" in html
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 1 and not SingleSignOnIdentity.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.LOGIN_FAILED)
    assert event.reason == f"single sign-on: {reason}"


def test_demo_and_inactive_accounts_never_sign_in_through_the_provider(sso):
    demo_org = make_organisation(name="Demo (synthetic)", is_demo=True)
    make_member(Role.COMMISSIONER, organisation=demo_org,
                user=make_user("demo-c", is_demo=True, email="demo@example.nhs.uk"))
    sso.claims = {"sub": "d", "email": "demo@example.nhs.uk"}
    assert sign_in_with_provider(Client(), sso).status_code == 403
    commissioner(is_active=False)
    sso.claims = {"sub": "p", "email": "pat@example.nhs.uk"}
    response = sign_in_with_provider(Client(), sso)
    assert response.status_code == 403 and "not active" in response.content.decode()


def test_two_accounts_with_the_same_email_are_not_guessed_between(sso):
    commissioner()
    make_user("pat2", email="PAT@example.nhs.uk")
    sso.claims = {"sub": "u", "email": "pat@example.nhs.uk"}
    response = sign_in_with_provider(Client(), sso)
    assert response.status_code == 403 and "More than one account" in response.content.decode()


# The ID token ---------------------------------------------------------------------------------

@pytest.mark.parametrize("tamper", ["issuer", "audience", "nonce", "signature", "expired"])
def test_an_id_token_that_fails_a_check_signs_nobody_in(sso, tamper):
    commissioner()
    sso.claims = {"sub": "uuid-1", "email": "pat@example.nhs.uk"}
    sso.tamper = {tamper}
    client = Client()
    response = sign_in_with_provider(client, sso)
    assert response.status_code == 403
    assert "Test Care Identity did not sign you in" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SingleSignOnIdentity.objects.exists()


def test_a_callback_cannot_be_replayed(sso):
    commissioner()
    sso.claims = {"sub": "uuid-1", "email": "pat@example.nhs.uk"}
    client = Client()
    start = client.get(START)
    back = urlparse(requests.get(start["Location"], allow_redirects=False,
                                 timeout=10).headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    client.post("/accounts/logout/")
    replay = client.get(f"{back.path}?{back.query}")
    assert replay.status_code == 403
    assert "_auth_user_id" not in client.session
    forged = Client().get(CALLBACK + "?code=abc&state=not-issued")
    assert forged.status_code == 403


def test_a_provider_error_is_shown_not_a_server_error(sso):
    response = Client().get(CALLBACK + "?error=access_denied&state=x")
    assert response.status_code == 403
    assert "did not sign you in" in response.content.decode()


# The second factor ----------------------------------------------------------------------------

def test_a_role_that_sees_personal_data_still_enters_its_code_after_single_sign_on(sso):
    user = make_member(Role.LINK_WORKER, user=make_user("sam", email="sam@example.nhs.uk")).user
    device = give_app(user)
    sso.claims = {"sub": "s", "email": "sam@example.nhs.uk"}
    client = Client()
    response = sign_in_with_provider(client, sso, next_url="/prescribing/caseload/")
    assert response["Location"] == "/accounts/two-factor/?next=%2Fprescribing%2Fcaseload%2F"
    assert client.get("/accounts/me/").status_code == 302
    done = client.post("/accounts/two-factor/", {"code": code_for(device.key),
                                                 "next": "/prescribing/caseload/"})
    assert done["Location"] == "/prescribing/caseload/"


def test_a_provider_declared_to_enforce_mfa_counts_as_the_second_factor(settings, provider):
    provider.claims, provider.userinfo, provider.tamper = {}, None, set()
    configure(settings, provider, RESCOMM_OIDC_PROVIDER_MFA="1")
    user = make_member(Role.LINK_WORKER, user=make_user("sam", email="sam@example.nhs.uk")).user
    provider.claims = {"sub": "s", "email": "sam@example.nhs.uk"}
    client = Client()
    response = sign_in_with_provider(client, provider, next_url="/accounts/audit/")
    assert response["Location"] == "/accounts/audit/"
    assert client.get("/accounts/me/").status_code == 200
    assert client.session[two_factor.SESSION_KEY] == two_factor.BY_IDENTITY_PROVIDER
    assert not two_factor.app_device(user)
    password_only = Client()
    password_only.post("/accounts/login/", {"username": "sam", "password": "wrong"})
    assert two_factor.SESSION_KEY not in password_only.session


# Ladder ---------------------------------------------------------------------------------------

def test_single_sign_on_urls_as_a_ladder(sso):
    from ..ladder import ROLES

    for role_name in ("anonymous", "signed_in", *Role.values):
        client = ROLES[role_name](Client())
        assert client.get(START).status_code == 302, role_name
        assert client.get(CALLBACK).status_code == 403, role_name
        assert client.post(START).status_code == 405, role_name


def test_every_single_sign_on_variable_is_documented():
    from pathlib import Path

    from rescomm.web.settings._oidc import OPTIONAL, REQUIRED

    repo = Path(__file__).resolve().parents[3]
    web = (repo / "docs/web.md").read_text(encoding="utf-8")
    guide = (repo / "docs/accounts.md").read_text(encoding="utf-8")
    for name in ("RESCOMM_OIDC_ISSUER", *REQUIRED, *OPTIONAL):
        assert f"`{name}`" in web and f"`{name}`" in guide, name


def test_link_sso_and_unlink_sso_commands(sso):
    from click.testing import CliRunner

    from rescomm.cli.accounts import users

    user = commissioner(email="")
    result = CliRunner().invoke(users, ["link-sso", "pat", "--subject", "uuid-9"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "pat: signs in through single sign-on as uuid-9\n"
    sso.claims = {"sub": "uuid-9"}  # no e-mail: the stored subject finds the account
    client = Client()
    assert sign_in_with_provider(client, sso)["Location"] == "/accounts/me/"
    assert int(client.session["_auth_user_id"]) == user.pk
    again = CliRunner().invoke(users, ["link-sso", "pat", "--subject", "uuid-10"])
    assert again.exit_code == 2 and "already has a single sign-on identity" in again.stderr
    removed = CliRunner().invoke(users, ["unlink-sso", "pat", "--reason", "left the trust"])
    assert removed.stdout == "pat: single sign-on identity removed\n"
    assert [e.reason for e in AuditEvent.objects.filter(action__startswith="sso_")
            .order_by("pk")] == ["command line: rescomm users link-sso",
                                 "command line: rescomm users unlink-sso: left the trust"]


def test_link_sso_says_when_single_sign_on_is_not_set_up():
    from click.testing import CliRunner

    from rescomm.cli.accounts import users

    commissioner()
    result = CliRunner().invoke(users, ["link-sso", "pat", "--subject", "x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("rescomm: error: single sign-on is not set up")
