"""Server-rendered, accessible SVG charts (no JavaScript).

Each function returns an SVG string with ``role="img"``, a ``<title>`` and a ``<desc>`` that
says what the chart shows in words; every page that shows a chart also shows the same numbers
as a table (the accessible alternative). Text is escaped. Colours are from the GOV.UK palette
with at least 3:1 contrast against white for marks and 4.5:1 for text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

BLUE = "#1d70b8"
GREEN = "#00703c"
RED = "#d4351c"
GREY = "#505a5f"
BAND = "#dddddd"
TEXT = "#0b0c0c"


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> str:
    t, d = f"{ident}-title", f"{ident}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{t} {d}" class="chart" '
        f'style="max-width:{width}px" data-chart="{escape(ident)}">'
        f'<title id="{t}">{escape(title)}</title><desc id="{d}">{escape(desc)}</desc>'
        + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 14,
          weight: str = "normal", fill: str = TEXT) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{escape(str(text))}</text>')


def bar_chart(labels: list[str], values: list[int | None], *, title: str, desc: str,
              ident: str, hidden_labels: list[str] | None = None, colour: str = BLUE) -> str:
    """Horizontal bars, one per label; ``None`` is a hidden count, drawn as no bar with its
    entry in ``hidden_labels`` (e.g. "fewer than 5" or "hidden to protect privacy": the words
    the table beside the chart uses; "hidden" if not given). The scale starts at 0 (bar
    length is proportional to count)."""
    row, left, right, top = 28, 200, 70, 10
    width = 640
    height = top + row * max(len(labels), 1) + 10
    largest = max([v for v in values if v is not None] or [0]) or 1
    span = width - left - right
    notes = hidden_labels if hidden_labels is not None else ["hidden"] * len(values)
    body = []
    for i, (label, value, note) in enumerate(zip(labels, values, notes, strict=True)):
        y = top + i * row
        body.append(_text(left - 8, y + 18, label, anchor="end"))
        if value is None:
            body.append(_text(left + 4, y + 18, note, fill=GREY))
            continue
        length = span * value / largest
        body.append(f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
                    f'fill="{colour}"/>')
        body.append(_text(left + length + 6, y + 18, f"{value:,}"))
    return _svg(width, height, title, desc, body, ident)


def count_bar_chart(rows, *, title: str, desc: str, ident: str, colour: str = BLUE) -> str:
    """:func:`bar_chart` of ``(label, count)`` rows of published counts (objects with
    ``value``, None when hidden, and ``text``, what the table says), so that the chart and
    its table say the same."""
    return bar_chart([label for label, _ in rows], [c.value for _, c in rows],
                     hidden_labels=[c.text for _, c in rows], title=title, desc=desc,
                     ident=ident, colour=colour)


@dataclass(frozen=True)
class Pair:
    """One person's baseline and follow-up score (identified by reference only)."""

    label: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def verdict(change: float, threshold: float) -> str:
    """``improved`` (change >= threshold), ``deteriorated`` (<= -threshold), else
    ``no_reliable_change``."""
    if change >= threshold:
        return "improved"
    if change <= -threshold:
        return "deteriorated"
    return "no_reliable_change"


def dumbbell_chart(pairs: list[Pair], *, threshold: float, low: float, high: float,
                   title: str, desc: str, ident: str) -> str:
    """One row per person: a grey band of +/- ``threshold`` around the baseline (changes inside
    it are not reliable), a hollow circle at the baseline, a filled circle at the follow-up,
    joined by a line coloured by the verdict (green improved, red deteriorated, grey no
    reliable change). The x axis runs from ``low`` to ``high`` (the score's range)."""
    row, left, right, top = 26, 110, 20, 34
    width = 640
    height = top + row * max(len(pairs), 1) + 30
    span = width - left - right

    def x(score: float) -> float:
        return left + span * (min(max(score, low), high) - low) / (high - low)

    body = []
    ticks = range(int(low), int(high) + 1, 7 if high - low > 20 else 2)
    for tick in ticks:
        body.append(f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" '
                    f'y2="{height - 24}" stroke="#b1b4b6" stroke-width="1"/>')
        body.append(_text(x(tick), height - 8, str(tick), anchor="middle", size=12))
    body.append(_text(left, 16, "Hollow: baseline. Filled: follow-up. Grey band: within "
                                f"±{threshold} points (no reliable change).", size=12))
    colours = {"improved": GREEN, "deteriorated": RED, "no_reliable_change": GREY}
    for i, pair in enumerate(pairs):
        y = top + i * row + row / 2
        colour = colours[verdict(pair.change, threshold)]
        band_from, band_to = x(pair.before - threshold), x(pair.before + threshold)
        body.append(f'<rect x="{band_from:.1f}" y="{y - 8:.1f}" width="{band_to - band_from:.1f}"'
                    f' height="16" fill="{BAND}"/>')
        body.append(_text(left - 8, y + 5, pair.label, anchor="end", size=13))
        body.append(f'<line x1="{x(pair.before):.1f}" y1="{y:.1f}" x2="{x(pair.after):.1f}" '
                    f'y2="{y:.1f}" stroke="{colour}" stroke-width="3"/>')
        body.append(f'<circle cx="{x(pair.before):.1f}" cy="{y:.1f}" r="5" fill="#ffffff" '
                    f'stroke="{colour}" stroke-width="2"/>')
        body.append(f'<circle cx="{x(pair.after):.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
    return _svg(width, height, title, desc, body, ident)


def flow_chart(weeks: list[str], inflow: list[int], outflow: list[int], *, title: str,
               desc: str, ident: str) -> str:
    """Paired vertical bars per week: referrals in (blue) and finished (closed or declined,
    grey). The scale starts at 0."""
    left, bottom, top = 40, 40, 30
    width = 640
    height = 240
    largest = max([*inflow, *outflow, 1])
    slot = (width - left - 10) / max(len(weeks), 1)
    bar = max(min(slot / 2 - 3, 24), 2)
    plot = height - top - bottom

    def h(value: int) -> float:
        return plot * value / largest

    body = [
        f'<rect x="{left}" y="6" width="12" height="12" fill="{BLUE}"/>',
        _text(left + 16, 17, "Referrals in", size=12),
        f'<rect x="{left + 120}" y="6" width="12" height="12" fill="{GREY}"/>',
        _text(left + 136, 17, "Closed or declined", size=12),
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{TEXT}"/>',
        _text(left - 6, height - bottom + 4, "0", anchor="end", size=12),
        _text(left - 6, top + 4, f"{largest}", anchor="end", size=12),
    ]
    for i, (week, came, went) in enumerate(zip(weeks, inflow, outflow, strict=True)):
        x0 = left + i * slot + slot / 2
        body.append(f'<rect x="{x0 - bar:.1f}" y="{height - bottom - h(came):.1f}" '
                    f'width="{bar:.1f}" height="{h(came):.1f}" fill="{BLUE}"/>')
        body.append(f'<rect x="{x0:.1f}" y="{height - bottom - h(went):.1f}" width="{bar:.1f}" '
                    f'height="{h(went):.1f}" fill="{GREY}"/>')
        if len(weeks) <= 13 or i % 2 == 0:
            body.append(_text(x0, height - bottom + 16, week, anchor="middle", size=11))
    return _svg(width, height, title, desc, body, ident)
