"""Funnel plots that allow for over-dispersion (Spiegelhalter 2005): z-scores on a variance-
stabilising scale, winsorised (or truncated), a multiplicative dispersion factor and an
additive random-effects variance, and the control limits they give."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import ndtri
from scipy.stats import rankdata

from rescomm.stats._checks import as_float_array, first_bad
from rescomm.stats._errors import (
    InvalidDataWarning,
    Policy,
    TooFewValuesWarning,
    apply_policy,
    check_policy,
)
from rescomm.stats._frame import check_columns
from rescomm.stats._funnel import LEVELS, SIGNIFICANCE_LABELS

__all__ = ["funnel_overdispersion", "overdispersed_limits", "overdispersion"]

Statistic = Literal["proportion", "ratio"]
Transform = Literal["arcsine", "log", "sqrt"]
Method = Literal["additive", "multiplicative"]
TrimMethod = Literal["winsorise", "truncate"]
DEFAULT_TRANSFORM = {"proportion": "arcsine", "ratio": "log"}
ALLOWED = {"proportion": ("arcsine",), "ratio": ("log", "sqrt")}


def _check(statistic: str, transform: str | None, method: str, trim: float,
           trim_method: str) -> str:
    if statistic not in ALLOWED:
        raise ValueError(f"statistic must be 'proportion' or 'ratio'; got {statistic!r}")
    t = DEFAULT_TRANSFORM[statistic] if transform is None else transform
    if t not in ALLOWED[statistic]:
        raise ValueError(f"transform for a {statistic} must be one of {ALLOWED[statistic]}; "
                         f"got {transform!r}")
    if method not in ("additive", "multiplicative"):
        raise ValueError(f"method must be 'additive' or 'multiplicative'; got {method!r}")
    if trim_method not in ("winsorise", "truncate"):
        raise ValueError(f"trim_method must be 'winsorise' or 'truncate'; got {trim_method!r}")
    if not 0 <= trim < 0.5:
        raise ValueError(f"trim must be a fraction in [0, 0.5) of each tail; got {trim!r}")
    return t


def _scale(x: np.ndarray, n: np.ndarray, target: float, transform: str
           ) -> tuple[np.ndarray, float, np.ndarray]:
    """Values, target and standard errors on the transformed scale."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if transform == "arcsine":
            return np.arcsin(np.sqrt(x / n)), float(np.arcsin(np.sqrt(target))), \
                1.0 / (2.0 * np.sqrt(n))
        if transform == "log":
            return np.log(x / n), float(np.log(target)), 1.0 / np.sqrt(n)
        return np.sqrt(x / n), float(np.sqrt(target)), 1.0 / (2.0 * np.sqrt(n))


def _unscale(y: np.ndarray, transform: str) -> np.ndarray:
    """Back to the original scale, clipping at the ends of the scale's range."""
    if transform == "arcsine":
        return np.sin(np.clip(y, 0.0, np.pi / 2.0)) ** 2
    if transform == "log":
        return np.exp(y)
    return np.clip(y, 0.0, None) ** 2


