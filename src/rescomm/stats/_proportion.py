"""Proportions with Wilson score confidence intervals (PHE: ``phe_proportion``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rescomm.stats._checks import (
    as_float_array,
    check_confidence,
    check_confidences,
    check_nonnegative,
    check_same_shape,
    first_bad,
    scalar_or_array,
    z_value,
)
from rescomm.stats._errors import Policy, ZeroDenominatorWarning, apply_policy, check_policy
from rescomm.stats._frame import count_table, with_columns
from rescomm.stats._output import ci_columns, confidence_label, label_column

__all__ = ["proportion", "wilson_ci"]


def wilson_ci(
    x: Any,
    n: Any,
    *,
    confidence: float = 0.95,
    zero_denominator: Policy = "warn",
) -> tuple[Any, Any]:
    """Wilson score confidence interval for a proportion ``x / n``.

    Parameters
    ----------
    x : array_like
        Number of cases with the characteristic (numerator), ``0 <= x <= n``. Need not be
        an integer (weighted counts are accepted, as in PHEindicatormethods).
    n : array_like
        Number of cases in the sample (denominator), broadcastable against ``x``.
    confidence : float, keyword-only
        Two-sided confidence level as a fraction, e.g. 0.95 or 0.998 (not 95).
    zero_denominator : {"warn", "raise", "ignore"}, keyword-only
        Policy for ``n == 0``: the interval is NaN and a :class:`ZeroDenominatorWarning` is
        emitted ("warn"), a ValueError is raised ("raise"), or NaN is returned quietly.

    Returns
    -------
    lower, upper : float or ndarray
        Limits on the proportion scale [0, 1]; floats when both inputs are scalars. Missing
        inputs (NaN) give NaN limits.

    Raises
    ------
    ValueError
        If ``confidence`` is not a fraction in (0, 1), if ``x`` or ``n`` is negative, if
        ``x > n``, or if the lengths do not match.

    Notes
    -----
    With :math:`z = \\Phi^{-1}(1/2 + c/2)` for confidence :math:`c`, Newcombe's closed form of
    Wilson's score interval is

    .. math::

        \\frac{2x + z^2 \\mp z\\sqrt{z^2 + 4x(1 - x/n)}}{2(n + z^2)}.

    It is the formula of PHE's ``wilson_lower``/``wilson_upper`` and the PHE Technical Guide.
    The interval always lies in [0, 1] and contains ``x / n``.

    References
    ----------
    .. [1] Wilson EB. Probable inference, the law of succession, and statistical inference.
       J Am Stat Assoc 1927;22:209-212. doi:10.1080/01621459.1927.10502953
    .. [2] Newcombe RG. Two-sided confidence intervals for the single proportion: comparison
       of seven methods. Stat Med 1998;17:857-872.
       doi:10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E
    .. [3] Public Health England. Technical Guide: Confidence intervals. Fingertips, 2018.
    """
    c = check_confidence(confidence)
    check_policy("zero_denominator", zero_denominator)
    xa = as_float_array(x, "x")
    na = as_float_array(n, "n")
    scalar = xa.ndim == 0 and na.ndim == 0
    check_same_shape(x=xa, n=na)
    check_nonnegative(xa, "x")
    low_n = np.fmin.reduce(na, axis=None) if na.size else 1.0  # NaN ignored
    if low_n < 0:
        check_nonnegative(na, "n")  # raises, naming the first negative denominator
    over = xa > na
    if over.any():
        over_b, x_b = np.broadcast_arrays(over, xa)
        where, v = first_bad(over_b, x_b)
        n_b = np.broadcast_to(na, over_b.shape).reshape(-1)[np.flatnonzero(over_b)[0]]
        raise ValueError(
            f"x must be <= n for a proportion; got x={v:g} > n={float(n_b):g} at position {where}"
        )
    has_zero = bool(na.size) and low_n == 0
    zero = na == 0 if has_zero else None
    if has_zero:
        apply_policy(
            np.broadcast_to(zero, np.broadcast_shapes(xa.shape, na.shape)),
            zero_denominator,
            name="zero_denominator",
            category=ZeroDenominatorWarning,
            what="zero denominator",
            consequence="their Wilson intervals are NaN",
        )
    z = z_value(c)
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = 2.0 * xa + z2
        half = z * np.sqrt(z2 + 4.0 * xa * (1.0 - xa / na))
        denom = 2.0 * (na + z2)
        lower = (centre - half) / denom
        upper = (centre + half) / denom
    if has_zero and not scalar:
        lower = np.where(zero, np.nan, lower)
        upper = np.where(zero, np.nan, upper)
    elif has_zero:
        lower, upper = np.float64(np.nan), np.float64(np.nan)
    return scalar_or_array(lower, scalar), scalar_or_array(upper, scalar)


def _scaled(values: np.ndarray, multiplier: float) -> np.ndarray:
    """``values * multiplier``, in place (``values`` is a fresh array of ours); unchanged for a
    multiplier of 1 (x * 1.0 == x exactly)."""
    if multiplier != 1:
        values *= multiplier
    return values


def proportion(
    data: pd.DataFrame,
    x: str,
    n: str,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 1,
    zero_denominator: Policy = "warn",
) -> pd.DataFrame:
    """Proportions with Wilson score intervals for each row, or for each group of ``by``.

    Parameters
    ----------
    data : DataFrame
        Table holding the numerator and denominator columns.
    x, n : str
        Names of the numerator and denominator columns.
    by : str or list of str, optional, keyword-only
        Group columns. When given, ``x`` and ``n`` are summed within groups first and one row
        per group is returned; otherwise the input rows are returned with columns appended.
    confidence : float or sequence of float, keyword-only
        One level (columns ``lowercl``, ``uppercl``) or several, e.g. ``(0.95, 0.998)``
        (columns ``lower95_0cl``, ``upper95_0cl``, ``lower99_8cl``, ``upper99_8cl``).
    multiplier : float, keyword-only
        Scale of the output: 1 for a proportion of 1, 100 for a percentage.
    zero_denominator : {"warn", "raise", "ignore"}, keyword-only
        Policy for ``n == 0`` (see :func:`wilson_ci`).

    Returns
    -------
    DataFrame
        ``value`` (``x / n * multiplier``), the limits, ``confidence`` (e.g. ``"95%"``),
        ``statistic`` (``"proportion of 1"`` or ``"percentage"``) and ``method``
        (``"Wilson"``); the last three are categoricals.

    Notes
    -----
    value :math:`= x/n \\times m`; limits are :func:`wilson_ci` times :math:`m`. Rows with a
    missing numerator or denominator get missing results, as in PHEindicatormethods.

    References
    ----------
    .. [1] Public Health England. PHEindicatormethods: ``phe_proportion``. CRAN, 2024.
    """
    levels = check_confidences(confidence)
    table, xv, nv = count_table(data, x, n, by)
    # whole-column arithmetic, in place where the array is ours: no masks or copies the
    # formula does not need (the same operations, so the same values, as np.where / a * m)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = xv / nv
    if nv.size and np.fmin.reduce(nv, axis=None) == 0:  # NaN ignored; negatives raise below
        value[nv == 0] = np.nan
    cols: dict[str, Any] = {"value": _scaled(value, multiplier)}
    for level, (lo, hi) in zip(levels, ci_columns(levels), strict=True):
        lower, upper = wilson_ci(xv, nv, confidence=level, zero_denominator=zero_denominator)
        cols[lo] = _scaled(lower, multiplier)
        cols[hi] = _scaled(upper, multiplier)
    rows = len(table)
    cols["confidence"] = label_column(confidence_label(levels), rows)
    statistic = "percentage" if multiplier == 100 else f"proportion of {multiplier:g}"
    cols["statistic"] = label_column(statistic, rows)
    cols["method"] = label_column("Wilson", rows)
    return with_columns(table, cols)
