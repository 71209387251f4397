"""Statistical audit of a build (COINr ``get_stats``, ``get_corr_flags``, ``get_cronbach``,
``get_PCA``; OECD/JRC Handbook 2008, step 4 "multivariate analysis"), plus the
leave-one-indicator-out rank changes of the Handbook's step 7 (robustness and sensitivity)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ._errors import MeasureWarning
from ._results import quantile_from_rank, worst_first_rank
from ._spec import ROOT
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


def leave_one_out(build: Build, *, node: str = ROOT) -> pd.DataFrame:
    """Rank changes of ``node`` when each indicator is left out in turn.

    Each indicator's weight is set to 0 and the build re-run from its log (the remaining
    siblings' weights are rescaled within their group as the spec says); the ranks of
    ``node`` (1 = worst) are compared with the nominal ranks over the areas ranked in both.

    Returns
    -------
    DataFrame
        One row per indicator: ``indicator``, ``parent``, ``mean_abs_rank_shift`` and
        ``max_abs_rank_shift`` (places), ``share_changing_decile`` (0-1), ``spearman``
        (rank correlation with the nominal ranks) and ``note`` (why a row is empty: an
        indicator that is its group's only child cannot be left out without removing the
        group). Method: OECD/JRC Handbook on Constructing Composite Indicators (2008), step 7,
        "excluding individual indicators"; COINr ``remove_elements``.
    """
    spec = build.spec
    polarity = spec.polarity
    nominal = worst_first_rank(build._run.scores[node], polarity=polarity)
    nominal_decile = quantile_from_rank(nominal, q=10)
    under = set(_descendants(spec, node))
    rows = []
    for ind in spec.indicators:
        row: dict[str, object] = {"indicator": ind.id, "parent": ind.parent,
                                  "mean_abs_rank_shift": np.nan, "max_abs_rank_shift": np.nan,
                                  "share_changing_decile": np.nan, "spearman": np.nan,
                                  "note": ""}
        if ind.id not in under:
            row["note"] = f"not part of {node!r}"
        elif len(spec.children(ind.parent)) == 1:
            row["note"] = f"only indicator of {ind.parent!r}"
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", MeasureWarning)
                other = build.rebuild(weights={ind.id: 0.0})
            rank = worst_first_rank(other._run.scores[node], polarity=polarity)
            both = ~np.isnan(rank) & ~np.isnan(nominal)
            shift = np.abs(rank[both] - nominal[both])
            if shift.size:
                decile = quantile_from_rank(rank, q=10)
                row.update(mean_abs_rank_shift=float(shift.mean()),
                           max_abs_rank_shift=float(shift.max()),
                           share_changing_decile=float(
                               np.mean(decile[both] != nominal_decile[both])),
                           spearman=float(spearmanr(rank[both], nominal[both])[0])
                           if shift.size > 2 else np.nan)
        rows.append(row)
    return pd.DataFrame(rows)


def _descendants(spec: object, node: str) -> list[str]:
    out, todo = [], [node]
    while todo:
        current = todo.pop()
        kids = spec.children(current)  # type: ignore[attr-defined]
        out.extend(kids)
        todo.extend(kids)
    return out


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
        of variance of the first principal component; ``cross_group``: each indicator's
        correlation with every group other than its parent at the parent's level, flagged
        ``"closer_to_other"`` where |r| with that group exceeds |r| with its own parent (the
        indicator may sit in the wrong group; JRC audit practice); ``leave_one_out``: see
        :func:`leave_one_out`.
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
            "groups": pd.DataFrame(group_rows),
            "cross_group": _cross_group(build, scores),
            "leave_one_out": leave_one_out(build)}


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    both = ~np.isnan(a) & ~np.isnan(b)
    if both.sum() <= 2 or np.nanstd(a[both]) == 0 or np.nanstd(b[both]) == 0:
        return np.nan
    return float(np.corrcoef(a[both], b[both])[0, 1])


def _cross_group(build: Build, scores: dict[str, np.ndarray]) -> pd.DataFrame:
    spec = build.spec
    rows = []
    for ind in spec.indicators:
        parent = ind.parent
        level = spec.level(parent)
        own = _corr(scores[ind.id], scores[parent])
        others = [g for g in spec.node_ids if g not in (parent, ROOT) and spec.children(g)
                  and spec.level(g) == level]
        for g in others:
            r = _corr(scores[ind.id], scores[g])
            flag = "closer_to_other" if abs(r) > abs(own) else "ok"
            rows.append({"indicator": ind.id, "parent": parent, "r_parent": own,
                         "group": g, "r": r, "flag": flag})
    return pd.DataFrame(rows, columns=["indicator", "parent", "r_parent", "group", "r",
                                       "flag"])
