"""Fixtures for the index pages: IMD 2025 rebuilt on the test areas (Halton and Liverpool) and
published once per session with 50 Monte Carlo runs, as ``rescomm load-demo`` does for C&M."""

from __future__ import annotations

import pytest

#: The local authorities tests/conftest.py loads (Halton and Liverpool).
TEST_LADS = ("E06000006", "E08000012")

FRAMEWORK = "imd2025"
TEST_RUNS = 50
TEST_SEED = 7


def imd_test_build():
    """IMD 2025 rebuilt from the bundled IoD 2025 rows of the test local authorities."""
    from rescomm import data, measure

    table = data.load_imd(2025)
    return measure.build(FRAMEWORK, table[table["lad_code"].isin(TEST_LADS)])


def publish_test_index():
    from rescomm.web.insight.publish import publish, run_uncertainty

    build = imd_test_build()
    return publish(
        build,
        uncertainty=run_uncertainty(build, n=TEST_RUNS, seed=TEST_SEED),
        source="bundled IoD 2025 rows of Halton and Liverpool (tests)",
        published_by="tests",
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from rescomm.web.insight.models import IndexRun

    with django_db_blocker.unblock():
        if not IndexRun.objects.filter(framework=FRAMEWORK).exists():
            publish_test_index()


@pytest.fixture
def index_data(demo_data):
    """For transactional tests (browser): the test areas and their published index."""
    from rescomm.web.insight.models import IndexRun

    if not IndexRun.objects.filter(framework=FRAMEWORK).exists():
        publish_test_index()


@pytest.fixture
def index_run(db):
    from rescomm.web.insight.models import IndexRun

    return IndexRun.objects.get(framework=FRAMEWORK)
