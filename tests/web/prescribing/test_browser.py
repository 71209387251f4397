"""The social prescribing pages in a real browser: no serious axe violations, the referral form
works with JavaScript off, and its error summary links to the fields."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.demo import DEFAULT_DEMO_PASSWORD, create_demo_accounts
from rescomm.web.prescribing.demo import create_demo_referrals
from rescomm.web.prescribing.models import Referral

pytestmark = pytest.mark.browser

#: The demo provider's own entry on the asset map (its organisation's name).
DEMO_PROVIDER_ENTRY = "(synthetic)"


@pytest.fixture
def demo(demo_data, monkeypatch):
    monkeypatch.delenv("RESCOMM_DEMO_PASSWORD", raising=False)
    create_demo_accounts()
    create_demo_referrals()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/me/")


def test_prescribing_pages_have_no_serious_accessibility_violations(page, demo, run_axe):
    checked = {}
    sign_in(page, "demo-gp")
    page.goto("/prescribing/referrals/new/")
    checked["referral form"] = run_axe(page)
    page.get_by_role("button", name="Send the referral").click()
    checked["referral form with errors"] = run_axe(page)
    page.goto("/prescribing/referrals/")
    checked["my referrals"] = run_axe(page)
    page.context.clear_cookies()
    sign_in(page, "demo-linkworker")
    page.goto("/prescribing/caseload/")
    checked["caseload"] = run_axe(page)
    referral = Referral.objects.filter(status="follow_up").first()
    page.goto(f"/prescribing/referrals/{referral.pk}/")
    assert page.locator("[data-synthetic]").first.is_visible()
    checked["referral detail"] = run_axe(page)
    page.goto(f"/prescribing/referrals/{referral.pk}/outcomes/swemwbs/")
    checked["outcome form"] = run_axe(page)
    page.goto("/prescribing/outcomes/")
    assert page.locator('[data-chart="outcome-change"]').count() == 1
    checked["outcome change per person"] = run_axe(page)
    page.context.clear_cookies()
    sign_in(page, "demo-commissioner")
    page.goto("/prescribing/dashboard/")
    checked["dashboard"] = run_axe(page)
    page.goto("/prescribing/capacity/areas/")
    checked["capacity by area"] = run_axe(page)
    page.context.clear_cookies()
    sign_in(page, "demo-manager")
    page.goto("/prescribing/service-levels/")
    checked["service levels"] = run_axe(page)
    page.goto("/prescribing/flow/")
    checked["caseload and flow"] = run_axe(page)
    page.goto("/prescribing/dashboard/")
    checked["dashboard (manager)"] = run_axe(page)
    page.goto("/prescribing/agreements/")
    checked["agreements"] = run_axe(page)
    page.get_by_role("link", name="Demo practice agreement (synthetic)").click()
    checked["agreement form"] = run_axe(page)
    page.get_by_label("Days to accept or decline the referral").fill("0")
    page.get_by_role("button", name="Save the agreement").click()
    assert "0 is out of range" in page.locator("[data-error-summary]").inner_text()
    checked["agreement form with errors"] = run_axe(page)
    page.context.clear_cookies()
    sign_in(page, "demo-provider")
    page.goto("/prescribing/onward/")
    checked["onward referrals"] = run_axe(page)
    page.context.clear_cookies()
    sign_in(page, "demo-linkworker")
    page.goto("/prescribing/self-referrals/new/")
    checked["self-referral form"] = run_axe(page)
    assert {name: v for name, v in checked.items() if v} == {}


def test_the_referral_form_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "demo-pharmacist")
        page.goto("/prescribing/referrals/new/")
        page.get_by_label("Given name").fill("Ivo")
        page.get_by_label("Family name").fill("Synthetic-Example")
        page.get_by_label("Date of birth").fill("1970-01-02")
        page.get_by_label("NHS number").fill("9434765918")
        page.get_by_role("button", name="Send the referral").click()
        summary = page.locator("[data-error-summary]")
        assert "the last digit does not match the check digit" in summary.inner_text()
        assert summary.get_by_role("link", name="Choose at least one reason").count() == 1
        page.get_by_label("NHS number").fill("9990000026")
        page.get_by_label("Postcode").fill("L1 8JQ")
        page.get_by_label("Wanting to be more active").check()
        page.get_by_label("The person agreed to share").check()
        page.get_by_role("button", name="Send the referral").click()
        assert "Synthetic demo record" in page.content()
        assert page.locator("[data-status]").inner_text() == "Received"
    finally:
        context.close()


def test_a_link_worker_filters_suggestions_and_refers_on_without_javascript(
        browser, live_server, demo):
    from rescomm.web.prescribing.demo import DEMO_SERVICE
    from rescomm.web.prescribing.models import OnwardReferral

    referral = Referral.objects.get(status="planned", given_name="Elowen")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, "demo-linkworker")
        page.goto(f"/prescribing/referrals/{referral.pk}/")
        page.get_by_label("Tuesday").check()
        page.get_by_label("Morning (before 12:00)").check()
        page.get_by_role("button", name="Show suggestions").click()
        assert "days=TU" in page.url and "parts=morning" in page.url
        card = page.locator("[data-suggestion]", has_text=DEMO_SERVICE)
        assert "Tue, Thu 10:00-11:30" in card.locator("[data-opening]").inner_text()
        assert "Open when free" in card.inner_text()
        assert "Example" in card.locator("h3").inner_text()  # an invented map entry
        assert "places left" in card.locator("[data-capacity]").inner_text()
        card.get_by_role("button", name=f"Send an onward referral to {DEMO_SERVICE}").click()
        assert page.locator("[data-status]").inner_text() == "Connected to support"
        onward = OnwardReferral.objects.get(referral=referral)
        assert onward.service is not None and onward.service_name == DEMO_SERVICE
    finally:
        context.close()


def test_suggestions_and_the_providers_page_have_no_serious_accessibility_violations(
        page, demo, run_axe):
    referral = Referral.objects.get(status="planned", given_name="Elowen")
    sign_in(page, "demo-linkworker")
    page.goto(f"/prescribing/referrals/{referral.pk}/?days=TU&parts=morning&parts=night")
    assert page.locator("[data-send-onward]").count() >= 1
    suggestions = run_axe(page)
    page.context.clear_cookies()
    sign_in(page, "demo-manager")
    page.goto("/prescribing/providers/")
    assert DEMO_PROVIDER_ENTRY in page.locator("[data-provider-links]").inner_text()
    first = run_axe(page)
    page.get_by_label("Name of the organisation on the asset map").fill("synthetic")
    page.get_by_role("button", name="Find").click()
    assert page.locator("[data-found]").count() == 1
    assert (suggestions, first, run_axe(page)) == ([], [], [])
