"""Means with Student's t confidence intervals (PHE: ``phe_mean``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from rescomm.stats._checks import as_float_array, check_confidence, check_confidences
from rescomm.stats._errors import Policy, TooFewValuesWarning, apply_policy, check_policy
from rescomm.stats._frame import as_list, check_columns
from rescomm.stats._output import ci_columns, confidence_label

__all__ = ["mean_ci", "phe_mean", "t_interval"]


def t_interval(
    mean: Any, sd: Any, count: Any, *, confidence: float = 0.95, too_few: Policy = "warn"
) -> tuple[Any, Any]:
    """Student's t interval from summary statistics (vectorised over groups).

    Parameters
    ----------
    mean, sd, count : array_like
        Sample means, sample standard deviations (n - 1 denominator) and sizes.
    confidence : float, keyword-only
        Two-sided confidence level as a fraction.
    too_few : {"warn", "raise", "ignore"}, keyword-only
        Policy for ``count < 2`` (no standard deviation): NaN limits with a
        :class:`TooFewValuesWarning` by default.

    Returns
    -------
    lower, upper : float or ndarray

    Notes
    -----
    :math:`\\bar x \\mp t_{n-1,\\,1/2 + c/2}\\; s/\\sqrt{n}`.
    """
    c = check_confidence(confidence)
    check_policy("too_few", too_few)
    m = as_float_array(mean, "mean")
    s = as_float_array(sd, "sd")
    n = as_float_array(count, "count")
    few = n < 2
    apply_policy(
        few,
        too_few,
        name="too_few",
        category=TooFewValuesWarning,
        what="fewer than 2 values",
        consequence="their t intervals are NaN",
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(few, np.nan, n - 1.0)
        half = stdtrit(df, 0.5 + c / 2.0) * s / np.sqrt(n)
    lower, upper = m - half, m + half
    if lower.ndim == 0:
        return float(lower), float(upper)
    return lower, upper


def mean_ci(
    values: Any, *, confidence: float = 0.95, too_few: Policy = "warn"
) -> tuple[float, float, float]:
    """Mean of ``values`` with Student's t confidence interval.

    Parameters
    ----------
    values : array_like, 1-D
        Observations; missing values (NaN) are excluded.
    confidence : float, keyword-only
        Two-sided confidence level as a fraction.
    too_few : {"warn", "raise", "ignore"}, keyword-only
        Policy for fewer than two non-missing values.

    Returns
    -------
    mean, lower, upper : float

    Notes
    -----
    :math:`\\bar x \\mp t_{n-1,\\,1/2 + c/2}\\; s/\\sqrt{n}` with :math:`s` the sample
    standard deviation (denominator :math:`n - 1`).

    References
    ----------
    .. [1] Public Health England. Technical Guide: Confidence intervals (means). Fingertips.
    .. [2] Public Health England. PHEindicatormethods: ``phe_mean``. CRAN, 2024.
    """
    v = as_float_array(values, "values").reshape(-1)
    v = v[~np.isnan(v)]
    n = v.size
    mean = float(v.mean()) if n else float("nan")
    sd = float(v.std(ddof=1)) if n > 1 else float("nan")
    lower, upper = t_interval(mean, sd, n, confidence=confidence, too_few=too_few)
    return mean, lower, upper


def phe_mean(
    data: pd.DataFrame,
    value: str,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    too_few: Policy = "warn",
) -> pd.DataFrame:
    """Means with t intervals for each group of ``by`` (or all rows).

    Parameters
    ----------
    data : DataFrame
    value : str
        Column of observations; missing values are excluded.
    by : str or list of str, optional, keyword-only
        Group columns.
    confidence : float or sequence of float, keyword-only
        One level or several, e.g. ``(0.95, 0.998)``.
    too_few : {"warn", "raise", "ignore"}, keyword-only
        Policy for groups with fewer than two values.

    Returns
    -------
    DataFrame
        One row per group: ``value_sum``, ``value_count``, ``stdev``, ``value`` (the mean),
        the limits, ``confidence``, ``statistic`` (``"mean"``) and ``method``
        (``"Student's t-distribution"``).

    Notes
    -----
    See :func:`mean_ci`.
    """
    levels = check_confidences(confidence)
    groups = as_list(by)
    check_columns(data, value=value, **{f"by[{i}]": g for i, g in enumerate(groups)})
    col = data[value].astype(float)
    if groups:
        g = col.groupby([data[k] for k in groups], sort=True, dropna=False)
        out = pd.DataFrame(
            {"value_sum": g.sum(), "value_count": g.count(), "stdev": g.std(ddof=1)}
        ).reset_index()
    else:
        out = pd.DataFrame(
            {"value_sum": [col.sum()], "value_count": [col.count()], "stdev": [col.std(ddof=1)]}
        )
    n = out["value_count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = out["value_sum"].to_numpy(dtype=float) / np.where(n == 0, np.nan, n)
    for level, (lo, hi) in zip(levels, ci_columns(levels), strict=True):
        lower, upper = t_interval(
            out["value"].to_numpy(), out["stdev"].to_numpy(), n, confidence=level,
            too_few=too_few,
        )
        out[lo] = lower
        out[hi] = upper
    out["confidence"] = confidence_label(levels)
    out["statistic"] = "mean"
    out["method"] = "Student's t-distribution"
    return out
