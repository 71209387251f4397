"""Life expectancy from an abridged life table (Chiang II, Silcocks variance; PHE:
``phe_life_expectancy``), for many areas at once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from rescomm.stats._checks import as_float_array, check_confidence, check_confidences
from rescomm.stats._errors import (
    InvalidDataWarning,
    MissingDataWarning,
    Policy,
    SmallCountWarning,
    TooFewValuesWarning,
    UnreliableEstimateWarning,
    ZeroDenominatorWarning,
    apply_policy,
    check_policy,
)
from rescomm.stats._frame import as_list, check_columns
from rescomm.stats._keygrid import key_grid
from rescomm.stats._output import ci_columns, confidence_label

__all__ = ["AGE_BANDS", "life_expectancy", "phe_life_expectancy"]

#: Start ages of PHE's (and ONS's) 20 abridged life-table bands: 0, 1-4, 5-9, ..., 85-89, 90+.
AGE_BANDS: tuple[int, ...] = (0, 1, *range(5, 95, 5))
#: Fraction of the first year lived by infants who die (a_0); 0.5 in the other bands.
INFANT_FRACTION = 0.1
#: Radix of the life table (l_0).
RADIX = 1e5
#: Life tables need at least this many person-years in total (Toson & Baker 2003).
MIN_POPULATION = 5000
#: A life expectancy is suppressed when its 95% interval is wider than this (years).
MAX_CI_WIDTH = 20
METHOD = "Chiang, using Silcocks et al for confidence limits"
POLICY_NAMES = ("invalid", "zero_denominator", "missing", "small_count", "unreliable")


def _life_table(deaths: np.ndarray, pop: np.ndarray, ages: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Life expectancy and its standard error at each band start, for (groups, bands) grids.

    Inputs must be valid (no group with a problem a policy catches); see
    :func:`life_expectancy` for the formulas.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m = deaths / pop
        width = np.broadcast_to(np.append(np.diff(ages), np.nan), m.shape).copy()
        width[:, -1] = 2.0 / m[:, -1]
        a = np.where(ages == 0, INFANT_FRACTION, 0.5)
        q = np.where(deaths <= pop / width / a, m * width / (1.0 + m * width * (1.0 - a)), 1.0)
        p = 1.0 - q
        survivors = RADIX * np.cumprod(np.concatenate([np.ones((m.shape[0], 1)), p[:, :-1]],
                                                      axis=1), axis=1)
        following = np.concatenate([survivors[:, 1:], np.zeros((m.shape[0], 1))], axis=1)
        dying = survivors - following
        lived = width * (following + a * dying)
        lived[:, -1] = survivors[:, -1] / m[:, -1]
        total = np.cumsum(lived[:, ::-1], axis=1)[:, ::-1]
        e = np.where(survivors == 0, 0.0, total / survivors)
        sp = np.where(dying == 0, 0.0, q * q * (1.0 - q) / deaths)
        sp[:, -1] = 4.0 / (deaths[:, -1] * m[:, -1] ** 2)
        e_next = np.concatenate([e[:, 1:], np.zeros((m.shape[0], 1))], axis=1)
        weighted = sp * survivors**2 * ((1.0 - a) * width + e_next) ** 2
        weighted[:, -1] = (survivors[:, -1] / 2.0) ** 2 * sp[:, -1]
        st = np.cumsum(weighted[:, ::-1], axis=1)[:, ::-1]
        se = np.sqrt(st / survivors**2)
    return e, se


def _group_policies(deaths: np.ndarray, pop: np.ndarray, *, skip: np.ndarray,
                    policies: dict[str, str]) -> np.ndarray:
    """Announce each group-level problem under its policy (in PHE's order); return the mask of
    groups whose life expectancies are all NaN."""
    bad = skip.copy()
    cases = [
        ("missing", MissingDataWarning, np.isnan(deaths) | np.isnan(pop),
         "a missing death count or population", "their life expectancies are NaN"),
        ("invalid", InvalidDataWarning, deaths < 0,
         "negative deaths in an age band", "their life expectancies are NaN"),
        ("invalid", InvalidDataWarning, pop < 0,
         "a negative population in an age band", "their life expectancies are NaN"),
        ("zero_denominator", ZeroDenominatorWarning, pop == 0,
         "an age band with zero population", "their life expectancies are NaN"),
        ("invalid", InvalidDataWarning, deaths > pop,
         "more deaths than population in an age band", "their life expectancies are NaN"),
    ]
    for name, category, cells, what, consequence in cases:
        mask = cells.any(axis=1) & ~bad
        apply_policy(mask, policies[name], name=name, category=category, what=what,
                     consequence=consequence)
        bad |= mask
    small = (pop.sum(axis=1) <= MIN_POPULATION) & ~bad
    apply_policy(small, policies["small_count"], name="small_count", category=SmallCountWarning,
                 what=f"a total population of {MIN_POPULATION:,} or less",
                 consequence="their life expectancies are NaN (too few person-years)")
    bad |= small
    no_deaths = (deaths[:, -1] == 0) & ~bad
    apply_policy(no_deaths, policies["small_count"], name="small_count",
                 category=SmallCountWarning, what="no deaths in the final (oldest) age band",
                 consequence="their life expectancies are NaN (the final band needs a death)")
    return bad | no_deaths


def _compute(deaths: np.ndarray, pop: np.ndarray, ages: np.ndarray, skip: np.ndarray,
             policies: dict[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, standard errors and the limits' centre for (groups, bands) grids.

    Groups a policy removes (or ``skip``) are NaN. A value whose 95% interval is wider than 20
    years is NaN but its limits still show (PHE's rule), so the centre keeps it.
    """
    bad = _group_policies(deaths, pop, skip=skip, policies=policies)
    centre = np.full(deaths.shape, np.nan)
    se = np.full(deaths.shape, np.nan)
    centre[~bad], se[~bad] = _life_table(deaths[~bad], pop[~bad], ages)
    centre[np.isinf(centre)] = np.nan
    wide = ndtri(0.975) * se > MAX_CI_WIDTH / 2
    apply_policy(wide, policies["unreliable"], name="unreliable",
                 category=UnreliableEstimateWarning,
                 what=f"a life expectancy whose 95% confidence interval is wider than "
                      f"{MAX_CI_WIDTH} years",
                 consequence="those values are NaN (their limits are kept, as PHE does)")
    return np.where(wide, np.nan, centre), se, centre


def _check_ages(ages: Any) -> np.ndarray:
    a = as_float_array(ages, "ages").reshape(-1)
    if a.size < 2 or a[0] != 0 or (np.diff(a) <= 0).any():
        raise ValueError(f"ages must start at 0 and increase; got {a.tolist()}")
    return a


def life_expectancy(
    deaths: Any,
    population: Any,
    *,
    ages: Sequence[float] = AGE_BANDS,
    confidence: float = 0.95,
    invalid: Policy = "warn",
    zero_denominator: Policy = "warn",
    missing: Policy = "warn",
    small_count: Policy = "warn",
    unreliable: Policy = "warn",
) -> tuple[Any, Any, Any]:
    """Life expectancy at the start of each age band, with Silcocks confidence limits.

    Parameters
    ----------
    deaths, population : array_like, shape (bands,) or (groups, bands)
        Deaths and population (person-years) in each age band, bands in age order.
    ages : sequence of float, keyword-only
        Start age of each band; default :data:`AGE_BANDS` (0, 1, 5, 10, ..., 90; the last band
        is open, 90+). The band widths are the differences.
    confidence : float, keyword-only
        Level of the limits, as a fraction.
    invalid : {"warn", "raise", "ignore"}, keyword-only
        Negative deaths or population, or more deaths than population, in a band
        (:class:`InvalidDataWarning`): that group is NaN.
    zero_denominator, missing : policy, keyword-only
        A band with zero population (:class:`ZeroDenominatorWarning`), a missing count
        (:class:`MissingDataWarning`): that group is NaN.
    small_count : policy, keyword-only
        A total population of 5,000 or less, or no deaths in the final band
        (:class:`SmallCountWarning`): that group is NaN.
    unreliable : policy, keyword-only
        A 95% interval wider than 20 years (:class:`UnreliableEstimateWarning`): that value
        is NaN, its limits are kept (PHE's rule).

    Returns
    -------
    value, lower, upper : ndarray
        Life expectancy (years) at each band's start age and its limits, the shape of the
        input.

    Notes
    -----
    Chiang's abridged life table (method II) with band widths :math:`n_i`, deaths
    :math:`D_i`, populations :math:`P_i`, :math:`M_i = D_i/P_i`, :math:`a_0 = 0.1`,
    :math:`a_i = 0.5` otherwise, and the final band's width taken as :math:`2/M_\\omega`:

    .. math::

        q_i = \\frac{M_i n_i}{1 + M_i n_i (1 - a_i)}\\ (q_i = 1 \\text{ if }
        D_i > P_i/(n_i a_i)),\\quad l_0 = 100000,\\ l_{i+1} = l_i (1 - q_i),

        L_i = n_i (l_{i+1} + a_i (l_i - l_{i+1})),\\quad L_\\omega = l_\\omega / M_\\omega,
        \\quad e_i = \\sum_{j \\ge i} L_j / l_i.

    Variance (Chiang, with Silcocks' term for the open final band):

    .. math::

        \\mathrm{Var}(e_i) = \\frac{1}{l_i^2} \\Big[\\sum_{i \\le j < \\omega}
        \\frac{q_j^2 (1 - q_j)}{D_j} l_j^2 ((1 - a_j) n_j + e_{j+1})^2
        + \\Big(\\frac{l_\\omega}{2}\\Big)^2 \\frac{4}{D_\\omega M_\\omega^2}\\Big],

    limits :math:`e_i \\mp z\\sqrt{\\mathrm{Var}(e_i)}`. As PHEindicatormethods, which follows
    PHE's Life Expectancy Calculator.

    References
    ----------
    .. [1] Chiang CL. The Life Table and its Construction. In: Introduction to Stochastic
       Processes in Biostatistics. New York: Wiley; 1968:189-214.
    .. [2] Silcocks PBS, Jenner DA, Reza R. Life expectancy as a summary of mortality in a
       population: statistical considerations and suitability for use by health authorities.
       J Epidemiol Community Health 2001;55:38-43. doi:10.1136/jech.55.1.38
    .. [3] Eayres DP, Williams ES. Evaluation of methodologies for small area life expectancy
       estimation. J Epidemiol Community Health 2004;58:243-249. doi:10.1136/jech.2003.009654
    .. [4] Public Health England. PHEindicatormethods: ``phe_life_expectancy``. CRAN, 2024.
    """
    c = check_confidence(confidence)
    policies = dict(zip(POLICY_NAMES, (invalid, zero_denominator, missing, small_count,
                                       unreliable), strict=True))
    for name, policy in policies.items():
        check_policy(name, policy)
    ages_a = _check_ages(ages)
    d = as_float_array(deaths, "deaths")
    p = as_float_array(population, "population")
    if d.shape != p.shape or d.ndim not in (1, 2) or d.shape[-1] != ages_a.size:
        raise ValueError(f"deaths and population must have shape (bands,) or (groups, bands) "
                         f"with {ages_a.size} bands; got {d.shape} and {p.shape}")
    d2, p2 = np.atleast_2d(d), np.atleast_2d(p)
    value, se, centre = _compute(d2, p2, ages_a, np.zeros(d2.shape[0], dtype=bool), policies)
    z = float(ndtri(0.5 + c / 2.0))
    lower, upper = centre - z * se, centre + z * se
    if d.ndim == 1:
        return value[0], lower[0], upper[0]
    return value, lower, upper


def _label(value: Any) -> str:
    """A band label as text; whole-number floats (from a CSV column with gaps) lose '.0'."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _leading_int(label: Any) -> int:
    found = re.match(r"\D*(\d+)", str(label))
    if found is None:
        raise ValueError(f"age band {label!r} has no start age (a number) in it")
    return int(found.group(1))


def phe_life_expectancy(
    data: pd.DataFrame,
    deaths: str,
    population: str,
    *,
    startage: str,
    by: str | Sequence[str] | None = None,
    age_contents: Sequence[Any] = AGE_BANDS,
    le_age: Any = "all",
    confidence: float | Sequence[float] = 0.95,
    invalid: Policy = "warn",
    zero_denominator: Policy = "warn",
    missing: Policy = "warn",
    too_few: Policy = "warn",
    small_count: Policy = "warn",
    unreliable: Policy = "warn",
) -> pd.DataFrame:
    """Life expectancy at each age band for each group of a long table (one row per band).

    Parameters
    ----------
    data : DataFrame
        One row per group and age band.
    deaths, population : str
        Columns of deaths and population (person-years) in each band.
    startage : str, keyword-only
        Column of the age band, matching ``age_contents`` (e.g. 0, 1, 5, ..., 90, or labels
        such as "1-4", "90+"; a band's start age is the first number in its label).
    by : str or list of str, optional, keyword-only
        Group columns (e.g. area and sex).
    age_contents : sequence, keyword-only
        The 20 bands, in any order of labels, starting at 0 (default :data:`AGE_BANDS`).
    le_age : "all", a band or a list of bands, keyword-only
        Which ages to return life expectancy at.
    confidence : float or sequence of float, keyword-only
        One level or several, e.g. ``(0.95, 0.998)``.
    invalid, zero_denominator, missing, small_count, unreliable : policy, keyword-only
        As in :func:`life_expectancy`.
    too_few : policy, keyword-only
        A group without exactly one row for each of the 20 bands
        (:class:`TooFewValuesWarning`): that group is NaN.

    Returns
    -------
    DataFrame
        One row per group and requested age: the group columns, ``startage``, ``value``, the
        limits, ``pops_used`` and ``dths_used`` (population and deaths from that age up),
        ``confidence``, ``statistic`` (``"life expectancy at 0"``) and ``method``
        (``"Chiang, using Silcocks et al for confidence limits"``).

    Raises
    ------
    ValueError
        If ``age_contents`` does not start at 0 or is not in ascending order, if the table's
        bands differ from ``age_contents``, or if ``le_age`` names no band.

    References
    ----------
    .. [1] Public Health England. PHEindicatormethods: ``phe_life_expectancy``. CRAN, 2024.
    """
    levels = check_confidences(confidence)
    policies = dict(zip(POLICY_NAMES, (invalid, zero_denominator, missing, small_count,
                                       unreliable), strict=True))
    for name, policy in {**policies, "too_few": too_few}.items():
        check_policy(name, policy)
    groups = as_list(by)
    check_columns(data, deaths=deaths, population=population, startage=startage)
    check_columns(data, **{f"by[{i}]": g for i, g in enumerate(groups)})
    contents = list(age_contents)
    starts = np.array([_leading_int(c) for c in contents], dtype=float)
    if starts[0] != 0:
        raise ValueError("the first age band in age_contents must start at 0")
    if (np.diff(starts) <= 0).any():
        out_of_place = [str(c) for c, s, t in zip(contents, starts, np.sort(starts), strict=True)
                        if s != t]
        raise ValueError("age_contents must be in ascending order of age; out of position: "
                         + ", ".join(out_of_place))
    labels = [_label(c) for c in contents]
    found = sorted({_label(v) for v in data[startage].unique()})
    if found != sorted(labels):
        raise ValueError(f"the {startage!r} column's bands {found} do not match age_contents "
                         f"{labels}; pass age_contents= with the table's labels")
    selected = _selected_ages(le_age, labels)
    keyed = data.assign(_band=[_label(v) for v in data[startage].to_numpy()])
    grid = key_grid(keyed, groups, "_band", levels=np.array(labels, dtype=object))
    d = grid.fill(as_float_array(data[deaths].to_numpy(), deaths))
    p = grid.fill(as_float_array(data[population].to_numpy(), population))
    incomplete = ~grid.present.all(axis=1) | (len(labels) != len(AGE_BANDS))
    apply_policy(incomplete, too_few, name="too_few", category=TooFewValuesWarning,
                 what=f"a group without one row for each of the {len(AGE_BANDS)} age bands",
                 consequence="their life expectancies are NaN")
    value, se, centre = _compute(d, p, starts, incomplete, policies)
    cols: dict[str, Any] = {}
    n_groups, n_bands = d.shape
    cols["startage"] = np.tile(np.array(contents, dtype=object), n_groups)
    cols["value"] = value.reshape(-1)
    for level, (lo, hi) in zip(levels, ci_columns(levels), strict=True):
        z = float(ndtri(0.5 + level / 2.0))
        cols[lo] = (centre - z * se).reshape(-1)
        cols[hi] = (centre + z * se).reshape(-1)
    cols["pops_used"] = np.cumsum(p[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    cols["dths_used"] = np.cumsum(d[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    cols["confidence"] = confidence_label(levels)
    cols["statistic"] = [f"life expectancy at {c}" for c in cols["startage"]]
    cols["method"] = METHOD
    keys = grid.keys.loc[np.repeat(np.arange(n_groups), n_bands)].reset_index(drop=True)
    out = pd.concat([keys, pd.DataFrame(cols)], axis=1)
    keep = np.tile(np.isin(np.arange(n_bands), selected), n_groups)
    return out[keep].reset_index(drop=True)


def _selected_ages(le_age: Any, labels: list[str]) -> np.ndarray:
    if isinstance(le_age, str) and le_age == "all":
        return np.arange(len(labels))
    wanted = [le_age] if isinstance(le_age, str | int | float) else list(le_age)
    idx = [labels.index(_label(a)) for a in wanted if _label(a) in labels]
    if not idx:
        raise ValueError(f"le_age {le_age!r} is not one of the age bands {labels}")
    return np.array(sorted(idx))