def overdispersion(z: Any, s: Any, *, trim: float = 0.1, trim_method: TrimMethod = "winsorise"
                   ) -> tuple[float, float, np.ndarray]:
    """Dispersion factor and between-unit variance from unadjusted z-scores.

    Parameters
    ----------
    z : array_like
        z-scores :math:`z_i = (y_i - \\theta_0)/s_i` of the units (missing ones are ignored).
    s : array_like
        Their within-unit standard errors :math:`s_i` on the same scale.
    trim : float, keyword-only
        Fraction of each tail to winsorise or truncate (Spiegelhalter: 10%).
    trim_method : {"winsorise", "truncate"}, keyword-only
        "winsorise" pulls z-scores beyond the ``trim`` and ``1 - trim`` quantiles in to them;
        "truncate" drops them (NHS England's SHMI).

    Returns
    -------
    phi, tau2, z_trimmed : float, float, ndarray
        :math:`\\hat\\phi`, :math:`\\hat\\tau^2` and the trimmed z-scores (NaN where dropped).

    Notes
    -----
    With the :math:`I` trimmed z-scores and :math:`w_i = 1/s_i^2`:

    .. math::

        \\hat\\phi = \\frac{1}{I}\\sum z_i^2,\\qquad
        \\hat\\tau^2 = \\max\\Big(0, \\frac{I\\hat\\phi - (I - 1)}
        {\\sum w_i - \\sum w_i^2 / \\sum w_i}\\Big).

    Quantiles are R's type 7 (numpy's default); truncation ranks the z-scores (ties averaged)
    and drops the units whose decile ``floor(rank * 10 / (I + 1))`` is 0 or 9, as FunnelPlotR.

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
       2005;24:1185-1202. doi:10.1002/sim.1970
    .. [2] Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf
       Health Care 2005;14:347-351. doi:10.1136/qshc.2005.013755
    """
    za = as_float_array(z, "z").reshape(-1)
    sa = as_float_array(s, "s").reshape(-1)
    if za.shape != sa.shape:
        raise ValueError(f"z has {za.size} values but s has {sa.size}")
    ok = np.isfinite(za) & np.isfinite(sa)
    zt = np.full(za.shape, np.nan)
    if trim_method == "winsorise":
        lo, hi = np.quantile(za[ok], [trim, 1.0 - trim]) if ok.any() else (np.nan, np.nan)
        zt[ok] = np.clip(za[ok], lo, hi)
    elif trim_method == "truncate":
        k = round(1.0 / trim) if trim > 0 else 0
        rank = rankdata(za[ok], method="average")
        keep = np.ones(rank.shape, dtype=bool) if k == 0 else (
            (np.floor(rank * k / (rank.size + 1)) > 0)
            & (np.floor(rank * k / (rank.size + 1)) < k - 1))
        zt[np.flatnonzero(ok)[keep]] = za[ok][keep]
    else:
        raise ValueError(f"trim_method must be 'winsorise' or 'truncate'; got {trim_method!r}")
    used = ~np.isnan(zt)
    n = int(used.sum())
    if n < 2:
        return float("nan"), float("nan"), zt
    phi = float(np.mean(zt[used] ** 2))
    w = 1.0 / sa[used] ** 2
    if n * phi < n - 1:
        return phi, 0.0, zt
    tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w * w).sum() / w.sum()))
    return phi, float(tau2), zt


def overdispersed_limits(
    denominator: Any,
    *,
    target: float,
    statistic: Statistic,
    transform: Transform | None = None,
    method: Method = "additive",
    phi: float = 1.0,
    tau2: float = 0.0,
    confidence: float = 0.95,
    multiplier: float = 1,
) -> tuple[Any, Any]:
    """Funnel control limits at ``denominator``, widened for over-dispersion.

    Parameters
    ----------
    denominator : array_like
        Sample sizes (proportions) or expected counts (ratios), > 0.
    target : float, keyword-only
        The centre: the pooled proportion, or 1 for an observed/expected ratio.
    statistic, transform : keyword-only
        As in :func:`funnel_overdispersion`.
    method : {"additive", "multiplicative"}, keyword-only
        Which adjustment: ``tau2`` is added to each unit's variance, or the standard error is
        multiplied by :math:`\\sqrt{\\phi}` (only when :math:`\\phi > 1`).
    phi, tau2 : float, keyword-only
        From :func:`overdispersion` (defaults: no adjustment).
    confidence : float, keyword-only
        0.95 ("2s") or 0.998 ("3s"), or any fraction.
    multiplier : float, keyword-only
        Scale of the output (100 for percentages).

    Returns
    -------
    lower, upper : ndarray
        :math:`f^{-1}(f(\\theta_0) \\mp z\\sqrt{s^2 + \\tau^2})` (additive) or
        :math:`f^{-1}(f(\\theta_0) \\mp z\\sqrt{\\phi} s)` (multiplicative), times
        ``multiplier``, with :math:`f` the transform and :math:`s` its standard error at
        ``denominator`` (arcsine: :math:`1/(2\\sqrt n)`, log: :math:`1/\\sqrt E`, square
        root: :math:`1/(2\\sqrt E)`).

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
       2005;24:1185-1202. doi:10.1002/sim.1970
    """
    t = _check(statistic, transform, method, 0.1, "winsorise")
    n = as_float_array(denominator, "denominator")
    _, centre, s = _scale(np.ones_like(n), n, target, t)
    z = float(ndtri(0.5 + confidence / 2.0))
    if method == "additive":
        half = z * np.sqrt(s * s + tau2)
    else:
        half = z * np.sqrt(max(phi, 1.0)) * s
    return _unscale(centre - half, t) * multiplier, _unscale(centre + half, t) * multiplier


