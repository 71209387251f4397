"""Opening times written the way people write them: "Wednesdays 2-4pm", "Mon-Fri 9am to 5pm",
"Tue & Thu 10:00-12:30", "weekdays 9-5, closed Sundays", "Saturday 10 till 12 noon".

:func:`parse_opening_times` reads such a text into weekly rules in the record shape the web
app stores (one HSDS/ORUK ``regular_schedule`` each: ``{"byday": "MO,WE", "opens_at": "09:00",
"closes_at": "17:00"}``, see :func:`rescomm.data.weekly_rules`); :func:`read_session` reads one
opening and one closing time typed in two form fields ("9am", "17:00", "noon").

What is read
    Days: full names, three-letter and common short forms ("Tues", "Thurs", "Weds"), plurals
    ("Wednesdays"), the two-letter codes (``MO`` ... ``SU``), ranges ("Mon-Fri", "Monday to
    Friday", "Fri-Mon" wraps), lists joined by commas, "&", "and", "/" or "+", "weekdays",
    "weekends", "daily" and "every day". "except Tuesday" leaves days out of the same phrase;
    "closed Sundays" (or "Sunday closed") leaves them out of every phrase.

    Times: "9am", "9.30am", "2:30 pm", "14:00", "0930", "noon", "midday", "12 noon",
    "midnight" (closing only, stored as 23:59 as in :mod:`rescomm.data._opening_hours`);
    ranges with "-", "to", "till", "until" or "and" after "between". Several ranges may follow
    the days ("Mon 9-12, 1-5"); the times may come first ("9am-5pm Monday to Friday").
    Phrases are separated by days: "Mon-Fri 9-5, Sat 10-12" is two.

    A time without am or pm is read from the other end of its range ("2-4pm" is 14:00-16:00,
    "11-2pm" is 11:00-14:00, "9am-5" is 09:00-17:00). When neither end says, a two-digit hour
    written with minutes ("10:00", "09:30") is on the 24-hour clock; otherwise an opening hour
    from 8 to 11 is the morning, 12 is noon, and 1 to 6 the afternoon ("9-5" is 09:00-17:00,
    "2-4" is 14:00-16:00); a closing hour is the first one after the opening.

What is refused (:class:`ValueError`, the message quotes the part that could not be read)
    Parts of the day ("Saturday mornings": when does it open?), an opening at 7 with no am or
    pm (a breakfast club and an evening class both write "7-9"), a time with no other end, days
    with no times or times with no days, impossible times ("25:00", "9:75"), a range that does
    not close after it opens ("12:00-10:00"), overlapping sessions on one day, and any word not
    listed above ("by appointment", "fortnightly").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._opening_hours import DAY_CODES, weekly_rules

_DAY_WORDS: dict[str, str] = {}
for _code, _names in zip(DAY_CODES, (
        ("monday", "mon", "mo"), ("tuesday", "tue", "tues", "tu"),
        ("wednesday", "wed", "weds", "we"), ("thursday", "thu", "thur", "thurs", "th"),
        ("friday", "fri", "fr"), ("saturday", "sat", "sa"), ("sunday", "sun", "su")),
        strict=True):
    for _name in _names:
        _DAY_WORDS[_name] = _code
#: Words that stand for several days.
_DAY_GROUPS = {"weekdays": DAY_CODES[:5], "weekday": DAY_CODES[:5], "weekends": DAY_CODES[5:],
               "weekend": DAY_CODES[5:], "daily": DAY_CODES, "everyday": DAY_CODES}
#: Words that carry no meaning here.
_NOISE = {"on", "from", "every", "each", "open", "opens", "opening", "hours", "at", "the", "of",
          "only", "is", "are", "we", "re", "also", "a", "week", "times", "in", "day", "days",
          "s", "it", "between"}
_PARTS_OF_DAY = {"morning", "mornings", "afternoon", "afternoons", "evening", "evenings",
                 "lunchtime", "lunchtimes", "night", "nights", "teatime", "am", "pm"}
_RANGE_WORDS = {"to", "till", "til", "until", "-", "and"}
_JOIN_WORDS = {",", "&", "/", "+", "and"}

_TOKEN = re.compile(r"""
    (?P<time>\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)\b|\d{1,2}[:.]\d{2}|\d{3,4}(?!\d)|\d{1,2}(?!\d))
  | (?P<word>[a-z]+)
  | (?P<dash>[-\u2010-\u2015])
  | (?P<join>[,&/+])
  | (?P<space>[\s:()]+)
  | (?P<stop>[;\n.])
  | (?P<other>.)
