"""Small-number suppression with secondary suppression against recovery from totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from rescomm.stats._checks import as_float_array, check_nonnegative

__all__ = ["SuppressedCounts", "suppress_small"]

SUPPRESSION_POLICY = (
    "Primary: counts from 1 to threshold-1 are hidden (and 0 when suppress_zero=True). "
    "Secondary: in every row (and, with totals='both', every column) that has exactly one "
    "hidden cell, the smallest visible count greater than 0 is also hidden (the smallest "
    "visible cell if all are 0), repeated until stable, so that no hidden cell equals a "
    "published total minus published cells. A row or column with a single cell and its total "
    "both describe the same people, so the total is reported as hidden too. Totals from 1 to "
    "threshold-1 are hidden."
)


@dataclass(frozen=True)
class SuppressedCounts:
    """Counts after small-number suppression.

    Attributes
    ----------
    values : ndarray or DataFrame
        The counts with hidden cells as NaN (a DataFrame when a DataFrame was passed).
    primary, secondary : ndarray of bool
        Cells hidden because they are small, and cells hidden to protect them.
    row_totals : ndarray
        Row totals of the original counts (safe to publish) with hidden totals as NaN.
    column_totals : ndarray or None
        Column totals likewise, only with ``totals="both"`` (otherwise columns are not
        protected, so no column totals are offered).
    threshold : int
        Counts below this (and above 0, unless ``suppress_zero``) were hidden.
    policy : str
        The suppression policy in words.
    """

    values: Any
    primary: np.ndarray
    secondary: np.ndarray
    row_totals: np.ndarray
    column_totals: np.ndarray | None
    threshold: int
    policy: str = SUPPRESSION_POLICY

    @property
    def hidden(self) -> np.ndarray:
        """All hidden cells (primary or secondary)."""
        return self.primary | self.secondary


def _protect(counts: np.ndarray, hidden: np.ndarray) -> bool:
    """Hide one more cell in each row with exactly one hidden cell; True if anything changed."""
    changed = False
    lone = np.flatnonzero(hidden.sum(axis=1) == 1)
    for r in lone:
        visible = np.flatnonzero(~hidden[r])
        if visible.size == 0:
            continue
        vals = counts[r, visible]
        positive = vals > 0
        pool = visible[positive] if positive.any() else visible
        pick = pool[np.argmin(counts[r, pool])]
        hidden[r, pick] = True
        changed = True
    return changed


def suppress_small(
    counts: Any,
    *,
    threshold: int = 5,
    suppress_zero: bool = False,
    totals: Literal["rows", "both"] = "rows",
) -> SuppressedCounts:
    """Hide small counts so that neither they nor their values can be recovered from totals.

    Parameters
    ----------
    counts : array_like or DataFrame, 1-D or 2-D
        Non-negative counts; rows are the units whose totals are published (e.g. areas),
        columns the categories. A 1-D input is one row.
    threshold : int, keyword-only
        Counts from 1 to ``threshold - 1`` are hidden (default 5: hides 1-4).
    suppress_zero : bool, keyword-only
        Also hide zeros (when a zero is itself disclosive, e.g. "no one in this area").
    totals : {"rows", "both"}, keyword-only
        Which published totals to protect against: row totals only, or row and column totals.

    Returns
    -------
    SuppressedCounts
        Hidden cells as NaN, the masks, the protected totals and the policy in words.

    Raises
    ------
    ValueError
        For negative, missing or non-integer counts, or ``threshold < 1``.

    Notes
    -----
    Policy (also in :data:`SuppressedCounts.policy`): primary suppression hides each count
    :math:`1 \\le x < t`. If a row then has exactly one hidden cell, its value would be the row
    total minus the visible cells, so the smallest visible positive count in that row is also
    hidden (secondary suppression); hiding a second cell leaves only their sum known. With
    ``totals="both"`` the same rule is applied to columns, alternating until nothing changes.
    Totals between 1 and :math:`t - 1` are hidden.

    References
    ----------
    .. [1] Hundepool A, Domingo-Ferrer J, Franconi L, et al. Statistical Disclosure Control.
       Chichester: Wiley, 2012; chapter 4 (magnitude and frequency tables, cell suppression).
       doi:10.1002/9781118348239
    .. [2] Office for National Statistics. Statistical disclosure control methodology
       (primary and secondary cell suppression). ONS guidance.
    """
    if isinstance(threshold, bool) or int(threshold) != threshold or threshold < 1:
        raise ValueError(f"threshold must be a positive integer; got {threshold!r}")
    if totals not in ("rows", "both"):
        raise ValueError(f"totals must be 'rows' or 'both'; got {totals!r}")
    frame = counts if isinstance(counts, pd.DataFrame) else None
    arr = as_float_array(counts, "counts")
    one_d = arr.ndim == 1
    if one_d:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"counts must be 1-D or 2-D; got {arr.ndim} dimensions")
    if np.isnan(arr).any():
        raise ValueError("counts must not have missing values; fill or drop them first")
    check_nonnegative(arr, "counts")
    if (arr != np.round(arr)).any():
        raise ValueError("counts must be whole numbers")
    low = 0 if suppress_zero else 1
    primary = (arr >= low) & (arr < threshold)
    hidden = primary.copy()
    while True:
        changed = _protect(arr, hidden)
        if totals == "both":
            changed = _protect(arr.T, hidden.T) or changed
        if not changed:
            break
    secondary = hidden & ~primary
    row_tot = arr.sum(axis=1)
    row_hidden = (row_tot >= 1) & (row_tot < threshold)
    if arr.shape[1] == 1:
        row_hidden = row_hidden | hidden[:, 0]
    col_out: np.ndarray | None = None
    if totals == "both":
        col_tot = arr.sum(axis=0)
        col_hidden = (col_tot >= 1) & (col_tot < threshold)
        if arr.shape[0] == 1:
            col_hidden = col_hidden | hidden[0, :]
        col_out = np.where(col_hidden, np.nan, col_tot)
    shown = np.where(hidden, np.nan, arr)
    if one_d:
        shown, primary, secondary = shown[0], primary[0], secondary[0]
    values: Any = shown
    if frame is not None:
        values = pd.DataFrame(shown, index=frame.index, columns=frame.columns)
    return SuppressedCounts(
        values=values,
        primary=primary,
        secondary=secondary,
        row_totals=np.where(row_hidden, np.nan, row_tot),
        column_totals=col_out,
        threshold=int(threshold),
    )
