"""Spine charts as accessible SVG (server-rendered, no JavaScript), and profile definitions.

One row per indicator, drawn as Fingertips draws it: England's value is the centre line; a
light grey bar spans the comparison areas from the worst (left) to the best (right), a dark
grey bar their 25th to 75th percentiles; the area's value is a marker whose colour *and* shape
say its significance (:data:`OUTCOME_STYLES`), the region's (when there is one) a hollow
triangle. Every SVG has a ``<title>`` and ``<desc>`` holding the numbers in words.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from importlib import resources

import yaml

from ._benchmark import NOT_COMPARED, SpineScale, outcome_style

__all__ = ["ProfileDefinition", "ProfileIndicator", "SpineRow", "format_value", "load_profiles",
           "marker_svg", "spine_chart_svg", "spine_row_svg"]


@dataclass(frozen=True)
class SpineRow:
    """What one row of a spine chart shows (the same numbers as its data table's row)."""

    indicator: str
    period: str
    area_name: str
    value: float | None
    outcome: str
    scale: SpineScale | None
    region_value: float | None = None
    region_name: str = ""
    value_text: str = ""
    england_text: str = ""


def format_value(x: float | None) -> str:
    """A value as profiles show it: one decimal place (three significant figures below 1)."""
    if x is None or x != x:
        return "no value"
    if abs(x) < 1 and x != 0:
        return f"{x:.3g}"
    return f"{x:,.1f}"


_num = format_value


def marker_svg(shape: str, cx: float, cy: float, r: float, fill: str) -> str:
    """One marker shape as SVG elements (dark outline so light fills stay visible)."""
    stroke = 'stroke="#0b0c0c" stroke-width="1.5"'
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{fill}" {stroke}/>'
    if shape == "ring":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r - 1:.1f}" fill="#ffffff" {stroke}/>'
    if shape == "square":
        s = r * 0.9
        return (f'<rect x="{cx - s:.1f}" y="{cy - s:.1f}" width="{2 * s:.1f}" '
                f'height="{2 * s:.1f}" fill="{fill}" {stroke}/>')
    corners = {
        "diamond": [(0, -r), (r, 0), (0, r), (-r, 0)],
        "triangle-up": [(0, -r), (r, 0.8 * r), (-r, 0.8 * r)],
        "triangle-down": [(0, r), (r, -0.8 * r), (-r, -0.8 * r)],
    }.get(shape)
    if corners is None:
        raise ValueError(f"unknown marker shape {shape!r}")
    pts = " ".join(f"{cx + dx:.1f},{cy + dy:.1f}" for dx, dy in corners)
    return f'<polygon points="{pts}" fill="{fill}" {stroke}/>'


def row_description(row: SpineRow) -> str:
    """The row's numbers in words (the SVG's ``<desc>``)."""
    if row.scale is None:
        return f"{row.area_name}: {_num(row.value)}; no England value or comparison areas."
    s = row.scale
    ends = ("worst", "best") if s.judged else ("lowest", "highest")
    text = (f"{row.area_name} {_num(row.value)}, {outcome_style(row.outcome).words}; "
            f"England {_num(s.england)}; {ends[0]} {_num(s.worst)}, "
            f"25th percentile {_num(s.q25)}, 75th percentile {_num(s.q75)}, "
            f"{ends[1]} {_num(s.best)} of {s.areas} areas.")
    if row.region_value is not None:
        text += f" {row.region_name or 'Region'} {_num(row.region_value)}."
    return text


