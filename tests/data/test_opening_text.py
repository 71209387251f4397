"""Opening times in plain English (``rescomm.data.parse_opening_times``): common phrasings are
read, ambiguous ones refused with the part quoted; round trips and fuzzing as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rescomm.data import DAY_CODES, parse_opening_times, read_session, weekly_rules

WEEKDAYS = "MO,TU,WE,TH,FR"


def rule(byday: str, opens: str, closes: str) -> dict[str, str]:
    return {"byday": byday, "opens_at": opens, "closes_at": closes}


@pytest.mark.parametrize(("text", "rules"), [
    ("Wednesdays 2-4pm", [rule("WE", "14:00", "16:00")]),
    ("Mon-Fri 9am to 5pm", [rule(WEEKDAYS, "09:00", "17:00")]),
    ("Tue & Thu 10:00-12:30", [rule("TU,TH", "10:00", "12:30")]),
    ("weekdays 9-5", [rule(WEEKDAYS, "09:00", "17:00")]),
    ("Saturday 10 till 12 noon", [rule("SA", "10:00", "12:00")]),
    ("Fridays 11am until midday", [rule("FR", "11:00", "12:00")]),
    ("Mon-Sat 9-5, closed Sundays", [rule("MO,TU,WE,TH,FR,SA", "09:00", "17:00")]),
    ("daily 9-5 closed sundays", [rule("MO,TU,WE,TH,FR,SA", "09:00", "17:00")]),
    ("Sunday closed, Monday 9-5", [rule("MO", "09:00", "17:00")]),
    ("closed Saturday and Sunday; weekdays 9-5", [rule(WEEKDAYS, "09:00", "17:00")]),
    ("MO,TU 09:00-17:00; SA 10:00-12:00",
     [rule("MO,TU", "09:00", "17:00"), rule("SA", "10:00", "12:00")]),
    ("9am-5pm Monday to Friday", [rule(WEEKDAYS, "09:00", "17:00")]),
    ("9-5 Mon-Fri, 10-12 Sat", [rule(WEEKDAYS, "09:00", "17:00"), rule("SA", "10:00", "12:00")]),
    ("Mon 9-12, 1-5", [rule("MO", "09:00", "12:00"), rule("MO", "13:00", "17:00")]),
    ("Mon-Fri 9-5 except Wed", [rule("MO,TU,TH,FR", "09:00", "17:00")]),
    ("between 2 and 4 on Thursdays", [rule("TH", "14:00", "16:00")]),
    ("Fri-Mon 10-2", [rule("MO,FR,SA,SU", "10:00", "14:00")]),
    ("Wednesday's 2-4 p.m.", [rule("WE", "14:00", "16:00")]),
    ("open 7 days a week 8am-8pm", [rule(",".join(DAY_CODES), "08:00", "20:00")]),
    ("every day 10-4", [rule(",".join(DAY_CODES), "10:00", "16:00")]),
    ("Mon-Fri 0930-1700", [rule(WEEKDAYS, "09:30", "17:00")]),
    ("Mon 11-2pm", [rule("MO", "11:00", "14:00")]),
    ("Tue 9am-5", [rule("TU", "09:00", "17:00")]),
    ("Tue 7pm-9pm", [rule("TU", "19:00", "21:00")]),
    ("Mon 9am-midnight", [rule("MO", "09:00", "23:59")]),
    ("Mon to Fri: 9.30am - 4.30pm. Sat 10-1",
     [rule(WEEKDAYS, "09:30", "16:30"), rule("SA", "10:00", "13:00")]),
    ("Tuesdays and Thursdays 10am-12pm", [rule("TU,TH", "10:00", "12:00")]),
    ("Weekends 10:00 \u2013 16:00", [rule("SA,SU", "10:00", "16:00")]),
    ("", []),
    ("   ", []),
])
def test_common_phrasings_are_read(text, rules):
    assert parse_opening_times(text) == rules


@pytest.mark.parametrize(("text", "quoted", "why"), [
    ("Saturday mornings", "mornings", "say the times it opens and closes"),
    ("Tue 7-9", "7-9", "say whether 7 is am or pm"),
    ("by appointment", "appointment", "not a day, a time"),
    ("fortnightly on Mondays 9-5", "fortnightly", "not a day, a time"),
    ("TU 12:00-10:00", "12:00-10:00", "closes at 10:00, not after it opens at 12:00"),
    ("Mon 9-5, Mon 10-12", "10-12", "overlaps '9-5'"),
    ("Mon 9", "9", "a time needs another one"),
    ("9-5", "9-5", "say which days"),
    ("Monday", "monday", "say the times it opens and closes on these days"),
    ("Mon 25:00-26:00", "25:00", "not a time of day"),
    ("Mon 9:75-10", "9:75", "not a time of day"),
    ("Mon 13pm-14pm", "13pm", "not a time of day"),
    ("Mon midnight-9am", "midnight-9am", "midnight can only be a closing time"),
    ("Mon 9-5 #", "#", "no meaning"),
])
def test_what_cannot_be_read_without_guessing_is_refused_quoting_the_part(text, quoted, why):
    with pytest.raises(ValueError) as caught:
        parse_opening_times(text)
    assert f"could not read {quoted!r}" in str(caught.value)
    assert why in str(caught.value)


@pytest.mark.parametrize(("opens", "closes", "expected"), [
    ("9am", "5pm", ("09:00", "17:00")), ("09:00", "17:00", ("09:00", "17:00")),
    ("2", "4pm", ("14:00", "16:00")), ("noon", "2", ("12:00", "14:00")),
    ("10", "12 noon", ("10:00", "12:00")), ("9.30", "4.30", ("09:30", "16:30")),
    ("6pm", "midnight", ("18:00", "23:59")), ("2:30 PM", "4 p.m.", ("14:30", "16:00")),
])
def test_a_session_typed_in_two_fields_is_read(opens, closes, expected):
    assert read_session(opens, closes) == expected


@pytest.mark.parametrize(("opens", "closes", "message"), [
    ("", "5pm", "could not read ''"), ("nine", "5pm", "could not read 'nine'"),
    ("5pm", "9am", "not after it opens"), ("7", "9", "say whether 7 is am or pm"),
    ("9am", "Mon", "could not read 'Mon'"),
])
def test_a_session_that_cannot_be_read_says_which_field(opens, closes, message):
    with pytest.raises(ValueError, match=message):
        read_session(opens, closes)


_MINUTES = st.integers(min_value=0, max_value=23 * 60 + 59)


@st.composite
def weeks(draw) -> list[tuple[str, str, str]]:
    """(day, opens, closes) rows, sessions on a day apart from each other."""
    rows = []
    for day in draw(st.sets(st.sampled_from(DAY_CODES), max_size=7)):
        bounds = sorted(draw(st.sets(_MINUTES, min_size=2, max_size=6)))
        for start, end in zip(bounds[::2], bounds[1::2], strict=False):
            rows.append((day, f"{start // 60:02d}:{start % 60:02d}",
                         f"{end // 60:02d}:{end % 60:02d}"))
    return rows


def _twelve_hour(hhmm: str) -> str:
    hour, minute = (int(p) for p in hhmm.split(":"))
    meridiem = "am" if hour < 12 else "pm"
    return f"{(hour - 1) % 12 + 1}:{minute:02d}{meridiem}"


@given(weeks())
def test_the_rule_language_reads_back_as_written(rows):
    rules = weekly_rules(rows)
    text = "; ".join(f"{r['byday']} {r['opens_at']}-{r['closes_at']}" for r in rules)
    assert parse_opening_times(text) == rules


@given(weeks())
def test_english_with_am_and_pm_reads_back_as_written(rows):
    names = {"MO": "Mondays", "TU": "Tuesdays", "WE": "Wednesdays", "TH": "Thursdays",
             "FR": "Fridays", "SA": "Saturdays", "SU": "Sundays"}
    rules = weekly_rules(rows)
    text = ". ".join(
        " and ".join(names[d] for d in r["byday"].split(","))
        + f" from {_twelve_hour(r['opens_at'])} to {_twelve_hour(r['closes_at'])}"
        for r in rules)
    assert parse_opening_times(text) == rules


@given(st.text(max_size=60))
def test_any_text_gives_rules_or_a_value_error(text):
    try:
        rules = parse_opening_times(text)
    except ValueError as exc:
        assert str(exc).startswith("could not read ")
    else:
        for r in rules:
            assert set(r["byday"].split(",")) <= set(DAY_CODES)
            assert r["opens_at"] < r["closes_at"]
