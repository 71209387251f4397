"""The social prescribing aggregate reports, computed once and shared by every server process.

The dashboard's tables, referrals over time and wellbeing verdicts count every referral (a
million in the benchmark: seconds of work), so they are kept in the ``reports`` cache (in the
database, see ``settings.CACHES``) under one key per audience and period. A page view reuses
the stored report; :func:`refresh_reports`, run by ``rescomm referrals refresh-reports`` from a
scheduled job, recomputes them all so that no page view has to. Real accounts' reports never
count synthetic demo referrals, and demo accounts' reports count only those.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import trends
from .dashboard import cached_report, dashboard_tables
from .models import Referral


def _referrals(synthetic: bool):
    return Referral.objects.filter(is_synthetic=synthetic)


def _dashboard(synthetic: bool, period: str) -> tuple[Any, Any, Any]:
    referrals = _referrals(synthetic)
    tables = dashboard_tables(referrals)
    changes = tables["swemwbs"].pop("changes")  # the pairs are read once, not kept
    return (tables, trends.referrals_over_time(referrals, period=period),
            trends.verdict_counts(changes=changes))


def dashboard_report(*, synthetic: bool, period: str,
                     refresh: bool = False) -> tuple[tuple[Any, Any, Any], dt.datetime]:
    """``((tables, over_time, verdicts), computed_at)`` of the dashboard for ``period``
    (``"month"`` or ``"week"``), all counts suppressed under 5."""
    if period not in trends.PERIODS:
        raise ValueError(f"period must be one of {', '.join(trends.PERIODS)}, not {period!r}")
    return cached_report(f"prescribing:dashboard:{synthetic}:{period}",
                         lambda: _dashboard(synthetic, period), refresh=refresh)


def report_tables(*, synthetic: bool, refresh: bool = False) -> tuple[dict, dt.datetime]:
    """``(tables, computed_at)``: the dashboard's tables alone (the CSV export)."""
    return cached_report(f"prescribing:tables:{synthetic}",
                         lambda: dashboard_tables(_referrals(synthetic)), refresh=refresh)


def refresh_reports() -> list[str]:
    """Recompute and store every report (both audiences, every period; the tables are counted
    once per audience and shared by its reports); returns what was stored."""
    done = []
    for synthetic in (False, True):
        referrals = _referrals(synthetic)
        tables = dashboard_tables(referrals)
        changes = tables["swemwbs"].pop("changes")
        verdicts = trends.verdict_counts(changes=changes)
        audience = "synthetic" if synthetic else "real"
        for period in trends.PERIODS:
            over_time = trends.referrals_over_time(referrals, period=period)
            report = (tables, over_time, verdicts)  # the cache stores a pickled copy
            cached_report(f"prescribing:dashboard:{synthetic}:{period}",
                          lambda r=report: r, refresh=True)
            done.append(f"dashboard {audience} by {period}")
        cached_report(f"prescribing:tables:{synthetic}", lambda t=tables: t, refresh=True)
        done.append(f"tables {audience}")
    return done
