"""Statistical audit of a build (COINr ``get_stats``, ``get_corr_flags``, ``get_cronbach``,
``get_PCA``; OECD/JRC Handbook 2008, step 4 "multivariate analysis")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._treat import kurt, skew
from ._weights import pca_loadings

if TYPE_CHECKING:
    from ._build import Build


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``x`` (complete rows only).

    .. math:: \\alpha = \\frac{k}{k-1}\\Big(1 - \\frac{\\sum_i \\sigma_i^2}{\\sigma_T^2}\\Big)
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    if k < 2 or x.shape[0] < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total)) if total else float(
        "nan")


def indicator_stats(values: pd.DataFrame, *, t_avail: float = 0.65, t_skew: float = 2.0,
                    t_kurt: float = 3.5, t_zero: float = 0.5, t_unique: float = 0.5,
                    ) -> pd.DataFrame:
    """COINr ``get_stats``: per column min, max, mean, median, sd, skew, kurtosis, availability,
    shares of non-zero and unique values, and the four flags (``"LOW"``/``"OUT"``/``"ok"``)."""
    rows = []
    n = len(values)
    for col in values.columns:
        x = values[col].to_numpy(float)
        ok = x[~np.isnan(x)]
        avail = ok.size / n if n else float("nan")
        sk, kt = skew(ok), kurt(ok)
        nonzero = np.count_nonzero(ok) / ok.size if ok.size else float("nan")
        unique = np.unique(ok).size / ok.size if ok.size else float("nan")
        rows.append({
            "indicator": col, "min": ok.min() if ok.size else np.nan,
            "max": ok.max() if ok.size else np.nan, "mean": ok.mean() if ok.size else np.nan,
            "median": np.median(ok) if ok.size else np.nan,
            "sd": ok.std(ddof=1) if ok.size > 1 else np.nan, "skew": sk, "kurtosis": kt,
            "availability": avail, "share_nonzero": nonzero, "share_unique": unique,
            "flag_availability": "LOW" if avail < t_avail else "ok",
            "flag_skew_kurtosis": "OUT" if abs(sk) > t_skew and kt > t_kurt else "ok",
            "flag_nonzero": "LOW" if nonzero < t_zero else "ok",
            "flag_unique": "LOW" if unique < t_unique else "ok",
        })
    return pd.DataFrame(rows)


def audit(build: Build, *, corr_threshold: float = 0.9) -> dict[str, pd.DataFrame]:
    """Audit tables of a build.

    Returns
    -------
    dict of DataFrame
        ``indicators``: statistics of the indicators as entered (after denominating) and
        their effective weights; ``correlations``: every node's Pearson correlation with its
        parent and siblings, flagged ``"collinear"`` (|r| > ``corr_threshold`` between
        siblings) or ``"negative"`` (COINr ``get_corr_flags``); ``groups``: per group the
        number of children, Cronbach's alpha, the mean inter-child correlation and the share
        of variance of the first principal component.
    """
    spec = build.spec
    entered = build.stage("shrink") if "shrink" in build._run.stages else build.stage(
        "denominate")
    stats = indicator_stats(entered)
    stats["effective_weight"] = stats["indicator"].map(build.effective_weights)
    scores = {k: build._run.scores[k] for k in spec.node_ids}
    corr_rows, group_rows = [], []
    for group in spec.node_ids:
        kids = spec.children(group)
        if not kids:
            continue
        mat = np.column_stack([scores[k] for k in kids])
        complete = mat[~np.isnan(mat).any(axis=1)]
        with np.errstate(invalid="ignore", divide="ignore"):
            cm = np.corrcoef(complete, rowvar=False) if len(kids) > 1 and len(complete) > 2 \
                else np.ones((1, 1))
        for i, k in enumerate(kids):
            both = ~np.isnan(scores[k]) & ~np.isnan(scores[group])
            r_parent = (float(np.corrcoef(scores[k][both], scores[group][both])[0, 1])
                        if both.sum() > 2 else np.nan)
            corr_rows.append({"node": k, "with": group, "relation": "parent", "r": r_parent,
                              "flag": "negative" if r_parent < 0 else "ok"})
            for j, other in enumerate(kids):
                if j <= i:
                    continue
                r = float(cm[i, j]) if len(kids) > 1 else np.nan
                flag = ("collinear" if abs(r) > corr_threshold else
                        "negative" if r < 0 else "ok")
                corr_rows.append({"node": k, "with": other, "relation": "sibling", "r": r,
                                  "flag": flag})
        explained = np.nan
        if len(kids) > 1 and len(complete) > len(kids):
            try:
                explained = pca_loadings(complete)[1]
            except ValueError:
                explained = np.nan
        off = cm[np.triu_indices(len(kids), 1)] if len(kids) > 1 else np.array([])
        group_rows.append({"group": group, "children": len(kids),
                           "cronbach_alpha": cronbach_alpha(mat),
                           "mean_inter_correlation": float(off.mean()) if off.size else np.nan,
                           "pc1_share": explained})
    return {"indicators": stats, "correlations": pd.DataFrame(corr_rows),
            "groups": pd.DataFrame(group_rows)}
