"""Shared test fixtures: the web test database is loaded once per session with a subset of the
bundled data (Halton and Liverpool), through the same service the CLI uses.

Tests that use ``db`` run inside a transaction and see that data. Transactional tests (the live
server, atomicity checks) flush the database afterwards, so they ask for ``demo_data``, which
loads the subset again when it is missing. pytest-django runs ``db`` tests before transactional
ones.
"""

from __future__ import annotations

import pytest

#: Local authorities loaded into the test database: Halton (small) and Liverpool (has L1 8JQ).
TEST_LADS = ("E06000006", "E08000012")


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