def funnel_overdispersion(
    data: pd.DataFrame,
    numerator: str,
    denominator: str,
    *,
    statistic: Statistic,
    method: Method = "additive",
    transform: Transform | None = None,
    trim: float = 0.1,
    trim_method: TrimMethod = "winsorise",
    multiplier: float = 1,
    out_of_domain: Policy = "warn",
    too_few: Policy = "warn",
) -> pd.DataFrame:
    """Outliers on a funnel plot once over-dispersion is allowed for (Spiegelhalter 2005).

    Parameters
    ----------
    data : DataFrame
        One row per unit (area, practice, trust).
    numerator, denominator : str
        Cases and sample size (``statistic="proportion"``), or observed and expected counts
        (``statistic="ratio"``, e.g. a standardised mortality ratio, target 1).
    statistic : {"proportion", "ratio"}, keyword-only
    method : {"additive", "multiplicative"}, keyword-only
        Additive random effects (a between-unit variance :math:`\\tau^2`; Spiegelhalter's and
        FunnelPlotR's default) or a multiplicative dispersion factor :math:`\\phi`.
    transform : {"arcsine", "log", "sqrt"}, optional, keyword-only
        Variance-stabilising scale of the z-scores: arcsine square root for proportions
        (default), log (default) or square root for ratios.
    trim, trim_method : keyword-only
        As in :func:`overdispersion` (10% winsorised by default).
    multiplier : float, keyword-only
        Scale of the target and limits (100 for percentages).
    out_of_domain : {"warn", "raise", "ignore"}, keyword-only
        A zero count under the log transform has no z-score: it is left out of the estimate of
        the over-dispersion (:class:`InvalidDataWarning`), and still judged against the limits.
    too_few : {"warn", "raise", "ignore"}, keyword-only
        Fewer than 2 units with a z-score: no estimate (NaN), :class:`TooFewValuesWarning`.

    Returns
    -------
    DataFrame
        ``data`` with ``target``, ``z`` (unadjusted), ``z_trimmed``, ``z_adjusted``, the
        adjusted limits at each unit's denominator (``lower_2s_limit``, ``upper_2s_limit``,
        ``lower_3s_limit``, ``upper_3s_limit``), ``significance`` (the labels of
        :func:`funnel_significance`, against the adjusted limits), ``phi``, ``tau2``,
        ``statistic`` and ``method``.

    Raises
    ------
    ValueError
        For a denominator <= 0, a negative numerator, or a proportion above 1.

    Notes
    -----
    :math:`y_i = f(x_i/n_i)`, :math:`\\theta_0 = f(\\sum x / \\sum n)` (proportions) or
    :math:`f(1)` (ratios), :math:`z_i = (y_i - \\theta_0)/s_i`; :func:`overdispersion` gives
    :math:`\\hat\\phi, \\hat\\tau^2` from the trimmed z-scores; adjusted z-scores are
    :math:`(y_i - \\theta_0)/\\sqrt{s_i^2 + \\hat\\tau^2}` or :math:`z_i/\\sqrt{\\hat\\phi}`
    (:math:`\\hat\\phi > 1` only). Agrees with FunnelPlotR (``funnel_plot``) for the additive
    method.

    References
    ----------
    .. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
       2005;24:1185-1202. doi:10.1002/sim.1970
    .. [2] Spiegelhalter DJ. Handling over-dispersion of performance indicators. Qual Saf
       Health Care 2005;14:347-351. doi:10.1136/qshc.2005.013755
    .. [3] Mainey C et al. FunnelPlotR: funnel plots for comparing institutional
       performance. CRAN, 2025.
    """
    t = _check(statistic, transform, method, trim, trim_method)
    check_policy("out_of_domain", out_of_domain)
    check_policy("too_few", too_few)
    check_columns(data, numerator=numerator, denominator=denominator)
    x = as_float_array(data[numerator].to_numpy(), numerator)
    n = as_float_array(data[denominator].to_numpy(), denominator)
    for mask, values, message in ((~(n > 0), n, "denominators must be > 0"),
                                  (x < 0, x, "numerators must be >= 0")):
        if mask.any():
            where, v = first_bad(mask, values)
            raise ValueError(f"{message}; got {v:g} at position {where}")
    if statistic == "proportion" and (x > n).any():
        where, v = first_bad(x > n, x)
        raise ValueError(f"numerators must be <= denominators for a proportion; got {v:g} at "
                         f"position {where}")
    target = float(x.sum() / n.sum()) if statistic == "proportion" else 1.0
    y, centre, s = _scale(x, n, target, t)
    z = (y - centre) / s
    outside = ~np.isfinite(z)
    apply_policy(outside, out_of_domain, name="out_of_domain", category=InvalidDataWarning,
                 what="a zero count, which has no logarithm",
                 consequence="those units are left out of the over-dispersion estimate")
    phi, tau2, z_trimmed = overdispersion(z, s, trim=trim, trim_method=trim_method)
    apply_policy(np.array([np.isnan(phi)]), too_few, name="too_few",
                 category=TooFewValuesWarning, what="fewer than 2 units with a z-score",
                 consequence="no over-dispersion estimate (NaN)")
    if method == "additive":
        with np.errstate(invalid="ignore"):
            z_adj = (y - centre) / np.sqrt(s * s + tau2)
    else:
        z_adj = z / np.sqrt(max(phi, 1.0)) if np.isfinite(phi) else np.full(z.shape, np.nan)
    out = data.copy()
    out["target"] = target * multiplier
    out["z"] = z
    out["z_trimmed"] = z_trimmed
    out["z_adjusted"] = z_adj
    ratio = x / n * multiplier
    conditions = []
    for tag, level in LEVELS:
        lower, upper = overdispersed_limits(n, target=target, statistic=statistic, transform=t,
                                            method=method, phi=phi, tau2=tau2,
                                            confidence=level, multiplier=multiplier)
        out[f"lower_{tag}_limit"] = lower
        out[f"upper_{tag}_limit"] = upper
        conditions.append((ratio > upper, ratio < lower))
    (hi2, lo2), (hi3, lo3) = conditions
    labels = np.select([hi3, hi2, lo3, lo2], list(SIGNIFICANCE_LABELS[:4]),
                       default=SIGNIFICANCE_LABELS[4])
    out["significance"] = pd.Categorical(labels, categories=list(SIGNIFICANCE_LABELS))
    if np.isnan(phi):  # no estimate: not judged (the too_few warning says why)
        out["significance"] = pd.Categorical([None] * len(out),
                                             categories=list(SIGNIFICANCE_LABELS))
    out["phi"] = phi
    out["tau2"] = tau2
    out["statistic"] = f"{statistic} ({t} scale)"
    trimmed = f"{trim:.0%} {'winsorised' if trim_method == 'winsorise' else 'truncated'}"
    out["method"] = (f"Spiegelhalter {method} over-dispersion, z-scores {trimmed}")
    return out