def _row_marks(row: SpineRow, x0: float, width: float, y: float, h: float) -> list[str]:
    """The bars, centre line and markers of one row, in a band ``y`` .. ``y + h``."""
    out = []
    s = row.scale
    mid = y + h / 2
    if s is None:
        out.append(f'<text x="{x0 + width / 2:.1f}" y="{mid + 4:.1f}" text-anchor="middle" '
                   f'font-size="11" fill="#0b0c0c">no data to compare</text>')
        return out
    left, right = sorted((s.position(s.worst), s.position(s.best)))
    out.append(f'<rect x="{x0 + left * width:.1f}" y="{y + h * 0.2:.1f}" '
               f'width="{(right - left) * width:.1f}" height="{h * 0.6:.1f}" fill="#dddddd"/>')
    p25, p75 = sorted((s.position(s.q25), s.position(s.q75)))
    out.append(f'<rect x="{x0 + p25 * width:.1f}" y="{y + h * 0.2:.1f}" '
               f'width="{max(1.0, (p75 - p25) * width):.1f}" height="{h * 0.6:.1f}" '
               f'fill="#8a8a8a"/>')
    cx = x0 + width / 2
    out.append(f'<line x1="{cx:.1f}" y1="{y:.1f}" x2="{cx:.1f}" y2="{y + h:.1f}" '
               f'stroke="#0b0c0c" stroke-width="2"/>')
    if row.region_value is not None:
        rx = x0 + s.position(row.region_value) * width
        out.append(f'<polygon points="{rx:.1f},{y + 1:.1f} {rx + 5:.1f},{mid + 4:.1f} '
                   f'{rx - 5:.1f},{mid + 4:.1f}" fill="none" stroke="#d4351c" '
                   f'stroke-width="2"/>')
    pos = s.position(row.value)
    if pos is not None:
        style = outcome_style(row.outcome)
        out.append(marker_svg(style.shape, x0 + pos * width, mid, h * 0.32, style.fill))
    return out


def spine_row_svg(row: SpineRow, *, width: int = 240, height: int = 26, ident: str) -> str:
    """One indicator's spine as a small inline SVG (``role="img"``, with title and desc)."""
    title = f"Spine chart: {row.indicator}, {row.period}"
    body = _row_marks(row, 6, width - 12, 2, height - 4)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="spine" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{ident}-t {ident}-d">'
            f'<title id="{ident}-t">{escape(title)}</title>'
            f'<desc id="{ident}-d">{escape(row_description(row))}</desc>'
            + "".join(body) + "</svg>")


