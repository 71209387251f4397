"""Normalise indicators onto a common scale.

Every kernel takes the values **after** the direction has been applied (``x * direction``,
as COINr does), so a higher input always means "more of what the index measures", and returns
an array of the same length with NaN kept in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def ranks(x: np.ndarray, *, ties: str = "average") -> np.ndarray:
    """Ascending ranks (1 = lowest value) of the non-missing values; NaN stays NaN.

    ``ties``: ``average`` (mean of the tied positions), ``min`` (sport/competition ranking,
    R's ``ties.method = "min"``), ``max``, ``dense`` (1, 2, 2, 3) or ``first``/``ordinal``
    (ties broken by position). Same results as :func:`scipy.stats.rankdata`.
    """
    x = np.asarray(x, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    v = x[ok]
    n = v.size
    if n == 0:
        return out
    order = np.argsort(v, kind="stable" if ties in ("first", "ordinal") else "quicksort")
    r = np.empty(n)
    if ties in ("first", "ordinal"):
        r[order] = np.arange(1, n + 1)
    else:
        sv = v[order]
        new = np.empty(n, dtype=bool)
        new[0] = True
        np.not_equal(sv[1:], sv[:-1], out=new[1:])
        gid = np.cumsum(new) - 1
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], n)
        if ties == "min":
            val = (starts + 1.0)[gid]
        elif ties == "max":
            val = ends.astype(float)[gid]
        elif ties == "dense":
            val = gid + 1.0
        elif ties == "average":
            val = ((starts + 1.0 + ends) / 2.0)[gid]
        else:
            raise ValueError(f"unknown ties rule {ties!r}")
        r[order] = val
    out[ok] = r
    return out


def minmax(x: np.ndarray, *, range: tuple[float, float] = (0.0, 100.0)) -> np.ndarray:  # noqa: A002
    """Min-max: :math:`l + (u - l)(x - \\min x)/(\\max x - \\min x)` (COINr ``n_minmax``)."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    return (x - lo) / (hi - lo) * (range[1] - range[0]) + range[0]


def zscore(x: np.ndarray, *, mean_sd: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """Z-score with target mean/sd: :math:`m + s(x - \\bar x)/\\mathrm{sd}(x)` (sd with n - 1)."""
    return (x - np.nanmean(x)) / np.nanstd(x, ddof=1) * mean_sd[1] + mean_sd[0]


def prank(x: np.ndarray, *, ties: str = "min") -> np.ndarray:
    """Percentile rank :math:`(r - 1)/(n - 1)` in [0, 1] (COINr ``n_prank``)."""
    r = ranks(x, ties=ties)
    return (r - 1.0) / (np.count_nonzero(~np.isnan(x)) - 1.0)


def rank(x: np.ndarray, *, ties: str = "min") -> np.ndarray:
    """Ranks, 1 = lowest value (COINr ``n_rank``)."""
    return ranks(x, ties=ties)


def borda(x: np.ndarray, *, ties: str = "min") -> np.ndarray:
    """Borda score ``rank - 1`` (COINr ``n_borda``)."""
    return ranks(x, ties=ties) - 1.0


def dist2max(x: np.ndarray) -> np.ndarray:
    """Distance to the maximum: :math:`1 - (\\max x - x)/(\\max x - \\min x)`."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    return 1.0 - (hi - x) / (hi - lo)


def dist2ref(x: np.ndarray, *, ref_value: float, cap: bool = False) -> np.ndarray:
    """Distance to a reference area's value: :math:`1 - (x_{ref} - x)/(x_{ref} - \\min x)`."""
    y = 1.0 - (ref_value - x) / (ref_value - np.nanmin(x))
    return np.minimum(y, 1.0) if cap else y


def dist2target(x: np.ndarray, *, target: float, cap: bool = False) -> np.ndarray:
    """Distance to a target: :math:`1 - (t - x)/(t - \\min x)` (COINr ``n_dist2targ``)."""
    y = 1.0 - (target - x) / (target - np.nanmin(x))
    return np.minimum(y, 1.0) if cap else y


def fracmax(x: np.ndarray) -> np.ndarray:
    """Fraction of the maximum :math:`x / \\max x` (COINr ``n_fracmax``)."""
    return x / np.nanmax(x)


def goalposts(
    x: np.ndarray, *, lo: float, hi: float, scale: float = 100.0, truncate: bool = True
) -> np.ndarray:
    """Goalposts: :math:`s\\,(x - lo)/(hi - lo)`, truncated to [0, s] (COINr ``n_goalposts``).

    ``lo``/``hi`` are on the direction-adjusted scale (for a negative-direction indicator pass
    ``-hi, -lo``); the pipeline does this for you.
    """
    y = (x - lo) / (hi - lo)
    if truncate:
        y = np.clip(y, 0.0, 1.0)
    return y * scale


def rank_inverse_normal(x: np.ndarray, *, ties: str = "average", c: float = 0.0) -> np.ndarray:
    """Rank-based inverse normal: :math:`\\Phi^{-1}((r - c)/(n - 2c + 1))`.

    ``c = 0`` is van der Waerden's ``r/(n+1)`` (openSIMD's normal scores); ``c = 3/8`` Blom,
    ``c = 1/2`` rankit.
    """
    from scipy.special import ndtri  # lazy: keeps `import rescomm.measure` light

    r = ranks(x, ties=ties)
    n = np.count_nonzero(~np.isnan(x))
    return ndtri((r - c) / (n - 2.0 * c + 1.0))


def exponential_from_ranks(
    rank_asc: np.ndarray, *, n: int, constant: float = 23.0, scale: float = 100.0
) -> np.ndarray:
    """IMD exponential transformation of ranks.

    Parameters
    ----------
    rank_asc : numpy.ndarray
        Ascending ranks, 1 = least deprived (lowest value) ... ``n`` = most deprived.
    n : int
        Number of ranked areas (32,844 LSOAs for IoD2019, 33,755 for IoD2025).
    constant, scale : float
        23 and 100 in the IMD: the top 10% of areas score above 50.

    Returns
    -------
    numpy.ndarray
        Values from ~0 (least deprived) to ``scale`` (most deprived).

    Notes
    -----
    .. math:: X = -C \\ln\\big(1 - R\\,(1 - e^{-S/C})\\big),\\qquad R = r_{asc}/N

    With the published ranks ``r`` (1 = most deprived), :math:`R = (N - r + 1)/N`, so the most
    deprived area has :math:`R = 1, X = 100` and the least deprived :math:`R = 1/N, X \\approx 0`.

    References
    ----------
    McLennan D. et al. The English Indices of Deprivation 2019: Technical Report. MHCLG, 2019,
    section 3.7 (exponential transformation); SIMD 2003 Appendix 5.
    """
    R = np.asarray(rank_asc, dtype=float) / n
    return -constant * np.log(1.0 - R * (1.0 - np.exp(-scale / constant)))


def exponential(
    x: np.ndarray, *, constant: float = 23.0, scale: float = 100.0, n: int | None = None,
    ties: str = "average",
) -> np.ndarray:
    """IMD exponential transformation of values: rank them (highest = rank ``n``) then
    :func:`exponential_from_ranks`."""
    r = ranks(x, ties=ties)
    count = np.count_nonzero(~np.isnan(x)) if n is None else n
    return exponential_from_ranks(r, n=count, constant=constant, scale=scale)


def is_degenerate(method: str, x: np.ndarray, params: dict[str, Any]) -> bool:
    """True when ``method`` cannot scale ``x`` (zero range / zero sd / all missing)."""
    ok = x[~np.isnan(x)]
    if ok.size == 0:
        return True
    if method in ("minmax", "zscore", "dist2max", "prank"):
        return bool(ok.min() == ok.max())
    if method == "fracmax":
        return bool(ok.max() == 0)
    if method in ("dist2ref", "dist2target"):
        ref = params.get("ref_value", params.get("target"))
        return bool(ref is None or np.isnan(ref) or ref == ok.min())
    return False


def midpoint(method: str, params: dict[str, Any]) -> float:
    """Value given to every area by the ``zero_variance: midpoint`` policy."""
    if method == "minmax":
        return (params["range"][0] + params["range"][1]) / 2.0
    if method == "zscore":
        return float(params["mean_sd"][0])
    return 0.5


def normalise(x: np.ndarray, *, method: str, **params: Any) -> np.ndarray:
    """Apply one normalisation ``method`` (see the module functions for each formula).

    Raises
    ------
    ValueError
        For an unknown method or missing parameter.
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "none":
            return x.copy()
        if method == "minmax":
            return minmax(x, range=tuple(params.get("range", (0.0, 100.0))))
        if method == "zscore":
            return zscore(x, mean_sd=tuple(params.get("mean_sd", (0.0, 1.0))))
        if method in ("prank", "rank", "borda"):
            return {"prank": prank, "rank": rank, "borda": borda}[method](
                x, ties=params.get("ties", "min"))
        if method == "dist2max":
            return dist2max(x)
        if method == "dist2ref":
            return dist2ref(x, ref_value=params["ref_value"], cap=params.get("cap", False))
        if method == "dist2target":
            return dist2target(x, target=params["target"], cap=params.get("cap", False))
        if method == "fracmax":
            return fracmax(x)
        if method == "goalposts":
            return goalposts(x, lo=params["lo"], hi=params["hi"], scale=params.get("scale", 100.0),
                             truncate=params.get("truncate", True))
        if method == "rank_inverse_normal":
            return rank_inverse_normal(x, ties=params.get("ties", "average"),
                                       c=params.get("c", 0.0))
        if method == "exponential":
            return exponential(x, constant=params.get("constant", 23.0),
                               scale=params.get("scale", 100.0), n=params.get("n"),
                               ties=params.get("ties", "average"))
    raise ValueError(f"unknown normalisation method {method!r}")


def normalise_table(
    data: pd.DataFrame,
    *,
    method: str,
    directions: Mapping[str, int] | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Table wrapper of :func:`normalise`: every column of ``data`` times its direction
    (``directions`` maps column -> +1/-1, default +1), then ``method``."""
    out = data.copy()
    for col in data.columns:
        d = 1 if directions is None else directions.get(col, 1)
        out[col] = normalise(data[col].to_numpy(float) * d, method=method, **params)
    return out
