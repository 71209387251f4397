"""Benchmarking an area's indicator value the Fingertips way, and the spine chart's scale.

Pure functions on numbers and arrays (no Django): significance against a comparator by
confidence intervals (built on :func:`rescomm.stats.compare_to_benchmark`), quintiles by PHE's
ranking (:func:`rescomm.stats.quantile_of`), the colour and marker of each outcome, and the
Fingertips spine chart's scale (centred on England, symmetric, worst on the left).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rescomm.stats import compare_to_benchmark, quantile_of

from ._meta import Polarity

__all__ = [
    "LEVELS", "NOT_COMPARED", "OUTCOME_STYLES", "OutcomeStyle", "SpineScale", "benchmark",
    "outcome_style", "quintiles", "spine_scale",
]

NOT_COMPARED = "not compared"
#: The two confidence levels Fingertips benchmarks at: 95% and 99.8%.
LEVELS = (0.95, 0.998)


def _polarity(polarity: str | Polarity) -> str:
    value = polarity.value if isinstance(polarity, Polarity) else str(polarity)
    if value not in {p.value for p in Polarity}:
        raise ValueError(f"polarity must be one of {[p.value for p in Polarity]}; "
                         f"got {polarity!r}")
    return value


def benchmark(value: Any, lower: Any, upper: Any, comparator: Any, *,
              polarity: str | Polarity) -> Any:
    """Compare areas' values with a comparator (England, a region or a target) as Fingertips
    does for values with confidence intervals: better, similar or worse.

    Parameters
    ----------
    value, lower, upper : float or array_like
        The areas' values and their confidence limits at the level to test: the 95% limits
        for the 95% test, the 99.8% limits for the 99.8% test (:data:`LEVELS`).
    comparator : float or array_like
        The comparator's value (England's value for the same indicator, period, sex and age;
        or a target), broadcast against ``value``.
    polarity : {"high_is_good", "low_is_good", "no_judgement"}, keyword-only
        The indicator's polarity. RAG (red/amber/green) for high is good and high is bad;
        BOB (blue/orange/blue) for no judgement, which says ``"higher"``/``"lower"``.

    Returns
    -------
    str or ndarray of str
        ``"better"``, ``"similar"``, ``"worse"`` (no judgement: ``"higher"``, ``"similar"``,
        ``"lower"``), or ``"not compared"`` where the value, either limit or the comparator is
        missing (Fingertips does not compare a value without a confidence interval).

    Notes
    -----
    The rule (Fingertips technical guidance, "Benchmarking": comparing a local value with
    England): *similar* when the comparator's value lies within the area's confidence
    interval, :math:`L \\le B \\le U` (limits included); otherwise *higher* when
    :math:`v > B` and *lower* when :math:`v < B`, which the polarity turns into better or
    worse. The comparator's own interval is not used: England's is so narrow that comparing
    with its value is what Fingertips does (the "single overlap" method); comparing two areas
    of similar size would need both intervals (:func:`rescomm.stats.compare_to_benchmark`
    with ``benchmark_lower``/``benchmark_upper``). A target is compared the same way, with the
    target as the comparator's value. Testing at 95% flags differences at about the 5% level,
    at 99.8% at about 0.2% (about three standard errors), which Fingertips offers for large
    numbers of comparisons.

    References
    ----------
    .. [1] Office for Health Improvement and Disparities. Fingertips: technical guidance,
       "Benchmarking" / "Comparing with a benchmark: confidence intervals".
       https://fingertips.phe.org.uk/profile/guidance (the rule used for spine charts and
       tartan rugs).
    .. [2] Public Health England. Fingertips open source, ``PholioVisualisation.Analysis``:
       ``SingleOverlappingCIsComparer`` (area interval against the benchmark value).
    """
    return compare_to_benchmark(value, lower, upper, comparator, polarity=_polarity(polarity))


QUINTILE_LABELS = {
    # quintile 1 holds the lowest values
    "high_is_good": ("worst", "worse", "middle", "better", "best"),
    "low_is_good": ("best", "better", "middle", "worse", "worst"),
    "no_judgement": ("lowest", "low", "middle", "high", "highest"),
}


def quintiles(values: Sequence[float] | np.ndarray, *,
              polarity: str | Polarity) -> np.ndarray:
    """Place each area in a quintile of the comparison areas, labelled by polarity.

    Fingertips' "quintiles" benchmarking (no confidence intervals involved): the areas are
    ranked by PHE's method (:func:`rescomm.stats.quantile_of`, ties share a quintile) and
    labelled ``worst`` .. ``best`` (RAG polarities) or ``lowest`` .. ``highest`` (no
    judgement). Missing values, and groups of fewer than five values, are ``"not compared"``.
    """
    labels = QUINTILE_LABELS[_polarity(polarity)]
    arr = np.asarray(values, dtype=float).reshape(-1)
    if int((~np.isnan(arr)).sum()) < 5:
        return np.full(arr.shape, NOT_COMPARED, dtype=object)
    q = quantile_of(arr, nquantiles=5, invert=False, too_few="ignore")
    return np.array([NOT_COMPARED if math.isnan(x) else labels[int(x) - 1] for x in q],
                    dtype=object)


@dataclass(frozen=True)
class OutcomeStyle:
    """How a benchmark outcome is drawn: fill colour, marker shape and the words for it.
    Colour is never the only carrier: the shape differs and the words are in the table."""

    fill: str
    shape: str  # circle | diamond | square | triangle-up | triangle-down | ring
    words: str


#: Fingertips' benchmark colours (RAG: green, amber, red; BOB: dark and light blue), each with
#: its own marker shape.
OUTCOME_STYLES = {
    "better": OutcomeStyle("#92D050", "circle", "better than England"),
    "similar": OutcomeStyle("#FFC000", "diamond", "similar to England"),
    "worse": OutcomeStyle("#C00000", "square", "worse than England"),
    "higher": OutcomeStyle("#BED2FF", "triangle-up", "higher than England"),
    "lower": OutcomeStyle("#5555E6", "triangle-down", "lower than England"),
    NOT_COMPARED: OutcomeStyle("#FFFFFF", "ring", "not compared"),
}


def outcome_style(outcome: str) -> OutcomeStyle:
    """The :class:`OutcomeStyle` of a :func:`benchmark` outcome."""
    try:
        return OUTCOME_STYLES[outcome]
    except KeyError:
        raise ValueError(f"unknown benchmark outcome {outcome!r}; "
                         f"known: {sorted(OUTCOME_STYLES)}") from None


@dataclass(frozen=True)
class SpineScale:
    """One spine chart row: the comparison areas' summary and where each mark goes.

    Positions are fractions of the chart's width (0 left, 1 right; England at 0.5). ``worst``
    and ``best`` are the comparison areas' extremes by polarity (for no judgement, the lowest
    and highest); ``q25``/``q75`` their 25th and 75th percentiles.
    """

    england: float
    worst: float
    q25: float
    q75: float
    best: float
    half_width: float
    flipped: bool
    areas: int
    judged: bool = True  # False for no judgement: the ends are the lowest and highest

    def position(self, x: float | None) -> float | None:
        """Where value ``x`` goes (None for a missing value); clipped to [0, 1]."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return None
        if self.half_width == 0:
            return 0.5
        step = (x - self.england) / (2 * self.half_width)
        return min(1.0, max(0.0, 0.5 - step if self.flipped else 0.5 + step))


