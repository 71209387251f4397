"""Signing in with a real browser: keyboard-usable form, focus on errors, no serious axe
violations on the accounts pages, and sign out from the header."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.demo import DEFAULT_DEMO_PASSWORD, create_demo_accounts

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_accounts(demo_data, monkeypatch):
    monkeypatch.delenv("RESCOMM_DEMO_PASSWORD", raising=False)
    create_demo_accounts()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


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

    make_member(Role.ADMINISTRATOR, user=make_user("alex"))
    sign_in(page, "alex", PASSWORD)
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
