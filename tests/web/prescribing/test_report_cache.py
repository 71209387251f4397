"""Reports are shared by every server process through the database cache, and a scheduled
refresh recomputes them so that page views do not."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from rescomm.cli import cli
from rescomm.web.prescribing import reports
from rescomm.web.settings import base

DB_CACHES = {"default": base.CACHES["default"], "reports": base.CACHES["reports"]}


@pytest.fixture
def database_report_cache(db):
    """The production ``reports`` cache (a table in the database), created as `rescomm
    migrate` does."""
    with override_settings(CACHES=DB_CACHES):  # Django resets the cache handlers
        call_command("createcachetable", verbosity=0)
        yield caches["reports"]
        caches["reports"].clear()


def test_the_reports_cache_is_a_database_table_in_production_settings():
    assert base.CACHES["reports"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_a_report_stored_in_the_database_is_reused_until_refreshed(database_report_cache,
                                                                     make_referral):
    from django.db import connection

    assert "rescomm_report_cache" in connection.introspection.table_names()
    make_referral(needs=["housing"])
    tables, first_at = reports.dashboard_report(synthetic=False)
    for _ in range(5):
        make_referral(needs=["housing"])
    # another server process reads the same stored report: same figures, same time
    again, again_at = reports.dashboard_report(synthetic=False)
    assert again_at == first_at and again == tables
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM rescomm_report_cache")
        assert cursor.fetchone()[0] == 1
    fresh, fresh_at = reports.dashboard_report(synthetic=False, refresh=True)
    assert fresh_at > first_at and fresh != tables


def test_refresh_reports_recomputes_every_audience(make_referral):
    from rescomm.web.prescribing.dashboard import dashboard_tables
    from rescomm.web.prescribing.models import Referral

    make_referral()
    done = reports.refresh_reports()
    assert done == ["dashboard real", "dashboard synthetic"]
    stored, _ = reports.dashboard_report(synthetic=False)
    assert stored == dashboard_tables(Referral.objects.filter(is_synthetic=False))
    assert set(stored["over_time"]) == {"month", "week"}  # both views in one report


def test_the_cli_refreshes_the_reports(make_referral, monkeypatch):
    import os

    niced = []
    monkeypatch.setattr(os, "nice", niced.append)  # not the test process's own priority
    make_referral()
    result = CliRunner().invoke(cli, ["referrals", "refresh-reports"])
    assert niced == [10], "the job gives way to page views by default"
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("refreshed 2 reports (dashboard real, dashboard synthetic)")
    assert caches["reports"].get("prescribing:dashboard:v2:False") is not None


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
@pytest.mark.parametrize(("args", "expected"), [([], "0"), (["--parallel-workers", "2"], "2")])
def test_the_cli_job_runs_its_queries_without_parallel_workers_unless_asked(
        args, expected, monkeypatch):
    import os

    from rescomm.web.prescribing import reports as reports_module

    seen = []

    def refresh():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            seen.append(cursor.fetchone()[0])
        return ["checked"]

    monkeypatch.setattr(os, "nice", lambda n: None)
    monkeypatch.setattr(reports_module, "refresh_reports", refresh)
    try:
        result = CliRunner().invoke(cli, ["referrals", "refresh-reports", *args])
    finally:
        with connection.cursor() as cursor:  # the test database's connection is shared
            cursor.execute("RESET max_parallel_workers_per_gather")
    assert result.exit_code == 0, result.output
    assert seen == [expected]
