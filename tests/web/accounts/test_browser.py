"""Signing in with a real browser: keyboard-usable form, focus on errors, no serious axe
violations on the accounts pages, and sign out from the header."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.demo import DEFAULT_DEMO_PASSWORD, create_demo_accounts

from .two_factor_helpers import code_for, give_app, next_code

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_accounts(demo_data, monkeypatch):
    monkeypatch.delenv("RESCOMM_DEMO_PASSWORD", raising=False)
    create_demo_accounts()


def sign_in(page, username: str, password: str, *, app_key: str | None = None) -> None:
    """Sign in through the forms; with ``app_key``, also enter the code the app shows."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():  # the POST must finish before the next goto
        page.get_by_role("button", name="Sign in").click()
    if app_key is not None:
        page.wait_for_url("**/accounts/two-factor/?next=*")
        page.get_by_label("Code").fill(code_for(app_key))
        page.get_by_role("button", name="Continue").click()


def test_wrong_password_error_summary_takes_focus_and_links_to_the_field(page, demo_accounts):
    sign_in(page, "demo-admin", "not the password")
    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("node => node === document.activeElement")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_accounts_pages_have_no_serious_accessibility_violations(page, demo_accounts, run_axe):
    checked = {}
    sign_in(page, "demo-admin", "not the password")
    checked["sign in with an error"] = run_axe(page)
    sign_in(page, "demo-admin", DEFAULT_DEMO_PASSWORD)
    page.wait_for_url("**/accounts/me/")
    checked["your account"] = run_axe(page)
    page.goto("/accounts/audit/?since=not-a-date")
    checked["audit log with an error"] = run_axe(page)
    page.goto("/accounts/audit/")
    checked["audit log"] = run_axe(page)
    page.goto("/accounts/me/")
    page.get_by_role("link", name="People and roles").click()
    checked["people and roles"] = run_axe(page)
    page.get_by_role("link", name="demo-linkworker").click()
    checked["a person"] = run_axe(page)
    page.get_by_role("button", name="Give this role").click()
    assert "Choose an organisation" in page.locator("[data-error-summary]").inner_text()
    checked["a person, with an error"] = run_axe(page)
    assert {name: v for name, v in checked.items() if v} == {}


def test_organisations_page_with_and_without_an_error(page, demo_data, run_axe):
    from rescomm.web.accounts.roles import Role

    from .factories import PASSWORD, make_member, make_user

    alex = make_member(Role.ADMINISTRATOR, user=make_user("alex")).user
    sign_in(page, "alex", PASSWORD, app_key=give_app(alex).key)
    page.wait_for_url("**/accounts/me/")
    page.get_by_role("link", name="Organisations").click()
    checked = {"organisations": run_axe(page)}
    page.get_by_role("button", name="Add organisation").click()
    assert "Enter the organisation's name" in page.locator("[data-error-summary]").inner_text()
    checked["with an error"] = run_axe(page)
    page.get_by_role("textbox", name="Name").fill("Halton Social Prescribing")
    page.get_by_label("What it is").select_option("social_prescribing_scheme")
    page.get_by_label("Local authority code (optional)").fill("E06000006")
    page.get_by_role("button", name="Add organisation").click()
    assert page.get_by_role("cell", name="Halton Social Prescribing").is_visible()
    assert {name: v for name, v in checked.items() if v} == {}


