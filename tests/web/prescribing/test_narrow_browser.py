"""On a phone (390 and 320 px wide) every social prescribing and account page fits: nothing
sticks out of the page and no table has to be scrolled sideways (wide tables stack, each cell
with its column's name), and axe finds no serious violation at that width."""

from __future__ import annotations

import pytest

from rescomm.web.prescribing.models import Referral

from .test_browser import demo, sign_in  # noqa: F401 (the demo fixture)

pytestmark = pytest.mark.browser

#: Every page each demo account opens, by account.
PAGES = {
    "demo-gp": ["/prescribing/referrals/", "/prescribing/referrals/new/"],
    "demo-linkworker": ["/prescribing/caseload/", "/prescribing/outcomes/",
                        "/prescribing/self-referrals/new/", "referral:planned",
                        "referral:follow_up"],
    "demo-provider": ["/prescribing/onward/"],
    "demo-manager": ["/prescribing/dashboard/", "/prescribing/service-levels/",
                     "/prescribing/agreements/", "/prescribing/agreements/new/",
                     "/prescribing/flow/", "/prescribing/capacity/areas/",
                     "/prescribing/providers/"],
    "demo-commissioner": ["/prescribing/dashboard/?period=week"],
    "demo-admin": ["/accounts/me/", "/accounts/people/", "/accounts/audit/",
                   "/accounts/organisations/", "/accounts/people/invite/"],
}

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push('page ' +
      document.documentElement.scrollWidth);
  for (const el of document.querySelectorAll('main *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1 && !el.closest('.visually-hidden')) {
      out.push(el.tagName.toLowerCase() + '.' + el.className + ' ends at ' + Math.round(box.right));
    }
  }
  for (const wrapper of document.querySelectorAll('main .table-wrapper')) {
    if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
      const named = wrapper.querySelector('caption') || wrapper;
      out.push('table scrolls: ' + named.textContent.trim());
    }
  }
  return out.slice(0, 5);
}"""


def _url(entry: str) -> str:
    if entry.startswith("referral:"):
        referral = Referral.objects.filter(status=entry.split(":")[1]).first()
        return f"/prescribing/referrals/{referral.pk}/"
    return entry


@pytest.mark.parametrize("width", [390, 320])
def test_every_page_fits_a_phone_with_no_serious_accessibility_violations(
        browser, live_server, demo, run_axe, width):  # noqa: F811
    problems: dict[str, object] = {}
    for username, entries in PAGES.items():
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": width, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            sign_in(page, username)
            for entry in entries:
                url = _url(entry)
                response = page.goto(url)
                assert response.status == 200, f"{url} as {username}: {response.status}"
                overflow = page.evaluate(OVERFLOW)
                violations = run_axe(page)
                if overflow or violations:
                    problems[f"{username} {url}"] = {"overflow": overflow, "axe": violations}
        finally:
            context.close()
    assert problems == {}


def test_a_stacked_table_names_each_cell_on_a_phone(browser, live_server, demo):  # noqa: F811
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, "demo-linkworker")
        page.goto("/prescribing/caseload/")
        cell = page.locator('table[data-section="new"] td[data-label="Status"]').first
        before = cell.evaluate("el => getComputedStyle(el, '::before').content")
        assert before == '"Status: "'
        assert page.locator('table[data-section="new"] thead').first.is_hidden()
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_possible_duplicate_panel_and_contact_route_are_accessible(
        browser, live_server, demo, run_axe, width):  # noqa: F811
    from rescomm.web.accounts.models import User
    from rescomm.web.prescribing import services
    from rescomm.web.prescribing.demo import demo_nhs_numbers

    gp = User.objects.get(username="demo-gp")
    clean = services.validate_referral({
        "given_name": "Alba", "family_name": "Synthetic-Example", "date_of_birth": "1948-02-11",
        "nhs_number": demo_nhs_numbers(1)[0], "postcode": "L1 8JQ", "needs": ["loneliness"],
        "consent_to_share": True})
    again, _ = services.create_referral(gp, gp, clean)
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    checked = {}
    try:
        sign_in(page, "demo-linkworker")
        page.goto(f"/prescribing/referrals/{again.pk}/")
        assert page.locator("[data-possible-duplicate]").get_by_role("link").count() == 1
        checked["duplicate panel"] = run_axe(page)
        page.goto("/prescribing/caseload/")
        assert page.locator("[data-possible-duplicate]").count() == 2
        checked["caseload with duplicates"] = run_axe(page)
        page.context.clear_cookies()
        sign_in(page, "demo-provider")
        page.goto("/prescribing/onward/")
        contact = page.locator("[data-contact]")
        assert "07700 900" in contact.first.inner_text() or "Ask the link worker" in (
            contact.first.inner_text())
        assert page.locator("[data-contact] a[href^='tel:']").count() >= 1
        checked["onward with contact routes"] = run_axe(page)
    finally:
        context.close()
    assert {name: v for name, v in checked.items() if v} == {}
