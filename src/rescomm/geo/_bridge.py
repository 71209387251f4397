"""Move per-LSOA data between the 2011 and 2021 LSOA geographies.

Method (population-weighted apportioning over the ONS best-fit lookup)
----------------------------------------------------------------------
The ONS "LSOA (2011) to LSOA (2021) to Local Authority District (2022)" lookup links each 2011 LSOA
``i`` to one or more 2021 LSOAs ``j`` with a change code: **U** unchanged (one-to-one), **S** split
(one 2011 -> several 2021), **M** merged (several 2011 -> one 2021) or **X** complex (redrawn,
many-to-many). For a source LSOA ``s`` linked to destinations ``D(s)``, the share of ``s`` that
goes to destination ``d`` is the destination's share of population::

    w[s, d] = P_dest[d] / sum(P_dest[d'] for d' in D(s))          (w = 1 when D(s) = {d})

Counts (``kind="count"``: people, events, anything additive) are apportioned::

    V[d] = sum(w[s, d] * V[s] for s linked to d)

so the total is conserved exactly. Rates (``kind="rate"``: proportions, rates, means, scores) are
averaged, weighting each source by the population it contributes::

    V[d] = sum(w[s, d] * P_src[s] * V[s]) / sum(w[s, d] * P_src[s])

so a split copies the parent's rate to its children and a merge takes the population-weighted
mean of the parents. ``P`` is the ONS mid-2020 population estimate for 2011 LSOAs and the Census
2021 usual-resident count for 2021 LSOAs (bundled for Cheshire & Merseyside; pass your own Series
elsewhere). Populations are only needed where a source has several destinations (counts) or a
destination has several sources (rates).

Exactness: U is exact; M is exact for counts 2011 -> 2021 and S is exact for counts 2021 -> 2011
(whole areas are added up). Splits (2011 -> 2021), merges (2021 -> 2011), X changes and every
rate that is copied or averaged are estimates that assume people, and the quantity measured, are
spread like the population. The output's ``change_code`` column says which rows are which.
Ranks and deciles cannot be bridged: recompute them from bridged scores.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from rescomm.data import load_lsoa11_lsoa21_lookup, load_population

from ._areas import AreaHierarchy
from ._errors import GeoError

Kind = Literal["count", "rate"]
_POPULATION_SOURCES = {
    2011: "ONS mid-2020 population estimates (SAPE23), LSOA 2011",
    2021: "Census 2021 usual residents (TS007A), LSOA 2021",
}


def lsoa11_to_lsoa21(
    data: pd.DataFrame,
    *,
    values: Iterable[str] | None = None,
    code: str = "lsoa11_code",
    kind: Kind = "count",
    population11: pd.Series | None = None,
    population21: pd.Series | None = None,
) -> pd.DataFrame:
    """Apportion a per-LSOA 2011 table to 2021 LSOAs (population-weighted; see module notes).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per 2011 LSOA: a code column and numeric value columns.
    values : iterable of str, optional
        Columns to bridge; default every numeric column except ``code``.
    code : str, default "lsoa11_code"
        Name of the LSOA 2011 code column.
    kind : {"count", "rate"}
        ``"count"`` for additive quantities (apportioned, totals conserved); ``"rate"`` for
        proportions, rates, means and scores (population-weighted average).
    population11, population21 : pandas.Series, optional
        Population per LSOA (index = code), persons. Default: bundled C&M mid-2020 estimates
        (2011 LSOAs) and Census 2021 counts (2021 LSOAs).

    Returns
    -------
    pandas.DataFrame
        One row per 2021 LSOA reached, sorted by code: ``lsoa21_code``, the value columns,
        ``change_code`` (ONS U/S/M/X of the links into that LSOA) and ``complete`` (``False``
        where some 2011 LSOA that feeds it was absent from ``data``, so the value is partial).
        ``.attrs["bridge"]`` records the method and populations used.

    Raises
    ------
    AreaCodeError
        If a code is not a 2011 LSOA code (e.g. a 2021 code: the message says so).
    GeoError
        If ``code``/``values`` columns are missing or not numeric, codes repeat, or a population
        needed for a weight is missing (the message names the LSOAs).

    Examples
    --------
    A 2011 LSOA in Chester that was split in two in 2021:

    >>> out = lsoa11_to_lsoa21(pd.DataFrame({"lsoa11_code": ["E01018326"], "people": [100.0]}))
    >>> print(out.round(1).to_string(index=False))
    lsoa21_code  people change_code  complete
      E01035376    56.0           S      True
      E01035378    44.0           S      True
    """
    return _bridge(data, 2011, values=values, code=code, kind=kind,
                   population={2011: population11, 2021: population21})


def lsoa21_to_lsoa11(
    data: pd.DataFrame,
    *,
    values: Iterable[str] | None = None,
    code: str = "lsoa21_code",
    kind: Kind = "count",
    population11: pd.Series | None = None,
    population21: pd.Series | None = None,
) -> pd.DataFrame:
    """Apportion a per-LSOA 2021 table to 2011 LSOAs (the inverse direction).

    Same parameters, method and output as :func:`lsoa11_to_lsoa21` with the years swapped:
    the output has ``lsoa11_code``; a 2021 LSOA formed by merging 2011 LSOAs is shared among them
    by their mid-2020 populations, and split 2021 LSOAs are added back together exactly.
    """
    return _bridge(data, 2021, values=values, code=code, kind=kind,
                   population={2011: population11, 2021: population21})


def _bridge(data: pd.DataFrame, source: int, *, values: Iterable[str] | None, code: str,
            kind: Kind, population: dict[int, pd.Series | None]) -> pd.DataFrame:
    target = 2021 if source == 2011 else 2011
    src, dst = f"lsoa{source % 100}_code", f"lsoa{target % 100}_code"
    if kind not in ("count", "rate"):
        raise GeoError(f"kind={kind!r} is not supported; use kind='count' for additive values or "
                       "kind='rate' for rates, proportions, means and scores")
    columns = _value_columns(data, code, values)
    codes = data[code]
    AreaHierarchy.bundled().check_codes(codes, source)
    if codes.duplicated().any():
        raise GeoError(f"LSOA code {codes[codes.duplicated()].iloc[0]!r} appears more than once "
                       f"in column {code!r}; aggregate to one row per LSOA first")

    lookup = _lookup()
    links = lookup[lookup[src].isin(codes)][[src, dst, "change_code"]].reset_index(drop=True)
    fan_out = links.groupby(src)[dst].transform("size").to_numpy()
    fan_in = links.groupby(dst)[src].transform("size").to_numpy()

    weight = np.ones(len(links))
    if (fan_out > 1).any():
        p_dst = _population(population[target], target, links[dst], fan_out > 1)
        total = pd.Series(p_dst).groupby(links[src].to_numpy()).transform("sum").to_numpy()
        equal = 1.0 / fan_out  # fallback if every destination of a source has population 0
        weight = np.where(fan_out > 1, np.divide(p_dst, total, out=equal, where=total > 0), 1.0)

    mass = weight  # rate: each link's share of the destination's people, w[s, d] * P_src[s]
    if kind == "rate" and (fan_in > 1).any():
        p_src = _population(population[source], source, links[src], fan_in > 1)
        mass = weight * np.where(fan_in > 1, p_src, 1.0)

    frame = data.set_index(code)[columns].astype("float64")
    source_values = frame.reindex(links[src].to_numpy()).to_numpy()
    is_nan = np.isnan(source_values)
    contrib = np.where(is_nan, 0.0, source_values) * mass[:, None]
    grouped = pd.DataFrame(contrib, columns=columns).groupby(links[dst].to_numpy(), sort=True)
    result = grouped.sum()
    nan_any = pd.DataFrame(is_nan, columns=columns).groupby(links[dst].to_numpy(),
                                                            sort=True).any()
    if kind == "rate":
        denominator = pd.Series(mass).groupby(links[dst].to_numpy(), sort=True).sum()
        result = result.div(denominator, axis=0)
    result = result.mask(nan_any)

    expected = _sources_per_destination(source).reindex(result.index)
    present = links.groupby(dst)[src].size().reindex(result.index)
    out = result.rename_axis(dst).reset_index()
    out["change_code"] = _change_codes(links, dst).reindex(result.index).to_numpy()
    out["complete"] = (present == expected).to_numpy()
    out.attrs["bridge"] = {
        "from": f"LSOA {source}", "to": f"LSOA {target}", "kind": kind,
        "method": "population-weighted apportioning over the ONS LSOA 2011 <-> 2021 lookup",
        "destination_weights": _describe(population[target], target),
        "source_weights": _describe(population[source], source) if kind == "rate" else None,
    }
    return out


def _change_codes(links: pd.DataFrame, dst: str) -> pd.Series:
    """Change code(s) of the links into each destination, e.g. ``"S"`` (sorted, joined)."""
    distinct = links[[dst, "change_code"]].drop_duplicates().sort_values([dst, "change_code"])
    codes = distinct.groupby(dst)["change_code"].first()
    several = distinct[dst].duplicated(keep=False)
    if several.any():  # not in the ONS lookup today, kept general
        joined = distinct[several].groupby(dst)["change_code"].agg("".join)
        codes.loc[joined.index] = joined
    return codes


@cache
def _sources_per_destination(source: int) -> pd.Series:
    src, dst = ("lsoa11_code", "lsoa21_code") if source == 2011 else ("lsoa21_code",
                                                                       "lsoa11_code")
    return _lookup().groupby(dst)[src].size()


def _value_columns(data: pd.DataFrame, code: str, values: Iterable[str] | None) -> list[str]:
    if code not in data.columns:
        raise GeoError(f"column {code!r} is not in the table (columns: {list(data.columns)}); "
                       "pass code='<name of the LSOA code column>'")
    if values is None:
        columns = [c for c in data.columns
                   if c != code and pd.api.types.is_numeric_dtype(data[c])
                   and not pd.api.types.is_bool_dtype(data[c])]
    else:
        columns = list(values)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise GeoError(f"value column(s) {missing} are not in the table; check values=")
    text = [c for c in columns if not pd.api.types.is_numeric_dtype(data[c])]
    if text:
        raise GeoError(f"value column(s) {text} are not numeric; only numbers can be apportioned")
    if not columns:
        raise GeoError("the table has no numeric columns to bridge; pass values=[...]")
    return columns


def _population(given: pd.Series | None, year: int, codes: pd.Series,
                needed: np.ndarray) -> np.ndarray:
    """Population of each of ``codes`` (float); raise if one where ``needed`` is missing."""
    series = _default_population(year) if given is None else given
    result = series.reindex(codes.to_numpy()).to_numpy(dtype="float64")
    missing = pd.unique(codes.to_numpy()[needed & np.isnan(result)])
    if len(missing):
        shown = ", ".join(repr(c) for c in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        where = "the bundled Cheshire & Merseyside populations" if given is None else "population"
        raise GeoError(
            f"no {year} LSOA population for {shown}{more} in {where}, needed to apportion split, "
            f"merged or redrawn LSOAs; pass population{year % 100}=<Series of persons indexed by "
            f"LSOA {year} code>"
        )
    return np.nan_to_num(result, nan=0.0)


@cache
def _default_population(year: int) -> pd.Series:
    table = load_population(2020 if year == 2011 else 2021)
    code = f"lsoa{year % 100}_code"
    return pd.Series(table["population"].to_numpy(dtype="float64"), index=table[code].to_numpy())


def _describe(given: pd.Series | None, year: int) -> str:
    return _POPULATION_SOURCES[year] if given is None else "population supplied by the caller"


@cache
def _lookup() -> pd.DataFrame:
    table = load_lsoa11_lsoa21_lookup()[["lsoa11_code", "lsoa21_code", "change_code"]].copy()
    table["change_code"] = table["change_code"].astype(str)
    return table
