"""Fingertips recent-trend markers: the chi-squared test for trend over the most recent points,
with PHE's check that no single point makes the trend (``assign_trend_markers``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import chdtri, ndtri

from rescomm.stats._checks import as_float_array, check_confidence
from rescomm.stats._compare import POLARITIES, Polarity
from rescomm.stats._errors import (
    InvalidDataWarning,
    MissingDataWarning,
    Policy,
    TooFewValuesWarning,
    apply_policy,
    check_policy,
)
from rescomm.stats._frame import as_list, check_columns
from rescomm.stats._output import percent_label

__all__ = ["proportion_trend_chi_squared", "recent_trend", "trend_chi_squared"]

ZRule = Literal["fingertips", "exact"]
TrendMethod = Literal["weighted", "proportion"]
#: Fingertips tests the five most recent points.
POINTS = 5
#: Significance level of the markers: chi-squared(1) > 9.5495 (99.8%).
CONFIDENCE = 0.998
INCREASING, DECREASING = "Increasing", "Decreasing"
NO_CHANGE, CANNOT = "No significant change", "Cannot be calculated"
METHODS = {
    "weighted": "chi-squared test for trend: inverse-variance weighted regression on time",
    "proportion": "chi-squared test for trend in proportions",
}


def _time(time: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Times shifted so that each series' first point is 1, as Fingertips numbers the points
    1, 2, ...; a shift leaves every slope unchanged and keeps Fingertips' arithmetic."""
    if time is None:
        return np.broadcast_to(np.arange(1.0, shape[-1] + 1.0), shape)
    t = as_float_array(time, "time")
    try:
        t = np.broadcast_to(t, shape)
    except ValueError:
        raise ValueError(f"time has shape {t.shape}; the values have shape {shape}") from None
    return t - t[..., :1] + 1.0