def spine_scale(comparison_values: Sequence[float] | np.ndarray, england: float, *,
                polarity: str | Polarity) -> SpineScale:
    """The Fingertips spine chart's scale for one indicator.

    The axis is centred on England's value and symmetric: its half-width is the larger of the
    distances from England to the worst and to the best comparison area, so the further of the
    two touches its end and the nearer falls short. It is flipped so that worse is on the left:
    for high is good, low values are on the left; for high is bad (``low_is_good``), high
    values; for no judgement, low values. The 25th and 75th percentiles are numpy's linear
    interpolation between order statistics (Hyndman and Fan type 7).

    Raises ``ValueError`` for a missing England value or no comparison values.
    """
    pol = _polarity(polarity)
    if england is None or math.isnan(float(england)):
        raise ValueError("a spine chart needs England's value (its centre)")
    arr = np.asarray(comparison_values, dtype=float).reshape(-1)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        raise ValueError("a spine chart needs at least one comparison area's value")
    low, high = float(arr.min()), float(arr.max())
    flipped = pol == "low_is_good"
    worst, best = (high, low) if flipped else (low, high)
    q25, q75 = (float(v) for v in np.percentile(arr, [25, 75]))
    england = float(england)
    half = max(abs(low - england), abs(high - england))
    return SpineScale(england=england, worst=worst, q25=q25, q75=q75, best=best,
                      half_width=half, flipped=flipped, areas=int(arr.size),
                      judged=pol != "no_judgement")