def spine_chart_svg(rows: Sequence[SpineRow], *, title: str, caption: str,
                    width: int = 960) -> str:
    """The whole profile's spine chart as one standalone SVG document (the download):
    indicator names and values on the left, the spines on the right, a key and the caption
    (which areas the bars summarise) at the foot."""
    row_h, top, label_w, value_w = 30, 56, 470, 110
    spine_x, spine_w = label_w + value_w, width - label_w - value_w - 16
    caption_lines = len(textwrap.wrap(caption, width=max(40, width // 6))) + 1
    height = top + row_h * max(1, len(rows)) + 60 + 16 * caption_lines
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-t chart-d" '
             f'font-family="Arial, sans-serif">',
             f'<title id="chart-t">{escape(title)}</title>',
             f'<desc id="chart-d">{escape(caption)} '
             + escape(" ".join(f"{r.indicator} ({r.period}): {row_description(r)}" for r in rows))
             + "</desc>",
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<text x="8" y="22" font-size="16" font-weight="bold" fill="#0b0c0c">'
             f'{escape(title)}</text>',
             f'<text x="8" y="{top - 8}" font-size="12" font-weight="bold">'
             f'Indicator (period)</text>',
             f'<text x="{label_w + value_w - 8}" y="{top - 8}" font-size="12" font-weight="bold" '
             f'text-anchor="end">Value</text>',
             f'<text x="{spine_x}" y="{top - 8}" font-size="12" font-weight="bold">Worse / lower'
             f'</text>',
             f'<text x="{spine_x + spine_w / 2}" y="{top - 8}" font-size="12" font-weight="bold" '
             f'text-anchor="middle">England</text>',
             f'<text x="{spine_x + spine_w}" y="{top - 8}" font-size="12" font-weight="bold" '
             f'text-anchor="end">Better / higher</text>']
    for i, row in enumerate(rows):
        y = top + i * row_h
        name = f"{row.indicator} ({row.period})"
        if len(name) > 78:
            name = name[:76] + "…"
        fill = "#f3f2f1" if i % 2 == 0 else "#ffffff"
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{row_h}" fill="{fill}"/>')
        parts.append(f'<text x="8" y="{y + 19}" font-size="12" fill="#0b0c0c">'
                     f'{escape(name)}</text>')
        parts.append(f'<text x="{label_w + value_w - 8}" y="{y + 19}" font-size="12" '
                     f'text-anchor="end" fill="#0b0c0c">'
                     f'{escape(row.value_text or _num(row.value))}</text>')
        parts.extend(_row_marks(row, spine_x, spine_w, y + 3, row_h - 6))
    y = top + row_h * max(1, len(rows)) + 22
    x = 8
    for outcome in ("better", "similar", "worse", "higher", "lower", NOT_COMPARED):
        style = outcome_style(outcome)
        parts.append(marker_svg(style.shape, x + 6, y - 4, 6, style.fill))
        parts.append(f'<text x="{x + 16}" y="{y}" font-size="11">{escape(style.words)}</text>')
        x += 150
    lines = [*textwrap.wrap(caption, width=max(40, width // 6)),
             "Light grey bar: worst to best area; dark grey: 25th to 75th percentile; "
             "black line: England."]
    for n, line in enumerate(lines):
        parts.append(f'<text x="8" y="{y + 24 + 16 * n}" font-size="11">{escape(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- profiles
@dataclass(frozen=True)
class ProfileIndicator:
    """One indicator of a profile and which of its breakdowns to show."""

    indicator_id: str
    sex: str = "Persons"
    age: str = ""  # empty: the indicator's only age (an error in the page if it has several)


@dataclass(frozen=True)
class ProfileDefinition:
    slug: str
    name: str
    description: str
    indicators: tuple[ProfileIndicator, ...] = field(default_factory=tuple)


PROFILE_KEYS = {"slug", "name", "description", "indicators"}
INDICATOR_KEYS = {"id", "sex", "age"}


def load_profiles(text: str | None = None) -> dict[str, ProfileDefinition]:
    """The named profiles (``profiles.yaml`` bundled with rescomm, or ``text``), by slug.

    Raises ``ValueError`` naming the profile and key for an unknown key, a missing slug, name
    or indicator id, or a slug used twice."""
    if text is None:
        text = resources.files("rescomm.indicators").joinpath("profiles.yaml").read_text(
            encoding="utf-8")
    doc = yaml.safe_load(text) or {}
    out: dict[str, ProfileDefinition] = {}
    for n, item in enumerate(doc.get("profiles") or [], start=1):
        where = f"profile {n}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected a mapping with slug, name, indicators")
        unknown = set(item) - PROFILE_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}; "
                             f"known: {sorted(PROFILE_KEYS)}")
        slug, name = str(item.get("slug") or ""), str(item.get("name") or "")
        if not slug or not name:
            raise ValueError(f"{where}: needs a slug and a name")
        if slug in out:
            raise ValueError(f"{where}: slug {slug!r} is used twice")
        indicators = []
        for m, ind in enumerate(item.get("indicators") or [], start=1):
            ind = ind if isinstance(ind, dict) else {"id": ind}
            bad = set(ind) - INDICATOR_KEYS
            if bad or not ind.get("id"):
                raise ValueError(f"profile {slug!r}, indicator {m}: needs an id; "
                                 f"unknown key(s) {sorted(bad)}" if bad else
                                 f"profile {slug!r}, indicator {m}: needs an id")
            indicators.append(ProfileIndicator(str(ind["id"]), str(ind.get("sex", "Persons")),
                                               str(ind.get("age", ""))))
        if not indicators:
            raise ValueError(f"profile {slug!r}: lists no indicators")
        out[slug] = ProfileDefinition(slug, name, str(item.get("description") or ""),
                                      tuple(indicators))
    return out
