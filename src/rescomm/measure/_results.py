"""Ranks, quantiles and local-authority summaries in the IMD conventions.

Conventions (the same for every node of every index):

* rank 1 = the **most deprived / least resilient** area (the "worst" end). With
  ``polarity: higher_is_worse`` (deprivation) that is the highest score; with
  ``higher_is_better`` (resilience) the lowest. Ties share the lowest rank ("min"/sport
  ranking); missing scores have no rank.
* quantile ``q`` of ``Q`` = ``ceil(rank * Q / n)``, so decile 1 = most deprived 10% (this
  reproduces every published IoD2019 and IoD2025 decile from its rank).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ._errors import PopulationMissingWarning
from ._normalise import ranks


def worst_first_rank(score: np.ndarray, *, polarity: str) -> np.ndarray:
    """Rank with 1 = worst (see module notes); NaN where the score is missing."""
    s = np.asarray(score, dtype=float)
    return ranks(-s if polarity == "higher_is_worse" else s, ties="min")


def nullable_int(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Float array with NaN -> pandas nullable ``Int64`` array (fast path, no object array)."""
    values = np.asarray(values, dtype=float)
    mask = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(mask, 0, values).astype("int64"), mask)


def quantile_from_rank(rank: np.ndarray, *, q: int = 10, n: int | None = None) -> np.ndarray:
    """``ceil(rank * q / n)``: 1 = the worst ``1/q`` (e.g. decile 1 = most deprived 10%)."""
    r = np.asarray(rank, dtype=float)
    count = np.count_nonzero(~np.isnan(r)) if n is None else n
    with np.errstate(invalid="ignore"):
        return np.ceil(r * q / count)


def quantile_within(
    score: np.ndarray, groups: np.ndarray, *, polarity: str, q: int = 10
) -> np.ndarray:
    """Quantiles computed separately inside each group (e.g. deciles within each LA).

    A group with fewer areas than quantiles gets NaN (PHEindicatormethods ``phe_quantile``).
    """
    s = pd.Series(np.asarray(score, dtype=float))
    key = -s if polarity == "higher_is_worse" else s
    g = pd.Series(groups, dtype=object)
    r = key.groupby(g).rank(method="min")
    n = key.groupby(g).transform("count")
    out = np.ceil(r * q / n).to_numpy(float)
    out[(n < q).to_numpy()] = np.nan
    return out


def extent_weight(rank: np.ndarray, n: int) -> np.ndarray:
    """IMD "extent" weight of each area from its national rank (1 = most deprived).

    Percentile :math:`p = \\lceil 100 r / N \\rceil`; weight 1 for :math:`p \\le 10`, tapering
    linearly from 0.95 at :math:`p = 11` to 0.05 at :math:`p = 30`, 0 beyond.
    """
    p = np.ceil(np.asarray(rank, dtype=float) * 100.0 / n)
    w = np.where(p <= 10, 1.0, 0.95 - (p - 11.0) * 0.90 / 19.0)
    return np.where(p > 30, 0.0, w)


def la_summary(
    score: np.ndarray,
    rank: np.ndarray,
    la: np.ndarray,
    population: np.ndarray | None,
    *,
    n: int | None = None,
) -> pd.DataFrame:
    """File 10-style local-authority summaries of one node.

    Parameters
    ----------
    score, rank : numpy.ndarray
        Area scores and national ranks (1 = most deprived).
    la : numpy.ndarray
        Local-authority code of each area.
    population : numpy.ndarray or None
        Area populations; if None every area counts 1 (``PopulationMissingWarning``).
    n : int, optional
        Number of ranked areas nationally (default: those with a rank).

    Returns
    -------
    pandas.DataFrame
        One row per LA: ``la_code, n_areas, population, average_score, average_rank,
        extent, local_concentration, proportion_most_deprived_10pc`` and the rank of each
        measure among LAs (``rank_of_*``, 1 = most deprived).

    Notes
    -----
    As in IoD File 10, average rank and local concentration use *reversed* area ranks
    (``N + 1 - rank``) so that a higher value means more deprived:

    * average score :math:`= \\sum p_i s_i / \\sum p_i`
    * average rank :math:`= \\sum p_i (N + 1 - r_i) / \\sum p_i`
    * extent :math:`= \\sum p_i e(r_i) / \\sum p_i` (see :func:`extent_weight`)
    * local concentration: population-weighted average reversed rank of the LA's most
      deprived areas holding exactly 10% of its population (the last area counted in part)
    * proportion of areas in the national most deprived decile.

    File 10 weights the Employment domain by the working-age population and every other
    domain and the IMD by the total population; pass the matching ``population``. With the
    official IoD2019 denominators this reproduces File 10's average scores, extents and
    proportions to their published precision (``docs/measure.md`` gives the checks).

    References
    ----------
    McLennan D. et al. The English Indices of Deprivation 2019: Technical Report, chapter 5.
    MHCLG (2025) The English Indices of Deprivation 2025: Technical Report.
    """
    score = np.asarray(score, dtype=float)
    rank = np.asarray(rank, dtype=float)
    if population is None:
        warnings.warn("no population column: LA summaries weight every area equally",
                      PopulationMissingWarning, stacklevel=3)
        population = np.ones(score.shape)
    pop = np.asarray(population, dtype=float)
    count = np.count_nonzero(~np.isnan(rank)) if n is None else n
    df = pd.DataFrame({"la_code": la, "score": score, "rank": rank, "pop": pop})
    df = df[~df["rank"].isna() & ~df["la_code"].isna()]
    df["rev"] = count + 1 - df["rank"]
    df["ext"] = extent_weight(df["rank"].to_numpy(), count)
    df["top10"] = quantile_from_rank(df["rank"].to_numpy(), q=10, n=count) == 1
    df["ps"], df["pr"], df["pe"] = df["pop"] * df["score"], df["pop"] * df["rev"], \
        df["pop"] * df["ext"]
    g = df.groupby("la_code", sort=True)
    out = pd.DataFrame({
        "n_areas": g.size(),
        "population": g["pop"].sum(),
        "average_score": g["ps"].sum() / g["pop"].sum(),
        "average_rank": g["pr"].sum() / g["pop"].sum(),
        "extent": g["pe"].sum() / g["pop"].sum(),
        "local_concentration": g.apply(_local_concentration, include_groups=False),
        "proportion_most_deprived_10pc": g["top10"].mean(),
    })
    for col in ("average_score", "average_rank", "extent", "local_concentration",
                "proportion_most_deprived_10pc"):
        out[f"rank_of_{col}"] = out[col].rank(ascending=False, method="min").astype("Int64")
    return out.reset_index()


def _local_concentration(g: pd.DataFrame) -> float:
    g = g.sort_values("rev", ascending=False)
    target = 0.1 * g["pop"].sum()
    if target <= 0:
        return float("nan")
    before = g["pop"].cumsum() - g["pop"]
    used = np.clip(target - before, 0.0, g["pop"])
    return float((used * g["rev"]).sum() / target)
