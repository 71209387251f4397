"""Comparators for benchmarking small areas: all areas, region, LA and statistical neighbours.

A comparator says which areas an area is judged against. ``all`` (every area in the build:
England only when the build holds all of England), ``region`` and ``la`` are groups of areas
(every area of the group, the area itself included, as Fingertips compares an area with its
region); ``england`` is accepted only for a build of all of England. *Statistical neighbours*
are the ``k`` areas most like it on chosen context variables, the way CIPFA's nearest-neighbour
model picks comparator local authorities: each variable is standardised to z-scores over all
areas, optionally weighted, and the distance is Euclidean,

.. math:: d_{ij} = \\sqrt{\\sum_v w_v (z_{iv} - z_{jv})^2},\\qquad z_{iv} = (x_{iv} - \\bar x_v)/s_v

(the area itself is never its own neighbour). Pure functions on tables; no Django.

References
----------
CIPFA (2019). CIPFA's Nearest Neighbours Model (England): technical guidance. Chartered
Institute of Public Finance and Accountancy.
Mguni N., Bacon N. (2010). Taking the temperature of local communities (WARM): comparing areas
with "comparable areas". The Young Foundation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from ._errors import IndexDataError

#: Comparators by group of areas and the data column each needs (``None``: all areas in the
#: build). ``england`` is ``all`` for a build that holds every English LSOA, and refused otherwise.
COMPARATORS: dict[str, str | None] = {"all": None, "england": None, "region": "region_code",
                                      "la": "lad_code"}

#: LSOAs in England: 2011 and 2021 definitions (ONS).
ENGLAND_LSOAS = {"lsoa11": 32_844, "lsoa21": 33_755}

#: Default context variables for statistical neighbours of LSOAs (columns of
#: :func:`rescomm.data.read_indicators`; ``a/b`` is the ratio of two columns): deprivation
#: (IMD 2025 score), age structure (share aged 65+) and housing tenure (share renting socially).
DEFAULT_NEIGHBOUR_VARIABLES: tuple[str, ...] = (
    "imd_score", "aged_65plus_n/persons_ts007_n", "social_rented_hh_n/households_ts054_n",
)


def _variable(frame: pd.DataFrame, spec: str) -> np.ndarray:
    """A column, or ``numerator/denominator`` of two columns, as float."""
    names = spec.split("/")
    if len(names) > 2 or not all(n.strip() for n in names):
        raise IndexDataError(f"neighbour variable {spec!r}: use a column name or "
                             "'numerator/denominator'")
    cols = []
    for name in (n.strip() for n in names):
        if name not in frame.columns:
            raise IndexDataError(f"neighbour variable {spec!r}: column {name!r} not in the data")
        cols.append(pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float))
    if len(cols) == 1:
        return cols[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = cols[0] / cols[1]
    out[~np.isfinite(out)] = np.nan
    return out


def statistical_neighbours(data: pd.DataFrame,
                           variables: Sequence[str] = DEFAULT_NEIGHBOUR_VARIABLES,
                           *, k: int = 10, code: str = "lsoa21_code",
                           weights: Mapping[str, float] | None = None,
                           areas: Sequence[str] | None = None) -> pd.DataFrame:
    """The ``k`` most similar areas of each area on standardised context variables.

    Parameters
    ----------
    data : DataFrame
        One row per area with the ``code`` column and the variables' columns.
    variables : sequence of str
        Column names, or ``"numerator/denominator"`` for a ratio of two columns (default
        :data:`DEFAULT_NEIGHBOUR_VARIABLES`).
    k : int, keyword-only, default 10
        Neighbours per area (at most the number of areas minus one).
    code : str, keyword-only
        Area-code column.
    weights : mapping, keyword-only, optional
        Weight per variable (default 1 each); must be positive.
    areas : sequence of str, keyword-only, optional
        Only return the neighbours of these areas (neighbours are still searched among all).

    Returns
    -------
    DataFrame
        ``area_code, neighbour_code, neighbour_rank`` (1 = most similar), ``distance``
        (weighted Euclidean distance in standard deviations). ``attrs`` records the variables,
        weights, means and standard deviations used.

    Raises
    ------
    IndexDataError
        Unknown columns or areas, a variable with zero variance, missing values (names the
        variable and areas), a bad ``k`` or weight.

    Notes
    -----
    :math:`z_{iv} = (x_{iv} - \\bar x_v)/s_v` over all areas (sd with n - 1);
    :math:`d_{ij} = \\sqrt{\\sum_v w_v (z_{iv} - z_{jv})^2}` (CIPFA nearest neighbours use the
    same weighted Euclidean distance on standardised variables, with their own variable set).
    Ties in distance are broken by data order.
    """
    if code not in data.columns:
        raise IndexDataError(f"area-code column {code!r} not in the data")
    variables = list(variables)
    if not variables:
        raise IndexDataError("give at least one neighbour variable")
    n = len(data)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n - 1:
        raise IndexDataError(f"k must be an integer from 1 to {n - 1} (areas minus one), "
                             f"not {k!r}")
    weights = dict(weights or {})
    unknown = set(weights) - set(variables)
    if unknown:
        raise IndexDataError(f"weights given for variables not used: {sorted(unknown)}")
    codes = data[code].astype(str).to_numpy()
    z = np.empty((n, len(variables)))
    means, sds = {}, {}
    for j, var in enumerate(variables):
        x = _variable(data, var)
        bad = np.flatnonzero(np.isnan(x))
        if bad.size:
            shown = ", ".join(codes[bad[:5]])
            raise IndexDataError(f"neighbour variable {var!r} is missing for {bad.size} area(s) "
                                 f"({shown}); choose variables present for every area")
        sd = float(np.std(x, ddof=1))
        if not sd > 0:
            raise IndexDataError(f"neighbour variable {var!r} has zero variance")
        w = float(weights.get(var, 1.0))
        if not w > 0:
            raise IndexDataError(f"weight of neighbour variable {var!r} must be positive")
        means[var], sds[var] = float(np.mean(x)), sd
        z[:, j] = (x - means[var]) / sd * np.sqrt(w)
    rows = np.arange(n)
    if areas is not None:
        pos = pd.Index(codes).get_indexer(list(areas))
        if (pos < 0).any():
            missing = [a for a, p in zip(areas, pos, strict=True) if p < 0][:5]
            raise IndexDataError(f"area(s) {', '.join(missing)} not in the data")
        rows = pos
    dist, idx = cKDTree(z).query(z[rows], k=k + 1)
    out_area, out_nb, out_rank, out_dist = [], [], [], []
    for r, (d_row, i_row) in enumerate(zip(np.atleast_2d(dist), np.atleast_2d(idx), strict=True)):
        keep = i_row != rows[r]
        d_row, i_row = d_row[keep][:k], i_row[keep][:k]
        out_area.append(np.repeat(codes[rows[r]], len(i_row)))
        out_nb.append(codes[i_row])
        out_rank.append(np.arange(1, len(i_row) + 1))
        out_dist.append(d_row)
    out = pd.DataFrame({"area_code": np.concatenate(out_area),
                        "neighbour_code": np.concatenate(out_nb),
                        "neighbour_rank": np.concatenate(out_rank),
                        "distance": np.concatenate(out_dist)})
    out.attrs = {"method": "weighted Euclidean distance on z-scores (CIPFA-style)",
                 "variables": variables, "weights": {v: float(weights.get(v, 1.0))
                                                     for v in variables},
                 "means": means, "sds": sds, "k": k}
    return out


def coverage(codes: Sequence[str], la_codes: Sequence[str] | None, geography: str) -> str:
    """What a set of areas covers, in words: ``"Cheshire & Merseyside"`` (every LA one of the
    nine), ``"England"`` (every English LSOA of the geography), else ``"N local
    authorities"`` (or ``"N areas"`` without LA codes)."""
    from rescomm.data import CM_LOCAL_AUTHORITIES

    las = None if la_codes is None else {str(c) for c in la_codes if c is not None}
    if las and las <= set(CM_LOCAL_AUTHORITIES):
        return "Cheshire & Merseyside"
    english = sum(str(c).startswith("E01") for c in codes)
    if english == len(codes) and english == ENGLAND_LSOAS.get(geography):
        return "England"
    if las:
        return f"{len(las)} local authorit{'y' if len(las) == 1 else 'ies'}"
    return f"{len(codes)} areas"


def comparator_labels(data: pd.DataFrame, comparator: str) -> np.ndarray:
    """Group label of each row for a comparator by group (``all``, ``region``, ``la``) or any
    column name of ``data``.

    Raises
    ------
    IndexDataError
        If the column the comparator needs is not in the data.
    """
    if comparator in ("all", "england"):
        return np.full(len(data), comparator, dtype=object)
    column = COMPARATORS.get(comparator, comparator)
    if column not in data.columns:
        raise IndexDataError(f"comparator {comparator!r} needs column {column!r} in the data; "
                             f"comparators are all, region, la, 'neighbours' or a column name")
    labels = data[column].astype("string").to_numpy(dtype=object, na_value=None)
    if any(v is None for v in labels):
        raise IndexDataError(f"comparator column {column!r} has missing values")
    return labels