def test_changing_your_password_with_a_mistake_then_right(page, demo_data, run_axe):
    from .factories import PASSWORD, make_user

    make_user("alex")
    sign_in(page, "alex", PASSWORD)
    page.wait_for_url("**/accounts/me/")
    page.get_by_role("link", name="Change your password").click()
    checked = {"change your password": run_axe(page)}
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password again").fill("short")
    page.get_by_role("button", name="Change password").click()
    summary = page.locator("[data-error-summary]")
    assert "too short" in summary.inner_text()
    checked["with an error"] = run_axe(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("seven purple herons at dusk")
    page.get_by_label("New password again").fill("seven purple herons at dusk")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/accounts/password/changed/")
    checked["changed"] = run_axe(page)
    assert {name: v for name, v in checked.items() if v} == {}


def test_demo_label_then_sign_out_from_the_header(page, demo_accounts):
    sign_in(page, "demo-linkworker", DEFAULT_DEMO_PASSWORD)
    page.wait_for_url("**/accounts/me/")
    assert page.locator("[data-demo-label]").inner_text().startswith("Demo account — synthetic")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You have signed out"
    page.goto("/accounts/me/")
    assert "/accounts/login/?next=/accounts/me/" in page.url


def _set_up_app_in_the_page(page) -> str:
    """On the setup page: read the key shown under the QR code, enter the app's first code."""
    key_text = page.locator("[data-setup-key]").inner_text()
    from base64 import b32decode

    hex_key = b32decode(key_text.replace(" ", "") + "=" * (-len(key_text.replace(" ", "")) % 8)
                        ).hex()
    page.get_by_label("Code from your app").fill(code_for(hex_key))
    page.get_by_role("button", name="Check the code and finish").click()
    return hex_key


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_setting_up_two_factor_then_signing_in_with_a_code(browser, live_server, demo_data,
                                                           run_axe, settings, javascript):
    from rescomm.web.accounts.roles import Role

    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code straight after a wrong one

    from .factories import PASSWORD, make_member, make_user

    sam = make_member(Role.LINK_WORKER, user=make_user("sam")).user
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    checked = {}
    sign_in(page, "sam", PASSWORD)
    page.wait_for_url("**/accounts/two-factor/setup/?next=*")
    qr = page.get_by_role("img", name="QR code to add Resilient Communities to your "
                                       "authenticator app")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 100
    if javascript:
        checked["set up"] = run_axe(page)
    page.get_by_label("Code from your app").fill("12")
    page.get_by_role("button", name="Check the code and finish").click()
    assert "Enter the 6-digit code" in page.locator("[data-error-summary]").inner_text()
    if javascript:
        assert page.locator("[data-error-summary]").evaluate(
            "node => node === document.activeElement")
        checked["set up, with an error"] = run_axe(page)
    _set_up_app_in_the_page(page)
    page.wait_for_url("**/accounts/two-factor/recovery-codes/?next=*")
    assert page.locator("[data-recovery-codes] li").count() == 10
    if javascript:
        checked["recovery codes"] = run_axe(page)
    page.get_by_role("link", name="I have kept my recovery codes safe, continue").click()
    page.wait_for_url("**/accounts/me/")
    assert "On: a code from an authenticator app" in page.locator("[data-two-factor]").inner_text()
    page.get_by_role("button", name="Sign out").click()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/?next=*")
    if javascript:
        checked["enter the code"] = run_axe(page)
    page.get_by_label("Code").fill("999999" if next_code(sam) != "999999" else "999998")
    page.get_by_role("button", name="Continue").click()
    assert "The code is not right" in page.locator("[data-error-summary]").inner_text()
    if javascript:
        checked["enter the code, with an error"] = run_axe(page)
    page.get_by_label("Code").fill(next_code(sam))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/me/")
    context.close()
    assert {name: v for name, v in checked.items() if v} == {}


def test_single_sign_on_from_the_sign_in_page(page, settings, run_axe):
    """The provider's button, the trip to the (fake) provider and back, and a refusal."""
    from rescomm.web.accounts.roles import Role
    from rescomm.web.settings._oidc import backends, oidc_settings

    from .factories import make_member, make_user
    from .fake_oidc import FakeProvider

    provider = FakeProvider().start()
    try:
        values = oidc_settings(provider.env())
        for name, value in values.items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = backends(
            ["rescomm.web.accounts.backends.AccountsBackend"], values)
        make_member(Role.COMMISSIONER, user=make_user("pat", email="pat@example.nhs.uk"))
        provider.claims = {"sub": "uuid-1", "email": "pat@example.nhs.uk"}
        page.goto("/accounts/login/")
        checked = {"sign in with a provider": run_axe(page)}
        page.get_by_role("link", name="Sign in with Test Care Identity").click()
        page.wait_for_url("**/accounts/me/")
        assert "pat" in page.locator("main").inner_text()
        page.get_by_role("button", name="Sign out").click()
        provider.claims = {"sub": "uuid-2", "email": "someone.else@example.nhs.uk"}
        page.goto("/accounts/login/")
        page.get_by_role("link", name="Sign in with Test Care Identity").click()
        summary = page.locator("[data-error-summary]")
        assert "is not linked to an account here" in summary.inner_text()
        checked["not linked"] = run_axe(page)
    finally:
        provider.stop()
    assert {name: v for name, v in checked.items() if v} == {}
