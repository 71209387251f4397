"""Opening times of a service: weekly sessions read from its HSDS ``schedule`` rows.

Pure functions over :class:`Session` values (no database): :func:`sessions` turns schedule rows
(anything with ``byday``, ``opens_at``, ``closes_at``, ``valid_from``, ``valid_to``) into
sessions valid on a date; :func:`open_during` says whether a service is open on chosen days in
a chosen part of the day; :func:`next_opening` gives the next time it opens (or that it is open
now); :func:`summary` writes the week in a short line ("Mon, Wed 10:00-12:00; Sat 09:30-13:00").

Only weekly rules are read (``freq`` WEEKLY, the only rule the asset map stores). A session that
overlaps a part of the day by at least one minute counts as open in it. Times are wall-clock
local time (the schedule's own); no time zone arithmetic is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from rescomm.data import DAY_CODES

#: HSDS/iCal day codes, Monday first (``date.weekday()`` order).
DAYS = DAY_CODES
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                            "Sunday"), strict=True))
SHORT_NAMES = {code: name[:3] for code, name in DAY_NAMES.items()}

#: Parts of the day a person may be free, as ``[start, end)`` wall-clock times.
PARTS_OF_DAY: dict[str, tuple[dt.time, dt.time, str]] = {
    "morning": (dt.time(0, 0), dt.time(12, 0), "Morning (before 12:00)"),
    "afternoon": (dt.time(12, 0), dt.time(17, 0), "Afternoon (12:00 to 17:00)"),
    "evening": (dt.time(17, 0), dt.time(23, 59, 59), "Evening (after 17:00)"),
}


@dataclass(frozen=True, order=True)
class Session:
    """One weekly opening: ``day`` (MO..SU) from ``opens`` to ``closes`` (``closes`` after
    ``opens``; a missing closing time is read as open until the end of the day)."""

    day: str
    opens: dt.time
    closes: dt.time

    @property
    def weekday(self) -> int:
        return DAYS.index(self.day)


def sessions(rows: Iterable, on: dt.date | None = None) -> list[Session]:
    """Weekly sessions of ``rows`` (schedule rows) valid on ``on`` (all rows when ``on`` is
    None), one per day listed in each row's ``byday``, sorted Monday first. Rows without days or
    an opening time say nothing about hours and are skipped; unknown day codes are skipped."""
    found: set[Session] = set()
    for row in rows:
        if (getattr(row, "freq", "WEEKLY") or "WEEKLY").upper() != "WEEKLY":
            continue
        if on is not None and (
            (row.valid_from is not None and on < row.valid_from)
            or (row.valid_to is not None and on > row.valid_to)
        ):
            continue
        if row.opens_at is None:
            continue
        closes = row.closes_at or dt.time(23, 59, 59)
        if closes <= row.opens_at:
            continue
        for day in (row.byday or "").split(","):
            day = day.strip().upper()
            if day in DAYS:
                found.add(Session(day, row.opens_at, closes))
    return sorted(found, key=lambda s: (s.weekday, s.opens, s.closes))


def open_during(week: list[Session], days: Iterable[str] = (),
                parts: Iterable[str] = ()) -> bool:
    """True if any session falls on one of ``days`` (all days when empty) and overlaps one of
    the ``parts`` of the day (:data:`PARTS_OF_DAY`; the whole day when empty).

    Raises
    ------
    ValueError
        An unknown day code or part of the day.
    """
    days = {d.upper() for d in days}
    parts = set(parts)
    if bad := sorted(days - set(DAYS)):
        raise ValueError(f"unknown day {bad[0]!r}: use {', '.join(DAYS)}")
    if bad := sorted(parts - set(PARTS_OF_DAY)):
        raise ValueError(f"unknown part of the day {bad[0]!r}: use {', '.join(PARTS_OF_DAY)}")
    windows = [PARTS_OF_DAY[p][:2] for p in parts] or [(dt.time(0, 0), dt.time(23, 59, 59))]
    return any(
        (not days or s.day in days) and any(s.opens < end and s.closes > start
                                            for start, end in windows)
        for s in week
    )


def next_opening(week: list[Session], now: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The session open at ``now`` or the next to open, as ``(opens, closes)`` datetimes
    (naive, wall clock, on or after ``now``'s date); None when ``week`` is empty."""
    if not week:
        return None
    today = now.date()
    clock = now.time().replace(tzinfo=None)
    for ahead in range(8):
        date = today + dt.timedelta(days=ahead)
        for s in week:
            if s.weekday != date.weekday() or (ahead == 0 and s.closes <= clock):
                continue
            return dt.datetime.combine(date, s.opens), dt.datetime.combine(date, s.closes)
    return None  # unreachable: every weekly session recurs within 7 days


def describe_next(week: list[Session], now: dt.datetime) -> str:
    """"Open now until 17:00", "Opens today at 14:00", "Opens Tuesday at 10:00", or ""."""
    found = next_opening(week, now)
    if found is None:
        return ""
    opens, closes = found
    naive_now = now.replace(tzinfo=None)
    if opens <= naive_now < closes:
        return f"Open now until {closes:%H:%M}"
    if opens.date() == naive_now.date():
        return f"Opens today at {opens:%H:%M}"
    if opens.date() == naive_now.date() + dt.timedelta(days=1):
        return f"Opens tomorrow at {opens:%H:%M}"
    return f"Opens {DAY_NAMES[DAYS[opens.weekday()]]} at {opens:%H:%M}"


def summary(week: list[Session]) -> str:
    """The week in one line: days with the same hours grouped, Monday first, e.g.
    ``"Mon, Wed 10:00-12:00; Sat 09:30-13:00"``; "" when no hours are known."""
    by_day: dict[str, list[Session]] = {}
    for s in week:
        by_day.setdefault(s.day, []).append(s)
    groups: dict[str, list[str]] = {}
    for day in DAYS:
        if day in by_day:
            hours = ", ".join(f"{s.opens:%H:%M}-{s.closes:%H:%M}" for s in by_day[day])
            groups.setdefault(hours, []).append(SHORT_NAMES[day])
    return "; ".join(f"{', '.join(days)} {hours}" for hours, days in groups.items())
