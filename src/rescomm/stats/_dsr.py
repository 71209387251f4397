"""Directly standardised rates with Dobson confidence intervals (PHE: ``calculate_dsr``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from rescomm.stats._checks import (
    as_float_array,
    check_confidence,
    check_confidences,
    check_nonnegative,
    first_bad,
)
from rescomm.stats._errors import (
    Policy,
    SmallCountWarning,
    ZeroDenominatorWarning,
    apply_policy,
    check_policy,
)
from rescomm.stats._esp2013 import ESP2013
from rescomm.stats._frame import as_list, check_columns, with_columns
from rescomm.stats._output import ci_columns, confidence_label, per_label
from rescomm.stats._rate import byars_ci
from rescomm.stats._stdframe import band_grid, grid

__all__ = ["dsr", "phe_dsr"]

MissingCount = Literal["raise", "zero"]
METHOD = "Dobson"
METHOD_NONINDEPENDENT = "Dobson, with confidence adjusted for non-independent events"


def _prepare_counts(count: np.ndarray, name: str, missing_count: str) -> np.ndarray:
    if missing_count not in ("raise", "zero"):
        raise ValueError(f"missing_count must be 'raise' or 'zero'; got {missing_count!r}")
    # one pass finds both: the minimum is NaN if a count is missing, < 0 if one is negative
    low = np.min(count) if count.size else 0.0
    if np.isnan(low):
        missing = np.isnan(count)
        if missing_count == "raise":
            where, _ = first_bad(missing, count)
            raise ValueError(
                f"{name} has a missing value at position {where}; pass missing_count='zero' "
                f"if a missing count means no events (PHEindicatormethods does this)"
            )
        count = np.where(missing, 0.0, count)
        low = np.min(count)
    if low < 0:
        check_nonnegative(count, name)  # raises, naming the first negative count
    return count


def _standard_population(stdpop: Any, bands: int) -> np.ndarray:
    w = ESP2013 if stdpop is None else as_float_array(stdpop, "stdpop")
    if w.ndim != 1 or w.shape[0] != bands:
        raise ValueError(
            f"stdpop must have one value per band: got {w.shape[0] if w.ndim else 1} values "
            f"for {bands} bands"
            + (" (the default is the 19-band ESP2013)" if stdpop is None else "")
        )
    if np.isnan(w).any():
        raise ValueError("stdpop cannot have missing values")
    check_nonnegative(w, "stdpop")
    if w.sum() <= 0:
        raise ValueError("stdpop must have a positive total")
    return w


def dsr_parts(
    count: Any,
    pop: Any,
    stdpop: Any = None,
    *,
    count_sq: Any = None,
    zero_denominator: Policy = "warn",
    missing_count: MissingCount = "raise",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unscaled DSR, its Dobson variance and the total count, per row of a (groups, bands) grid.

    This is the shared core of :func:`dsr` and :func:`phe_dsr`; see :func:`dsr` for the
    arguments and the formula.
    """
    check_policy("zero_denominator", zero_denominator)
    x = _prepare_counts(as_float_array(count, "count"), "count", missing_count)
    n = as_float_array(pop, "pop")
    if x.shape != n.shape or x.ndim not in (1, 2):
        raise ValueError(
            f"mismatched lengths: count has shape {x.shape}, pop has shape {n.shape}; both "
            f"must be (bands,) or (groups, bands)"
        )
    low = np.min(n) if n.size else 1.0  # NaN if a population is missing
    if np.isnan(low):
        where, _ = first_bad(np.isnan(n), n)
        raise ValueError(f"pop has a missing value at position {where}")
    if low < 0:
        check_nonnegative(n, "pop")
    w = _standard_population(stdpop, x.shape[-1])
    if count_sq is None:
        x2 = x
    else:
        x2 = _prepare_counts(as_float_array(count_sq, "count_sq"), "count_sq", missing_count)
        if x2.shape != x.shape:
            raise ValueError(f"count_sq has shape {x2.shape}, count has shape {x.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = w / n
    if low == 0:
        zero = n == 0
        bad_rows = zero.any(axis=-1)
        apply_policy(
            bad_rows,
            zero_denominator,
            name="zero_denominator",
            category=ZeroDenominatorWarning,
            what="zero population in a band",
            consequence="those DSRs are NaN",
        )
        ratio = np.where(zero, np.nan, ratio)
    wsum = w.sum()
    weighted = x * ratio
    value = weighted.sum(axis=-1) / wsum
    # (x2 * ratio) * ratio, reusing x * ratio for independent events
    var = ((weighted if x2 is x else x2 * ratio) * ratio).sum(axis=-1) / (wsum * wsum)
    total = x.sum(axis=-1)
    return value, var, total


def dobson_limits(
    value: np.ndarray, var: np.ndarray, total: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Dobson limits of an (unscaled) DSR from its variance and total count."""
    lo_o, up_o = byars_ci(total, confidence=confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var / total)
    return value + scale * (lo_o - total), value + scale * (up_o - total)


def _small(total: np.ndarray, min_count: float, policy: str) -> np.ndarray:
    if min_count < 1:
        raise ValueError(
            f"min_count must be >= 1 (Dobson's interval needs events); got {min_count}"
        )
    small = total < min_count
    apply_policy(
        small,
        policy,
        name="small_count",
        category=SmallCountWarning,
        what=f"total count below {min_count:g}",
        consequence="those DSRs are NaN (PHE: 'dsr NA for total count < 10')",
    )
    return small


def dsr(
    count: Any,
    pop: Any,
    stdpop: Any = None,
    *,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    count_sq: Any = None,
    min_count: float = 10,
    small_count: Policy = "warn",
    zero_denominator: Policy = "warn",
    missing_count: MissingCount = "raise",
) -> tuple[Any, Any, Any]:
    """Directly standardised rate with Dobson's confidence interval.

    Parameters
    ----------
    count : array_like, shape (bands,) or (groups, bands)
        Events in each standardisation band (age band) of each group (area).
    pop : array_like, same shape as ``count``
        Population (person-years) in each band.
    stdpop : array_like, shape (bands,), optional
        Standard population; default the 19-band ESP2013 (:data:`ESP2013`), bands ordered
        0-4, 5-9, ..., 85-89, 90+. Bands are matched by position.
    confidence : float, keyword-only
        Two-sided confidence level as a fraction.
    multiplier : float, keyword-only
        Rate per ``multiplier`` (default per 100,000).
    count_sq : array_like, optional, keyword-only
        For non-independent events (one person can have several): the sum over people of the
        square of their number of events, per band, i.e. :math:`\\sum_f f^2 p_f` where
        :math:`p_f` people had :math:`f` events. Default ``count`` (independent events).
    min_count : float, keyword-only
        DSRs with fewer total events are not reliable and are NaN (PHE: 10).
    small_count, zero_denominator : {"warn", "raise", "ignore"}, keyword-only
        Policies for a total below ``min_count`` (:class:`SmallCountWarning`) and for a zero
        population in any band (:class:`ZeroDenominatorWarning`).
    missing_count : {"raise", "zero"}, keyword-only
        Whether a missing count is an error or means zero events (PHE's behaviour).

    Returns
    -------
    value, lower, upper : float or ndarray
        DSR per ``multiplier`` and its limits, one per group (floats for 1-D input).

    Notes
    -----
    With weights :math:`w_i`, counts :math:`x_i`, populations :math:`n_i` and
    :math:`O = \\sum_i x_i`:

    .. math::

        \\mathrm{DSR} = \\frac{\\sum_i w_i x_i / n_i}{\\sum_i w_i},\\qquad
        \\mathrm{Var} = \\frac{\\sum_i x_i (w_i / n_i)^2}{(\\sum_i w_i)^2},

        L, U = \\mathrm{DSR} + \\sqrt{\\mathrm{Var}/O}\\,(O_{L,U} - O),

    where :math:`O_L, O_U` are Byar's limits for :math:`O` (:func:`byars_ci`). For
    non-independent events the variance uses :math:`\\sum_f f^2 p_{f,i}` in place of
    :math:`x_i` (PHE Technical Guidance, DSR chapter). All results are scaled by
    ``multiplier``. Fully vectorised: 10,000 areas x 19 bands take about a millisecond.

    References
    ----------
    .. [1] Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums
       of Poisson parameters. Stat Med 1991;10:457-462. doi:10.1002/sim.4780100317
    .. [2] Eurostat. Revision of the European Standard Population, 2013 edition.
       doi:10.2785/11470
    .. [3] Public Health England. Technical Guide: Confidence intervals; Directly
       standardised rates. Fingertips, 2018.
    """
    c = check_confidence(confidence)
    check_policy("small_count", small_count)
    value, var, total = dsr_parts(
        count, pop, stdpop, count_sq=count_sq,
        zero_denominator=zero_denominator, missing_count=missing_count,
    )
    small = _small(total, min_count, small_count)
    lower, upper = dobson_limits(value, var, np.where(small, np.nan, total), c)
    out = [np.where(small, np.nan, a) * multiplier for a in (value, lower, upper)]
    if np.ndim(value) == 0:
        return tuple(float(a) for a in out)  # type: ignore[return-value]
    return out[0], out[1], out[2]


def phe_dsr(
    data: pd.DataFrame,
    x: str,
    n: str,
    *,
    by: str | Sequence[str] | None = None,
    stdpop: str | Any = None,
    eventfreq: str | None = None,
    ageband: str | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    min_count: float = 10,
    small_count: Policy = "warn",
    zero_denominator: Policy = "warn",
    missing_count: MissingCount = "raise",
) -> pd.DataFrame:
    """Directly standardised rates for each group of a long table (one row per band).

    Parameters
    ----------
    data : DataFrame
        One row per group and band, bands in the order of ``stdpop`` within each group.
    x, n : str
        Columns of events and populations. With ``eventfreq``, ``x`` is the number of people
        who had ``eventfreq`` events (one row per group, band and frequency).
    by : str or list of str, optional, keyword-only
        Group columns (e.g. ``"area"``); every group must have the same number of bands.
    stdpop : str or array_like, optional, keyword-only
        Column name or array of the standard population; default ESP2013 (19 bands).
    eventfreq, ageband : str, optional, keyword-only
        For non-independent events: columns of the event frequency and of the band, so that
        people with repeated events widen the interval (PHE's ``independent_events=FALSE``).
    confidence : float or sequence of float, keyword-only
        One level or several, e.g. ``(0.95, 0.998)``.
    multiplier, min_count, small_count, zero_denominator, missing_count
        As in :func:`dsr`.

    Returns
    -------
    DataFrame
        One row per group: the group columns, ``total_count``, ``total_pop``, ``value``, the
        limits, ``confidence``, ``statistic`` (``"dsr per 100,000"``, or ``"dsr NA for total
        count < 10"``) and ``method`` (``"Dobson"``).

    Notes
    -----
    Groups are formed by a stable sort of the group codes and a reshape to a
    (groups, bands) grid, then :func:`dsr`'s arithmetic runs once on the whole grid.

    References
    ----------
    .. [1] Public Health England. PHEindicatormethods: ``calculate_dsr``. CRAN, 2024.
    """
    levels = check_confidences(confidence)
    check_policy("small_count", small_count)
    groups = as_list(by)
    stdpop_col = stdpop if isinstance(stdpop, str) else None
    check_columns(data, x=x, n=n, stdpop=stdpop_col, eventfreq=eventfreq, ageband=ageband)
    check_columns(data, **{f"by[{i}]": g for i, g in enumerate(groups)})
    method = METHOD
    x_col, x2_col = x, None
    if eventfreq is not None:
        if ageband is None:
            raise ValueError("phe_dsr needs ageband= when eventfreq= is given")
        data = _person_frequencies(data, x, n, eventfreq, ageband, groups, stdpop_col)
        x_col, x2_col = "_events", "_events_sq"
        method = METHOD_NONINDEPENDENT
    order, keys, bands = band_grid(data, groups)
    count = grid(data, x_col, order, bands)
    pop = grid(data, n, order, bands)
    if stdpop_col is not None:
        w_grid = grid(data, stdpop_col, order, bands)
        if (w_grid != w_grid[:1]).any():
            raise ValueError(f"stdpop column {stdpop_col!r} must be the same in every group")
        w = w_grid[0]
    else:
        w = stdpop
    count_sq = grid(data, x2_col, order, bands) if x2_col else None
    value, var, total = dsr_parts(
        count, pop, w, count_sq=count_sq,
        zero_denominator=zero_denominator, missing_count=missing_count,
    )
    small = _small(total, min_count, small_count)
    cols: dict[str, Any] = {
        "total_count": total,
        "total_pop": pop.sum(axis=1),
        "value": np.where(small, np.nan, value) * multiplier,
    }
    safe_total = np.where(small, np.nan, total)
    for level, (lo, hi) in zip(levels, ci_columns(levels), strict=True):
        lower, upper = dobson_limits(value, var, safe_total, level)
        cols[lo] = lower * multiplier
        cols[hi] = upper * multiplier
    cols["confidence"] = confidence_label(levels)
    # two label objects taken by code (not a new string per area)
    labels = np.array([f"dsr per {per_label(multiplier)}",
                       f"dsr NA for total count < {min_count:g}"], dtype=object)
    cols["statistic"] = labels[small.view(np.int8)]
    cols["method"] = method
    return with_columns(keys, cols)


def _person_frequencies(
    data: pd.DataFrame,
    x: str,
    n: str,
    eventfreq: str,
    ageband: str,
    groups: list[str],
    stdpop_col: str | None,
) -> pd.DataFrame:
    """Collapse people-by-frequency rows into events and squared events per group and band."""
    f = data[eventfreq].to_numpy(dtype=float)
    if np.isnan(f).any():
        raise ValueError(f"eventfreq column {eventfreq!r} must not have missing values")
    people = data[x].to_numpy(dtype=float)
    work = data.assign(_events=f * people, _events_sq=f * f * people)
    keys = [*groups, ageband]
    agg = {"_events": ("_events", lambda s: s.sum(min_count=1)),
           "_events_sq": ("_events_sq", lambda s: s.sum(min_count=1)),
           n: (n, "first")}
    if stdpop_col is not None:
        agg[stdpop_col] = (stdpop_col, "first")
    return work.groupby(keys, sort=False, dropna=False).agg(**agg).reset_index()
