"""Empirical-Bayes shrinkage of small-area rates towards their parent area (IMD practice).

Small counts make small-area rates unreliable. Each area's empirical logit is pulled towards
the mean of its parent area (e.g. MSOA or local authority) with a weight equal to its share of
the total precision, as in the English Indices of Deprivation and SIMD 2003 Appendix 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ShrinkResult:
    """Shrunk rates plus the quantities a reader needs to audit them."""

    rate: np.ndarray
    weight: np.ndarray
    logit: np.ndarray
    logit_shrunk: np.ndarray
    parent_mean: np.ndarray
    between_var: np.ndarray
    degenerate_parents: tuple[str, ...]


def eb_logit_shrink(
    counts: np.ndarray,
    population: np.ndarray,
    parent: np.ndarray,
    *,
    correction: float = 0.5,
    min_between_var: float = 1e-6,
) -> ShrinkResult:
    """Shrink small-area proportions ``counts / population`` towards their parent's mean.

    Parameters
    ----------
    counts, population : numpy.ndarray
        Events ``r_j`` and population at risk ``n_j`` per area (``0 <= r_j <= n_j``).
    parent : numpy.ndarray
        Parent-area code of each area (the shrinkage target, e.g. MSOA or LA).
    correction : float, keyword-only
        Continuity correction added to counts (0.5, as in the IMD/SIMD).
    min_between_var : float, keyword-only
        Floor for the between-area variance ``t^2`` (prevents a zero-variance parent from
        pulling every area to its mean with weight 0).

    Returns
    -------
    ShrinkResult
        ``rate`` is the anti-logit of the shrunk logit; ``weight`` is ``w_j``.

    Notes
    -----
    .. math::

        z_j = \\ln\\frac{r_j + c}{n_j - r_j + c},\\qquad
        s_j^2 = \\frac{1}{r_j + c} + \\frac{1}{n_j - r_j + c}

        \\bar z_k = \\frac{\\sum_{j\\in k} z_j / s_j^2}{\\sum_{j\\in k} 1/s_j^2},\\qquad
        t_k^2 = \\max\\Big(\\operatorname{var}_{j\\in k}(z_j) - \\overline{s^2}_k,\\ t_{min}^2\\Big)

        w_j = \\frac{1/s_j^2}{1/s_j^2 + 1/t_k^2},\\qquad z^*_j = w_j z_j + (1 - w_j)\\bar z_k

    and the shrunk rate is :math:`e^{z^*_j}/(1 + e^{z^*_j})`. Areas with a missing count or
    population stay missing. A parent with a single area cannot estimate ``t^2``; its areas
    keep their own logit (``w = 1``) and the parent is listed in ``degenerate_parents``.
    The between-area variance is the method-of-moments estimate (observed variance of the
    logits minus their mean sampling variance); the IMD technical report describes the same
    estimator in words (McLennan et al. 2019, section 3.4).

    References
    ----------
    McLennan D. et al. The English Indices of Deprivation 2019: Technical Report. MHCLG, 2019.
    Noble M. et al. Scottish Indices of Deprivation 2003, Appendix 1. Scottish Executive, 2003.
    """
    r = np.asarray(counts, dtype=float)
    n = np.asarray(population, dtype=float)
    if np.any((r < 0) | (n < 0)):
        raise ValueError("counts and populations must be non-negative")
    if np.any(r > n):
        raise ValueError("a count exceeds its population at risk")
    ok = ~np.isnan(r) & ~np.isnan(n) & (n > 0)
    z = np.full(r.shape, np.nan)
    s2 = np.full(r.shape, np.nan)
    z[ok] = np.log((r[ok] + correction) / (n[ok] - r[ok] + correction))
    s2[ok] = 1.0 / (r[ok] + correction) + 1.0 / (n[ok] - r[ok] + correction)
    codes, uniques = pd.factorize(pd.Series(parent, dtype=object), use_na_sentinel=True)
    ok &= codes >= 0
    k = len(uniques)
    c = codes[ok]
    prec = 1.0 / s2[ok]
    zz = z[ok]
    count = np.bincount(c, minlength=k).astype(float)
    sum_p = np.bincount(c, weights=prec, minlength=k)
    zbar = np.bincount(c, weights=prec * zz, minlength=k) / np.where(sum_p > 0, sum_p, np.nan)
    mean_z = np.bincount(c, weights=zz, minlength=k) / np.where(count > 0, count, np.nan)
    dev2 = np.bincount(c, weights=(zz - mean_z[c]) ** 2, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        var_z = dev2 / (count - 1)
        mean_s2 = np.bincount(c, weights=s2[ok], minlength=k) / count
    t2 = np.maximum(var_z - mean_s2, min_between_var)
    single = count < 2
    w = np.full(r.shape, np.nan)
    wk = prec / (prec + 1.0 / t2[c])
    wk[single[c]] = 1.0
    w[ok] = wk
    zs = np.full(r.shape, np.nan)
    zs[ok] = wk * zz + (1.0 - wk) * zbar[c]
    pm = np.full(r.shape, np.nan)
    pm[ok] = zbar[c]
    bv = np.full(r.shape, np.nan)
    bv[ok] = np.where(single[c], np.nan, t2[c])
    rate = 1.0 / (1.0 + np.exp(-zs))
    degenerate = tuple(str(u) for u, s in zip(uniques, single, strict=True) if s)
    return ShrinkResult(rate, w, z, zs, pm, bv, degenerate)


def eb_logit_shrink_table(
    data: pd.DataFrame, *, count: str, population: str, parent: str, **options: float
) -> pd.DataFrame:
    """Table wrapper of :func:`eb_logit_shrink`: adds ``rate``, ``shrunk_rate`` and ``weight``."""
    res = eb_logit_shrink(data[count].to_numpy(float), data[population].to_numpy(float),
                          data[parent].to_numpy(object), **options)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = data[count].to_numpy(float) / data[population].to_numpy(float)
    return data.assign(rate=raw, shrunk_rate=res.rate, weight=res.weight)
