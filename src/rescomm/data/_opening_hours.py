"""Opening hours written as ``HH:MM-HH:MM`` sessions, and weekly opening-time rules.

The text format is the one of the Public Library Open Data schema (Libraries Hacked), which
follows Google Business Profile hours: one value per day, sessions on the 24-hour clock joined
by commas, e.g. ``"09:00-19:00"`` or ``"10:00-13:00,14:00-17:00"`` (closed for lunch); a blank
day means "not given". :func:`parse_sessions` reads one such value; :func:`weekly_rules` turns
rows of (day, opens, closes) into the weekly rules the web app stores as HSDS ``Schedule`` rows
(``{"byday": "MO,WE", "opens_at": "09:00", "closes_at": "19:00"}``).

Midnight and 24:00
    A session must close later on the same day than it opens. ``24:00`` is accepted as a closing
    time only, meaning the end of the day, and is stored as ``23:59`` (the HSDS/ORUK time type
    and the web app's ``Schedule`` hold times of day, which stop at 23:59; reporting one minute
    less never claims an opening that did not happen). A session that closes at or before it
    opens (``10:00-09:00``, ``19:00-00:00``, ``07:00-02:00``) is an error, not a session past
    midnight: in this data the two cannot be told apart, and every such value in the UK file
    is a typing slip (a library open from 7 am to 2 am). Write such a session as two, one each
    side of midnight, on consecutive days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: iCalendar day codes (RFC 5545 ``BYDAY``), Monday first, as HSDS/ORUK schedules use them.
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Day names (as the Libraries Hacked columns spell them) -> day code.
DAY_NAMES = dict(zip(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                      "Sunday"), DAY_CODES, strict=True))

_SESSION = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def _minutes(hours: str, minutes: str, *, closing: bool) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and (m != 0 or not closing)):
        raise ValueError(f"{hours}:{minutes} is not a time of day (00:00 to 23:59; 24:00 only "
                         "as a closing time)")
    return h * 60 + m


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_sessions(text: str) -> list[tuple[str, str]]:
    """Read one day's opening hours: ``"10:00-13:00,14:00-17:00"`` -> ``[("10:00", "13:00"),
    ("14:00", "17:00")]``.

    Times are ``HH:MM`` on the 24-hour clock, two digits each; spaces around ``-`` and ``,`` are
    ignored. A closing time of ``24:00`` becomes ``"23:59"`` (see the module notes).

    Parameters
    ----------
    text : str
        One day's value; blank means no sessions.

    Returns
    -------
    list of (opens_at, closes_at)
        ``HH:MM`` strings, in the order written.

    Raises
    ------
    ValueError
        If a session is not ``HH:MM-HH:MM`` (e.g. ``"1:00-18:00"``, ``"08.30-17:00"``), a time
        is impossible (``"25:00"``), a session does not close after it opens
        (``"10:00-09:00"``), or sessions overlap or are out of order. The message says which
        session and why.
    """
    out: list[tuple[str, str]] = []
    last_close = -1
    for raw in str(text).split(","):
        session = re.sub(r"\s+", "", raw)
        if not session:
            if str(text).strip():
                raise ValueError(f"empty session in {text!r}: separate sessions with one comma")
            continue
        match = _SESSION.match(session)
        if not match:
            raise ValueError(f"{raw.strip()!r} is not HH:MM-HH:MM (24-hour clock, two-digit "
                             "hours, e.g. 09:00-17:00)")
        opens = _minutes(match[1], match[2], closing=False)
        closes = _minutes(match[3], match[4], closing=True)
        if closes <= opens:
            raise ValueError(f"{session!r} closes at or before it opens (a session must end "
                             "later on the same day; one past midnight is two sessions)")
        if opens < last_close:
            raise ValueError(f"{session!r} starts before the previous session ends: write "
                             "sessions in time order without overlaps")
        last_close = closes
        out.append((_hhmm(opens), _hhmm(min(closes, 23 * 60 + 59))))
    return out


def weekly_rules(rows: Iterable[tuple[str, str, str]]) -> list[dict[str, str]]:
    """Weekly opening-time rules from ``(day code, opens_at, closes_at)`` rows.

    Days with the same session share one rule, e.g. Monday and Wednesday 09:00-19:00 ->
    ``{"byday": "MO,WE", "opens_at": "09:00", "closes_at": "19:00"}``: the record format of
    the web app's importer (one HSDS ``Schedule`` per rule). Lossless: expanding the rules back
    to days gives the rows again. Rules are ordered by their first day, then opening time.
    """
    days: dict[tuple[str, str], set[str]] = {}
    for day, opens, closes in rows:
        if day not in DAY_CODES:
            raise ValueError(f"unknown day code {day!r}: use {', '.join(DAY_CODES)}")
        days.setdefault((opens, closes), set()).add(day)
    rules = [{"byday": ",".join(d for d in DAY_CODES if d in ds), "opens_at": o, "closes_at": c}
             for (o, c), ds in days.items()]
    return sorted(rules, key=lambda r: (DAY_CODES.index(r["byday"][:2]), r["opens_at"]))
