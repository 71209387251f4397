"""Table plumbing for the pandas wrappers: column checks and grouped sums."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """Normalise a ``by`` argument to a list of column names."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    return list(by)


def check_columns(data: pd.DataFrame, **columns: str | None) -> None:
    """Raise a KeyError naming the argument and the available columns if one is missing."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    for arg, name in columns.items():
        if name is not None and name not in data.columns:
            raise KeyError(
                f"{arg}={name!r} is not a column of data; columns are {list(data.columns)}"
            )


def group_sums(data: pd.DataFrame, columns: list[str], by: list[str]) -> pd.DataFrame:
    """Sum ``columns`` within groups of ``by`` (all rows when ``by`` is empty).

    Missing values are kept missing (``min_count=1``), so an all-missing group stays missing.
    """
    if not by:
        return data[columns].sum(min_count=1).to_frame().T.reset_index(drop=True)
    return data.groupby(by, sort=True, dropna=False)[columns].sum(min_count=1).reset_index()


def count_table(
    data: pd.DataFrame, x: str, n: str, by: str | Sequence[str] | None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The table a numerator/denominator wrapper extends, and its ``x`` and ``n`` as floats.

    Without ``by``, ``data`` itself (one result per input row; extend it with
    :func:`with_columns`, which copies it); with ``by``, one row per group holding the group
    columns and the sums of ``x`` and ``n`` (:func:`group_sums`). Raises the KeyError of
    :func:`check_columns` if ``x``, ``n`` or a ``by`` column is missing.
    """
    check_columns(data, x=x, n=n)
    groups = as_list(by)
    check_columns(data, **{f"by[{i}]": g for i, g in enumerate(groups)})
    out = group_sums(data, [x, n], groups) if groups else data
    return out, out[x].to_numpy(dtype=float), out[n].to_numpy(dtype=float)


def with_columns(table: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """A copy of ``table`` with ``columns`` added (or replaced, in place of the old ones).

    The same frame as ``out = table.copy(); out[name] = column`` for each column, built in one
    step: pandas copies every array assigned to a column, which on a million rows costs more
    than the statistic. The new arrays must be the caller's own (they are not copied); the
    table's columns are copied, keeping their dtypes.
    """
    if not table.columns.is_unique:  # a dict cannot hold repeated names: the slow, exact way
        out = table.copy()
        for name, column in columns.items():
            out[name] = column
        return out
    parts: dict[Any, Any] = {name: table[name].copy() for name in table.columns}
    parts.update(columns)
    return pd.DataFrame(parts, index=table.index, copy=False)
