"""Aggregates for commissioners and service managers: counts only, never a person's record.

Every count goes through :mod:`.disclosure` (counts from 1 to 4 hidden and labelled "fewer
than 5"; counts hidden to protect them labelled "hidden to protect privacy"; the pathway
rounded to the nearest 5 and labelled so). The number of referrals is published once: the
tables by referrer profession, by IMD quintile, by status and of referrals over time (per
month and per week) each count every referral, so they are suppressed together
(:func:`rescomm.stats.suppress_shared_total`) and the page shows their one total once.

Outcome change is always paired (the same person at baseline and follow-up) through
:func:`rescomm.stats.paired_change`, with attrition (baseline but no follow-up) beside it.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from rescomm import stats
from rescomm.data import NEED_CODES, need_label

from . import disclosure, trends
from .models import Instrument, OutcomeMeasure, Referral, Timepoint
from .pathway import Status

SUPPRESSION_THRESHOLD = disclosure.THRESHOLD


def _quintile(decile: int | None) -> str:
    if decile is None:
        return "Not known"
    quintile = (decile + 1) // 2
    suffix = " (most deprived)" if quintile == 1 else " (least deprived)" if quintile == 5 else ""
    return f"Quintile {quintile}{suffix}"


def _grouped(referrals, field: str) -> dict:
    return dict(referrals.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def _everyone_tables(referrals) -> dict:
    """The tables that count every referral once, suppressed together with their one total."""
    professions = [*trends.PROFESSIONS]
    by_profession = _grouped(referrals, "referrer_profession")
    known = {code for code, _ in professions}
    unknown = sum(n for code, n in by_profession.items() if code not in known)
    if unknown:
        professions.append(("", "Not known"))
        by_profession[""] = unknown
    quintiles: Counter[str] = Counter()
    for decile, n in _grouped(referrals, "imd_decile").items():
        quintiles[_quintile(decile)] += n
    quintile_labels = [_quintile(d) for d in (1, 3, 5, 7, 9)] + ["Not known"]
    by_status = _grouped(referrals, "status")
    tables = {
        "by_profession": ([label for _, label in professions],
                          [by_profession.get(code, 0) for code, _ in professions]),
        "by_quintile": (quintile_labels, [quintiles.get(q, 0) for q in quintile_labels]),
        "by_status": ([s.label for s in Status], [by_status.get(s.value, 0) for s in Status]),
    }
    unpublished = {}
    for period in trends.PERIODS:
        labels, counts, earlier = trends.referrals_per_period(referrals, period=period)
        name = f"over_time_{period}"
        if earlier:  # periods before those shown: counted, never shown
            tables[name] = (["earlier", *labels], [earlier, *counts])
            unpublished[name] = [True] + [False] * len(counts)
        else:
            tables[name] = (labels, counts)
    return disclosure.shared_total(tables, unpublished=unpublished)


def dashboard_tables(referrals=None) -> dict:
    """Everything on the dashboard and in its CSV, as published counts (:class:`.disclosure.Count`):
    ``referrals`` (all referrals, once), tables by profession, quintile and status (no totals
    of their own: they add up to ``referrals``), by need (with the number of needs recorded),
    referrals over time per month and per week, the pathway funnel (rounded) and paired
    SWEMWBS change with people by reliable change. ``referrals`` defaults to all non-synthetic
    referrals."""
    referrals = referrals if referrals is not None else Referral.objects.filter(
        is_synthetic=False)
    need_counts = count_needs(referrals)
    everyone = _everyone_tables(referrals)
    swemwbs = paired_swemwbs(referrals)
    changes = swemwbs.pop("changes")
    return {
        "referrals": everyone["total"],
        "by_need": disclosure.one_way([need_label(c) for c in NEED_CODES],
                                      [need_counts.get(c, 0) for c in NEED_CODES]),
        "by_profession": everyone["by_profession"],
        "by_quintile": everyone["by_quintile"],
        "by_status": everyone["by_status"],
        "over_time": {period: everyone[f"over_time_{period}"] for period in trends.PERIODS},
        "swemwbs": swemwbs,
        "verdicts": trends.verdict_counts(changes=changes) if swemwbs["result"] else None,
        "funnel": funnel(referrals, total=everyone["total"]),
    }


def count_needs(referrals) -> Counter[str]:
    """How many of ``referrals`` have each need, counted in the database (one query: the
    ``needs`` JSON array of the selected rows unnested with ``jsonb_array_elements_text`` on
    PostgreSQL or ``json_each`` on SQLite), not by loading every row. (At 1,000,000 referrals
    on PostgreSQL: 0.6 s; an ``id IN (subquery)`` form of the same query took 4.8 s.)"""
    from django.core.exceptions import EmptyResultSet
    from django.db import connection

    try:
        subquery, params = referrals.order_by().values("needs").query.sql_with_params()
    except EmptyResultSet:  # e.g. Referral.objects.none()
        return Counter()
    unnest = ("CROSS JOIN LATERAL jsonb_array_elements_text(r.needs) AS n(value)"
              if connection.vendor == "postgresql" else ", json_each(r.needs) AS n")
    sql = (f"SELECT n.value, count(*) FROM ({subquery}) r {unnest} "  # noqa: S608
           "GROUP BY n.value")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counter(dict(cursor.fetchall()))


#: Seconds a computed report is reused when no scheduled job refreshes it (the page says when
#: its figures were calculated). ``rescomm referrals refresh-reports`` every few minutes keeps
#: reports warm so that no page view computes one.
REPORT_CACHE_SECONDS = 300
#: Seconds a report written by the scheduled job stays usable (longer than its interval, so a
#: late job does not leave users waiting for a computation).
REFRESHED_REPORT_SECONDS = 15 * 60


def cached_report(key: str, build, *, refresh: bool = False):
    """``(value, computed_at)``: ``build()`` at most once per :data:`REPORT_CACHE_SECONDS` for
    ``key``, shared by every server process (the ``reports`` cache, in the database).
    ``refresh=True`` recomputes and stores it for :data:`REFRESHED_REPORT_SECONDS`."""
    from django.core.cache import caches
    from django.utils import timezone

    cache = caches["reports"]
    hit = None if refresh else cache.get(key)
    if hit is None:
        hit = (build(), timezone.now())
        cache.set(key, hit, REFRESHED_REPORT_SECONDS if refresh else REPORT_CACHE_SECONDS)
    return hit


#: The pathway as a funnel after the referral itself (the number of referrals is the page's
#: total): stage label and the statuses that mean a referral reached it.
FUNNEL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Accepted", ("accepted",)),
    ("First conversation", ("first_conversation",)),
    ("Plan agreed", ("planned",)),
    ("Connected to support", ("connected",)),
    ("Followed up", ("follow_up",)),
)


def funnel(referrals, *, total: disclosure.Count) -> dict:
    """How many referrals reached each pathway stage after referral. Stages overlap
    (differences between them, the people who stopped at a stage, can be small), so counts
    are rounded to the nearest 5 (1 to 4: "fewer than 5"). ``rows``: ``{"label", "count",
    "width"}`` with ``width`` the bar length in percent of the larger of the published number
    of referrals (``total``) and the largest rounded stage, so bars use published numbers
    only."""
    from .models import ReferralEvent

    reached = dict(
        ReferralEvent.objects.filter(referral__in=referrals,
                                     to_status__in=[s for _, ss in FUNNEL for s in ss])
        .values("to_status").annotate(n=Count("referral_id", distinct=True))
        .values_list("to_status", "n"))
    counts = [disclosure.rounded(sum(reached.get(s, 0) for s in statuses))
              for _, statuses in FUNNEL]
    scale = max([total.value or 0, *(c.value or 0 for c in counts)]) or 1
    rows = [{"label": label, "count": c, "width": round(100 * (c.value or 0) / scale)}
            for (label, _), c in zip(FUNNEL, counts, strict=True)]
    return {"rows": rows, "note": disclosure.note(counts)}


#: Captions of the dashboard's tables (the page and the CSV use the same).
CAPTIONS = {
    "referrals": "Referrals",
    "by_need": "Referrals by need",
    "by_profession": "Referrals by referrer's profession",
    "by_quintile": "Referrals by IMD 2025 quintile of the person's area",
    "by_status": "Referrals by status",
    "funnel": "Referrals that reached each stage (rounded to the nearest 5)",
    "verdicts": "People by reliable change (SWEMWBS, paired)",
}


def csv_rows(tables: dict) -> list[tuple[str, str, str, str]]:
    """(table, category, referrals as shown, note) for the CSV export: the same published
    counts as the page, the number of referrals once, every hidden or rounded count with a
    note saying why."""
    def row(table: str, label: str, count: disclosure.Count) -> tuple[str, str, str, str]:
        return (CAPTIONS[table], label, count.text, disclosure.CSV_NOTES[count.status])

    out = [row("referrals", "All referrals", tables["referrals"])]
    out += [row("by_need", label, c) for label, c in tables["by_need"]["rows"]]
    out.append(row("by_need", "All needs recorded", tables["by_need"]["total"]))
    for key in ("by_profession", "by_quintile", "by_status"):
        out += [row(key, label, c) for label, c in tables[key]["rows"]]
    out += [row("funnel", r["label"], r["count"]) for r in tables["funnel"]["rows"]]
    return out


def paired_swemwbs(referrals) -> dict:
    """Paired SWEMWBS metric change (baseline -> follow-up) with attrition; ``None`` results
    when fewer than 5 pairs (too few to show; ``shown_pairs`` and ``shown_baseline`` are then
    the counts as published: "fewer than 5" for 1 to 4)."""
    rows = OutcomeMeasure.objects.filter(referral__in=referrals, instrument=Instrument.SWEMWBS)
    scores: dict = {}
    for referral_id, timepoint, score in rows.values_list("referral_id", "timepoint", "score"):
        scores.setdefault(referral_id, {})[timepoint] = score
    baseline = [r for r, s in scores.items() if Timepoint.BASELINE in s]
    pairs = [(s[Timepoint.BASELINE], s[Timepoint.FOLLOW_UP]) for s in scores.values()
             if Timepoint.BASELINE in s and Timepoint.FOLLOW_UP in s]
    summary = {"n_baseline": len(baseline), "n_pairs": len(pairs), "result": None,
               "shown_baseline": disclosure.small(len(baseline)),
               "shown_pairs": disclosure.small(len(pairs)),
               "changes": [after - before for before, after in pairs]}
    if len(pairs) >= SUPPRESSION_THRESHOLD:
        before, after = zip(*pairs, strict=True)
        summary["result"] = stats.paired_change(
            list(before), list(after), reliable_change=stats.SWEMWBS_RELIABLE_CHANGE,
            n_baseline=len(baseline),
        )
    return summary
