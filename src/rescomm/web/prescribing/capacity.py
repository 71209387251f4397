"""Voluntary-sector capacity: weeks, waiting lists, expected waits, and demand against places.

Pure helpers (:func:`week_start`, :func:`expected_wait_weeks`, :func:`median_days`) and the
read-only views built on them: :func:`service_capacity` (per service, for service managers and
providers) and :func:`area_capacity` (per local authority, counts published through
:mod:`.disclosure`, for commissioners and managers). Changes go through :mod:`.onward`.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from rescomm.data import NEED_CODES, need_label

from . import disclosure
from .models import CapacityMode, OnwardReferral, ServiceCapacity
from .pathway import Status


def week_start(now: dt.datetime | None = None) -> dt.datetime:
    """Monday 00:00 (local time zone) of the ISO week containing ``now``, time-zone aware."""
    today = timezone.localtime(now or timezone.now()).date()
    monday = today - dt.timedelta(days=today.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time()))


def expected_wait_weeks(position: int, starts_per_week: int) -> int | None:
    """Weeks until the person at ``position`` (1 = next) starts, if the service starts
    ``starts_per_week`` people each week in queue order: :math:`\\lceil p / s \\rceil`.

    Returns None when ``starts_per_week`` is 0 (no one starts, so no wait can be given).

    Raises
    ------
    ValueError
        ``position`` below 1 or ``starts_per_week`` negative.
    """
    if position < 1:
        raise ValueError(f"position must be 1 or more, not {position}")
    if starts_per_week < 0:
        raise ValueError(f"starts_per_week must be 0 or more, not {starts_per_week}")
    if starts_per_week == 0:
        return None
    return math.ceil(position / starts_per_week)


def median_days(pairs) -> float | None:
    """Median of ``(later - earlier)`` in days (fractional) over ``(earlier, later)`` pairs;
    None when there are none."""
    days = [(later - earlier).total_seconds() / 86400 for earlier, later in pairs]
    return statistics.median(days) if days else None


def onward_of(capacity: ServiceCapacity) -> QuerySet[OnwardReferral]:
    """The onward referrals that count against ``capacity``: those to its asset-map service
    (by key), or, for a service not on the map, those sent by its name without a map
    service."""
    sent = OnwardReferral.objects.filter(provider_id=capacity.provider_id)
    if capacity.service_id is not None:
        return sent.filter(service_id=capacity.service_id)
    return sent.filter(service__isnull=True, service_name=capacity.service_name)


def capacity_for(onward: OnwardReferral) -> QuerySet[ServiceCapacity]:
    """The capacity row (none or one) that ``onward`` counts against (:func:`onward_of`)."""
    rows = ServiceCapacity.objects.filter(provider_id=onward.provider_id)
    if onward.service_id is not None:
        return rows.filter(service_id=onward.service_id)
    return rows.filter(service__isnull=True, service_name=onward.service_name)


def capacity_key(item: ServiceCapacity | OnwardReferral) -> tuple:
    """``(provider id, map service id, name)``, with the name only for a service not on the
    map: equal for a capacity and the onward referrals that count against it."""
    if item.service_id is not None:
        return (item.provider_id, item.service_id, "")
    return (item.provider_id, None, item.service_name)


def accepted_this_week(capacity: ServiceCapacity, *, now: dt.datetime | None = None) -> int:
    """Onward referrals to the service accepted since Monday (a weekly allowance's use)."""
    return onward_of(capacity).filter(
        status=OnwardReferral.Status.ACCEPTED, responded_at__gte=week_start(now),
    ).count()


def waiting_list(capacity: ServiceCapacity) -> QuerySet[OnwardReferral]:
    """Accepted people who have not started yet, in queue order (first accepted first)."""
    return onward_of(capacity).filter(
        status=OnwardReferral.Status.ACCEPTED, started_at__isnull=True,
    ).order_by("responded_at", "id")


def queue_positions(provider_ids) -> dict[int, tuple[int, int | None]]:
    """``{onward referral pk: (position, expected wait in weeks)}`` for every person on the
    waiting list of a waiting-list service of the given providers."""
    positions: dict[int, tuple[int, int | None]] = {}
    for capacity in ServiceCapacity.objects.filter(provider_id__in=provider_ids,
                                                   mode=CapacityMode.WAITING_LIST):
        queue = waiting_list(capacity)
        for position, pk in enumerate(queue.values_list("pk", flat=True), start=1):
            positions[pk] = (position, expected_wait_weeks(position, capacity.places))
    return positions


def describe(capacity: ServiceCapacity | None, *, now: dt.datetime | None = None) -> dict:
    """Places available now, by mode: ``free`` (total: places left; weekly: left this week),
    ``queue`` and ``next_wait_weeks`` (waiting list: its length and the expected wait for a
    person accepted now)."""
    if capacity is None:
        return {"mode": None, "places": None, "free": None, "queue": None,
                "next_wait_weeks": None}
    row = {"mode": capacity.get_mode_display(), "places": capacity.places, "free": None,
           "queue": None, "next_wait_weeks": None}
    if capacity.mode == CapacityMode.TOTAL:
        row["free"] = capacity.free
    elif capacity.mode == CapacityMode.WEEKLY:
        used = accepted_this_week(capacity, now=now)
        row["free"] = max(capacity.places - used, 0)
    else:
        queue = waiting_list(capacity).count()
        row["queue"] = queue
        row["next_wait_weeks"] = expected_wait_weeks(queue + 1, capacity.places)
    return row


def service_capacity(onward, *, now: dt.datetime | None = None) -> list[dict]:
    """Per service the given onward referrals went to: demand (waiting for an answer, accepted,
    declined), places available now (:func:`describe`), and the median days from onward
    referral to acceptance."""
    grouped = (
        onward.values("provider_id", "provider__name", "service_id", "service_name")
        .annotate(waiting=Count("pk", filter=Q(status=OnwardReferral.Status.SENT)),
                  accepted=Count("pk", filter=Q(status=OnwardReferral.Status.ACCEPTED)),
                  declined=Count("pk", filter=Q(status=OnwardReferral.Status.DECLINED)))
        .order_by("provider__name", "service_name", "service_id")
    )
    capacities = {capacity_key(c): c for c in ServiceCapacity.objects.all()}
    times: dict[tuple, list] = defaultdict(list)
    for provider_id, service_id, name, sent, responded in onward.filter(
            status=OnwardReferral.Status.ACCEPTED).values_list(
            "provider_id", "service_id", "service_name", "sent_at", "responded_at"):
        key = (provider_id, service_id, "") if service_id else (provider_id, None, name)
        times[key].append((sent, responded))
    merged: dict[tuple, dict] = {}  # a map service sent to under two names is one service
    for row in grouped:
        key = ((row["provider_id"], row["service_id"], "") if row["service_id"]
               else (row["provider_id"], None, row["service_name"]))
        if key in merged:
            for count in ("waiting", "accepted", "declined"):
                merged[key][count] += row[count]
        else:
            merged[key] = dict(row)
    rows = []
    for key, row in merged.items():
        capacity = capacities.get(key)
        rows.append({
            "provider": row["provider__name"],
            "service": capacity.service_name if capacity is not None else row["service_name"],
            **describe(capacity, now=now),
            "waiting": row["waiting"], "accepted": row["accepted"], "declined": row["declined"],
            "median_days_to_accept": median_days(times[key]),
        })
    return rows


def area_capacity(referrals, *, now: dt.datetime | None = None) -> dict:
    """Demand against places per local authority (the scheme's area), counts published through
    :mod:`.disclosure`.

    ``demand``: open referrals by need, one row per area with its total (primary and
    secondary suppression per row, :func:`rescomm.stats.suppress_small`; no column totals are
    published). ``supply``: per area, onward referrals sent (the row's total), waiting for an
    answer, accepted and declined (suppressed per row); places per week (weekly services
    plus people started per week on waiting lists) and free places in total-mode services, of
    providers based in the area (not people: never suppressed); people on waiting lists
    ("fewer than 5" for 1 to 4); median days from onward referral to acceptance (given only
    when 5 or more were accepted). ``demand_note`` and ``supply_note`` explain the hidden
    counts of each table.
    """
    from rescomm.web.areas.public import local_authority_names

    open_referrals = referrals.exclude(status__in=[Status.DECLINED, Status.CLOSED])
    need_counts: dict[str, Counter] = defaultdict(Counter)
    for lad, needs in open_referrals.values_list("scheme__lad_code", "needs"):
        need_counts[lad or ""].update(needs)
    onward = OnwardReferral.objects.filter(referral__in=referrals)
    sent = {r["referral__scheme__lad_code"] or "": r for r in onward.values(
        "referral__scheme__lad_code").annotate(
        waiting=Count("pk", filter=Q(status=OnwardReferral.Status.SENT)),
        accepted=Count("pk", filter=Q(status=OnwardReferral.Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=OnwardReferral.Status.DECLINED)))}
    areas = sorted(set(need_counts) | set(sent))
    names = local_authority_names(areas)
    labels = [names.get(area, area or "Not known") for area in areas]

    needs = [need_label(code) for code in NEED_CODES]
    demand_rows = [
        {"area": row["label"], "counts": row["counts"], "total": row["total"],
         "cells": list(zip(needs, row["counts"], strict=True))}
        for row in disclosure.grid(
            labels, [[need_counts[a].get(code, 0) for code in NEED_CODES] for a in areas])]
    supply_rows = []  # onward referrals: waiting, accepted, declined (one suppressed row)
    capacities = list(ServiceCapacity.objects.select_related("provider"))
    for area, label in zip(areas, labels, strict=True):
        row = sent.get(area, {"waiting": 0, "accepted": 0, "declined": 0})
        counts = disclosure.one_way(["waiting", "accepted", "declined"],
                                    [row["waiting"], row["accepted"], row["declined"]])
        shown = dict(counts["rows"])
        local = [c for c in capacities if c.provider.lad_code == area]
        weekly = sum(c.places for c in local if c.mode != CapacityMode.TOTAL)
        free_total = sum(c.free for c in local if c.mode == CapacityMode.TOTAL)
        queued = sum(waiting_list(c).count() for c in local
                     if c.mode == CapacityMode.WAITING_LIST)
        accepted = onward.filter(referral__scheme__lad_code=area,
                                 status=OnwardReferral.Status.ACCEPTED)
        median = median_days(accepted.values_list("sent_at", "responded_at")) \
            if row["accepted"] >= disclosure.THRESHOLD else None
        supply_rows.append({
            "area": label, "sent": counts["total"], "waiting": shown["waiting"],
            "accepted": shown["accepted"], "declined": shown["declined"],
            "places_per_week": weekly, "free_places": free_total,
            "queued": disclosure.small(queued), "median_days_to_accept": median,
        })
    return {"needs": needs, "demand": demand_rows,
            "demand_note": disclosure.grid_note(demand_rows),
            "supply": supply_rows,
            "supply_note": disclosure.note(
                c for r in supply_rows
                for c in (r["sent"], r["waiting"], r["accepted"], r["declined"], r["queued"])),
            }


__all__ = [
    "accepted_this_week", "area_capacity", "capacity_for", "capacity_key", "describe",
    "expected_wait_weeks", "median_days", "onward_of", "queue_positions", "service_capacity",
    "waiting_list", "week_start",
]
