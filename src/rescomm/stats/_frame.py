"""Table plumbing for the pandas wrappers: column checks and grouped sums."""

from __future__ import annotations

from collections.abc import Sequence

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
