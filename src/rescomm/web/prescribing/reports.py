"""The social prescribing aggregate reports, computed once and shared by every server process.

The dashboard's tables, referrals over time and wellbeing verdicts count every referral (a
million in the benchmark: seconds of work), so they are kept in the ``reports`` cache (in the
database, see ``settings.CACHES``) under one key per audience: everything the page and the
CSV publish, so both always show the same numbers. A page view reuses the stored report;
:func:`refresh_reports`, run by ``rescomm referrals refresh-reports`` from a scheduled job,
recomputes them all so that no page view has to. Real accounts' reports never count synthetic
demo referrals, and demo accounts' reports count only those.
"""

from __future__ import annotations

import datetime as dt

from .dashboard import cached_report, dashboard_tables
from .models import Referral


def _key(synthetic: bool) -> str:
    # v2: counts are disclosure.Count objects (a report cached by older code is not reused)
    return f"prescribing:dashboard:v2:{synthetic}"


def dashboard_report(*, synthetic: bool, refresh: bool = False) -> tuple[dict, dt.datetime]:
    """``(tables, computed_at)``: everything the dashboard and its CSV publish (referrals over
    time both per month and per week), all counts through :mod:`.disclosure`."""
    return cached_report(_key(synthetic),
                         lambda: dashboard_tables(Referral.objects.filter(is_synthetic=synthetic)),
                         refresh=refresh)


def refresh_reports() -> list[str]:
    """Recompute and store the report of each audience; returns what was stored."""
    done = []
    for synthetic in (False, True):
        dashboard_report(synthetic=synthetic, refresh=True)
        done.append(f"dashboard {'synthetic' if synthetic else 'real'}")
    return done
