"""End to end in headless Chromium: find assets near a postcode, open one, report a problem;
axe-core accessibility; without JavaScript; at 320 px; the Leaflet map of the results."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def first_gp_url() -> str:
    from rescomm.web.assets.models import Service

    service = Service.objects.filter(source_id__startswith="ods:",
                                     asset_status="published").order_by("name").first()
    return f"/assets/{service.id}/"


def test_search_near_a_postcode_open_an_asset_and_report_a_problem(page):
    page.goto("/assets/")
    page.get_by_label("Postcode").fill("L1 8JQ")
    page.get_by_label("Within").select_option("1000")
    page.get_by_role("button", name="Show assets").click()
    page.wait_for_load_state("domcontentloaded")
    assert "within 1 km of L1 8JQ, nearest first" in page.inner_text("main")
    page.locator(".asset-list a").first.click()
    page.wait_for_url("**/assets/*/")
    assert page.get_by_role("heading", name="Opening times").is_visible()
    page.get_by_label("Opening times are wrong").check()
    page.get_by_label("Tell us more").fill("Closed on Tuesdays now")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Thank you" in page.inner_text("main")


def _on_map(page) -> tuple[int, int]:
    """(single markers, assets inside cluster icons) drawn on the map."""
    singles = page.locator("#asset-map path.leaflet-interactive").count()
    clustered = sum(int(t.split()[0]) for t in
                    page.locator("#asset-map .marker-cluster span").all_inner_texts()
                    if t.split() and t.split()[0].isdigit())
    return singles, clustered


def test_the_results_map_clusters_every_result_without_tiles(page):
    import re

    page.goto("/assets/?postcode=L1+8JQ&radius=2000")
    page.wait_for_selector("#asset-map .marker-cluster")
    total = int(re.match(r"(\d+) assets", page.inner_text("#results"))[1])
    assert total > page.locator(".asset-list__item").count()  # more than one page
    singles, clustered = _on_map(page)
    assert clustered > 0 and singles + clustered == total
    assert page.locator(".leaflet-tile").count() == 0
    # a cluster is reachable from the keyboard; selecting it zooms in, so the map changes
    page.locator("#asset-map .marker-cluster").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#asset-map path.leaflet-interactive').length != n",
        arg=singles)
    assert "grouped where they are close together" in page.inner_text("main")


def test_asset_pages_have_no_serious_accessibility_violations(page, run_axe):
    checked = {}
    page.goto("/assets/")
    checked["list"] = run_axe(page)
    page.goto("/assets/?postcode=L1+8JQ&radius=1000")
    page.wait_for_selector("#asset-map .marker-cluster")
    checked["near"] = run_axe(page)
    page.goto("/assets/?postcode=nope")
    checked["bad postcode"] = run_axe(page)
    page.goto("/assets/?place=St+Michaels")
    checked["which place"] = run_axe(page)
    page.goto("/assets/?place=Atlantis")
    checked["unknown place"] = run_axe(page)
    page.goto(first_gp_url())
    checked["asset"] = run_axe(page)
    page.get_by_role("button", name="Send report").click()
    page.wait_for_load_state("domcontentloaded")
    checked["report errors"] = run_axe(page)
    page.goto("/assets/coverage/?area=E06000006")
    checked["coverage"] = run_axe(page)
    page.goto("/assets/freshness/")
    checked["freshness"] = run_axe(page)
    page.goto("/assets/suggest/")
    checked["suggest"] = run_axe(page)
    page.get_by_role("button", name="Send suggestion").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".error-summary").is_visible()
    checked["suggest errors"] = run_axe(page)
    assert checked == dict.fromkeys(checked, []), checked


def test_asset_pages_work_without_javascript(browser, live_server, demo_data):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/assets/")
        page.get_by_label("Or a place name").fill("st michaels")
        page.get_by_role("button", name="Show assets").click()
        page.wait_for_load_state("domcontentloaded")
        page.get_by_role("link", name="St Michaels (ward, Liverpool)").click()
        page.wait_for_load_state("domcontentloaded")
        assert "of St Michaels (ward, Liverpool), nearest first" in page.inner_text("main")
        page.goto("/assets/")
        page.get_by_label("Community capital").select_option("natural")
        page.get_by_role("button", name="Show assets").click()
        page.wait_for_load_state("domcontentloaded")
        assert "capital=natural" in page.url
        assert page.locator(".asset-list__item").count() > 0
        assert not page.locator("#asset-map").is_visible()
        page.locator(".asset-list a").first.click()
        page.wait_for_url("**/assets/*/")
        assert page.get_by_role("heading", name="Report a problem").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("which", ["list", "near", "asset", "suggest"])
def test_asset_pages_fit_a_320_pixel_screen(browser, live_server, demo_data, which):
    path = {"list": "/assets/", "near": "/assets/?postcode=L1+8JQ&radius=1000",
            "asset": first_gp_url(), "suggest": "/assets/suggest/"}[which]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    finally:
        context.close()
