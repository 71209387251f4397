"""``/profiles/`` and a profile page in headless Chromium: axe-core at 1280 and 390 px, no
sideways scrolling of the page at 390 and 320 px, and the chart and table without JavaScript."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
PAGE = "/profiles/health-and-wellbeing/la/E08000012/"


@pytest.fixture
def stored(demo_data, profile_table, transactional_db):
    from rescomm.web.profiles import store

    store.load_table(profile_table, source="browser test: bundled FingertipsNext extract")


@pytest.mark.parametrize("url", ["/profiles/", PAGE])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(browser, live_server, stored, run_axe, width, url):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        assert page.get_by_role("heading", level=1).is_visible()
        assert run_axe(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 320])
def test_the_page_does_not_scroll_sideways(browser, live_server, stored, width):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        page.goto(PAGE)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px"
    finally:
        context.close()


def test_the_page_works_without_javascript(browser, live_server, stored):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/profiles/")
        page.get_by_role("region", name="Health and wellbeing").get_by_role(
            "link", name="Liverpool").click()
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Health and wellbeing: Liverpool")
        row = page.locator("tr#indicator-93015")
        assert "similar to England" in row.inner_text()
        spine = row.get_by_role("img")
        assert spine.is_visible()
        assert spine.get_attribute("aria-labelledby") == "spine-7-t spine-7-d"
        assert page.get_by_role("link", name="The spine chart as SVG").is_visible()
    finally:
        context.close()
