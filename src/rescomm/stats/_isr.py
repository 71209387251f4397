"""Indirectly standardised ratios (SMR) and rates (ISR) with Byar's / exact intervals.

PHE: ``calculate_ISRatio`` and ``calculate_ISRate``.
"""

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
)
from rescomm.stats._dsr import MissingCount, _prepare_counts
from rescomm.stats._errors import Policy, ZeroDenominatorWarning, apply_policy, check_policy
from rescomm.stats._frame import as_list, check_columns
from rescomm.stats._output import ci_columns, confidence_label, per_label
from rescomm.stats._rate import EXACT_BELOW, byars_ci
from rescomm.stats._stdframe import band_grid, grid

__all__ = ["expected_events", "isr", "phe_israte", "phe_isratio", "smr"]


def expected_events(
    pop: Any,
    ref_count: Any,
    ref_pop: Any,
    *,
    zero_denominator: Policy = "warn",
    missing_count: MissingCount = "raise",
) -> Any:
    """Expected events from applying reference band rates to local populations.

    Parameters
    ----------
    pop : array_like, shape (bands,) or (groups, bands)
        Local population in each band (zero is allowed: the band expects no events).
    ref_count, ref_pop : array_like, shape (bands,)
        Events and population of the reference (e.g. England) in each band.
    zero_denominator : {"warn", "raise", "ignore"}, keyword-only
        Policy for a zero reference population in a band (its rate is undefined; the
        expected count is NaN).
    missing_count : {"raise", "zero"}, keyword-only
        Whether a missing reference count is an error or zero.

    Returns
    -------
    float or ndarray
        :math:`E = \\sum_i n_i \\, r_i / R_i`, one per group.
    """
    check_policy("zero_denominator", zero_denominator)
    n = as_float_array(pop, "pop")
    if np.isnan(n).any():
        where, _ = first_bad(np.isnan(n), n)
        raise ValueError(
            f"pop has a missing value at position {where}; use 0 for a band with no people"
        )
    check_nonnegative(n, "pop")
    r = _prepare_counts(as_float_array(ref_count, "ref_count"), "ref_count", missing_count)
    big_r = as_float_array(ref_pop, "ref_pop")
    check_nonnegative(big_r, "ref_pop")
    if r.shape != big_r.shape or r.ndim != 1 or n.shape[-1:] != r.shape:
        raise ValueError(
            f"mismatched lengths: pop has shape {n.shape}, ref_count {r.shape}, ref_pop "
            f"{big_r.shape}; the reference needs one value per band"
        )
    zero = big_r == 0
    apply_policy(
        zero,
        zero_denominator,
        name="zero_denominator",
        category=ZeroDenominatorWarning,
        what="zero reference population in a band",
        consequence="expected counts are NaN",
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ref_rate = np.where(zero, np.nan, r / big_r)
    e = (n * ref_rate).sum(axis=-1)
    return scalar_or_array(e, np.ndim(e) == 0)


def smr(
    observed: Any,
    expected: Any,
    *,
    confidence: float = 0.95,
    multiplier: float = 1,
    zero_denominator: Policy = "warn",
) -> tuple[Any, Any, Any]:
    """Indirectly standardised ratio (SMR) O/E with Byar's (exact for O < 10) interval.

    Parameters
    ----------
    observed : array_like
        Observed events O.
    expected : array_like
        Expected events E (see :func:`expected_events`).
    confidence : float, keyword-only
        Two-sided confidence level as a fraction.
    multiplier : float, keyword-only
        1 for a ratio, 100 for the conventional "SMR x 100".
    zero_denominator : {"warn", "raise", "ignore"}, keyword-only
        Policy for ``expected == 0``.

    Returns
    -------
    value, lower, upper : float or ndarray

    Notes
    -----
    :math:`\\mathrm{SMR} = m\\,O/E`, limits :math:`m\\,O_L/E` and :math:`m\\,O_U/E` with
    :math:`O_L, O_U` from :func:`byars_ci` (exact Poisson limits when :math:`O < 10`). E is
    treated as fixed, as in PHE's methods. A value above the multiplier means more events than
    expected.

    References
    ----------
    .. [1] Breslow NE, Day NE. Statistical methods in cancer research, volume II. IARC, 1987.
    .. [2] Public Health England. PHEindicatormethods: ``calculate_ISRatio``. CRAN, 2024.
    """
    c = check_confidence(confidence)
    check_policy("zero_denominator", zero_denominator)
    o = as_float_array(observed, "observed")
    e = as_float_array(expected, "expected")
    check_same_shape(observed=o, expected=e)
    check_nonnegative(e, "expected")
    zero = e == 0
    apply_policy(
        np.broadcast_to(zero, np.broadcast_shapes(o.shape, e.shape)),
        zero_denominator,
        name="zero_denominator",
        category=ZeroDenominatorWarning,
        what="zero expected count",
        consequence="those ratios are NaN",
    )
    lo, up = byars_ci(o, confidence=c)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(zero, np.nan, multiplier / e)
    scalar = o.ndim == 0 and e.ndim == 0
    return tuple(scalar_or_array(a * per, scalar) for a in (o, lo, up))  # type: ignore[return-value]


def isr(
    count: Any,
    pop: Any,
    ref_count: Any,
    ref_pop: Any,
    *,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    zero_denominator: Policy = "warn",
    missing_count: MissingCount = "raise",
) -> tuple[Any, Any, Any]:
    """Indirectly standardised rate: the SMR times the reference population's crude rate.

    Parameters
    ----------
    count : array_like
        Observed events, either per band (same shape as ``pop``) or already totalled per group
        (shape ``pop.shape[:-1]``; PHE's ``observed_totals``).
    pop : array_like, shape (bands,) or (groups, bands)
        Local population per band.
    ref_count, ref_pop : array_like, shape (bands,)
        Reference events and population per band.
    confidence : float, keyword-only
        Two-sided confidence level as a fraction.
    multiplier : float, keyword-only
        Rate per ``multiplier`` (default per 100,000).
    zero_denominator, missing_count
        As in :func:`expected_events`; a zero expected count also follows
        ``zero_denominator``.

    Returns
    -------
    value, lower, upper : float or ndarray

    Notes
    -----
    :math:`\\mathrm{ISR} = (O/E)\\,(\\sum_i r_i / \\sum_i R_i)\\,m` with
    :math:`E = \\sum_i n_i r_i / R_i`; limits replace O by Byar's (or exact, O < 10) limits.

    References
    ----------
    .. [1] Public Health England. PHEindicatormethods: ``calculate_ISRate``. CRAN, 2024.
    """
    c = check_confidence(confidence)
    n = as_float_array(pop, "pop")
    x = _prepare_counts(as_float_array(count, "count"), "count", missing_count)
    if x.shape == n.shape:
        o = x.sum(axis=-1)
    elif x.shape == n.shape[:-1]:
        o = x
    else:
        raise ValueError(
            f"mismatched lengths: count has shape {x.shape}, pop has shape {n.shape}; count "
            f"must be per band (same shape) or per group (shape {n.shape[:-1]})"
        )
    e = expected_events(
        n, ref_count, ref_pop, zero_denominator=zero_denominator, missing_count=missing_count
    )
    r = _prepare_counts(as_float_array(ref_count, "ref_count"), "ref_count", missing_count)
    ref_rate = r.sum() / as_float_array(ref_pop, "ref_pop").sum()
    return smr(
        o, e, confidence=c, multiplier=ref_rate * multiplier, zero_denominator=zero_denominator
    )


def _isr_table(
    data: pd.DataFrame,
    x: str,
    n: str,
    *,
    x_ref: str | Any,
    n_ref: str | Any,
    by: str | Sequence[str] | None,
    observed_totals: pd.DataFrame | None,
    confidence: float | Sequence[float],
    multiplier: float,
    rate: bool,
    zero_denominator: Policy,
    missing_count: MissingCount,
) -> pd.DataFrame:
    levels = check_confidences(confidence)
    groups = as_list(by)
    ref_cols = {k: v for k, v in (("x_ref", x_ref), ("n_ref", n_ref)) if isinstance(v, str)}
    check_columns(data, x=None if observed_totals is not None else x, n=n, **ref_cols)
    check_columns(data, **{f"by[{i}]": g for i, g in enumerate(groups)})
    order, keys, bands = band_grid(data, groups)
    pop = grid(data, n, order, bands)
    refs = []
    for name, ref in (("x_ref", x_ref), ("n_ref", n_ref)):
        if isinstance(ref, str):
            g = grid(data, ref, order, bands)
            if not np.array_equal(g, g[:1].repeat(len(g), axis=0), equal_nan=True):
                raise ValueError(f"{name} column {ref!r} must be the same in every group")
            refs.append(g[0])
        else:
            arr = as_float_array(ref, name)
            if arr.shape != (bands,):
                raise ValueError(
                    f"{name} length must equal the number of rows in each group: got "
                    f"{arr.size}, groups have {bands}"
                )
            refs.append(arr)
    if observed_totals is not None:
        check_columns(observed_totals, x=x, **{f"by[{i}]": g for i, g in enumerate(groups)})
        merged = keys.merge(observed_totals[[*groups, x]], on=groups, how="left")
        o = merged[x].to_numpy(dtype=float)
        if np.isnan(o).any():
            missing = keys.iloc[int(np.flatnonzero(np.isnan(o))[0])].tolist()
            raise ValueError(f"observed_totals has no total for group {missing}")
    else:
        o = grid(data, x, order, bands)
        o = _prepare_counts(o, "x", missing_count).sum(axis=1)
    e = expected_events(
        pop, refs[0], refs[1], zero_denominator=zero_denominator, missing_count=missing_count
    )
    r = _prepare_counts(refs[0], "x_ref", missing_count)
    ref_rate = r.sum() / refs[1].sum() * multiplier
    scale = ref_rate if rate else multiplier
    out = keys.copy()
    out["observed"] = o
    out["expected"] = e
    if rate:
        out["ref_rate"] = ref_rate
    value = None
    for level, (lo, hi) in zip(levels, ci_columns(levels), strict=True):
        value, lower, upper = smr(
            o, e, confidence=level, multiplier=scale, zero_denominator=zero_denominator
        )
        out[lo] = lower
        out[hi] = upper
    out.insert(len(keys.columns) + (3 if rate else 2), "value", value)
    out["confidence"] = confidence_label(levels)
    out["statistic"] = (
        f"indirectly standardised rate per {per_label(multiplier)}"
        if rate
        else f"indirectly standardised ratio x {per_label(multiplier)}"
    )
    out["method"] = np.where(o < EXACT_BELOW, "Exact", "Byars")
    return out


def phe_isratio(
    data: pd.DataFrame,
    x: str,
    n: str,
    *,
    x_ref: str | Any,
    n_ref: str | Any,
    by: str | Sequence[str] | None = None,
    observed_totals: pd.DataFrame | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 1,
    zero_denominator: Policy = "warn",
    missing_count: MissingCount = "raise",
) -> pd.DataFrame:
    """Indirectly standardised ratios (SMRs) for each group of a long table.

    Parameters
    ----------
    data : DataFrame
        One row per group and band, bands in the same order in every group.
    x, n : str
        Columns of observed events and local population per band.
    x_ref, n_ref : str or array_like, keyword-only
        Reference events and population per band: column names or arrays of one value per
        band.
    by : str or list of str, optional, keyword-only
        Group columns.
    observed_totals : DataFrame, optional, keyword-only
        Observed totals per group (columns ``by`` and ``x``), when events are not available
        by band.
    confidence : float or sequence of float, keyword-only
        One level or several.
    multiplier : float, keyword-only
        1 for a ratio, 100 for "SMR x 100".
    zero_denominator, missing_count
        As in :func:`expected_events`.

    Returns
    -------
    DataFrame
        One row per group: group columns, ``observed``, ``expected``, ``value``, limits,
        ``confidence``, ``statistic``, ``method`` (``"Byars"``, or ``"Exact"`` when O < 10).

    Notes
    -----
    See :func:`smr` and :func:`expected_events`.
    """
    return _isr_table(
        data, x, n, x_ref=x_ref, n_ref=n_ref, by=by, observed_totals=observed_totals,
        confidence=confidence, multiplier=multiplier, rate=False,
        zero_denominator=zero_denominator, missing_count=missing_count,
    )


def phe_israte(
    data: pd.DataFrame,
    x: str,
    n: str,
    *,
    x_ref: str | Any,
    n_ref: str | Any,
    by: str | Sequence[str] | None = None,
    observed_totals: pd.DataFrame | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    zero_denominator: Policy = "warn",
    missing_count: MissingCount = "raise",
) -> pd.DataFrame:
    """Indirectly standardised rates for each group of a long table.

    Parameters
    ----------
    data, x, n, x_ref, n_ref, by, observed_totals, confidence, zero_denominator, missing_count
        As in :func:`phe_isratio`.
    multiplier : float, keyword-only
        Rate base (default per 100,000).

    Returns
    -------
    DataFrame
        One row per group: group columns, ``observed``, ``expected``, ``ref_rate`` (reference
        crude rate per ``multiplier``), ``value``, limits, ``confidence``, ``statistic``
        (``"indirectly standardised rate per 100,000"``) and ``method``.

    Notes
    -----
    See :func:`isr`.
    """
    return _isr_table(
        data, x, n, x_ref=x_ref, n_ref=n_ref, by=by, observed_totals=observed_totals,
        confidence=confidence, multiplier=multiplier, rate=True,
        zero_denominator=zero_denominator, missing_count=missing_count,
    )
