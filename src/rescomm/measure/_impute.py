"""Impute missing indicator values: overall or group mean/median (COINr ``i_mean``,
``i_median``, ``i_mean_grp``, ``i_median_grp``).

Every imputed cell is reported (area, indicator, value, method, group) so nothing is filled
silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def impute_overall(x: np.ndarray, *, stat: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values of ``x`` with its mean or median.

    Returns
    -------
    filled, imputed : numpy.ndarray
        The filled vector and a boolean mask of cells that were filled. If every value is
        missing nothing can be filled and ``imputed`` is all False.
    """
    x = np.asarray(x, dtype=float).copy()
    miss = np.isnan(x)
    if miss.all() or not miss.any():
        return x, np.zeros_like(miss)
    value = np.nanmean(x) if stat == "mean" else np.nanmedian(x)
    x[miss] = value
    return x, miss


def impute_grouped(
    x: np.ndarray, groups: np.ndarray, *, stat: str = "mean", fallback: str = "none"
) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values with the mean/median of the same group (e.g. local authority).

    Parameters
    ----------
    x : numpy.ndarray
        Indicator values, NaN where missing.
    groups : numpy.ndarray
        Group label per value; a missing label means the row has no group.
    stat : {"mean", "median"}, keyword-only
    fallback : {"none", "mean", "median"}, keyword-only
        What to do where the whole group is missing (or the row has no group): leave it
        missing, or use the overall mean/median.

    Returns
    -------
    filled, imputed : numpy.ndarray

    Notes
    -----
    :math:`\\hat x_{ij} = \\operatorname{mean}\\{x_{lj} : g_l = g_i, x_{lj} \\text{ present}\\}`
    (COINr ``i_mean_grp``).
    """
    x = np.asarray(x, dtype=float).copy()
    miss = np.isnan(x)
    if not miss.any():
        return x, miss
    s = pd.Series(x)
    key = pd.Series(groups, dtype=object)
    fill = s.groupby(key, dropna=True).transform(stat).to_numpy(float)
    filled = miss & ~np.isnan(fill)
    x[filled] = fill[filled]
    if fallback != "none":
        rest = np.isnan(x)
        if rest.any() and not np.isnan(s).all():
            x[rest] = np.nanmean(s) if fallback == "mean" else np.nanmedian(s)
            filled |= rest
    return x, filled


def impute_grouped_matrix(
    x: np.ndarray, groups: np.ndarray, *, stat: str = "mean", fallback: str = "none"
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`impute_grouped` applied to every column of a 2-D array in one grouped pass."""
    x = np.asarray(x, dtype=float)
    miss = np.isnan(x)
    if not miss.any():
        return x.copy(), np.zeros_like(miss)
    frame = pd.DataFrame(x)
    fill = frame.groupby(pd.Series(groups, dtype=object), dropna=True).transform(stat)
    fill = fill.reindex(frame.index).to_numpy(float)
    out = x.copy()
    filled = miss & ~np.isnan(fill)
    out[filled] = fill[filled]
    if fallback != "none":
        rest = np.isnan(out) & ~np.isnan(x).all(axis=0)
        if rest.any():
            col = np.nanmean(x, axis=0) if fallback == "mean" else np.nanmedian(x, axis=0)
            out[rest] = np.broadcast_to(col, x.shape)[rest]
            filled |= rest
    return out, filled


def impute_table(
    data: pd.DataFrame, *, method: str = "mean", by: pd.Series | None = None,
    fallback: str = "none",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Table wrapper: impute every column; return the filled table and the cell report."""
    out = data.copy()
    rows = []
    for col in data.columns:
        x = data[col].to_numpy(float)
        if method in ("mean", "median"):
            filled, mask = impute_overall(x, stat=method)
        else:
            if by is None:
                raise ValueError(f"method {method!r} needs a grouping 'by'")
            filled, mask = impute_grouped(x, by.to_numpy(object), stat=method.split("_")[1],
                                          fallback=fallback)
        out[col] = filled
        for i in np.flatnonzero(mask):
            rows.append({"row": data.index[i], "indicator": col, "value": filled[i],
                         "method": method})
    return out, pd.DataFrame(rows, columns=["row", "indicator", "value", "method"])