""", re.X)


@dataclass
class _Time:
    text: str
    hour: int
    minute: int
    meridiem: str | None  # "am", "pm" or None
    clock24: bool  # written so that it can only be the 24-hour clock ("14:00", "09:30")
    noon: bool = False
    midnight: bool = False


@dataclass
class _Phrase:
    days: list[str] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)
    sessions: list[tuple[int, int, str]] = field(default_factory=list)  # opens, closes, text
    closed: bool = False
    times_first: bool = False
    complete: bool = False  # "Sunday closed": the next day starts a new phrase
    last_day: str = ""
    text: list[str] = field(default_factory=list)


def _bad(part: str, why: str) -> ValueError:
    return ValueError(f"could not read {part.strip()!r}: {why}")


def _time_token(text: str) -> _Time:
    raw = text
    meridiem = None
    match = re.search(r"(am|pm)$", text)
    if match:
        meridiem = match[1]
        text = text[:match.start()].strip()
    if re.fullmatch(r"\d{3,4}", text):  # 0930, 1700
        hour, minute, clock24 = int(text[:-2]), int(text[-2:]), True
    elif m := re.fullmatch(r"(\d{1,2})[:.](\d{2})", text):
        hour, minute = int(m[1]), int(m[2])
        clock24 = len(m[1]) == 2 and meridiem is None
    else:
        hour, minute, clock24 = int(text), 0, False
    if hour > 24 or minute > 59 or (meridiem and not 1 <= hour <= 12):
        raise _bad(raw, "not a time of day (use 00:00 to 23:59, or 1 to 12 with am or pm)")
    if hour >= 13 or (hour == 0 and meridiem is None):
        clock24 = True
    return _Time(raw, hour, minute, meridiem, clock24)


def _named_time(word: str) -> _Time:
    if word in ("noon", "midday"):
        return _Time(word, 12, 0, "pm", False, noon=True)
    return _Time(word, 0, 0, None, True, midnight=True)


def _minutes(t: _Time, meridiem: str | None) -> int:
    """Minutes after midnight of ``t`` read with ``meridiem`` (None: the 24-hour clock)."""
    if t.noon:
        return 12 * 60
    if t.midnight:
        return 24 * 60
    hour = t.hour
    if meridiem == "am":
        hour = 0 if hour == 12 else hour
    elif meridiem == "pm":
        hour = hour if hour == 12 else hour + 12
    return hour * 60 + t.minute


def _fixed(t: _Time) -> bool:
    return t.noon or t.midnight or t.clock24 or t.meridiem is not None


def _resolve(opens: _Time, closes: _Time, part: str) -> tuple[int, int]:
    """(opens, closes) in minutes after midnight, reading a missing am/pm from the other end
    (see the module notes)."""
    if opens.midnight:
        raise _bad(part, "midnight can only be a closing time (a session past midnight is "
                         "two, one on each day)")
    if _fixed(opens):
        start = _minutes(opens, opens.meridiem)
    elif _fixed(closes):
        end = _minutes(closes, closes.meridiem)
        candidates = [_minutes(opens, m) for m in ("am", "pm")]
        fitting = [c for c in candidates if c < end]
        # the latest opening before the close: "2-4pm" is 14:00, "11-2pm" is 11:00
        start = max(fitting) if fitting else candidates[0]
    elif opens.hour == 7:
        raise _bad(part, "say whether 7 is am or pm, e.g. '7pm-9pm'")
    else:
        start = _minutes(opens, "am" if 8 <= opens.hour <= 11 else "pm")
    if _fixed(closes):
        end = _minutes(closes, closes.meridiem)
    else:
        later = [c for c in (_minutes(closes, "am"), _minutes(closes, "pm")) if c > start]
        end = min(later) if later else _minutes(closes, "am")
    if end == 24 * 60 and closes.hour == 24 and closes.minute:
        raise _bad(part, "not a time of day")
    if end > 24 * 60:
        raise _bad(part, "not a time of day (use 00:00 to 23:59)")
    if end <= start:
        raise _bad(part, f"closes at {_hhmm(end)}, not after it opens at {_hhmm(start)}")
    return start, min(end, 23 * 60 + 59)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _tokens(text: str) -> list[tuple[str, str, object]]:
    """``(kind, original text, value)``: kinds ``day`` (list of codes), ``time``, ``range``,
    ``join``, ``stop``, ``closed``, ``except``."""
    lowered = text.lower().replace("'", "").replace("\u2019", "")
    lowered = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", lowered)
    lowered = re.sub(r"\b7\s+days(\s+a\s+week)?\b", "daily", lowered)
    lowered = re.sub(r"\bevery\s+day\b", "daily", lowered)
    lowered = re.sub(r"\b12\s*(noon|midday)\b", r"\1", lowered)
    lowered = re.sub(r"\b12\s*midnight\b", "midnight", lowered)
    lowered = re.sub(r"\bby\s+appointment\b", "appointment", lowered)
    out: list[tuple[str, str, object]] = []
    for match in _TOKEN.finditer(lowered):
        kind, value = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "time":
            out.append(("time", value, _time_token(value.replace(" ", ""))))
        elif kind == "dash":
            out.append(("range", value, None))
        elif kind == "join":
            out.append(("join", value, None))
        elif kind == "stop":
            # a full stop between digits was read as a time; alone it ends a phrase
            out.append(("stop", value, None))
        elif kind == "other":
            raise _bad(value, "this character has no meaning in opening times")
        else:
            out.append(_word(value))
    return out


def _word(word: str) -> tuple[str, str, object]:
    if word in _DAY_WORDS:
        return "day", word, [_DAY_WORDS[word]]
    if word.endswith("s") and word[:-1] in _DAY_WORDS and len(word) > 3:
        return "day", word, [_DAY_WORDS[word[:-1]]]
    if word in _DAY_GROUPS:
        return "group", word, list(_DAY_GROUPS[word])
    if word in ("noon", "midday", "midnight"):
        return "time", word, _named_time(word)
    if word in ("to", "till", "til", "until", "and", "through", "thru"):
        return "range" if word != "and" else "and", word, None
    if word in ("closed", "shut"):
        return "closed", word, None
    if word in ("except", "but", "not", "excluding", "excl"):
        return "except", word, None
    if word in _NOISE:
        return "noise", word, None
    if word in _PARTS_OF_DAY:
        raise _bad(word, "say the times it opens and closes, e.g. 'Saturday 9am-12pm' "
                         "rather than 'Saturday mornings'")
    raise _bad(word, "not a day, a time or a word used in opening times; write days and "
                     "times, e.g. 'Mon-Fri 9am-5pm; Sat 10am-12pm'")


def _day_range(first: str, last: str) -> list[str]:
    i, j = DAY_CODES.index(first), DAY_CODES.index(last)
    return [DAY_CODES[(i + k) % 7] for k in range((j - i) % 7 + 1)]


def parse_opening_times(text: str) -> list[dict[str, str]]:
    """Weekly opening-time rules from ``text`` written in plain English.

    Parameters
    ----------
    text : str
        For example ``"Wednesdays 2-4pm"``, ``"Mon-Fri 9am to 5pm; Sat 10-12"``,
        ``"weekdays 9-5, closed Sundays"``, or the rule language ``"MO,TU 09:00-17:00"``.
        Blank means no opening times.

    Returns
    -------
    list of dict
        ``{"byday", "opens_at", "closes_at"}`` rules (days with the same session share a rule),
        ordered by first day then opening time, as :func:`rescomm.data.weekly_rules` gives.

    Raises
    ------
    ValueError
        If any part cannot be read without guessing; the message quotes that part and says
        what to write instead (see the module notes).
    """
    tokens = _tokens(str(text or ""))
    phrases: list[_Phrase] = []
    current = _Phrase()
    mode = "days"  # where the next days go: "days", "except" or "closed"
    pending: _Time | None = None  # an opening time waiting for its closing time
    time_range = day_range = False
    last_kind = ""

    def close_phrase() -> _Phrase:
        nonlocal mode
        if current.days or current.sessions or current.closed:
            phrases.append(current)
        mode = "days"
        return _Phrase()

    def dangling() -> ValueError:
        return _bad(pending.text, "a time needs another one to say when it closes, "
                                  "e.g. '9am-5pm'")

    for kind, raw, value in tokens:
        if kind == "noise":
            continue
        if kind == "and":
            kind = "range" if pending is not None else "join"
        if kind in ("day", "group"):
            if pending is not None:
                raise dangling()
            # "Mon 9-5, Sat 10-12": a day after a phrase's times starts the next phrase;
            # "9-5 Tue, Thu" or "9am-5pm Monday to Friday": days after their times do not
            continues = current.times_first and last_kind in ("day", "group", "join", "range")
            if mode == "days" and (current.complete or (current.days and current.sessions
                                                        and not continues)):
                current = close_phrase()
            days = list(value)
            if kind == "day" and day_range:
                days = _day_range(current.last_day, value[0])
            if mode == "except":
                current.excluded.update(days)
            else:
                current.days.extend(d for d in days if d not in current.days)
            current.last_day = days[-1]
            current.text.append(raw)
            day_range = False
        elif kind == "time":
            if pending is None:
                if last_kind == "range":
                    raise _bad(raw, "a range needs a time before it")
                pending = value
            elif not time_range:
                raise dangling()
            else:
                part = f"{pending.text}-{raw}"
                start, end = _resolve(pending, value, part)
                if mode != "days" or current.closed:
                    raise _bad(part, "times cannot follow the days after 'closed' or "
                                     "'except': end that list with ';' first")
                if current.days and current.sessions and current.times_first:
                    current = close_phrase()
                if not current.days:
                    current.times_first = True
                current.sessions.append((start, end, part))
                pending, time_range = None, False
        elif kind == "range":
            if pending is not None:
                time_range = True
            elif last_kind == "day":
                day_range = True
            else:
                raise _bad(raw, "a range needs a day or a time before it")
        elif kind == "join":
            if pending is not None:
                raise dangling()
            if raw == "," and mode != "days":
                if mode == "closed":
                    current.complete = True
                mode = "days"
        elif kind == "stop":
            if pending is not None:
                raise dangling()
            current = close_phrase()
        elif kind == "closed":
            if current.days and not current.sessions and mode == "days":
                current.closed = current.complete = True  # "Sunday closed"
            else:
                current = close_phrase()
                current.closed = True
                mode = "closed"
        elif kind == "except":
            mode = "except"
        last_kind = kind
    if pending is not None:
        raise dangling()
    close_phrase()
    closed_days: set[str] = set()
    rows: list[tuple[str, int, int, str]] = []
    for phrase in phrases:
        if phrase.closed:
            if phrase.sessions:
                raise _bad(" ".join(phrase.text), "a closed day has no times")
            closed_days.update(phrase.days)
            continue
        if not phrase.sessions:
            raise _bad(" ".join(phrase.text), "say the times it opens and closes on these "
                                              "days, e.g. 'Saturday 10am-12pm'")
        if not phrase.days:
            raise _bad(", ".join(s[2] for s in phrase.sessions),
                       "say which days, e.g. 'Mon-Fri 9am-5pm'")
        for day in phrase.days:
            if day in phrase.excluded:
                continue
            for start, end, part in phrase.sessions:
                rows.append((day, start, end, part))
    rows = [r for r in rows if r[0] not in closed_days]
    by_day: dict[str, list[tuple[int, int, str]]] = {}
    for day, start, end, part in rows:
        sessions = by_day.setdefault(day, [])
        if (start, end) in {(s, e) for s, e, _ in sessions}:
            continue
        for s, e, other in sessions:
            if start < e and s < end:
                raise _bad(part, f"it overlaps {other!r} on the same day")
        sessions.append((start, end, part))
    if not by_day and not closed_days and str(text or "").strip():
        raise _bad(str(text), "found no days and times; write e.g. 'Mon-Fri 9am-5pm'")
    return weekly_rules((day, _hhmm(s), _hhmm(e)) for day in DAY_CODES
                        for s, e, _ in sorted(by_day.get(day, [])))


def read_session(opens: str, closes: str) -> tuple[str, str]:
    """One session typed in two fields ("9am" and "5pm", "09:00" and "17:00", "2" and
    "4pm"), as ``("HH:MM", "HH:MM")``, read as the range ``opens-closes`` is read by
    :func:`parse_opening_times`.

    Raises
    ------
    ValueError
        If either is not a time or the session does not close after it opens; the message
        quotes what was typed.
    """
    times = []
    for typed in (opens, closes):
        text = str(typed or "").strip().lower()
        text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text)
        text = re.sub(r"^12\s*(noon|midday|midnight)$", r"\1", text)
        if text in ("noon", "midday", "midnight"):
            times.append(_named_time(text))
            continue
        match = _TOKEN.fullmatch(text)
        if not text or not match or match.lastgroup != "time":
            raise ValueError(f"could not read {typed!r}: write a time like 9am, 2:30pm or "
                             "17:00")
        times.append(_time_token(text.replace(" ", "")))
    start, end = _resolve(times[0], times[1], f"{opens}-{closes}")
    return _hhmm(start), _hhmm(end)
