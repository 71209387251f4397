"""Fingertips comparison of a value with a benchmark by confidence-interval overlap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from rescomm.stats._checks import as_float_array, check_confidences, check_same_shape
from rescomm.stats._frame import check_columns
from rescomm.stats._output import ci_columns

__all__ = ["benchmark_comparison", "compare_to_benchmark"]

Polarity = Literal["high_is_good", "low_is_good", "no_judgement"]
POLARITIES = ("high_is_good", "low_is_good", "no_judgement")
NOT_COMPARED = "not compared"


def compare_to_benchmark(
    value: Any,
    lower: Any,
    upper: Any,
    benchmark: Any,
    *,
    polarity: Polarity = "high_is_good",
    benchmark_lower: Any = None,
    benchmark_upper: Any = None,
) -> Any:
    """Compare values with a benchmark as Fingertips does: better, similar or worse.

    Parameters
    ----------
    value, lower, upper : array_like
        The areas' values and confidence limits (at the level to compare, e.g. 95%).
    benchmark : array_like
        The benchmark value (e.g. England), broadcast against ``value``.
    polarity : {"high_is_good", "low_is_good", "no_judgement"}, keyword-only
        Fingertips polarity: RAG high is good (id 1), RAG low is good (id 0), or
        blue/orange/blue "no judgement" (id 99), which labels ``"higher"`` / ``"lower"``.
    benchmark_lower, benchmark_upper : array_like, optional, keyword-only
        The benchmark's own limits; when given, the two intervals are compared (Fingertips'
        double-overlap method) instead of the benchmark value against the area's interval.

    Returns
    -------
    str or ndarray of str
        ``"better"``, ``"similar"``, ``"worse"`` (or ``"higher"``, ``"similar"``,
        ``"lower"`` for no judgement); ``"not compared"`` where a value, limit or benchmark is
        missing.

    Raises
    ------
    ValueError
        For an unknown polarity, lower > upper, or mismatched lengths.

    Notes
    -----
    Single overlap: *similar* if :math:`L \\le B \\le U`; otherwise *higher* if
    :math:`v > B`, else *lower*. Double overlap: *similar* if :math:`L \\le U_B` and
    :math:`U \\ge L_B`. Higher maps to better when high is good and to worse when low is good.
    The level of the interval sets the test: 95% limits flag differences at about the 5%
    level, 99.8% limits at about 0.2% (Fingertips shows either, by profile).

    References
    ----------
    .. [1] Public Health England. Fingertips: Technical guidance, "Comparing with a
       benchmark" (overlapping confidence intervals). fingertips.phe.org.uk, 2018.
    .. [2] UK Health Security Agency. fingertips-open, ``PholioVisualisation.Analysis``
       (``SingleOverlappingCIsComparer``, ``DoubleOverlappingCIsComparer``).
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}; got {polarity!r}")
    v = as_float_array(value, "value")
    lo = as_float_array(lower, "lower")
    up = as_float_array(upper, "upper")
    b = as_float_array(benchmark, "benchmark")
    double = benchmark_lower is not None or benchmark_upper is not None
    if double and (benchmark_lower is None or benchmark_upper is None):
        raise ValueError("pass both benchmark_lower and benchmark_upper, or neither")
    arrays = {"value": v, "lower": lo, "upper": up, "benchmark": b}
    if double:
        arrays["benchmark_lower"] = as_float_array(benchmark_lower, "benchmark_lower")
        arrays["benchmark_upper"] = as_float_array(benchmark_upper, "benchmark_upper")
    shape = check_same_shape(**arrays)
    if (lo > up).any():
        raise ValueError("lower must be <= upper for every value")
    missing = np.zeros(shape, dtype=bool)
    for a in arrays.values():
        missing = missing | np.isnan(a)
    if double:
        bl, bu = arrays["benchmark_lower"], arrays["benchmark_upper"]
        similar = (lo <= bu) & (up >= bl)
    else:
        similar = (lo <= b) & (b <= up)
    higher = v > b
    if polarity == "no_judgement":
        hi_label, lo_label = "higher", "lower"
    elif polarity == "high_is_good":
        hi_label, lo_label = "better", "worse"
    else:
        hi_label, lo_label = "worse", "better"
    out = np.select(
        [missing, similar, higher], [NOT_COMPARED, "similar", hi_label], default=lo_label
    ).astype(object)
    return str(out) if out.ndim == 0 else out


def benchmark_comparison(
    data: pd.DataFrame,
    *,
    benchmark: float | str,
    polarity: Polarity = "high_is_good",
    value: str = "value",
    confidence: float | Sequence[float] = (0.95, 0.998),
) -> pd.DataFrame:
    """Add Fingertips benchmark comparisons to the output of a table wrapper.

    Parameters
    ----------
    data : DataFrame
        A table with ``value`` and limit columns as written by :func:`proportion`,
        :func:`rate`, :func:`phe_dsr` etc.: ``lowercl``/``uppercl`` for one level, or
        ``lower95_0cl``/``upper95_0cl``/``lower99_8cl``/``upper99_8cl`` for several.
    benchmark : float or str, keyword-only
        Benchmark value, or the name of a column holding it.
    polarity : {"high_is_good", "low_is_good", "no_judgement"}, keyword-only
    value : str, keyword-only
        Name of the value column.
    confidence : float or sequence of float, keyword-only
        The level(s) the limit columns hold, matching the wrapper call that made them.

    Returns
    -------
    DataFrame
        ``data`` with ``comparison`` (one level) or ``comparison95_0``, ``comparison99_8``
        (several), and ``polarity``.

    Notes
    -----
    See :func:`compare_to_benchmark`.
    """
    levels = check_confidences(confidence)
    bench_col = benchmark if isinstance(benchmark, str) else None
    check_columns(data, value=value, benchmark=bench_col)
    b = data[bench_col].to_numpy(dtype=float) if bench_col else float(benchmark)
    out = data.copy()
    for level, (lo, hi) in zip(levels, ci_columns(levels), strict=True):
        check_columns(data, lower=lo, upper=hi)
        name = "comparison" if len(levels) == 1 else "comparison" + lo[5:-2]
        out[name] = compare_to_benchmark(
            data[value].to_numpy(dtype=float),
            data[lo].to_numpy(dtype=float),
            data[hi].to_numpy(dtype=float),
            b,
            polarity=polarity,
        )
        del level
    out["polarity"] = polarity
    return out
