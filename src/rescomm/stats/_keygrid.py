"""Reshape a long table (one row per group and key, e.g. per area and decile or age band) into
(groups, keys) grids, without a per-group Python loop.

Shared by :func:`phe_sii` (key: the quantile) and :func:`phe_life_expectancy` (key: the age
band). Unlike :mod:`rescomm.stats._stdframe`, groups may lack some keys: a missing combination
is NaN in every grid and False in :attr:`KeyGrid.present`, so the caller's policy decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class KeyGrid:
    """Where each input row goes in a (groups, keys) grid.

    ``keys`` holds one row of group columns per group (sorted as ``groupby(sort=True)``),
    ``levels`` the sorted distinct keys, ``present`` which (group, key) cells have a row.
    """

    keys: pd.DataFrame
    levels: np.ndarray
    row_group: np.ndarray
    row_key: np.ndarray
    present: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.present.shape

    def fill(self, values: np.ndarray) -> np.ndarray:
        """``values`` (one per input row) as a (groups, keys) float grid, NaN where absent."""
        out = np.full(self.shape, np.nan)
        out[self.row_group, self.row_key] = values
        return out


def key_grid(
    data: pd.DataFrame, by: list[str], key: str, *, levels: np.ndarray | None = None
) -> KeyGrid:
    """Build the :class:`KeyGrid` of ``data`` for groups ``by`` and key column ``key``.

    ``levels`` fixes the keys (and their order); by default the sorted distinct values of
    ``key``. Rows whose key is not in ``levels`` raise a ValueError naming the first one, as
    does a group with two rows for the same key.
    """
    column = data[key].to_numpy()
    if levels is None:
        levels, row_key = np.unique(column, return_inverse=True)
    else:
        levels = np.asarray(levels)
        order = np.argsort(levels, kind="stable")
        pos = np.searchsorted(levels, column, sorter=order)
        pos = np.clip(pos, 0, len(levels) - 1)
        row_key = order[pos]
        bad = levels[row_key] != column
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{key} has a value {column[i]!r} (row {i}) that is not one of the expected "
                f"{key} values {list(levels)}"
            )
    row_key = np.asarray(row_key).reshape(-1)
    if by:
        row_group = data.groupby(by, sort=True, dropna=False).ngroup().to_numpy()
        n_groups = int(row_group.max()) + 1 if row_group.size else 0
        first = np.full(n_groups, -1)
        first[row_group[::-1]] = np.arange(row_group.size)[::-1]
        keys = data.iloc[first][by].reset_index(drop=True)
    else:
        row_group = np.zeros(len(data), dtype=np.intp)
        n_groups = 1
        keys = pd.DataFrame(index=range(1))
    cells = row_group * len(levels) + row_key
    counts = np.bincount(cells, minlength=n_groups * len(levels))
    if (counts > 1).any():
        cell = int(np.flatnonzero(counts > 1)[0])
        g, k = divmod(cell, len(levels))
        where = f" in group {keys.iloc[g].tolist()}" if by else ""
        raise ValueError(f"{key} {levels[k]!r} appears more than once{where}; give one row each")
    present = (counts > 0).reshape(n_groups, len(levels))
    return KeyGrid(keys, levels, row_group, row_key, present)
