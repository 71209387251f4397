"""Inviting someone and choosing the password, in a real browser at desktop and phone widths:
the whole journey works and axe finds no serious violation on any of its screens."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from rescomm.web.accounts.roles import Role

from .factories import PASSWORD, make_member
from .test_browser import sign_in
from .two_factor_helpers import give_app

pytestmark = pytest.mark.browser

NEW_PASSWORD = "plum orbit lantern gravel"  # noqa: S105 - tests only


@pytest.mark.parametrize("width", [1280, 390])
def test_an_invitation_from_the_form_to_signing_in(browser, live_server, demo_data, run_axe,
                                                    settings, width):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = make_member(Role.ADMINISTRATOR).user
    checked = {}
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        # administrators must use a second factor (RESCOMM_REQUIRE_2FA's default)
        sign_in(page, admin.username, PASSWORD, app_key=give_app(admin).key)
        page.goto("/accounts/people/")
        page.get_by_role("link", name="Invite someone by e-mail").click()
        checked["invite form"] = run_axe(page)
        page.get_by_role("button", name="Send the invitation").click()
        summary = page.locator("[data-error-summary]")
        assert "Enter the person's e-mail address" in summary.inner_text()
        checked["invite form with errors"] = run_axe(page)
        page.get_by_label("E-mail address").fill("kit@example.org")
        page.get_by_label("Name (optional)", exact=True).fill("Kit Example")
        page.get_by_role("button", name="Send the invitation").click()
        assert "Invitation sent to kit@example.org" in page.locator("[data-invited]").inner_text()
        checked["person after the invitation"] = run_axe(page)
        link = re.search(r"http://[^/\s]+(/accounts/invite/\S+/)", mail.outbox[-1].body).group(1)
        page.context.clear_cookies()
        page.goto(link)
        checked["choose a password"] = run_axe(page)
        page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Password again").fill("something else entirely")
        page.get_by_role("button", name="Set my password").click()
        assert "not the same" in page.locator("[data-error-summary]").inner_text()
        checked["choose a password with errors"] = run_axe(page)
        page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("Password again").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Set my password").click()
        page.wait_for_url("**/accounts/invite/done/")
        checked["password set"] = run_axe(page)
        page.get_by_role("link", name="Sign in").last.click()
        sign_in(page, "kit@example.org", NEW_PASSWORD)
        page.wait_for_url("**/accounts/me/")
        page.context.clear_cookies()
        page.goto(link)
        assert page.locator("[data-invalid-link]").is_visible()
        checked["used link"] = run_axe(page)
    finally:
        context.close()
    assert {name: v for name, v in checked.items() if v} == {}
