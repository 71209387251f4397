"""Counts and crude rates with Byar's / exact Poisson confidence intervals (PHE: ``phe_rate``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import chdtri

from rescomm.stats._checks import (
    as_float_array,
    check_confidence,
    check_confidences,
    check_nonnegative,
    check_same_shape,
    scalar_or_array,
    z_value,
)
from rescomm.stats._errors import (
    ApproximationWarning,
    Policy,
    ZeroDenominatorWarning,
    apply_policy,
    check_policy,
)
from rescomm.stats._frame import count_table, with_columns
from rescomm.stats._output import ci_columns, confidence_label, label_column, per_label

__all__ = ["byars_ci", "exact_poisson_ci", "rate"]

#: Counts below this use the exact Poisson interval in PHE's methods.
EXACT_BELOW = 10
#: The ``method`` labels: code 0 Byar's, 1 exact (-1 for a missing count).
METHOD_LABELS = ["Byars", "Exact"]


def exact_poisson_ci(x: Any, *, confidence: float = 0.95) -> tuple[Any, Any]:
    """Exact (Garwood) Poisson confidence interval for an observed count ``x``.

    Parameters
    ----------
    x : array_like
        Observed counts, ``x >= 0``.
    confidence : float, keyword-only
        Two-sided confidence level as a fraction.

    Returns
    -------
    lower, upper : float or ndarray
        Limits for the expected count; the lower limit of ``x = 0`` is 0.

    Notes
    -----
    With :math:`\\alpha = 1 - c`, :math:`L = \\chi^2_{\\alpha/2}(2x)/2` and
    :math:`U = \\chi^2_{1-\\alpha/2}(2x + 2)/2`, where :math:`\\chi^2_q(k)` is the
    :math:`q`-quantile of the chi-square distribution with :math:`k` degrees of freedom.

    References
    ----------
    .. [1] Garwood F. Fiducial limits for the Poisson distribution. Biometrika
       1936;28:437-442. doi:10.1093/biomet/28.3-4.437
    """
    c = check_confidence(confidence)
    xa = as_float_array(x, "x")
    scalar = xa.ndim == 0
    check_nonnegative(xa, "x")
    lower, upper = _exact(xa, c)
    return scalar_or_array(lower, scalar), scalar_or_array(upper, scalar)


def _exact(x: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    alpha = 1.0 - c
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, chdtri(2.0 * x, 1.0 - alpha / 2.0) / 2.0, 0.0)
        upper = chdtri(2.0 * x + 2.0, alpha / 2.0) / 2.0
    lower = np.where(np.isnan(x), np.nan, lower)
    return lower, upper


def byars_ci(
    x: Any,
    *,
    confidence: float = 0.95,
    exact_below: float = EXACT_BELOW,
    negative_lower: Policy = "warn",
) -> tuple[Any, Any]:
    """Confidence interval for a Poisson count by Byar's approximation (exact for small x).

    Parameters
    ----------
    x : array_like
        Observed counts, ``x >= 0`` (non-integers are accepted, as in PHEindicatormethods).
    confidence : float, keyword-only
        Two-sided confidence level as a fraction, e.g. 0.95 or 0.998.
    exact_below : float, keyword-only
        Counts below this use the exact Poisson interval (:func:`exact_poisson_ci`); PHE uses
        10. Pass 0 for Byar's approximation everywhere (PHE's bare ``byars_lower``).
    negative_lower : {"warn", "raise", "ignore"}, keyword-only
        Only reachable with ``exact_below`` below about 2: Byar's lower limit can fall below
        zero for very small counts; it is then NaN (as PHE returns NA) under this policy,
        with an :class:`ApproximationWarning` by default.

    Returns
    -------
    lower, upper : float or ndarray
        Limits for the expected count (floats when ``x`` is a scalar).

    Raises
    ------
    ValueError
        If ``confidence`` is not a fraction in (0, 1) or a count is negative.

    Notes
    -----
    With :math:`z = \\Phi^{-1}(1/2 + c/2)`, Byar's approximation is

    .. math::

        L = x\\left(1 - \\frac{1}{9x} - \\frac{z}{3\\sqrt{x}}\\right)^3,\\qquad
        U = (x + 1)\\left(1 - \\frac{1}{9(x + 1)} + \\frac{z}{3\\sqrt{x + 1}}\\right)^3.

    For ``x < exact_below`` the exact limits :math:`\\chi^2_{\\alpha/2}(2x)/2` and
    :math:`\\chi^2_{1-\\alpha/2}(2x+2)/2` are used instead, as in PHE's ``phe_rate``.

    References
    ----------
    .. [1] Breslow NE, Day NE. Statistical methods in cancer research, volume II: the design
       and analysis of cohort studies. IARC Scientific Publications No. 82. Lyon: IARC, 1987.
    .. [2] Public Health England. Technical Guide: Confidence intervals. Fingertips, 2018.
    """
    c = check_confidence(confidence)
    check_policy("negative_lower", negative_lower)
    xa = as_float_array(x, "x")
    scalar = xa.ndim == 0
    check_nonnegative(xa, "x")
    z = z_value(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        x1 = xa + 1.0
        lower = xa * (1.0 - 1.0 / (9.0 * xa) - z / (3.0 * np.sqrt(xa))) ** 3
        upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))) ** 3
    small = xa < exact_below
    if small.any():
        if scalar:
            lower, upper = _exact(xa, c)
        else:
            lo_e, up_e = _exact(xa[small], c)
            lower[small] = lo_e
            upper[small] = up_e
    negative = lower < 0
    if negative.any():
        apply_policy(
            negative,
            negative_lower,
            name="negative_lower",
            category=ApproximationWarning,
            what="Byar's lower limit below zero",
            consequence="those lower limits are NaN; use exact_below=10 for exact limits",
        )
        lower = np.where(negative, np.nan, lower)
    return scalar_or_array(lower, scalar), scalar_or_array(upper, scalar)


def rate(
    data: pd.DataFrame,
    x: str,
    n: str,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    zero_denominator: Policy = "warn",
) -> pd.DataFrame:
    """Crude rates ``x / n * multiplier`` with Byar's (or exact, x < 10) intervals.

    Parameters
    ----------
    data : DataFrame
        Table holding the event count and population columns.
    x, n : str
        Names of the count (numerator) and population (denominator) columns.
    by : str or list of str, optional, keyword-only
        Group columns; counts and populations are summed within groups first.
    confidence : float or sequence of float, keyword-only
        One level or several, e.g. ``(0.95, 0.998)``.
    multiplier : float, keyword-only
        Rate per ``multiplier`` people (default per 100,000).
    zero_denominator : {"warn", "raise", "ignore"}, keyword-only
        Policy for a zero population: NaN rate and limits, with a
        :class:`ZeroDenominatorWarning` by default.

    Returns
    -------
    DataFrame
        ``value``, the limits, ``confidence``, ``statistic`` (``"rate per 100,000"``) and
        ``method`` (``"Byars"`` or ``"Exact"`` per row, as in PHEindicatormethods; missing
        for a missing count); the last three are categoricals.

    Notes
    -----
    value :math:`= x/n \\times m`; limits :math:`= L(x)/n \\times m` and
    :math:`U(x)/n \\times m` with :math:`L, U` from :func:`byars_ci`. The rate may exceed the
    multiplier (e.g. more events than people); it is a rate, not a proportion.

    References
    ----------
    .. [1] Public Health England. PHEindicatormethods: ``phe_rate``. CRAN, 2024.
    """
    levels = check_confidences(confidence)
    check_policy("zero_denominator", zero_denominator)
    table, xv, nv = count_table(data, x, n, by)
    check_same_shape(x=xv, n=nv)
    check_nonnegative(nv, "n")
    zero = nv == 0
    apply_policy(
        zero,
        zero_denominator,
        name="zero_denominator",
        category=ZeroDenominatorWarning,
        what="zero denominator",
        consequence="their rates and limits are NaN",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        per = multiplier / nv
    if zero.any():
        per[zero] = np.nan
    cols: dict[str, Any] = {"value": xv * per}
    for level, (lo, hi) in zip(levels, ci_columns(levels), strict=True):
        lower, upper = byars_ci(xv, confidence=level)
        lower *= per  # fresh arrays from byars_ci: scaled in place
        upper *= per
        cols[lo] = lower
        cols[hi] = upper
    rows = len(table)
    cols["confidence"] = label_column(confidence_label(levels), rows)
    cols["statistic"] = label_column(f"rate per {per_label(multiplier)}", rows)
    # categoricals: a Python string per row cost more to build and free than the intervals
    codes = (xv < EXACT_BELOW).view(np.int8).copy()
    codes[np.isnan(xv)] = -1
    cols["method"] = pd.Categorical.from_codes(codes, categories=METHOD_LABELS)
    return with_columns(table, cols)
