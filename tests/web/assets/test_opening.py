"""Opening times read from weekly schedule rows (pure functions, no database)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from rescomm.web.assets.opening import (
    describe_next,
    next_opening,
    open_during,
    sessions,
    summary,
)


def row(byday: str, opens: str | None, closes: str | None, *, valid_from=None, valid_to=None,
        freq: str = "WEEKLY"):
    return SimpleNamespace(
        byday=byday, freq=freq, valid_from=valid_from, valid_to=valid_to,
        opens_at=dt.time.fromisoformat(opens) if opens else None,
        closes_at=dt.time.fromisoformat(closes) if closes else None)


LIBRARY = [row("MO,WE", "10:00", "12:00"), row("MO,WE", "13:00", "17:00"),
           row("SA", "09:30", "13:00")]
# 2026-11-30 is a Monday.
MONDAY = dt.date(2026, 11, 30)


def test_each_day_of_a_row_becomes_one_session_monday_first():
    week = sessions([row("SA,MO", "09:00", "10:00")])
    assert [s.day for s in week] == ["MO", "SA"]


def test_rows_outside_their_validity_or_without_hours_say_nothing():
    rows = [row("MO", "09:00", "10:00", valid_to=dt.date(2026, 1, 31)),
            row("TU", "09:00", "10:00", valid_from=dt.date(2027, 1, 1)),
            row("WE", None, None), row("TH", "10:00", "09:00"), row("FR", "09:00", "10:00",
                                                                    freq="MONTHLY"),
            row("XX", "09:00", "10:00")]
    assert sessions(rows, on=MONDAY) == []
    assert [s.day for s in sessions(rows[:2])] == ["MO", "TU"]  # no date: every row


def test_the_week_is_summarised_with_days_of_the_same_hours_grouped():
    assert summary(sessions(LIBRARY)) == "Mon, Wed 10:00-12:00, 13:00-17:00; Sat 09:30-13:00"
    assert summary([]) == ""


@pytest.mark.parametrize(("days", "parts", "expected"), [
    ((), (), True),
    (("TU",), (), False),
    (("SA",), ("morning",), True),
    (("SA",), ("afternoon",), True),   # 09:30-13:00 overlaps 12:00-17:00
    (("SA",), ("evening",), False),
    (("MO", "TU"), ("evening",), False),
    ((), ("afternoon",), True),
])
def test_open_during_chosen_days_and_parts_of_the_day(days, parts, expected):
    assert open_during(sessions(LIBRARY), days, parts) is expected


def test_a_session_ending_as_a_part_of_the_day_begins_is_not_open_in_it():
    assert not open_during(sessions([row("MO", "09:00", "12:00")]), ["MO"], ["afternoon"])


def test_unknown_days_and_parts_are_refused_by_name():
    with pytest.raises(ValueError, match="unknown day 'XX'"):
        open_during([], ["XX"])
    with pytest.raises(ValueError, match="unknown part of the day 'night'"):
        open_during([], [], ["night"])


def test_the_next_opening_is_now_later_today_or_a_later_day():
    week = sessions(LIBRARY)
    at = dt.datetime.combine(MONDAY, dt.time(11, 0))
    assert describe_next(week, at) == "Open now until 12:00"
    assert describe_next(week, at.replace(hour=12, minute=30)) == "Opens today at 13:00"
    assert describe_next(week, at.replace(hour=18)) == "Opens Wednesday at 10:00"
    tuesday = dt.datetime.combine(MONDAY + dt.timedelta(days=1), dt.time(20, 0))
    assert describe_next(week, tuesday) == "Opens tomorrow at 10:00"
    sunday = dt.datetime.combine(MONDAY + dt.timedelta(days=6), dt.time(8, 0))
    assert next_opening(week, sunday) == (dt.datetime(2026, 12, 7, 10, 0),
                                          dt.datetime(2026, 12, 7, 12, 0))
    assert describe_next([], at) == ""


def test_a_weekly_session_already_over_today_recurs_next_week():
    week = sessions([row("MO", "09:00", "10:00")])
    opens, _ = next_opening(week, dt.datetime.combine(MONDAY, dt.time(10, 0)))
    assert opens == dt.datetime(2026, 12, 7, 9, 0)
