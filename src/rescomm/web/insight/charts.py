"""Small server-rendered SVG charts for the area profile: a rank with its uncertainty interval,
and the contribution of each indicator. Each chart has a text alternative (``<title>``) and
the same numbers are always in a table next to it; every value is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 300  # SVG user units; the SVG scales to its container
HEIGHT = 24


def _x(rank: float, n: int) -> float:
    """Position of ``rank`` (1 = worst, at the left) on a 0..WIDTH axis of ``n`` areas."""
    if n <= 1:
        return 0.0
    return round((rank - 1) / (n - 1) * WIDTH, 1)


def rank_interval_svg(
    *, rank: int, n: int, p05: float | None, p95: float | None, title: str
) -> SafeString:
    """An axis from rank 1 (the worst, at the left) to ``n``, the 5th-95th percentile interval as a
    bar and the published rank as a dot; ``title`` is the text alternative."""
    parts = [
        format_html(
            '<line class="rank-axis" x1="0" x2="{}" y1="12" y2="12"/>', WIDTH
        )
    ]
    if p05 is not None and p95 is not None:
        left, right = _x(p05, n), _x(p95, n)
        parts.append(
            format_html(
                '<rect class="rank-interval" x="{}" y="5" width="{}" height="14"/>',
                left,
                max(right - left, 2),
            )
        )
    parts.append(format_html('<circle class="rank-dot" cx="{}" cy="12" r="5"/>', _x(rank, n)))
    return format_html(
        '<svg class="rank-chart" xmlns="http://www.w3.org/2000/svg" viewBox="-6 0 {} {}" '
        'role="img" focusable="false"><title>{}</title>{}</svg>',
        WIDTH + 12,
        HEIGHT,
        title,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None


def contribution_bars_svg(bars: Sequence[Bar], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars of each indicator's contribution (negative ones to the left of zero),
    labelled with the indicator name and value."""
    values = [b.value for b in bars if b.value is not None]
    if not values:
        return SafeString("")
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    label_width, chart_width, row = 270, 260, 26
    zero = label_width + (0 - low) / span * chart_width
    rows = []
    for i, bar in enumerate(bars):
        y = i * row
        if bar.value is None:
            text, x, width = "missing", zero, 0.0
        else:
            width = abs(bar.value) / span * chart_width
            x = zero - width if bar.value < 0 else zero
            text = f"{bar.value:.3g}{unit}"
        rows.append(
            format_html(
                '<text class="bar-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="contribution-bar" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="bar-value" x="{}" y="{}">{}</text>',
                label_width - 8,
                y + 17,
                bar.label if len(bar.label) <= 40 else bar.label[:39] + "\u2026",
                round(x, 1),
                y + 4,
                round(max(width, 1.0), 1),
                row - 8,
                round(max(x + width, zero) + 6, 1),
                y + 17,
                text,
            )
        )
    height = len(bars) * row
    return format_html(
        '<svg class="contribution-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" focusable="false"><title>{}</title>'
        '<line class="zero-line" x1="{}" x2="{}" y1="0" y2="{}"/>{}</svg>',
        label_width + chart_width + 70,
        height,
        title,
        round(zero, 1),
        round(zero, 1),
        height,
        format_html_join("", "{}", ((r,) for r in rows)),
    )
