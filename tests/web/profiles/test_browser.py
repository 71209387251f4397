"""``/profiles/indicators/`` in headless Chromium: axe-core at 1280 and 390 px, no sideways
scrolling of the page at 390 and 320 px, and without JavaScript."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
URL = "/profiles/indicators/"


@pytest.fixture
def stored(demo_data, excerpt_table, transactional_db):
    from rescomm.web.profiles import store

    store.load_table(excerpt_table, source="browser test")


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violations(browser, live_server, stored, run_axe, width):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(URL)
        assert page.get_by_role("heading", level=1).inner_text() == "Indicators and releases"
        assert run_axe(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 320])
def test_the_page_does_not_scroll_sideways(browser, live_server, stored, width):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 700})
    page = context.new_page()
    try:
        page.goto(URL)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px"
    finally:
        context.close()


def test_the_page_works_without_javascript(browser, live_server, stored):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(URL)
        assert page.get_by_role("cell", name="Diabetes prevalence aged 17 years and over "
                                             "(Quality and Outcomes Framework)").is_visible()
        assert page.locator("tr[id^=release-]").count() == 1
    finally:
        context.close()