def _slopes(terms: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slope from the five per-point terms ``1/v, y t/v, t/v, y/v, t^2/v`` (v the variance,
    1 for ordinary least squares), summed over the last axis; also ``D / S`` with
    ``S = sum(1/v)``, ``D = S sum(t^2/v) - sum(t/v)^2`` (Var(slope) = S / D), and the slopes with
    each point left out. Sums run point by point in time order, as in Fingertips, so a slope
    that is exactly zero comes out as Fingertips computes it."""
    n_points = terms[0].shape[-1]

    def slope_of(keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        s1, syt, st, sy, stt = ((a if keep is None else a * keep).sum(axis=-1) for a in terms)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = s1 * stt - st * st
            return (s1 * syt - st * sy) / d, d / s1

    slope, d_over_s = slope_of(None)
    without = np.stack([slope_of(np.arange(n_points) != j)[0] for j in range(n_points)],
                       axis=-1)
    return slope, d_over_s, without


def _consistent(slope: np.ndarray, without: np.ndarray) -> np.ndarray:
    """True where leaving out any one point keeps the slope's sign (Fingertips counts a zero
    slope as positive)."""
    negative = np.concatenate([slope[..., None], without], axis=-1) < 0
    return negative.all(axis=-1) | ~negative.any(axis=-1)


def _z(cl_confidence: float, z_rule: str) -> float:
    if z_rule not in ("fingertips", "exact"):
        raise ValueError(f"z_rule must be 'fingertips' or 'exact'; got {z_rule!r}")
    z = float(ndtri(0.5 + cl_confidence / 2.0))
    return round(z, 2) if z_rule == "fingertips" else z


def trend_chi_squared(
    value: Any,
    lower_cl: Any,
    upper_cl: Any,
    *,
    time: Any = None,
    cl_confidence: float = 0.95,
    z_rule: ZRule = "fingertips",
) -> tuple[Any, Any, Any]:
    """Chi-squared test for trend of values with confidence intervals (Fingertips' method).

    Parameters
    ----------
    value, lower_cl, upper_cl : array_like, shape (points,) or (series, points)
        Values and their confidence limits, in time order (the last axis is time).
    time : array_like, optional, keyword-only
        Time of each point (e.g. years); default 1, 2, 3, ...
    cl_confidence : float, keyword-only
        Level of the limits (default 95%).
    z_rule : {"fingertips", "exact"}, keyword-only
        "fingertips" takes the limits' z to 2 decimals (1.96: Fingertips divides a 95%
        interval's width by 3.92); "exact" uses the exact normal quantile, as
        PHEindicatormethods' ``assign_trend_markers``.

    Returns
    -------
    chi_squared, slope, consistent : float/bool or ndarray
        The test statistic (1 degree of freedom), the weighted slope (value units per time
        unit), and whether leaving out any one point keeps the slope's sign.

    Notes
    -----
    With :math:`\\sigma_i = (U_i - L_i)/(2z)`, weights :math:`w_i = 1/\\sigma_i^2` and
    times :math:`t_i`:

    .. math::

        \\beta = \\frac{\\sum w \\sum w y t - \\sum w t \\sum w y}{D},\\quad
        D = \\sum w \\sum w t^2 - \\Big(\\sum w t\\Big)^2,\\quad
        \\chi^2 = \\frac{\\beta^2}{\\sum w / D}.

    References
    ----------
    .. [1] Office for Health Improvement and Disparities. Public health technical guidance:
       trend markers. Fingertips, 2025.
    .. [2] UKHSA fingertips-open, ``PholioVisualisation.Analysis.TrendMarkers
       .TrendMarkerCalculator``.
    """
    c = check_confidence(cl_confidence)
    z = _z(c, z_rule)
    v = as_float_array(value, "value")
    lo = as_float_array(lower_cl, "lower_cl")
    hi = as_float_array(upper_cl, "upper_cl")
    if not (v.shape == lo.shape == hi.shape) or v.ndim not in (1, 2):
        raise ValueError(f"value, lower_cl and upper_cl must have the same shape (points,) or "
                         f"(series, points); got {v.shape}, {lo.shape}, {hi.shape}")
    t = _time(time, v.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = ((hi - lo) / (2.0 * z)) ** 2
        terms = [1.0 / var, v * t / var, t / var, v / var, t * t / var]
    slope, d_over_s, without = _slopes(terms)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = (slope / np.sqrt(1.0 / d_over_s)) ** 2
    consistent = _consistent(slope, without)
    if v.ndim == 1:
        return float(chi2), float(slope), bool(consistent)
    return chi2, slope, consistent


def proportion_trend_chi_squared(x: Any, n: Any, *, time: Any = None) -> tuple[Any, Any, Any]:
    """Chi-squared test for trend in proportions x/n (Fingertips' SPC-for-proportions method).

    Parameters
    ----------
    x, n : array_like, shape (points,) or (series, points)
        Numerators and denominators, in time order.
    time : array_like, optional, keyword-only
        Time of each point; default 1, 2, 3, ...

    Returns
    -------
    chi_squared, slope, consistent : float/bool or ndarray
        The statistic (1 degree of freedom), the least-squares slope of the log odds
        :math:`\\log(x/(n - x))` on time, and whether leaving out any one point keeps the
        sign of that slope.

    Notes
    -----
    With :math:`N = \\sum n_i`, :math:`C = \\sum x_i` (the Armitage test for trend, R's
    ``prop.trend.test``):

    .. math::

        \\chi^2 = \\frac{N \\big(N\\sum x t - C \\sum n t\\big)^2}
        {C (N - C) \\big(N \\sum n t^2 - (\\sum n t)^2\\big)}.

    References
    ----------
    .. [1] Armitage P. Tests for linear trends in proportions and frequencies. Biometrics
       1955;11:375-386. doi:10.2307/3001775
    .. [2] UKHSA fingertips-open, ``TrendMarkerCalculator.IsSignificantForProportions``.
    """
    xa = as_float_array(x, "x")
    na = as_float_array(n, "n")
    if xa.shape != na.shape or xa.ndim not in (1, 2):
        raise ValueError(f"x and n must have the same shape (points,) or (series, points); "
                         f"got {xa.shape} and {na.shape}")
    t = _time(time, xa.shape)
    big_n, big_c = na.sum(axis=-1), xa.sum(axis=-1)
    snt = (na * t).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = big_n * (big_n * (xa * t).sum(axis=-1) - big_c * snt) ** 2
        chi2 = num / (big_c * (big_n - big_c) * (big_n * (na * t * t).sum(axis=-1) - snt**2))
        log_odds = np.log(xa / (na - xa))
    slope, _, without = _slopes([np.ones_like(xa), log_odds * t, t, log_odds, t * t])
    consistent = _consistent(slope, without)
    if xa.ndim == 1:
        return float(chi2), float(slope), bool(consistent)
    return chi2, slope, consistent


def _last_points(data: pd.DataFrame, groups: list[str], time: str, points: int
                 ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Group keys, and for each group the row numbers of its last ``points`` rows in time
    order (-1 where it has fewer), with its row count and whether two rows share a time."""
    t = as_float_array(data[time].to_numpy(), time)
    if np.isnan(t).any():
        i = int(np.flatnonzero(np.isnan(t))[0])
        raise ValueError(f"time column {time!r} has a missing value at row {i}")
    if groups:
        code = data.groupby(groups, sort=True, dropna=False).ngroup().to_numpy()
    else:
        code = np.zeros(len(data), dtype=np.intp)
    order = np.lexsort((t, code))
    code_s, t_s = code[order], t[order]
    n_groups = int(code.max()) + 1 if code.size else 0
    sizes = np.bincount(code_s, minlength=n_groups)
    ends = np.cumsum(sizes)
    dup = np.zeros(n_groups, dtype=bool)
    same = (code_s[1:] == code_s[:-1]) & (t_s[1:] == t_s[:-1])
    dup[code_s[1:][same]] = True
    idx = ends[:, None] - points + np.arange(points)
    take = idx >= (ends - sizes)[:, None]
    rows = np.where(take, order[np.clip(idx, 0, max(len(order) - 1, 0))], -1)
    first = np.full(n_groups, -1)
    first[code[::-1]] = np.arange(len(code))[::-1]
    keys = data.iloc[first][groups].reset_index(drop=True) if groups else pd.DataFrame(
        index=range(n_groups))
    return keys, rows, sizes, dup


def recent_trend(
    data: pd.DataFrame,
    time: str,
    *,
    by: str | Sequence[str] | None = None,
    method: TrendMethod = "weighted",
    value: str | None = None,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    x: str | None = None,
    n: str | None = None,
    polarity: Polarity = "no_judgement",
    points: int = POINTS,
    confidence: float = CONFIDENCE,
    cl_confidence: float = 0.95,
    z_rule: ZRule = "fingertips",
    too_few: Policy = "warn",
    missing: Policy = "warn",
    invalid: Policy = "warn",
) -> pd.DataFrame:
    """Fingertips recent-trend marker of each group's most recent points.

    Parameters
    ----------
    data : DataFrame
        One row per group and time period (yearly, non-overlapping periods).
    time : str
        Column of the period (a number, e.g. the year).
    by : str or list of str, optional, keyword-only
        Group columns (e.g. indicator, area, sex, age).
    method : {"weighted", "proportion"}, keyword-only
        "weighted" (Fingertips' default, any value with confidence limits) needs ``value``,
        ``lower_cl``, ``upper_cl``; "proportion" (Fingertips' SPC-for-proportions indicators)
        needs ``x`` and ``n``.
    polarity : {"high_is_good", "low_is_good", "no_judgement"}, keyword-only
        With a polarity, markers read e.g. "Increasing and getting better", as Fingertips.
    points : int, keyword-only
        Most recent points to test (Fingertips: 5).
    confidence : float, keyword-only
        Significance level of a trend (Fingertips: 0.998, chi-squared(1) > 9.5495).
    cl_confidence, z_rule : keyword-only
        As in :func:`trend_chi_squared`.
    too_few, missing, invalid : {"warn", "raise", "ignore"}, keyword-only
        Fewer than ``points`` periods (:class:`TooFewValuesWarning`); a missing input in the
        last ``points`` (:class:`MissingDataWarning`); two rows for one period, a zero-width
        or reversed interval, or a proportion of 0 or 1 (:class:`InvalidDataWarning`). The
        marker is then "Cannot be calculated", with the reason.

    Returns
    -------
    DataFrame
        One row per group: the group columns, ``time`` (the most recent period, under the
        time column's name), ``points``, ``chi_squared``, ``slope``, ``recent_trend``
        ("Increasing", "Decreasing", "No significant change", "Cannot be calculated", with
        "and getting better/worse" under a polarity), ``reason``, ``confidence``,
        ``statistic`` and ``method``.

    Notes
    -----
    A trend is significant when :math:`\\chi^2 > \\chi^2_{1, c}` (9.5495 at 99.8%) and no
    single point makes it: the slope keeps its sign whichever one of the points is left out;
    otherwise "No significant change". The last ``points`` rows are used; Fingertips skips
    periods without a valid value and takes the five most recent valid ones, and numbers the
    periods 1-5 (the same result for consecutive years), whereas this uses the ``time``
    values.

    References
    ----------
    .. [1] Office for Health Improvement and Disparities. Public health technical guidance:
       trend markers. Fingertips, 2025.
    .. [2] UKHSA fingertips-open, ``TrendMarkerCalculator``; PHEindicatormethods
       (development) ``assign_trend_markers``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be 'weighted' or 'proportion'; got {method!r}")
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}; got {polarity!r}")
    if isinstance(points, bool) or int(points) != points or points < 3:
        raise ValueError(f"points must be an integer of at least 3; got {points!r}")
    level = check_confidence(confidence)
    for name, policy in (("too_few", too_few), ("missing", missing), ("invalid", invalid)):
        check_policy(name, policy)
    needed = ({"value": value, "lower_cl": lower_cl, "upper_cl": upper_cl}
              if method == "weighted" else {"x": x, "n": n})
    absent = [k for k, v in needed.items() if v is None]
    if absent:
        raise ValueError(f"method={method!r} needs {', '.join(f'{k}=' for k in absent)}")
    groups = as_list(by)
    check_columns(data, time=time, **needed)
    check_columns(data, **{f"by[{i}]": g for i, g in enumerate(groups)})
    keys, rows, sizes, dup = _last_points(data, groups, time, int(points))
    few = sizes < points

    def grid(column: str) -> np.ndarray:
        col = as_float_array(data[column].to_numpy(), column)
        return np.where(rows >= 0, col[np.maximum(rows, 0)], np.nan)

    arrays = {k: grid(v) for k, v in needed.items()}
    t = grid(time)
    nan = np.zeros(rows.shape[0], dtype=bool)
    for a in arrays.values():
        nan |= np.isnan(a).any(axis=1)
    nan &= ~few
    if method == "weighted":
        lo, hi = arrays["lower_cl"], arrays["upper_cl"]
        bad_cells = ~(hi > lo)
        bad_what = "a zero-width or reversed confidence interval"
    else:
        xa, na = arrays["x"], arrays["n"]
        bad_cells = ~((xa > 0) & (xa < na))
        bad_what = "a proportion of 0 or 1 (x = 0 or x >= n), which has no log odds"
    bad = bad_cells.any(axis=1) & ~few & ~nan & ~dup
    apply_policy(few, too_few, name="too_few", category=TooFewValuesWarning,
                 what=f"fewer than {points} time periods", consequence="'Cannot be calculated'")
    apply_policy(nan, missing, name="missing", category=MissingDataWarning,
                 what=f"a missing input among the {points} most recent periods",
                 consequence="'Cannot be calculated'")
    apply_policy(dup & ~few, invalid, name="invalid", category=InvalidDataWarning,
                 what="two rows for the same time period",
                 consequence="'Cannot be calculated'")
    apply_policy(bad, invalid, name="invalid", category=InvalidDataWarning, what=bad_what,
                 consequence="'Cannot be calculated'")
    ok = ~(few | nan | dup | bad)
    chi2 = np.full(rows.shape[0], np.nan)
    slope = np.full(rows.shape[0], np.nan)
    consistent = np.zeros(rows.shape[0], dtype=bool)
    if ok.any():
        if method == "weighted":
            res = trend_chi_squared(arrays["value"][ok], lo[ok], hi[ok], time=t[ok],
                                    cl_confidence=cl_confidence, z_rule=z_rule)
        else:
            res = proportion_trend_chi_squared(xa[ok], na[ok], time=t[ok])
        chi2[ok], slope[ok], consistent[ok] = res
    critical = float(chdtri(1.0, 1.0 - level))
    significant = ok & (chi2 > critical)
    trend = np.where(significant & consistent, np.where(slope > 0, INCREASING, DECREASING),
                     np.where(ok, NO_CHANGE, CANNOT)).astype(object)
    reason = np.select(
        [few, nan, dup, bad, significant & consistent, significant],
        [f"fewer than {points} time periods", "missing values", "duplicate time periods",
         bad_what, f"chi-squared above {critical:.4f} and no single point makes the trend",
         "a single point reverses the slope when left out (outlier)"],
        default=f"chi-squared not above {critical:.4f}").astype(object)
    if polarity != "no_judgement":
        good = INCREASING if polarity == "high_is_good" else DECREASING
        moving = (trend == INCREASING) | (trend == DECREASING)
        trend = np.where(moving, trend + np.where(trend == good, " and getting better",
                                                  " and getting worse"), trend)
    out = keys.copy()
    out[time] = t[:, -1]  # rows are in time order and end with each group's latest
    out["points"] = np.minimum(sizes, points)
    out["chi_squared"] = chi2
    out["slope"] = slope
    out["recent_trend"] = trend
    out["reason"] = reason
    out["confidence"] = percent_label(level)
    out["statistic"] = f"recent trend, {points} most recent points"
    out["method"] = METHODS[method]
    return out
