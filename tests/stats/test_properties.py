"""Property tests: intervals contain their estimate, are ordered, bounded and nest by level."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rescomm.stats import byars_ci, dsr, mean_ci, wilson_ci

LEVELS = st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998])


@st.composite
def x_and_n(draw):
    n = draw(st.integers(min_value=1, max_value=10**7))
    x = draw(st.integers(min_value=0, max_value=n))
    return x, n


@settings(max_examples=300, deadline=None)
@given(x_and_n(), LEVELS)
def test_wilson_interval_contains_the_proportion_and_stays_in_unit_interval(xn, level):
    x, n = xn
    lower, upper = wilson_ci(x, n, confidence=level)
    p = x / n
    assert 0.0 <= lower <= p + 1e-12
    assert p - 1e-12 <= upper <= 1.0 + 1e-12


@settings(max_examples=200, deadline=None)
@given(x_and_n(), LEVELS, LEVELS)
def test_wilson_interval_widens_with_confidence(xn, a, b):
    lo_level, hi_level = sorted((a, b))
    l1, u1 = wilson_ci(*xn, confidence=lo_level)
    l2, u2 = wilson_ci(*xn, confidence=hi_level)
    assert l2 <= l1 + 1e-12 and u1 <= u2 + 1e-12


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**7), LEVELS)
def test_byars_interval_contains_the_count(x, level):
    lower, upper = byars_ci(x, confidence=level)
    assert 0.0 <= lower <= x <= upper


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), LEVELS, LEVELS)
def test_byars_interval_widens_with_confidence(x, a, b):
    lo_level, hi_level = sorted((a, b))
    l1, u1 = byars_ci(x, confidence=lo_level)
    l2, u2 = byars_ci(x, confidence=hi_level)
    assert l2 <= l1 + 1e-9 and u1 <= u2 + 1e-9


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=500), min_size=19, max_size=19),
    st.lists(st.integers(min_value=1000, max_value=100_000), min_size=19, max_size=19),
    LEVELS,
)
def test_dsr_interval_contains_the_rate(counts, pops, level):
    counts = np.array(counts, float)
    if counts.sum() < 10:
        counts[0] += 10
    value, lower, upper = dsr(counts, np.array(pops, float), confidence=level)
    assert lower <= value <= upper


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=2, max_size=50), LEVELS)
def test_mean_interval_contains_the_mean(values, level):
    mean, lower, upper = mean_ci(values, confidence=level)
    assert lower <= mean + 1e-6 * (1 + abs(mean)) and mean <= upper + 1e-6 * (1 + abs(mean))
