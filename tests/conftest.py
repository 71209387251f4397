"""Shared test fixtures: the web test database is loaded once per session with a subset of the
bundled data (Halton and Liverpool), through the same service the CLI uses.

Tests that use ``db`` run inside a transaction and see that data. Transactional tests (the live
server, atomicity checks) flush the database afterwards, so they ask for ``demo_data``, which
loads the subset again when it is missing. pytest-django runs ``db`` tests before transactional
ones.
"""

from __future__ import annotations

import os

import pytest
from tests.reference_data import check_marker

#: Local authorities loaded into the test database: Halton (small) and Liverpool (has L1 8JQ).
TEST_LADS = ("E06000006", "E08000012")


def pytest_runtest_setup(item):
    """``@requires(...)`` (tests/reference_data.py): skip, or in CI fail, when data is missing."""
    check_marker(item)


@pytest.fixture(autouse=True)
def _fresh_lookup_caches():
    """The web app's per-process look-up caches (``rescomm.web.prescribing.lookups``) would
    keep one test's schemes and deciles, whose rows a rolled-back transaction removed, for the
    next: start each test empty. Only when the module is loaded (core tests stay Django-free)."""
    import sys

    lookups = sys.modules.get("rescomm.web.prescribing.lookups")
    if lookups is not None:
        lookups.clear_all()
    yield
    lookups = sys.modules.get("rescomm.web.prescribing.lookups")
    if lookups is not None:
        lookups.clear_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from rescomm.web.areas.services import load_demo

    with django_db_blocker.unblock():
        load_demo(lads=TEST_LADS)


@pytest.fixture
def demo_data(transactional_db):
    """For transactional tests: make sure the test subset is loaded (after a flush)."""
    from rescomm.web.areas.models import Lsoa21
    from rescomm.web.areas.services import load_demo

    if not Lsoa21.objects.exists():
        load_demo(lads=TEST_LADS, force=True)


def pytest_collection_modifyitems(config, items):
    """``RESCOMM_SKIP_BROWSER=1`` skips every test marked ``browser`` (whether or not Chromium
    is installed), so the rest of the suite runs on a machine without a browser."""
    if os.environ.get("RESCOMM_SKIP_BROWSER") != "1":
        return
    skip = pytest.mark.skip(reason="browser test skipped: RESCOMM_SKIP_BROWSER=1")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
