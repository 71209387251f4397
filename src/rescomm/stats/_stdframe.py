"""Reshape a long table (one row per group and standardisation band) into a group x band grid.

Shared by the DSR and ISR table wrappers: a stable sort on the group codes keeps the bands in
the order they appear within each group, which must be the order of the standard population.
"""

from __future__ import annotations

import ctypes

import numpy as np
import pandas as pd


def band_grid(
    data: pd.DataFrame, by: list[str]
) -> tuple[np.ndarray | None, pd.DataFrame, int]:
    """Return (row order, one row of group keys per group, bands per group).

    The order is None when the rows are already in group order (each group's rows adjacent,
    groups sorted), so that :func:`grid` can reshape without copying. Raises a ValueError
    naming the first group whose number of rows differs from the others.
    """
    if not by:
        return None, pd.DataFrame(index=range(1)), len(data)
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
) -> tuple[np.ndarray | None, pd.DataFrame, int] | None:
    """Fast path when each group's rows are adjacent (the usual layout): no full sort, and no
    sort at all (order None) when the groups are in sorted order already."""
    col = data[key].to_numpy()
    if col.size == 0:
        return None
    if col.dtype == object:
        # first by reference only: if the runs of shared objects are equal in length and their
        # texts strictly increase, each run is one group and no two adjacent groups are equal
        starts = _reference_runs(col)
        sizes = np.diff(np.append(starts, col.size))
        run = col[starts]
        if (sizes == sizes[0]).all() and _strictly_increasing(run):
            return None, pd.DataFrame({key: run}), int(sizes[0])
    starts = _run_starts(col)
    sizes = np.diff(np.append(starts, col.size))
    bands = int(sizes[0])
    if (sizes != bands).any():
        return None  # let the general path name the offending group
    run = col[starts]
    if _strictly_increasing(run):  # sorted and distinct (so no NaN): rows in grid order
        return None, pd.DataFrame({key: run}), bands
    run_keys = pd.Index(run)
    if run_keys.hasnans or not run_keys.is_unique:
        return None
    key_order = run_keys.argsort()
    order = (starts[key_order][:, None] + np.arange(bands)).ravel()
    keys = pd.DataFrame({key: run_keys[key_order]})
    return order, keys, bands


def _run_starts(col: np.ndarray) -> np.ndarray:
    """Rows whose key differs from the previous row's (row 0 included): where runs start.

    For an object column (text codes) neighbours that are the same Python object (pandas'
    readers share one object per distinct text, and so does ``np.repeat``) are found by
    comparing the references themselves, as integers; only the rows whose reference changes
    have their text compared. The result is that of ``col[1:] != col[:-1]``, in a fraction of
    the time (a million text comparisons cost more than a whole DSR).
    """
    if col.dtype != object:
        return np.flatnonzero(np.concatenate([[True], col[1:] != col[:-1]]))
    candidates = _reference_runs(col)[1:]
    changed = col[candidates] != col[candidates - 1]
    return np.concatenate([[0], candidates[changed]])


def _reference_runs(col: np.ndarray) -> np.ndarray:
    """Starts of the runs of one and the same object in an object column (row 0 included)."""
    col = np.ascontiguousarray(col)
    refs = np.frombuffer((ctypes.c_size_t * col.size).from_address(col.ctypes.data),
                         dtype=np.uintp)
    return np.concatenate([[0], np.flatnonzero(refs[1:] != refs[:-1]) + 1])


def _strictly_increasing(values: np.ndarray) -> bool:
    """Whether the keys are sorted with no repeats (which also makes them unique)."""
    try:
        return bool((values[1:] > values[:-1]).all())
    except TypeError:  # keys of mixed types: decide by the general checks
        return False


def grid(data: pd.DataFrame, column: str, order: np.ndarray | None, bands: int) -> np.ndarray:
    """Column values as a (groups, bands) float array in ``order``.

    With ``order`` None the result is a read-only view of the column when it is already
    float (no copy of a million-row column just to reshape it).
    """
    values = data[column].to_numpy(dtype=float)
    if order is not None:
        return values[order].reshape(-1, bands)
    view = values.reshape(-1, bands)
    view.flags.writeable = False
    return view
