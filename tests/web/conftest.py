"""Fixtures for the web tests: a headless Chromium (Debian's, through Playwright) and axe-core.

Browser tests are marked ``browser``. When ``/usr/bin/chromium`` or ``node_modules`` is missing
they FAIL with the command that installs it (CI installs both); set ``RESCOMM_SKIP_BROWSER=1`` to
skip every browser test instead (``tests/conftest.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("RESCOMM_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LEAFLET = REPO / "node_modules" / "leaflet" / "dist" / "leaflet.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing_browser_tools() -> list[str]:
    problems = []
    if not CHROMIUM.is_file():
        problems.append(
            f"{CHROMIUM} is missing: install it with `apt-get update && apt-get install -y "
            "chromium` (or `make browser`)"
        )
    if not AXE.is_file() or not LEAFLET.is_file():
        problems.append(
            "node_modules is missing axe-core or leaflet: run `npm ci` in the repository root "
            "(or `make assets`)"
        )
    return problems


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium shared by the session (fails, or skips, if it cannot be started)."""
    problems = _missing_browser_tools()
    if problems:
        message = "browser tests need: " + "; ".join(problems)
        if os.environ.get("RESCOMM_SKIP_BROWSER") == "1":
            pytest.skip(message + " (skipped: RESCOMM_SKIP_BROWSER=1)")
        pytest.fail(message + ". Or set RESCOMM_SKIP_BROWSER=1 to skip them.", pytrace=False)
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, flush) are still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, demo_data):
    """A fresh page (JavaScript on, desktop size) against the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def run_axe():
    """``run_axe(page)`` -> axe-core violations with impact serious or critical (WCAG 2.2 AA)."""
    source = AXE.read_text(encoding="utf-8")

    def run(page) -> list[dict]:
        page.evaluate(source)
        results = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                  "wcag22aa", "best-practice"]},
                resultTypes: ["violations"],
            })"""
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run


@pytest.fixture(scope="session", autouse=True)
def _audit_log_flushable_on_sqlite():
    """Let transactional tests (live_server, browser) flush tables after writing audit events.

    The audit log is append-only through database triggers; on SQLite they would stop Django's
    flush between transactional tests. ``accounts/flush.py`` lifts them for the flush only.
    """
    from .accounts import flush

    flush.install()
    yield
    flush.uninstall()


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """``Client.force_login`` stands for a whole sign-in: for someone who must use two-factor
    sign-in (``accounts.two_factor``) it also sets up an authenticator app, if they have none,
    and marks the session as having passed it. Tests of the sign-in itself post the real forms
    (tests/web/accounts/test_two_factor.py)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from .accounts.two_factor_helpers import pass_second_factor

        pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
