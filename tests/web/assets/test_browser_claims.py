"""Claiming a listing in a real browser at 1280 and 390 px: every screen without serious axe
violations and without sideways scrolling."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from rescomm.web.accounts.demo import DEFAULT_DEMO_PASSWORD, create_demo_accounts

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(demo_data, monkeypatch):
    monkeypatch.delenv("RESCOMM_DEMO_PASSWORD", raising=False)
    create_demo_accounts()


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


@pytest.mark.parametrize("width", [1280, 390])
def test_claim_a_listing_from_its_page(browser, live_server, demo, run_axe, width):
    from rescomm.web.assets.models import ListingEditor, Service

    library = Service.objects.filter(category="library", asset_status="published").exclude(
        email="").order_by("name").first()
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    checked, fits = {}, {}
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("demo-gp")
        page.get_by_label("Password").fill(DEFAULT_DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/accounts/me/")
        page.goto(f"/assets/{library.id}/")
        page.get_by_role("link", name="Is this your organisation? Manage this listing").click()
        page.wait_for_url("**/claim/")
        checked["claim"], fits["claim"] = run_axe(page), _fits(page)
        page.get_by_role("button", name=re.compile("E-mail the link to")).click()
        page.wait_for_url(f"**/assets/{library.id}/")
        assert "We have e-mailed a link to" in page.inner_text("main")
        assert mail.outbox[-1].to == [library.email]
        link = re.search(r"https?://[^/]+(/assets/claim/[^/\s]+/)", mail.outbox[-1].body)[1]
        page.goto(link)
        checked["confirm"], fits["confirm"] = run_axe(page), _fits(page)
        page.get_by_role("button", name=f"Yes, I manage {library.name}").click()
        page.wait_for_url(f"**/assets/{library.id}/")
        assert page.locator("[data-listing-editor]").is_visible()
        checked["asset, managed"], fits["asset, managed"] = run_axe(page), _fits(page)
        page.goto("/assets/listings/mine/")
        assert page.get_by_role("link", name=library.name, exact=True).is_visible()
        checked["my listings"], fits["my listings"] = run_axe(page), _fits(page)
        assert ListingEditor.objects.filter(service=library, user__username="demo-gp").exists()
    finally:
        context.close()
    assert checked == dict.fromkeys(checked, []), checked
    assert fits == dict.fromkeys(fits, True), fits
