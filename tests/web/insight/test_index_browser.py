"""The index pages in headless Chromium: Leaflet map of the chosen node, the domain toggle with
and without JavaScript, axe-core accessibility checks, and a 320 px wide screen."""

from __future__ import annotations

import pytest

from ..factories import LIVE_POSTCODE_LSOA21

pytestmark = pytest.mark.browser

AREAS = 382
PROFILE = f"/index/imd2025/{LIVE_POSTCODE_LSOA21}/"


@pytest.fixture
def index_page(page, index_data):
    return page


def test_index_map_becomes_a_leaflet_map_of_the_chosen_node(index_page):
    page = index_page
    page.goto("/index/imd2025/?node=crime")
    page.wait_for_selector("#leaflet-map .leaflet-interactive")
    assert page.locator("#leaflet-map path.leaflet-interactive").count() == AREAS
    assert not page.locator("svg.choropleth").is_visible()
    assert page.locator(".leaflet-tile").count() == 0  # no basemap tiles
    page.locator("#leaflet-map path.leaflet-interactive").first.click(force=True)
    page.wait_for_url("**/index/imd2025/E01*/")
    assert page.get_by_role("heading", level=2, name="What makes up the index score").is_visible()


def test_domain_toggle_with_javascript_shows_the_domain(index_page):
    page = index_page
    page.goto("/index/imd2025/")
    page.get_by_label("Show the index or one of its domains").select_option("health")
    page.get_by_role("button", name="Show on the map").click()
    page.wait_for_url("**/index/imd2025/?node=health")
    assert page.get_by_role("heading", name="Map of Health Deprivation and Disability by decile")
    page.wait_for_selector("#leaflet-map .leaflet-interactive")


def test_index_pages_work_without_javascript(browser, live_server, index_data):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/index/")
        assert page.locator("svg.choropleth a").count() == AREAS
        page.get_by_label("Show the index or one of its domains").select_option("income")
        page.get_by_role("button", name="Show on the map").click()
        page.wait_for_url("**/index/imd2025/?node=income")
        assert page.get_by_role("heading", name="Map of Income Deprivation by decile").is_visible()
        page.locator(f'svg.choropleth a[href="{PROFILE}"]').focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{PROFILE}")
        assert page.get_by_role("heading", level=1).is_visible()
    finally:
        context.close()


def test_index_pages_have_no_serious_accessibility_violations(index_page, run_axe):
    page = index_page
    checked = {}
    page.goto("/index/imd2025/")
    page.wait_for_selector("#leaflet-map .leaflet-interactive")
    checked["map"] = run_axe(page)
    page.goto("/index/imd2025/?node=bogus")
    checked["map with an error"] = run_axe(page)
    page.goto("/index/imd2025/?node=income")  # the map as it is without JavaScript
    page.evaluate("document.querySelector('#leaflet-map')?.remove()")
    checked["map, domain shown"] = run_axe(page)
    page.goto(PROFILE)
    checked["profile"] = run_axe(page)
    page.goto(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/")
    checked["lsoa page with index links"] = run_axe(page)
    assert checked == dict.fromkeys(checked, []), checked


@pytest.mark.parametrize("path", ["/index/imd2025/", PROFILE])
def test_index_pages_fit_a_320_pixel_screen(browser, live_server, index_data, path):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()
