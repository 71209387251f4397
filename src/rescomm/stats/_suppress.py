"""Small-number suppression that says which counts are small and which are hidden to protect
them, with secondary suppression against working a hidden count out from the totals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from rescomm.stats._checks import as_float_array, check_nonnegative
from rescomm.stats._disclosure import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    Line,
    primary_status,
    protect,
)

__all__ = ["SharedTotalSuppression", "SuppressedCounts", "suppress_shared_total",
           "suppress_small"]

SUPPRESSION_POLICY = (
    "Primary: every published count (cell or total) from 1 to threshold-1 is hidden and "
    "labelled as such ('fewer than 5'); zeros too with suppress_zero=True. Secondary: the "
    "table is audited as a reader would see it (shown counts exact, a primary count from 1 "
    "to threshold-1, a secondary count of threshold or more at least threshold, every row "
    "and column adding up to its total); while some hidden count has only one possible "
    "value, the smallest shown count of threshold or more in a line through it is hidden too "
    "(never a zero), or the line's total if there is none; secondary suppressions made "
    "unnecessary by later ones are then undone. A secondary count is labelled as hidden, "
    "never with a range."
)

@dataclass(frozen=True)
class SuppressedCounts:
    """Counts after small-number suppression.

    Attributes
    ----------
    values : ndarray or DataFrame
        The counts with hidden cells as NaN (a DataFrame when a DataFrame was passed).
    status : ndarray of str
        Per cell: ``"shown"``, ``"primary"`` (hidden: from 1 to ``threshold - 1``, or 0 with
        ``suppress_zero``), ``"secondary"`` (hidden so that a primary one cannot be worked
        out; its value may be anything) or ``"unpublished"`` (never shown).
    primary, secondary : ndarray of bool
        The same as masks.
    row_totals : ndarray
        Row totals of the original counts, hidden ones as NaN.
    row_total_status : ndarray of str
        ``"shown"``, ``"primary"`` or ``"secondary"`` per row total.
    column_totals, column_total_status : ndarray or None
        Column totals likewise, only with ``totals="both"`` (otherwise columns are not
        protected, so no column totals are offered).
    grand_total : float or None
        The sum of all counts (NaN if hidden), only with ``totals="both"``.
    grand_total_status : str or None
    threshold : int
        Counts below this (and above 0, unless ``suppress_zero``) are primary.
    policy : str
        The suppression policy in words.
    """

    values: Any
    status: np.ndarray
    row_totals: np.ndarray
    row_total_status: np.ndarray
    column_totals: np.ndarray | None
    column_total_status: np.ndarray | None
    grand_total: float | None
    grand_total_status: str | None
    threshold: int
    policy: str = SUPPRESSION_POLICY

    @property
    def primary(self) -> np.ndarray:
        """Cells hidden because they are small."""
        return self.status == PRIMARY

    @property
    def secondary(self) -> np.ndarray:
        """Cells hidden so that a small one cannot be worked out."""
        return self.status == SECONDARY

    @property
    def hidden(self) -> np.ndarray:
        """All hidden cells (primary, secondary or unpublished)."""
        return self.status != SHOWN


@dataclass(frozen=True)
class SharedTotalSuppression:
    """One-way tables of the same people after suppression together.

    Attributes
    ----------
    tables : list of SuppressedCounts
        One per table given (1-D values, in order); each one's ``row_totals`` is the total.
    total : float
        The shared total, NaN if hidden.
    total_status : str
        ``"shown"``, ``"primary"`` or ``"secondary"``.
    """

    tables: list[SuppressedCounts]
    total: float
    total_status: str


def _check_threshold(threshold: Any, suppress_zero: bool) -> int:
    if isinstance(threshold, bool) or int(threshold) != threshold:
        raise ValueError(f"threshold must be a whole number; got {threshold!r}")
    least = 2 if suppress_zero else 3
    if threshold < least:
        condition = " with suppress_zero=True" if suppress_zero else ""
        raise ValueError(
            f"threshold must be at least {least}{condition}; got {threshold!r}: a label such "
            f"as 'fewer than {threshold}' would give the hidden count away")
    return int(threshold)


def _as_counts(counts: Any, name: str) -> np.ndarray:
    arr = as_float_array(counts, name)
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not have missing values; fill or drop them first")
    check_nonnegative(arr, name)
    if (arr != np.round(arr)).any():
        raise ValueError(f"{name} must be whole numbers")
    return arr


def _masked(values: np.ndarray, status: list[str]) -> np.ndarray:
    return np.array([v if s == SHOWN else np.nan for v, s in zip(values, status, strict=True)])


def suppress_small(
    counts: Any,
    *,
    threshold: int = 5,
    suppress_zero: bool = False,
    totals: Literal["rows", "both"] = "rows",
) -> SuppressedCounts:
    """Hide small counts so that neither they nor their values can be worked out from totals,
    and say which hidden counts are small (primary) and which are hidden to protect them
    (secondary).

    Parameters
    ----------
    counts : array_like or DataFrame, 1-D or 2-D
        Non-negative counts; rows are the units whose totals are published (e.g. areas),
        columns the categories. A 1-D input is one row.
    threshold : int, keyword-only
        Counts from 1 to ``threshold - 1`` are primary (default 5: 1-4). At least 3 (2 with
        ``suppress_zero``), since "fewer than 2" would name the count.
    suppress_zero : bool, keyword-only
        Also hide zeros (when a zero is itself disclosive, e.g. "no one in this area").
    totals : {"rows", "both"}, keyword-only
        The published totals: row totals only, or row and column totals and the grand total.

    Returns
    -------
    SuppressedCounts
        Hidden cells as NaN, each cell's and total's status, the totals and the policy.

    Raises
    ------
    ValueError
        For negative, missing or non-integer counts, or a threshold that is too small.

    Notes
    -----
    Primary suppression hides each published count :math:`x` (cell or total) with
    :math:`\\ell \\le x < t` (:math:`\\ell = 1`, or 0 with ``suppress_zero``). The table is
    then audited from a reader's view: shown counts are exact, a primary count lies in
    :math:`[\\ell, t - 1]`, a secondary count of at least :math:`t` lies in
    :math:`[t, \\infty)`, other hidden ones in :math:`[\\ell, \\infty)`, and each line (row,
    column, margin) sums to its total. Bounds are propagated through the lines; while some
    hidden count has fewer than two possible whole values, the smallest shown count
    :math:`\\ge t` of a line through it is hidden (secondary), or, if there is none, that line's
    total; finally secondary suppressions made unnecessary by later ones are undone. E.g.
    ``[1, 5, 20]`` hides 1 (primary) and 20: with 1 and 5 hidden the reader would know
    :math:`1 + 5 = 6` with the hidden cells in :math:`[1, 4]` and :math:`[5, \\infty)`, so both
    values. Zeros are never hidden as secondary. The audit is
    exact: interval propagation for one-way tables, integer programs (scipy's HiGHS) for
    two-way tables (see :mod:`rescomm.stats._disclosure`).

    References
    ----------
    .. [1] Hundepool A, Domingo-Ferrer J, Franconi L, et al. Statistical Disclosure Control.
       Chichester: Wiley, 2012; ch. 4 (secondary cell suppression, feasibility intervals),
       ch. 5 (frequency tables). doi:10.1002/9781118348239
    .. [2] Office for National Statistics. Review of the dissemination of health statistics:
       confidentiality guidance. London: ONS, 2006 (counts of 1-4 in tables of sensitive
       health data).
    """
    threshold = _check_threshold(threshold, suppress_zero)
    if totals not in ("rows", "both"):
        raise ValueError(f"totals must be 'rows' or 'both'; got {totals!r}")
    frame = counts if isinstance(counts, pd.DataFrame) else None
    arr = _as_counts(counts, "counts")
    one_d = arr.ndim == 1
    if one_d:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"counts must be 1-D or 2-D; got {arr.ndim} dimensions")
    n_rows, n_cols = arr.shape
    low = 0 if suppress_zero else 1
    # elements: cells (row-major), row totals, column totals, grand total
    row_tot = arr.sum(axis=1)
    col_tot = arr.sum(axis=0)
    values = np.concatenate([arr.ravel(), row_tot, col_tot, [arr.sum()]])
    cell = lambda r, c: r * n_cols + c  # noqa: E731
    row_t = lambda r: n_rows * n_cols + r  # noqa: E731
    col_t = lambda c: n_rows * n_cols + n_rows + c  # noqa: E731
    grand = values.size - 1
    lines = [Line(tuple(cell(r, c) for c in range(n_cols)), row_t(r)) for r in range(n_rows)]
    published = np.ones(values.size, dtype=bool)
    if totals == "both":
        lines += [Line(tuple(cell(r, c) for r in range(n_rows)), col_t(c))
                  for c in range(n_cols)]
        lines.append(Line(tuple(row_t(r) for r in range(n_rows)), grand))
        lines.append(Line(tuple(col_t(c) for c in range(n_cols)), grand))
    else:
        published[n_rows * n_cols + n_rows:] = False
    status = primary_status(values, published, threshold=threshold, low=low)
    status = protect(values, status, lines, threshold=threshold, low=low,
                     exact=totals == "both")
    shown = _masked(values, status)
    cells = shown[: n_rows * n_cols].reshape(n_rows, n_cols)
    cell_status = np.array(status[: n_rows * n_cols], dtype=object).reshape(n_rows, n_cols)
    rows = slice(n_rows * n_cols, n_rows * n_cols + n_rows)
    cols = slice(n_rows * n_cols + n_rows, grand)
    both = totals == "both"
    if one_d:
        cells, cell_status = cells[0], cell_status[0]
    out: Any = cells
    if frame is not None:
        out = pd.DataFrame(cells, index=frame.index, columns=frame.columns)
    return SuppressedCounts(
        values=out,
        status=cell_status,
        row_totals=shown[rows],
        row_total_status=np.array(status[rows], dtype=object),
        column_totals=shown[cols] if both else None,
        column_total_status=np.array(status[cols], dtype=object) if both else None,
        grand_total=float(shown[grand]) if both else None,
        grand_total_status=status[grand] if both else None,
        threshold=threshold,
    )


def suppress_shared_total(
    tables: Sequence[Any],
    *,
    threshold: int = 5,
    suppress_zero: bool = False,
    unpublished: Sequence[Any] | None = None,
) -> SharedTotalSuppression:
    """Suppress several one-way tables of the same people together: each counts everyone once
    (e.g. referrals by referrer's profession, by area deprivation quintile, by status), so they
    share one total, which is shown or hidden the same in all of them.

    Parameters
    ----------
    tables : sequence of 1-D array_like
        Non-negative counts; every table must add up to the same total.
    threshold, suppress_zero : keyword-only
        As for :func:`suppress_small`.
    unpublished : sequence of 1-D array_like of bool, keyword-only
        Per table, cells that are counted but never shown (e.g. the periods before the ones on
        a chart): the audit treats them as unknown counts. Never marked primary.

    Returns
    -------
    SharedTotalSuppression

    Raises
    ------
    ValueError
        Tables with different totals (naming them), or as :func:`suppress_small`.

    Notes
    -----
    One line per table, all sharing the total element; the same audit as
    :func:`suppress_small` (exact here: bounds on the shared total are propagated between
    the tables). The total is hidden only when it is small, or when a table cannot protect a
    small count otherwise.
    """
    threshold = _check_threshold(threshold, suppress_zero)
    arrays = [_as_counts(t, f"tables[{i}]") for i, t in enumerate(tables)]
    if not arrays:
        raise ValueError("tables must hold at least one table")
    for i, a in enumerate(arrays):
        if a.ndim != 1:
            raise ValueError(f"tables[{i}] must be 1-D; got {a.ndim} dimensions")
    sums = [float(a.sum()) for a in arrays]
    for i, s in enumerate(sums[1:], start=1):
        if s != sums[0]:
            raise ValueError(f"tables must share one total: tables[{i}] adds up to {s:g}, "
                             f"tables[0] to {sums[0]:g}")
    hidden_cells = [np.zeros(a.size, dtype=bool) for a in arrays]
    if unpublished is not None:
        if len(unpublished) != len(arrays):
            raise ValueError(f"unpublished must have one mask per table ({len(arrays)}); "
                             f"got {len(unpublished)}")
        for i, mask in enumerate(unpublished):
            m = np.asarray(mask, dtype=bool)
            if m.shape != arrays[i].shape:
                raise ValueError(f"unpublished[{i}] must have {arrays[i].size} values; got "
                                 f"{m.size}")
            hidden_cells[i] = m
    low = 0 if suppress_zero else 1
    values = np.concatenate([*arrays, [sums[0]]])
    total = values.size - 1
    published = np.concatenate([*(~m for m in hidden_cells), [True]])
    lines, start = [], 0
    for a in arrays:
        lines.append(Line(tuple(range(start, start + a.size)), total))
        start += a.size
    status = primary_status(values, published, threshold=threshold, low=low)
    status = protect(values, status, lines, threshold=threshold, low=low)
    shown = _masked(values, status)
    out, start = [], 0
    for a in arrays:
        part = slice(start, start + a.size)
        start += a.size
        out.append(SuppressedCounts(
            values=shown[part], status=np.array(status[part], dtype=object),
            row_totals=shown[total:], row_total_status=np.array(status[total:], dtype=object),
            column_totals=None, column_total_status=None, grand_total=None,
            grand_total_status=None, threshold=threshold))
    return SharedTotalSuppression(tables=out, total=float(shown[total]),
                                  total_status=status[total])

