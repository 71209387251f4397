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


def grid(data: pd.DataFrame, column: str, order: np.ndarray, bands: int) -> np.ndarray:
    """Column values as a (groups, bands) float array in ``order``."""
    return data[column].to_numpy(dtype=float)[order].reshape(-1, bands)
