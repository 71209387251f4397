"""Grouped suggestion cards in a real browser at 1280 and 390 px: near-identical green spaces
are one card listing each place; no serious axe violations; no sideways scrolling."""

from __future__ import annotations

import pytest

from rescomm.web.prescribing.models import Referral

from .test_browser import demo, sign_in  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_green_spaces_close_together_are_one_card(browser, live_server, demo,  # noqa: F811
                                                   run_axe, width):
    referral = Referral.objects.get(status="planned", given_name="Elowen")  # low mood, active
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, "demo-linkworker")
        page.goto(f"/prescribing/referrals/{referral.pk}/")
        group = page.locator("[data-suggestion]", has=page.locator("[data-group]")).first
        heading = group.locator("[data-group]").inner_text()
        members = group.locator("[data-group-members] li").count()
        assert heading.startswith(f"{members + 1} green spaces, ")
        assert "ward, near" in group.inner_text()  # the places have names a person recognises
        violations = run_axe(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    finally:
        context.close()
    assert violations == []
    assert overflow <= 0
