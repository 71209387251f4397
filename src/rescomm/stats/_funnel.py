"""Funnel-plot control limits and outlier labels (PHE: ``calculate_funnel_limits``,
``assign_funnel_significance``) for proportions, ratios and rates (crude or DSR-based)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import chdtri, gammainc, gammaincc, ndtri

from rescomm.stats._checks import as_float_array, check_confidence, first_bad
from rescomm.stats._frame import check_columns
from rescomm.stats._output import per_label
from rescomm.stats._rate import byars_ci

__all__ = [
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "poisson_control_limits",
    "proportion_control_limits",
]

Solver = Literal["exact", "bisection"]
#: The two funnel levels: "2s" is 95% (p = 0.975 each side), "3s" is 99.8% (p = 0.999).
LEVELS: tuple[tuple[str, float], ...] = (("2s", 0.95), ("3s", 0.998))
SIGNIFICANCE_LABELS = (
    "High (0.001)",
    "High (0.025)",
    "Low (0.001)",
    "Low (0.025)",
    "Not significant",
)
DSR_NOT_APPLICABLE = "Not applicable for events less than 10 for dsrs"


def proportion_control_limits(
    baseline: float, n: Any, *, confidence: float = 0.95
) -> tuple[Any, Any]:
    """Control limits of a proportion funnel around ``baseline`` for sample sizes ``n``.

    Parameters
    ----------
    baseline : float
        Overall proportion :math:`P` (sum of numerators over sum of denominators), in [0, 1].
    n : array_like
        Sample sizes (denominators) at which to evaluate the limits, ``n > 0``.
    confidence : float, keyword-only
        Control-limit level as a fraction: 0.95 (about 2 SD) or 0.998 (about 3 SD).

    Returns
    -------
    lower, upper : float or ndarray
        Limits on the proportion scale (not clipped to [0, 1]).

    Notes
    -----
    The limits are the observed proportions :math:`X/n` whose Wilson score interval just
    reaches :math:`P`, i.e. the roots of :math:`a X^2 - 2bX + c = 0` with
    :math:`z = \\Phi^{-1}(1/2 + c_{\\ell}/2)`, :math:`a = 1/z^2 + 1/n`,
    :math:`b = P(n/z^2 + 1)` and :math:`c = P\\{n[P(n/z^2 + 2) - 1] + z^2 (P - 1)\\}`:

    .. math:: X_{\\mp} = \\frac{b \\mp \\sqrt{b^2 - a c}}{a}.

    This is the method of the PHE Fingertips technical guidance and PHEindicatormethods
    (``sigma_adjustment``).

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
       2005;24:1185-1202. doi:10.1002/sim.1970
    .. [2] Public Health England. Technical Guide: Funnel plots. Fingertips, 2018.
    """
    c = check_confidence(confidence)
    p = float(baseline)
    nn = as_float_array(n, "n")
    z2 = float(ndtri(0.5 + c / 2.0)) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        a = 1.0 / z2 + 1.0 / nn
        b = p * (nn / z2 + 1.0)
        cc = p * (nn * (p * (nn / z2 + 2.0) - 1.0) + z2 * (p - 1.0))
        root = np.sqrt(b * b - a * cc)
        lower = (b - root) / a / nn
        upper = (b + root) / a / nn
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def _bisect(observed: np.ndarray, tail: float, side: str) -> np.ndarray:
    """PHE's bisection for Poisson funnel limits (tolerance 1e-7 on v = e / (e + O + 1))."""
    v = np.full(observed.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2.0
        e = (1.0 + observed) * v / (1.0 - v)
        if side == "low":  # P(X >= O | e) against the tail probability
            prob = np.where(observed > 0, gammainc(np.maximum(observed, 1e-300), e), 1.0)
            v = np.where(prob > tail, v - dv, v + dv)
        else:  # P(X <= O | e)
            prob = gammaincc(observed + 1.0, e)
            v = np.where(prob < tail, v - dv, v + dv)
    return (1.0 + observed) * v / (1.0 - v)


def poisson_control_limits(
    observed: Any, *, confidence: float = 0.95, solver: Solver = "exact"
) -> tuple[Any, Any]:
    """Expected counts at which ``observed`` events sit on a Poisson funnel's limits.

    Parameters
    ----------
    observed : array_like
        Observed events :math:`O \\ge 0`.
    confidence : float, keyword-only
        0.95 or 0.998 (any fraction is accepted).
    solver : {"exact", "bisection"}, keyword-only
        "exact" inverts the chi-square distribution; "bisection" reproduces
        PHEindicatormethods' ``poisson_funnel`` (agrees to about 1e-6 relative) for
        bit-for-bit comparison with PHE outputs.

    Returns
    -------
    e_low, e_high : float or ndarray
        ``e_low``: the expectation for which :math:`P(X \\ge O) = \\alpha/2` (O is then on the
        upper limit); ``e_high``: the expectation for which :math:`P(X \\le O) = \\alpha/2` (O on
        the lower limit). These are the exact Poisson limits of O:
        :math:`\\chi^2_{\\alpha/2}(2O)/2` and :math:`\\chi^2_{1-\\alpha/2}(2O+2)/2`.

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
       2005;24:1185-1202. doi:10.1002/sim.1970
    """
    c = check_confidence(confidence)
    o = as_float_array(observed, "observed")
    tail = (1.0 - c) / 2.0
    if solver == "exact":
        with np.errstate(invalid="ignore"):
            e_low = np.where(o > 0, chdtri(2.0 * o, 1.0 - tail) / 2.0, 0.0)
            e_high = chdtri(2.0 * o + 2.0, tail) / 2.0
    elif solver == "bisection":
        e_low = np.where(o > 0, _bisect(o, tail, "low"), 0.0)
        e_high = _bisect(o, tail, "high")
    else:
        raise ValueError(f"solver must be 'exact' or 'bisection'; got {solver!r}")
    if o.ndim == 0:
        return float(e_low), float(e_high)
    return e_low, e_high


def _digits(x: float) -> int:
    return len(str(int(np.floor(x))))


def _floor_neat(x: float, down: float = 0.95) -> float:
    if x == 0:
        return 0.0
    k = _digits(x * down) - 1
    return float(np.floor(x * down / 10.0**k) * 10.0**k)


def _ceiling_neat(x: float, up: float = 1.05) -> float:
    if x == 0:
        return 0.0
    k = len(str(int(np.ceil(x * up)))) - 2
    return float(np.ceil(x * up / 10.0**k) * 10.0**k)


def _axis(lo: float, hi: float, *, ratio: bool) -> np.ndarray:
    """100 x-axis points from ``lo`` to ``hi``, closer together at the small end."""
    points = [max(1.0, lo)]
    for j in range(2, 101):
        step = j - 1 if ratio else j
        prev = points[-1]
        points.append(max(float(np.round((hi / prev) ** (1.0 / (101 - step)) * prev)), prev + 1))
    return np.array(points)


def _validate(num: np.ndarray, den: np.ndarray | None, statistic: str) -> None:
    if (num < 0).any():
        where, v = first_bad(num < 0, num)
        raise ValueError(f"numerators must be >= 0; got {v:g} at position {where}")
    if den is not None:
        if (den <= 0).any():
            where, v = first_bad(den <= 0, den)
            raise ValueError(f"denominators must be > 0; got {v:g} at position {where}")
        if statistic == "proportion" and (num > den).any():
            where, v = first_bad(num > den, num)
            raise ValueError(
                f"numerators must be <= denominators for a proportion; got {v:g} at "
                f"position {where}"
            )


def _rate_denominators(
    num: np.ndarray, rate: np.ndarray, den: np.ndarray | None, rate_type: str, multiplier: float
) -> np.ndarray:
    if rate_type not in ("dsr", "crude"):
        raise ValueError(f"rate_type must be 'dsr' or 'crude'; got {rate_type!r}")
    zero = num == 0
    if zero.any() and den is None:
        raise ValueError(
            "for rates with 0 events in a row, pass denominator= (the population), since the "
            "population cannot be derived from a zero rate"
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        derived = multiplier * num / rate
    if rate_type == "dsr":
        return np.where(zero, np.nan, derived)
    return np.where(zero, den, derived) if den is not None else derived


def _column(data: pd.DataFrame, name: str | None) -> np.ndarray | None:
    return None if name is None else data[name].to_numpy(dtype=float)


def funnel_limits(
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    *,
    statistic: Literal["proportion", "ratio", "rate"],
    multiplier: float,
    rate: str | None = None,
    rate_type: Literal["dsr", "crude"] | None = None,
    ratio_type: Literal["count", "isr"] | None = None,
    years_of_data: float | None = None,
    solver: Solver = "exact",
) -> pd.DataFrame:
    """100 points of the 95% and 99.8% funnel-plot control limits for a set of areas.

    Parameters
    ----------
    data : DataFrame
        One row per area.
    numerator : str
        Column of numerators (cases, observed events).
    denominator : str, optional
        Column of denominators: sample size (proportion), expected events (ratio) or
        population (crude rate; needed when a row has 0 events).
    statistic : {"proportion", "ratio", "rate"}, keyword-only
    multiplier : float, keyword-only
        Output scale: 100 for percentages and "ratio x 100", the rate base for rates.
    rate : str, optional, keyword-only
        Column of rates (per ``multiplier``) for ``statistic="rate"``; for DSRs the population
        is derived as ``multiplier * numerator / rate``.
    rate_type : {"dsr", "crude"}, optional, keyword-only
    ratio_type : {"count", "isr"}, optional, keyword-only
        For ratios: "count" gives limits as ratio - 1, "isr" as ratio x 100 (PHE's outputs).
    years_of_data : float, optional, keyword-only
        For rates: years the data cover; populations on the axis are per year.
    solver : {"exact", "bisection"}, keyword-only
        Poisson limit solver, see :func:`poisson_control_limits`.

    Returns
    -------
    DataFrame
        Proportions: ``Population``, ``lower_2s_limit``, ``upper_2s_limit``,
        ``lower_3s_limit``, ``upper_3s_limit``, ``baseline``. Ratios: ``Observed_events`` and,
        per level, ``*_exp_events`` and ``*_limit``. Rates: ``Events`` and, per level,
        ``*_population_1_year`` and ``*_limit``, plus ``baseline``. Then ``statistic`` and
        ``method`` (``"Wilson"`` or ``"Poisson"``). "2s" is 95%, "3s" is 99.8%.

    Notes
    -----
    The baseline is :math:`\\sum x / \\sum n`. The axis runs from 0 (or a rounded 95% of the
    smallest denominator when the largest is at most twice the smallest) to a rounded 105% of
    the largest, in 100 geometrically spaced integer steps, as in PHEindicatormethods.
    Proportion limits come from :func:`proportion_control_limits` (clipped to
    [0, ``multiplier``]); ratio and rate limits from :func:`poisson_control_limits`.

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
       2005;24:1185-1202. doi:10.1002/sim.1970
    .. [2] Public Health England. PHEindicatormethods: ``calculate_funnel_limits``. CRAN.
    """
    if statistic not in ("proportion", "ratio", "rate"):
        raise ValueError(f"statistic must be 'proportion', 'ratio' or 'rate'; got {statistic!r}")
    check_columns(data, numerator=numerator, denominator=denominator, rate=rate)
    num = data[numerator].to_numpy(dtype=float)
    den = _column(data, denominator)
    if statistic == "rate":
        if rate is None or rate_type is None or years_of_data is None:
            raise ValueError("statistic='rate' needs rate=, rate_type= and years_of_data=")
        _validate(num, den, statistic)
        den = _rate_denominators(num, _column(data, rate), den, rate_type, multiplier)
    else:
        if den is None:
            raise ValueError(f"statistic={statistic!r} needs a denominator column")
        if statistic == "ratio" and ratio_type not in ("count", "isr"):
            raise ValueError(f"ratio_type must be 'count' or 'isr'; got {ratio_type!r}")
        _validate(num, den, statistic)
    average = np.nansum(num) / np.nansum(den)
    lo, hi = float(np.nanmin(den)), float(np.nanmax(den))
    years = float(years_of_data) if statistic == "rate" else 1.0
    axis_min = 0.0 if hi > 2 * lo else _floor_neat(lo / years) * years
    axis_max = _ceiling_neat(hi / years) * years
    if statistic == "rate":
        axis_min, axis_max = float(np.floor(axis_min * average)), float(np.ceil(axis_max * average))
    x = _axis(axis_min, axis_max, ratio=statistic == "ratio")
    if statistic == "proportion":
        out = pd.DataFrame({"Population": x})
        for tag, level in LEVELS:
            lower, upper = proportion_control_limits(average, x, confidence=level)
            out[f"lower_{tag}_limit"] = np.clip(lower * multiplier, 0.0, None)
            out[f"upper_{tag}_limit"] = np.clip(upper * multiplier, None, multiplier)
        out["baseline"] = average * multiplier
        out["statistic"] = "proportion"
        out["method"] = "Wilson"
        return out
    label = "Observed_events" if statistic == "ratio" else "Events"
    out = pd.DataFrame({label: x})
    for tag, level in LEVELS:
        e_low, e_high = poisson_control_limits(x, confidence=level, solver=solver)
        if statistic == "ratio":
            shift, scale = (-1.0, 1.0) if ratio_type == "count" else (0.0, 100.0)
            out[f"lower_{tag}_exp_events"] = e_high
            out[f"lower_{tag}_limit"] = (x / e_high + shift) * scale
            out[f"upper_{tag}_exp_events"] = e_low
            out[f"upper_{tag}_limit"] = (x / e_low + shift) * scale
        else:
            out[f"lower_{tag}_population_1_year"] = e_high / average / years
            out[f"lower_{tag}_limit"] = x * average / e_high * multiplier
            out[f"upper_{tag}_population_1_year"] = e_low / average / years
            out[f"upper_{tag}_limit"] = x * average / e_low * multiplier
    if statistic == "ratio":
        out["statistic"] = f"ratio ({ratio_type})"
    else:
        out["baseline"] = average * multiplier
        out["statistic"] = f"rate ({rate_type} per {per_label(multiplier)})"
    out["method"] = "Poisson"
    return out


def funnel_significance(
    data: pd.DataFrame,
    numerator: str,
    denominator: str | None = None,
    *,
    statistic: Literal["proportion", "ratio", "rate"],
    rate: str | None = None,
    rate_type: Literal["dsr", "crude"] | None = None,
    multiplier: float | None = None,
) -> pd.DataFrame:
    """Label each area as inside or outside the 95% and 99.8% funnel limits.

    Parameters
    ----------
    data : DataFrame
    numerator, denominator : str
        As in :func:`funnel_limits` (``denominator`` is optional for rates without 0 events).
    statistic : {"proportion", "ratio", "rate"}, keyword-only
    rate, rate_type, multiplier : optional, keyword-only
        Needed for ``statistic="rate"``.

    Returns
    -------
    DataFrame
        ``data`` with a categorical ``significance`` column: ``"High (0.001)"``,
        ``"High (0.025)"``, ``"Low (0.001)"``, ``"Low (0.025)"``, ``"Not significant"`` and,
        for DSRs with fewer than 10 events, ``"Not applicable for events less than 10 for
        dsrs"``. "High" means above the upper limit, whatever the polarity.

    Notes
    -----
    Proportions: :math:`x/n` against :func:`proportion_control_limits` at :math:`n`. Ratios:
    the Byar's (exact, O < 10) interval of :math:`O/E` against 1. Rates: the interval of
    :math:`O/n` against the pooled rate, with DSR populations derived from the rate.
    """
    if statistic not in ("proportion", "ratio", "rate"):
        raise ValueError(f"statistic must be 'proportion', 'ratio' or 'rate'; got {statistic!r}")
    check_columns(data, numerator=numerator, denominator=denominator, rate=rate)
    num = data[numerator].to_numpy(dtype=float)
    den = _column(data, denominator)
    if statistic != "rate" and den is None:
        raise ValueError(f"statistic={statistic!r} needs a denominator column")
    _validate(num, den, statistic)
    conditions: list[np.ndarray]
    if statistic == "proportion":
        average = num.sum() / den.sum()
        obs = num / den
        lo3, up3 = proportion_control_limits(average, den, confidence=0.998)
        lo2, up2 = proportion_control_limits(average, den, confidence=0.95)
        conditions = [obs < lo3, obs < lo2, obs > up3, obs > up2]
        order = [2, 3, 0, 1]
    else:
        if statistic == "rate":
            if rate is None or rate_type is None or multiplier is None:
                raise ValueError("statistic='rate' needs rate=, rate_type= and multiplier=")
            den = _rate_denominators(num, _column(data, rate), den, rate_type, multiplier)
            target = np.nansum(num) / np.nansum(den)
        else:
            target = 1.0
        lo3, up3 = byars_ci(num, confidence=0.998)
        lo2, up2 = byars_ci(num, confidence=0.95)
        with np.errstate(invalid="ignore", divide="ignore"):
            conditions = [target < lo3 / den, target < lo2 / den,
                          target > up3 / den, target > up2 / den]
        order = [0, 1, 2, 3]
    labels = [SIGNIFICANCE_LABELS[i] for i in order]
    sig = np.select(conditions, labels, default="Not significant").astype(object)
    categories = list(SIGNIFICANCE_LABELS)
    if statistic == "rate" and rate_type == "dsr":
        sig = np.where(num < 10, DSR_NOT_APPLICABLE, sig)
        categories.append(DSR_NOT_APPLICABLE)
    out = data.copy()
    out["significance"] = pd.Categorical(sig, categories=categories)
    return out


def funnel_points(
    data: pd.DataFrame,
    numerator: str,
    rate: str,
    *,
    rate_type: Literal["dsr", "crude"],
    years_of_data: float,
    multiplier: float,
    denominator: str | None = None,
) -> pd.DataFrame:
    """Where each area's rate sits on a rate funnel: the rate to chart and its population.

    Parameters
    ----------
    data : DataFrame
        One row per area.
    numerator : str
        Column of events.
    rate : str
        Column of rates per ``multiplier`` (crude or directly standardised).
    rate_type : {"dsr", "crude"}, keyword-only
    years_of_data : float, keyword-only
        Years the data cover: the derived population is per year, as on the funnel's axis.
    multiplier : float, keyword-only
        The rates' base (e.g. 100,000).
    denominator : str, optional, keyword-only
        Column of populations, needed when an area has 0 events (its population cannot be
        derived from a zero rate); used for crude rates only.

    Returns
    -------
    DataFrame
        ``data`` with ``<rate>_chart`` (the rate to plot; NaN for a DSR with fewer than 10
        events) and ``denominator_derived`` (the population per year at which the area sits on
        the funnel: ``multiplier * numerator / rate / years_of_data``, or the given population
        per year for 0 events).

    Raises
    ------
    ValueError
        For an unknown ``rate_type``, or 0 events without a usable ``denominator``.

    References
    ----------
    .. [1] Public Health England. PHEindicatormethods: ``calculate_funnel_points``. CRAN.
    """
    if rate_type not in ("dsr", "crude"):
        raise ValueError(f"rate_type must be 'dsr' or 'crude'; got {rate_type!r}")
    check_columns(data, numerator=numerator, rate=rate, denominator=denominator)
    num = data[numerator].to_numpy(dtype=float)
    rates = data[rate].to_numpy(dtype=float)
    zero = num == 0
    if zero.any():
        if denominator is None:
            raise ValueError("for rates with 0 events in a row, pass denominator= (the "
                             "population), since the population cannot be derived from a "
                             "zero rate")
        den = data[denominator].to_numpy(dtype=float)
        unusable = zero & ~(den > 0)
        if unusable.any():
            where, _ = first_bad(unusable, num)
            raise ValueError(f"row {where} has 0 events and no population (denominator 0 or "
                             f"missing)")
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * num / rates / years_of_data
    out = data.copy()
    if rate_type == "dsr":
        small = num < 10
        out[f"{rate}_chart"] = np.where(small, np.nan, rates)
        out["denominator_derived"] = np.where(small, np.nan, derived)
    else:
        out[f"{rate}_chart"] = rates
        if denominator is not None:
            den = data[denominator].to_numpy(dtype=float)
            derived = np.where(zero, den / years_of_data, derived)
        out["denominator_derived"] = derived
    return out
