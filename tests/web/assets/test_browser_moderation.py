"""In headless Chromium at 1280 and 390 px: a resident suggests an asset with opening times in
day boxes, time fields and words, and sees the confirmation; a moderator follows the
navigation link to the queue, reads a suggestion in labels and decides a problem report. axe
finds no serious violation on any of these screens; the suggestion works without JavaScript."""

from __future__ import annotations

import re

import pytest

from rescomm.web.accounts.demo import DEFAULT_DEMO_PASSWORD
from rescomm.web.assets import services
from rescomm.web.assets.models import ProblemReport, Service, Suggestion

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]


def _page(browser, live_server, width: int, *, javascript: bool = True):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript,
                                  viewport={"width": width, "height": 900})
    return context, context.new_page()


def _sideways(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _suggest(page) -> None:
    page.goto("/assets/suggest/")
    page.get_by_label("Name", exact=True).fill("Wednesday Walk and Talk")
    page.get_by_label("Kind").select_option("group")
    page.get_by_label("Postcode").fill("L1 8JQ")
    session = page.locator("#session-1")
    session.get_by_label("Wednesday").check()
    session.get_by_label("Opens").fill("2pm")
    session.get_by_label("Closes").fill("4pm")
    page.get_by_role("button", name="Add another session").click()
    page.wait_for_selector("#session-3")
    assert page.locator("#session-1").get_by_label("Wednesday").is_checked()
    assert page.locator("#session-1").get_by_label("Opens").input_value() == "2pm"
    page.get_by_label("Or describe the opening times in words").fill("Saturdays 10-12")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_suggestion_ends_on_its_confirmation(browser, live_server, demo_data, run_axe, width):
    context, page = _page(browser, live_server, width)
    checked = {}
    try:
        _suggest(page)
        checked["form with three sessions"] = run_axe(page)
        page.locator("#session-2").get_by_label("Monday").check()
        page.get_by_role("button", name="Send suggestion").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator(".error-summary").is_visible()
        assert "Session 2: opens: Enter the time it opens" in page.inner_text(".error-summary")
        checked["form with a session error"] = run_axe(page)
        page.locator("#session-2").get_by_label("Monday").uncheck()
        page.get_by_role("button", name="Send suggestion").click()
        page.wait_for_url("**/assets/suggest/sent/*/")
        assert page.get_by_role("heading", name="Suggestion sent").is_visible()
        suggestion = Suggestion.objects.get()
        assert services.reference(suggestion) in page.inner_text(".panel")
        assert "What happens next" in page.inner_text("main")
        assert suggestion.proposed["opening_times"] == [
            {"byday": "WE", "opens_at": "14:00", "closes_at": "16:00"},
            {"byday": "SA", "opens_at": "10:00", "closes_at": "12:00"}]
        checked["confirmation"] = run_axe(page)
        assert _sideways(page) <= 0, f"the confirmation scrolls sideways at {width}px"
    finally:
        context.close()
    assert checked == dict.fromkeys(checked, []), checked


def test_suggesting_works_without_javascript(browser, live_server, demo_data):
    context, page = _page(browser, live_server, 390, javascript=False)
    try:
        _suggest(page)
        page.get_by_role("button", name="Send suggestion").click()
        page.wait_for_url("**/assets/suggest/sent/*/")
        assert "Suggestion sent" in page.inner_text("main")
    finally:
        context.close()


def test_enter_in_a_field_sends_the_suggestion_not_another_session(browser, live_server,
                                                                     demo_data):
    """Implicit submission presses the form's first submit button: it must be "Send
    suggestion", not "Add another session" (which only adds a row)."""
    context, page = _page(browser, live_server, 390, javascript=False)
    try:
        _suggest(page)
        page.get_by_label("Postcode").press("Enter")
        page.wait_for_url("**/assets/suggest/sent/*/")
        assert "Suggestion sent" in page.inner_text("main")
    finally:
        context.close()


@pytest.fixture
def waiting(demo_data, monkeypatch):
    """The demo moderator, a suggested change and a problem report waiting."""
    from rescomm.web.accounts.demo import create_demo_accounts

    monkeypatch.delenv("RESCOMM_DEMO_PASSWORD", raising=False)
    create_demo_accounts()
    service = Service.objects.filter(asset_status="published").order_by("name").first()
    services.suggest(proposed={**services.snapshot(service), "capitals": ["social"],
                               "opening_times": [{"byday": "WE", "opens_at": "14:00",
                                                  "closes_at": "16:00"}]}, service=service)
    report = services.report_problem(service, kind="wrong_times", details="Closed on Tuesdays")
    return service, report


@pytest.mark.parametrize("width", WIDTHS)
def test_a_moderator_reaches_the_queue_from_the_navigation(browser, live_server, waiting,
                                                           run_axe, width):
    service, report = waiting
    context, page = _page(browser, live_server, width)
    checked = {}
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("demo-moderator")
        page.get_by_label("Password").fill(DEFAULT_DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/accounts/me/")
        page.get_by_role("link", name=re.compile(r"^Moderation 2 waiting$")).click()
        page.wait_for_url("**/assets/moderation/")
        assert page.get_by_role("heading", name="Moderation", exact=True).is_visible()
        checked["queue"] = run_axe(page)
        assert _sideways(page) <= 0, f"the queue scrolls sideways at {width}px"
        page.get_by_role("link", name=service.name).first.click()
        page.wait_for_url("**/assets/moderation/*/")
        main = page.inner_text("main")
        assert "Community capitals" in main and "Wednesday 14:00-16:00" in main
        assert "['" not in main and "byday" not in main
        checked["review"] = run_axe(page)
        assert _sideways(page) <= 0, f"the review page scrolls sideways at {width}px"
        page.goto(f"/assets/moderation/reports/{report.id}/")
        assert "Closed on Tuesdays" in page.inner_text("main")
        checked["report"] = run_axe(page)
        page.get_by_role("button", name="Record decision").click()
        page.wait_for_load_state("domcontentloaded")
        assert page.locator(".error-summary").is_visible()
        checked["report errors"] = run_axe(page)
        page.get_by_label("Dismiss: nothing needs to change").check()
        page.get_by_label(re.compile("^Note")).fill("The times on the page are right")
        page.get_by_role("button", name="Record decision").click()
        page.wait_for_url("**/assets/moderation/")
        assert "No problem reports are waiting" in page.inner_text("main")
        assert page.get_by_role("link", name=re.compile(r"^Moderation 1 waiting$")).is_visible()
        assert ProblemReport.objects.get(pk=report.pk).status == "dismissed"
    finally:
        context.close()
    assert checked == dict.fromkeys(checked, []), checked
