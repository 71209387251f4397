"""End to end in headless Chromium: search a postcode, reach the LSOA page; accessibility with
axe-core; the pages without JavaScript and at 320 px wide."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from ..factories import HOSTILE, LIVE_POSTCODE, LIVE_POSTCODE_LSOA21, LIVE_POSTCODE_LSOA21_NAME

pytestmark = pytest.mark.browser


def search(page, postcode: str) -> None:
    page.goto("/")
    page.get_by_label("Find an area by postcode").fill(postcode)
    page.get_by_role("button", name="Find area").click()
    page.wait_for_load_state("domcontentloaded")


def test_home_page_search_reaches_the_lsoa_page(page):
    search(page, LIVE_POSTCODE)
    assert page.url.endswith(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/?postcode=L1+8JQ")
    assert page.get_by_role("heading", level=1).inner_text() == LIVE_POSTCODE_LSOA21_NAME
    assert f"The postcode {LIVE_POSTCODE} is in this area." in page.inner_text("main")


def test_home_map_becomes_an_interactive_leaflet_map(page):
    page.goto("/")
    page.wait_for_selector("#leaflet-map .leaflet-interactive")
    shapes = page.locator("#leaflet-map path.leaflet-interactive").count()
    assert shapes == 80 + 302
    assert not page.locator("svg.choropleth").is_visible()
    assert page.locator(".leaflet-tile").count() == 0  # no basemap tiles


def test_clicking_an_area_on_the_leaflet_map_opens_its_page(page):
    page.goto("/")
    page.wait_for_selector("#leaflet-map .leaflet-interactive")
    page.locator("#leaflet-map path.leaflet-interactive").first.click(force=True)
    page.wait_for_url("**/areas/lsoa21/E01*/")
    assert page.get_by_role("heading", level=1).is_visible()


def test_pages_have_no_serious_accessibility_violations(page, run_axe):
    checked = {}
    page.goto("/")
    page.wait_for_selector("#leaflet-map .leaflet-interactive")
    checked["home"] = run_axe(page)
    page.goto(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/")
    checked["lsoa"] = run_axe(page)
    search(page, HOSTILE)
    assert page.locator(".error-summary").is_visible()
    checked["search error"] = run_axe(page)
    page.goto("/areas/lsoa21/?lad=E06000006")
    checked["lsoa table"] = run_axe(page)
    page.goto("/areas/lsoa21/E01999999/")
    checked["not found"] = run_axe(page)
    assert checked == dict.fromkeys(checked, []), checked


def test_error_summary_takes_focus_and_links_to_the_field(page):
    search(page, "not a postcode")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    page.locator(".error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "id_postcode"
    assert page.title().startswith("Error: ")


def test_hostile_postcode_is_shown_as_text_and_never_runs(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"/search/?{urlencode({'postcode': HOSTILE})}")  # longer than the input allows
    assert HOSTILE in page.inner_text(".error-summary")
    assert dialogs == []


def test_everything_works_without_javascript(browser, live_server, demo_data, run_axe):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator("svg.choropleth").is_visible()
        assert page.locator("svg.choropleth a").count() == 80 + 302
        assert page.locator("#leaflet-map").count() == 0
        page.get_by_label("Find an area by postcode").fill(LIVE_POSTCODE)
        page.get_by_role("button", name="Find area").click()
        page.wait_for_url(f"**/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/**")
        assert page.get_by_role("heading", level=1).inner_text() == LIVE_POSTCODE_LSOA21_NAME
        page.goto("/")
        # keyboard, as a person without a mouse would (tiny city areas are hard to click)
        page.locator(f'svg.choropleth a[href="/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/"]').focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/", "/areas/lsoa21/"])
def test_pages_fit_a_320_pixel_screen(browser, live_server, demo_data, path):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
        assert page.get_by_role("link", name="Skip to main content").count() == 1
    finally:
        context.close()


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).position") != "absolute"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_api_docs_work_offline(page):
    blocked = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(page.context._impl_obj._options.get("baseURL", ""))
            or route.request.url.startswith("data:")
            else (blocked.append(route.request.url), route.abort())
        ),
    )
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert blocked == []
    assert page.locator(".swagger-ui .opblock").count() >= 3
