"""Numbers behind the charts: referrals over time, paired SWEMWBS change per person and in
aggregate, and a scheme's caseload and flow.

Aggregates for commissioners are published through :mod:`.disclosure` (counts from 1 to 4
hidden, with secondary suppression, each hidden count labelled truly); per-person pairs are
only for people allowed to see those referrals and are identified by reference, never by name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from rescomm import stats
from rescomm.web.accounts.public import Profession

from . import disclosure
from .charts import Pair, verdict
from .models import Instrument, OutcomeMeasure, ReferralEvent, Timepoint
from .pathway import Status

PERIODS = {"month": TruncMonth, "week": TruncWeek}
#: At most this many of the latest periods are shown.
MAX_PERIODS = 24
PROFESSIONS = (*Profession.choices, ("self", "Self-referral"))
VERDICTS = (("improved", "Reliable improvement"), ("no_reliable_change", "No reliable change"),
            ("deteriorated", "Reliable deterioration"))


def _period_label(start: dt.date, period: str) -> str:
    return start.strftime("%Y-%m") if period == "month" else f"w/c {start:%Y-%m-%d}"


def referrals_per_period(referrals, *, period: str = "month") -> tuple[list[str], list[int],
                                                                       int]:
    """Referrals received per month (or ISO week, starting Monday): ``(labels, counts,
    earlier)`` for the latest :data:`MAX_PERIODS` periods that have referrals, and how many
    referrals came before them (not shown, but part of the total). Raw counts: publish them
    through :mod:`.disclosure` (the dashboard suppresses them with its other tables)."""
    if period not in PERIODS:
        raise ValueError(f"period must be 'month' or 'week', not {period!r}")
    rows = (referrals.annotate(start=PERIODS[period]("created_at"))
            .values("start").annotate(n=Count("pk")))
    counts: Counter[dt.date] = Counter()
    for row in rows:
        start = row["start"].date() if isinstance(row["start"], dt.datetime) else row["start"]
        counts[start] += row["n"]
    starts = sorted(counts)
    shown, before = starts[-MAX_PERIODS:], starts[:-MAX_PERIODS]
    return ([_period_label(s, period) for s in shown], [counts[s] for s in shown],
            sum(counts[s] for s in before))


def swemwbs_pairs(referrals) -> list[Pair]:
    """Each person's SWEMWBS metric score at baseline and follow-up (people with both), by
    reference, in reference order."""
    scores: dict = {}
    rows = OutcomeMeasure.objects.filter(referral__in=referrals, instrument=Instrument.SWEMWBS)
    for referral_id, timepoint, score in rows.values_list("referral_id", "timepoint", "score"):
        scores.setdefault(referral_id, {})[timepoint] = score
    pairs = [Pair(str(rid)[:8].upper(), s[Timepoint.BASELINE], s[Timepoint.FOLLOW_UP])
             for rid, s in scores.items() if Timepoint.BASELINE in s and Timepoint.FOLLOW_UP in s]
    return sorted(pairs, key=lambda p: p.label)


def verdict_counts(referrals=None, *, changes: list[float] | None = None) -> dict:
    """How many paired people improved, did not change reliably, or deteriorated (SWEMWBS,
    reliable change 2.87), published through :mod:`.disclosure` against the number of pairs
    (shown with the paired result). ``rows``: ``(label, Count)``; ``withheld`` is True when
    the split cannot be shown without hiding the number of pairs, which the paired result
    and its attrition give away: then no row is shown. Pass the follow-up minus baseline
    ``changes`` if already loaded (else they are read from ``referrals``)."""
    threshold = stats.SWEMWBS_RELIABLE_CHANGE
    if changes is None:
        changes = [p.change for p in swemwbs_pairs(referrals)]
    tally = Counter(verdict(change, threshold) for change in changes)
    table = disclosure.one_way([label for _, label in VERDICTS],
                               [tally.get(code, 0) for code, _ in VERDICTS])
    withheld = table["total"].hidden
    return {"rows": [] if withheld else table["rows"], "withheld": withheld,
            "note": "" if withheld else table["note"], "threshold": threshold}


def caseload_flow(referrals, *, weeks: int = 12, today: dt.date | None = None) -> dict:
    """A scheme's caseload and flow (for its service manager): open referrals by status, and
    per ISO week of the last ``weeks`` weeks the referrals received and those finished (closed
    or declined, by the date of that event)."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    starts = [monday - dt.timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    by_status = dict(referrals.exclude(status__in=[Status.DECLINED, Status.CLOSED])
                     .values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    open_statuses = [s for s in Status if s not in (Status.DECLINED, Status.CLOSED)]
    first = timezone.make_aware(dt.datetime.combine(starts[0], dt.time()))

    def week_of(moment: dt.datetime) -> dt.date:
        day = timezone.localtime(moment).date()
        return day - dt.timedelta(days=day.weekday())

    came = Counter(week_of(t) for t in referrals.filter(created_at__gte=first)
                   .values_list("created_at", flat=True))
    went = Counter(week_of(t) for t in ReferralEvent.objects.filter(
        referral__in=referrals, to_status__in=[Status.CLOSED, Status.DECLINED], at__gte=first)
        .values_list("at", flat=True))
    return {
        "status_labels": [s.label for s in open_statuses],
        "status_counts": [by_status.get(s.value, 0) for s in open_statuses],
        "open_total": sum(by_status.values()),
        "weeks": [f"{s:%d %b}" for s in starts],
        "week_starts": starts,
        "inflow": [came.get(s, 0) for s in starts],
        "outflow": [went.get(s, 0) for s in starts],
    }


__all__ = ["caseload_flow", "referrals_per_period", "swemwbs_pairs", "verdict_counts"]
