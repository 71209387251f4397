"""The profile's SVG charts: positions follow the ranks and values, and text is escaped."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rescomm.web.insight.charts import WIDTH, Bar, contribution_bars_svg, rank_interval_svg

from ..factories import HOSTILE


def numbers(svg: str, name: str) -> list[float]:
    return [float(v) for v in re.findall(rf'{name}="(-?[\d.]+)"', svg)]


@given(
    n=st.integers(2, 40_000),
    data=st.data(),
)
def test_the_rank_dot_sits_inside_its_interval_bar(n, data):
    low = data.draw(st.integers(1, n))
    high = data.draw(st.integers(low, n))
    rank = data.draw(st.integers(low, high))
    svg = str(rank_interval_svg(rank=rank, n=n, p05=low, p95=high,
                                title="t"))
    (x,) = numbers(svg, "x")[:1]
    (width,) = numbers(svg, "width")
    (cx,) = numbers(svg, "cx")
    assert 0 <= x <= cx <= x + max(width, 2) + 1e-6
    assert cx <= WIDTH


def test_rank_1_is_at_the_left_and_the_last_rank_at_the_right():
    left = str(rank_interval_svg(rank=1, n=100, p05=None, p95=None, title="t"))
    right = str(rank_interval_svg(rank=100, n=100, p05=None, p95=None, title="t"))
    assert numbers(left, "cx") == [0.0] and numbers(right, "cx") == [float(WIDTH)]
    assert "rank-interval" not in left  # no interval claimed without uncertainty


def test_negative_contributions_are_drawn_left_of_zero():
    svg = str(contribution_bars_svg([Bar("up", 2.0), Bar("down", -1.0)], title="t"))
    (zero,) = set(numbers(svg, "x1"))
    bars = re.findall(r'class="contribution-bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    (up_x, up_w), (down_x, down_w) = [(float(x), float(w)) for x, w in bars]
    assert up_x == zero and down_x + down_w == pytest.approx(zero, abs=0.1)
    assert up_w == pytest.approx(2 * down_w, abs=0.2)


def test_chart_text_is_escaped():
    svg = str(contribution_bars_svg([Bar(HOSTILE, 1.0)], title=HOSTILE))
    svg += str(rank_interval_svg(rank=1, n=2, p05=1, p95=2, title=HOSTILE))
    assert HOSTILE not in svg and "&lt;script&gt;" in svg


def test_no_values_draw_no_chart():
    assert str(contribution_bars_svg([Bar("a", None)], title="t")) == ""
