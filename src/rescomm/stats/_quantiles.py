"""Quantiles (deciles, quintiles, ...) within groups by PHE's method (``phe_quantile``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from rescomm.stats._checks import as_float_array
from rescomm.stats._errors import Policy, TooFewValuesWarning, apply_policy, check_policy
from rescomm.stats._frame import as_list, check_columns

__all__ = ["phe_quantile", "quantile_of"]


def _from_ranks(rank: np.ndarray, n: np.ndarray, nquantiles: int) -> np.ndarray:
    # Same floating-point operations, in the same order, as PHEindicatormethods.
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.floor((nquantiles + 1) - np.ceil(((n + 1) - rank) / (n / nquantiles)))
    return np.where(q == 0, 1.0, q)


def _check_nquantiles(nquantiles: int) -> int:
    if isinstance(nquantiles, bool) or int(nquantiles) != nquantiles or nquantiles < 1:
        raise ValueError(f"nquantiles must be a positive integer; got {nquantiles!r}")
    return int(nquantiles)


def quantile_of(
    values: Any, *, nquantiles: int = 10, invert: bool = True, too_few: Policy = "warn"
) -> np.ndarray:
    """Assign each value to a quantile (1 .. ``nquantiles``) by PHE's ranking method.

    Parameters
    ----------
    values : array_like, 1-D
        Values of one group of areas; missing values get no quantile (NaN).
    nquantiles : int, keyword-only
        Number of quantiles (10 = deciles, 5 = quintiles).
    invert : bool, keyword-only
        True (PHE's default): quantile 1 holds the *highest* values; False: the lowest.
    too_few : {"warn", "raise", "ignore"}, keyword-only
        Policy when there are fewer non-missing values than quantiles: no quantiles (NaN)
        with a :class:`TooFewValuesWarning` by default.

    Returns
    -------
    ndarray of float
        Quantile numbers (floats so that missing is NaN).

    Notes
    -----
    With :math:`n` non-missing values and :math:`r` the ascending rank (ties take the minimum
    rank) of the value, or of its negation when ``invert``:

    .. math::

        q = \\left\\lfloor (Q + 1) - \\left\\lceil \\frac{n + 1 - r}{n / Q} \\right\\rceil
        \\right\\rfloor, \\quad q = 0 \\mapsto 1.

    Tied values share a quantile, so a quantile can be empty or larger than its share.

    References
    ----------
    .. [1] Public Health England. Technical Guide: Assigning deprivation categories.
       Fingertips, 2018.
    .. [2] Public Health England. PHEindicatormethods: ``phe_quantile``. CRAN, 2024.
    """
    nq = _check_nquantiles(nquantiles)
    check_policy("too_few", too_few)
    v = as_float_array(values, "values").reshape(-1)
    ok = ~np.isnan(v)
    n = int(ok.sum())
    out = np.full(v.shape, np.nan)
    apply_policy(
        np.array([n < nq]),
        too_few,
        name="too_few",
        category=TooFewValuesWarning,
        what=f"group with fewer values than the {nq} quantiles",
        consequence="its quantiles are NaN",
    )
    if n < nq:
        return out
    key = -v[ok] if invert else v[ok]
    out[ok] = _from_ranks(rankdata(key, method="min").astype(float), np.float64(n), nq)
    return out


def phe_quantile(
    data: pd.DataFrame,
    value: str,
    *,
    by: str | Sequence[str] | None = None,
    nquantiles: int = 10,
    invert: bool | str = True,
    too_few: Policy = "warn",
) -> pd.DataFrame:
    """Assign quantiles within groups of a table (PHE's ``phe_quantile``).

    Parameters
    ----------
    data : DataFrame
    value : str
        Column of values to rank.
    by : str or list of str, optional, keyword-only
        Group columns (e.g. region): quantiles are assigned separately in each group.
    nquantiles : int, keyword-only
        Number of quantiles.
    invert : bool or str, keyword-only
        True: quantile 1 holds the highest values (PHE's default); False: the lowest; or the
        name of a boolean column that is constant within each group (e.g. from polarity).
    too_few : {"warn", "raise", "ignore"}, keyword-only
        Policy for groups with fewer non-missing values than quantiles.

    Returns
    -------
    DataFrame
        ``data`` with ``quantile``, ``nquantiles``, ``groupvars`` and ``qinverted`` appended.

    Notes
    -----
    See :func:`quantile_of`; grouped ranking is vectorised with pandas.
    """
    nq = _check_nquantiles(nquantiles)
    check_policy("too_few", too_few)
    groups = as_list(by)
    invert_col = invert if isinstance(invert, str) else None
    check_columns(data, value=value, invert=invert_col)
    check_columns(data, **{f"by[{i}]": g for i, g in enumerate(groups)})
    out = data.copy()
    v = out[value]
    if not pd.api.types.is_numeric_dtype(v):
        raise TypeError(f"value column {value!r} must be numeric; got dtype {v.dtype}")
    v = v.astype(float)
    keys = [out[k] for k in groups] if groups else [pd.Series(0, index=out.index)]
    if invert_col is not None:
        inv = out[invert_col]
        if not inv.isin([True, False]).all():
            raise ValueError(f"invert column {invert_col!r} must hold only True or False")
        inv = inv.astype(bool)
        if (inv.groupby(keys, dropna=False).nunique() > 1).any():
            raise ValueError(
                f"invert column {invert_col!r} must take the same value within each group"
            )
    else:
        if not isinstance(invert, bool | np.bool_):
            raise ValueError(f"invert must be True, False or a column name; got {invert!r}")
        inv = pd.Series(bool(invert), index=out.index)
    key = v.where(~inv, -v)
    grouped = key.groupby(keys, dropna=False)
    rank = grouped.rank(method="min").to_numpy(dtype=float)
    n = grouped.transform("count").to_numpy(dtype=float)
    few = (n < nq) & ~np.isnan(key.to_numpy())
    if few.any():
        first = out.loc[few, groups].iloc[0].tolist() if groups else "all rows"
        apply_policy(
            np.array([True]),
            too_few,
            name="too_few",
            category=TooFewValuesWarning,
            what=f"group with fewer values than the {nq} quantiles (e.g. {first})",
            consequence="their quantiles are NaN",
        )
    q = _from_ranks(rank, n, nq)
    out["quantile"] = np.where(few | np.isnan(rank), np.nan, q)
    out["nquantiles"] = nq
    out["groupvars"] = ", ".join(groups)
    out["qinverted"] = np.where(
        inv, "lowest quantile represents highest values", "lowest quantile represents lowest values"
    )
    return out
