"""Reshape a long table (one row per group and standardisation band) into a group x band grid.

Shared by the DSR and ISR table wrappers: a stable sort on the group codes keeps the bands in
the order they appear within each group, which must be the order of the standard population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def band_grid(data: pd.DataFrame, by: list[str]) -> tuple[np.ndarray, pd.DataFrame, int]:
    """Return (row order, one row of group keys per group, bands per group).

    Raises a ValueError naming the first group whose number of rows differs from the others.
    """
    if not by:
        return np.arange(len(data)), pd.DataFrame(index=range(1)), len(data)
    if len(by) == 1:
        fast = _contiguous_groups(data, by[0])
        if fast is not None:
            return fast
        codes, _ = pd.factorize(data[by[0]], sort=True, use_na_sentinel=False)
    else:
        codes = data.groupby(by, sort=True, dropna=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes)
    bands = int(sizes[0]) if sizes.size else 0
    if sizes.size and (sizes != bands).any():
        g = int(np.flatnonzero(sizes != bands)[0])
        key = data.iloc[order[sizes[:g].sum()]][by].tolist()
        raise ValueError(
            f"data must contain the same number of rows (standardisation bands) for each group: "
            f"group {key} has {int(sizes[g])} rows, the first group has {bands}"
        )
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keys = data.iloc[order[starts]][by].reset_index(drop=True)
    return order, keys, bands


def _contiguous_groups(
    data: pd.DataFrame, key: str
) -> tuple[np.ndarray, pd.DataFrame, int] | None:
    """Fast path when each group's rows are adjacent (the usual layout): no full sort."""
    col = data[key].to_numpy()
    if col.size == 0:
        return None
    change = np.empty(col.size, dtype=bool)
    change[0] = True
    np.not_equal(col[1:], col[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    run_keys = pd.Index(col[starts])
    if run_keys.hasnans or not run_keys.is_unique:
        return None
    sizes = np.diff(np.append(starts, col.size))
    bands = int(sizes[0])
    if (sizes != bands).any():
        return None  # let the general path name the offending group
    key_order = run_keys.argsort()
    order = (starts[key_order][:, None] + np.arange(bands)).ravel()
    keys = pd.DataFrame({key: run_keys[key_order]})
    return order, keys, bands


def grid(data: pd.DataFrame, column: str, order: np.ndarray, bands: int) -> np.ndarray:
    """Column values as a (groups, bands) float array in ``order``."""
    return data[column].to_numpy(dtype=float)[order].reshape(-1, bands)
