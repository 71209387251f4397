"""Slope and relative index of inequality with Monte Carlo limits (PHE: ``phe_sii``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from rescomm.stats._checks import as_float_array, check_confidence, check_confidences, first_bad
from rescomm.stats._errors import (
    InvalidDataWarning,
    MissingDataWarning,
    Policy,
    TooFewValuesWarning,
    UnreliableEstimateWarning,
    ZeroDenominatorWarning,
    apply_policy,
    check_policy,
)
from rescomm.stats._frame import as_list, check_columns
from rescomm.stats._keygrid import key_grid
from rescomm.stats._output import ci_columns, confidence_label
from rescomm.stats._sii_sim import (
    fit,
    from_model_scale,
    relative_rank,
    simulate,
    to_model_scale,
)

__all__ = ["phe_sii", "sii"]

#: PHE's bounds on the number of quantiles, and the count above which it warns of instability.
MIN_QUANTILES, MAX_QUANTILES, STABLE_QUANTILES = 5, 100, 10
MIN_REPETITIONS = 1000
INDICATOR_TYPES = {0: "normal", 1: "rate", 2: "proportion"}
TRANSFORMS = {0: "none", 1: "log", 2: "logit"}


def _names(levels: tuple[float, ...], prefix: str) -> list[tuple[str, str]]:
    return [(f"{prefix}_{lo}", f"{prefix}_{hi}") for lo, hi in ci_columns(levels)]


def _mad_names(levels: tuple[float, ...], prefix: str) -> list[str]:
    if len(levels) == 1:
        return [f"{prefix}_mad"]
    return [f"{prefix}_mad{c * 100:.1f}".replace(".", "_") for c in levels]


def _check_options(value_type: Any, transform: bool, repetitions: Any, has_se: bool,
                   has_cls: bool) -> None:
    if value_type not in INDICATOR_TYPES or isinstance(value_type, bool):
        raise ValueError(f"value_type must be 0 (other), 1 (rate) or 2 (proportion); got "
                         f"{value_type!r}")
    if transform and value_type == 0:
        raise ValueError("transform=True needs value_type 1 (rate, log) or 2 (proportion, logit)")
    if transform and has_se:
        raise ValueError("transform=True needs lower_cl and upper_cl, not se: the standard "
                         "error is derived from the transformed limits")
    if not has_se and not has_cls:
        raise ValueError("give se, or both lower_cl and upper_cl, to derive each quantile's "
                         "standard error")
    if isinstance(repetitions, bool) or int(repetitions) != repetitions \
            or repetitions < MIN_REPETITIONS:
        raise ValueError(f"repetitions must be an integer >= {MIN_REPETITIONS} (PHE's minimum; "
                         f"PHE's default is 100,000); got {repetitions!r}")


def _check_ranges(value: np.ndarray, population: np.ndarray, se: np.ndarray | None,
                  lower: np.ndarray | None, upper: np.ndarray | None, value_type: int) -> None:
    """Raise for inputs no policy can rescue (PHE stops on these too)."""
    checks = [(population < 0, population, "population must be >= 0")]
    if se is not None:
        checks.append((se < 0, se, "se must be >= 0"))
    if value_type == 2:
        checks.append(((value < 0) | (value > 1), value,
                       "proportions (value_type=2) must be between 0 and 1"))
        for name, cl in (("lower_cl", lower), ("upper_cl", upper)):
            if cl is not None:
                checks.append(((cl < 0) | (cl > 1), cl,
                               f"{name} of a proportion must be between 0 and 1"))
    for mask, values, message in checks:
        if mask.any():
            where, v = first_bad(mask, values)
            raise ValueError(f"{message}; got {v:g} at (group, quantile) {where}")


def _policies(value: np.ndarray, population: np.ndarray, se: np.ndarray | None,
              lower: np.ndarray | None, upper: np.ndarray | None, *, value_type: int,
              skip: np.ndarray, missing: str, zero_denominator: str,
              out_of_domain: str) -> np.ndarray:
    """Groups whose SII is NaN: missing inputs, zero populations, values outside the domain of
    the log or logit transform. Each case is announced by its policy; returns the mask."""
    parts = [value, population] + [a for a in (se, lower, upper) if a is not None]
    nan = np.zeros(value.shape, dtype=bool)
    for p in parts:
        nan |= np.isnan(p)
    bad_missing = nan.any(axis=1) & ~skip
    apply_policy(bad_missing, missing, name="missing", category=MissingDataWarning,
                 what="a missing value, population, standard error or confidence limit",
                 consequence="those groups' SIIs are NaN")
    bad_zero = (population == 0).any(axis=1) & ~skip & ~bad_missing
    apply_policy(bad_zero, zero_denominator, name="zero_denominator",
                 category=ZeroDenominatorWarning, what="a quantile with zero population",
                 consequence="those groups' SIIs are NaN")
    domain = np.zeros(value.shape, dtype=bool)
    for arr in (value, lower, upper):
        if arr is None:
            continue
        if value_type == 1:
            domain |= arr <= 0
        elif value_type == 2:
            domain |= (arr == 0) | (arr == 1)
    bad_domain = domain.any(axis=1) & ~skip & ~bad_missing & ~bad_zero
    what = ("a rate <= 0, which has no logarithm" if value_type == 1
            else "a proportion of exactly 0 or 1, which has no logit")
    apply_policy(bad_domain, out_of_domain, name="out_of_domain", category=InvalidDataWarning,
                 what=what, consequence="those groups' SIIs are NaN")
    return skip | bad_missing | bad_zero | bad_domain


def _sii_grid(
    value: np.ndarray, population: np.ndarray, se: np.ndarray | None,
    lower: np.ndarray | None, upper: np.ndarray | None, *, skip: np.ndarray,
    value_type: int, transform: bool, multiplier: float, levels: tuple[float, ...],
    cl_confidence: float, repetitions: int, rii: bool, reliability_stat: bool, seed: Any,
    workers: int | None, missing: str, zero_denominator: str, out_of_domain: str,
) -> dict[str, np.ndarray]:
    """SII, RII, intercept and limits for a (groups, quantiles) grid; ``skip`` groups are NaN."""
    _check_ranges(value, population, se, lower, upper, value_type)
    bad = _policies(value, population, se, lower, upper, value_type=value_type, skip=skip,
                    missing=missing, zero_denominator=zero_denominator,
                    out_of_domain=out_of_domain)
    ok = ~bad
    n_groups = value.shape[0]
    out: dict[str, np.ndarray] = {}
    nan = np.full(n_groups, np.nan)
    value_t = to_model_scale(value[ok], value_type)
    if se is None:
        z = float(ndtri(0.5 + cl_confidence / 2.0))
        se_ok = (to_model_scale(upper[ok], value_type)
                 - to_model_scale(lower[ok], value_type)) / z / 2.0
    else:
        se_ok = se[ok]
    a, b = relative_rank(population[ok])
    y = value_t if transform else value[ok]
    model = fit(y, a, b)
    sets = 10 if reliability_stat else 1
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    sim = simulate(value_t, se_ok, model, value_type=value_type, transform=transform,
                   multiplier=multiplier, levels=levels, repetitions=repetitions, sets=sets,
                   want_rii=rii, seed=seq, workers=workers)
    icpt, slope = model.intercept, model.slope
    if transform:
        x0 = from_model_scale(icpt, value_type)
        x1 = from_model_scale(icpt + slope, value_type)
        values = {"sii": (x1 - x0) * multiplier, "rii": x1 / x0,
                  "intercept": x0 * abs(multiplier)}
        half = icpt + slope / 2.0

        def back(limit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            # a slope limit S, centred on the fitted midpoint: rank 0 at half - S/2, 1 at half + S/2
            f1 = from_model_scale(half + limit / 2.0, value_type)
            f0 = from_model_scale(half - limit / 2.0, value_type)
            return (f1 - f0) * multiplier, f1 / f0

        (sii_a, rii_a), (sii_b, rii_b) = back(sim.sii_lower), back(sim.sii_upper)
        if multiplier >= 0:
            sim_sii, sim_rii = (sii_a, sii_b), (rii_a, rii_b)
        else:  # a negative multiplier reverses the order of the limits and inverts the RII
            sim_sii, sim_rii = (sii_b, sii_a), (1.0 / rii_b, 1.0 / rii_a)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (icpt + slope) / icpt
        values = {"sii": slope * multiplier, "rii": ratio, "intercept": icpt}
        sim_sii, sim_rii = (sim.sii_lower, sim.sii_upper), (sim.rii_lower, sim.rii_upper)
    if multiplier < 0:
        values["rii"] = 1.0 / values["rii"]
    for key in ("sii", "rii", "intercept"):
        out[key] = nan.copy()
        out[key][ok] = values[key]
    prefixes = [("sii", sim_sii)] + ([("rii", sim_rii)] if rii else [])
    for prefix, (lo_all, hi_all) in prefixes:
        for j, (lo_name, hi_name) in enumerate(_names(levels, prefix)):
            out[lo_name], out[hi_name] = nan.copy(), nan.copy()
            out[lo_name][ok] = lo_all[0, j]
            out[hi_name][ok] = hi_all[0, j]
        if reliability_stat:
            for j, mad_name in enumerate(_mad_names(levels, prefix)):
                diffs = np.concatenate([np.abs(lo_all[1:, j] - lo_all[0, j]),
                                        np.abs(hi_all[1:, j] - hi_all[0, j])])
                out[mad_name] = nan.copy()
                out[mad_name][ok] = diffs.mean(axis=0)
    if not rii:
        del out["rii"]
    return out


def _quantile_count_policies(n_q: int, n_groups: int, too_few: str, unreliable: str
                             ) -> np.ndarray:
    if n_q > MAX_QUANTILES:
        raise ValueError(f"the number of quantiles must be between {MIN_QUANTILES} and "
                         f"{MAX_QUANTILES} (PHE); got {n_q}")
    few = np.full(n_groups, n_q < MIN_QUANTILES)
    apply_policy(few, too_few, name="too_few", category=TooFewValuesWarning,
                 what=f"fewer than {MIN_QUANTILES} quantiles ({n_q})",
                 consequence="no SII is computed (NaN)")
    apply_policy(np.array([n_q > STABLE_QUANTILES]), unreliable, name="unreliable",
                 category=UnreliableEstimateWarning,
                 what=f"more than {STABLE_QUANTILES} quantiles ({n_q}): small numbers per "
                      f"quantile can make the SII unstable",
                 consequence="the SII is computed; check its interval")
    return few


def sii(
    value: Any,
    population: Any,
    *,
    se: Any = None,
    lower_cl: Any = None,
    upper_cl: Any = None,
    value_type: int = 0,
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    cl_confidence: float = 0.95,
    repetitions: int = 100_000,
    rii: bool = False,
    reliability_stat: bool = False,
    seed: int | np.random.SeedSequence | None = None,
    workers: int | None = None,
    too_few: Policy = "warn",
    missing: Policy = "warn",
    zero_denominator: Policy = "warn",
    out_of_domain: Policy = "warn",
    unreliable: Policy = "warn",
) -> dict[str, Any]:
    """Slope index of inequality (and RII) of one or many groups of ordered quantiles.

    Parameters
    ----------
    value : array_like, shape (quantiles,) or (groups, quantiles)
        Indicator value of each quantile, quantiles ordered from the least to the most
        advantaged (e.g. IMD decile 1 = most deprived first).
    population : array_like, same shape
        Population of each quantile (> 0).
    se : array_like, optional, keyword-only
        Standard error of each value, on the model scale (log for rates, logit for
        proportions). Give ``se`` or both limits.
    lower_cl, upper_cl : array_like, optional, keyword-only
        Confidence limits of each value at ``cl_confidence`` (default 95%), on the value's
        scale; the standard error is ``(f(U) - f(L)) / (2 z)`` with ``f`` the model-scale
        transform.
    value_type : {0, 1, 2}, keyword-only
        0 other (normal, e.g. life expectancy), 1 rate (simulated on the log scale), 2
        proportion in [0, 1] (simulated on the logit scale).
    transform : bool, keyword-only
        Fit on the log (rates) or logit (proportions) scale and report back-transformed
        results (PHE's recommendation for rates and proportions). Needs the limits, not ``se``.
    multiplier : float, keyword-only
        Scale of the SII (e.g. 100 for percentage points); a negative multiplier reverses the
        polarity and inverts the RII.
    confidence : float or sequence of float, keyword-only
        Level(s) of the SII limits, as fractions.
    cl_confidence : float, keyword-only
        Level of the supplied ``lower_cl``/``upper_cl`` (PHE assumes 95%).
    repetitions : int, keyword-only
        Monte Carlo repetitions (at least 1,000; PHE's default 100,000).
    rii : bool, keyword-only
        Also return the relative index of inequality and its limits.
    reliability_stat : bool, keyword-only
        Run 10 sets of ``repetitions`` and return the mean absolute difference of the limits
        of sets 2-10 from those of set 1 (``sii_mad``), a measure of Monte Carlo error.
    seed : int or numpy.random.SeedSequence, optional, keyword-only
        Seed of the simulation; results are reproducible for a seed, whatever ``workers``.
    workers : int, optional, keyword-only
        Threads for the simulation (default: the CPU count).
    too_few, missing, zero_denominator, out_of_domain, unreliable : policy, keyword-only
        Fewer than 5 quantiles (:class:`TooFewValuesWarning`); a missing value, population,
        standard error or limit (:class:`MissingDataWarning`); a zero population
        (:class:`ZeroDenominatorWarning`); a rate <= 0 or a proportion of 0 or 1, which the
        log/logit cannot take (:class:`InvalidDataWarning`): those groups are NaN. More than 10
        quantiles (:class:`UnreliableEstimateWarning`): computed, with a warning.

    Returns
    -------
    dict
        ``sii``, ``intercept``, ``rii`` (if asked), the limits ``sii_lowercl``/``sii_uppercl``
        (``sii_lower95_0cl``, ... for several levels; ``rii_*`` likewise) and, with
        ``reliability_stat``, ``sii_mad`` (``rii_mad``). Floats for 1-D input, else arrays.

    Raises
    ------
    ValueError
        For a negative population or standard error, a proportion outside [0, 1], more than
        100 quantiles, fewer than 1,000 repetitions, or inconsistent options (see
        :func:`phe_sii`).

    Notes
    -----
    With population shares :math:`a_i` and relative ranks :math:`b_i` (the midpoint of quantile
    :math:`i` in the cumulative population distribution), the SII is the slope :math:`\\beta` of
    the weighted regression :math:`y_i = \\alpha + \\beta b_i` with weights :math:`a_i`
    (PHE fits :math:`y\\sqrt a = \\alpha\\sqrt a + \\beta b\\sqrt a`, the same model):

    .. math::

        \\beta = \\frac{\\sum a_i (b_i - \\bar b) y_i}{\\sum a_i b_i^2 - \\bar b^2},\\qquad
        \\alpha = \\sum a_i y_i - \\beta \\bar b,\\qquad \\bar b = \\sum a_i b_i,

    SII :math:`= m\\beta`, RII :math:`= (\\alpha + \\beta)/\\alpha` (inverted for
    :math:`m < 0`). With ``transform``, the fit is on :math:`f(y)` (log or logit) and
    SII :math:`= m(f^{-1}(\\alpha+\\beta) - f^{-1}(\\alpha))`, RII
    :math:`= f^{-1}(\\alpha+\\beta)/f^{-1}(\\alpha)`; the limits back-transform the simulated
    slope limits around the midpoint :math:`\\alpha + \\beta/2` as PHE does.

    Limits: each repetition draws every quantile's value from
    :math:`N(f(y_i), \\mathrm{se}_i)`, back-transforms (unless ``transform``), refits and keeps
    the SII and RII; the limits are the :math:`\\mathrm{round}(R\\,\\alpha/2)`-th and
    :math:`\\mathrm{round}(R(1-\\alpha/2))`-th smallest of :math:`R` repetitions. Where the fit
    is linear in the draws (value type 0, or ``transform``) the (intercept, slope) pair is
    drawn from its exact bivariate normal distribution, which is the same distribution with
    fewer draws. PHEindicatormethods tests its simulated limits to a relative tolerance of 5%.
    For a rate with ``transform`` and a multiplier between 0 and 1, PHE's code swaps the
    limits (it tests ``multiplier < 1``); here only a negative multiplier swaps them.

    References
    ----------
    .. [1] Low A, Low A. Measuring the gap: quantifying and comparing local health
       inequalities. J Public Health 2004;26:388-395. doi:10.1093/pubmed/fdh175
    .. [2] Public Health England. PHEindicatormethods: ``phe_sii``. CRAN, 2024.
    """
    levels = check_confidences(confidence)
    cl_c = check_confidence(cl_confidence)
    has_cls = lower_cl is not None and upper_cl is not None
    _check_options(value_type, transform, repetitions, se is not None, has_cls)
    for name, policy in (("too_few", too_few), ("missing", missing),
                         ("zero_denominator", zero_denominator),
                         ("out_of_domain", out_of_domain), ("unreliable", unreliable)):
        check_policy(name, policy)
    v = as_float_array(value, "value")
    one = v.ndim == 1
    arrays = [np.atleast_2d(as_float_array(a, name)) if a is not None else None
              for name, a in (("value", value), ("population", population), ("se", se),
                              ("lower_cl", lower_cl if se is None else None),
                              ("upper_cl", upper_cl if se is None else None))]
    shapes = {a.shape for a in arrays if a is not None}
    if len(shapes) != 1 or arrays[0].ndim != 2:
        raise ValueError(f"value, population and se/limits must have the same shape "
                         f"(quantiles,) or (groups, quantiles); got {sorted(shapes)}")
    val, pop, se_a, lo, hi = arrays
    skip = _quantile_count_policies(val.shape[1], val.shape[0], too_few, unreliable)
    out = _sii_grid(val, pop, se_a, lo, hi, skip=skip, value_type=value_type,
                    transform=transform, multiplier=multiplier, levels=levels,
                    cl_confidence=cl_c, repetitions=int(repetitions), rii=rii,
                    reliability_stat=reliability_stat, seed=seed, workers=workers,
                    missing=missing, zero_denominator=zero_denominator,
                    out_of_domain=out_of_domain)
    if one:
        return {k: float(a[0]) for k, a in out.items()}
    return out


def phe_sii(
    data: pd.DataFrame,
    quantile: str,
    population: str,
    *,
    by: str | Sequence[str] | None = None,
    value: str | None = None,
    x: str | None = None,
    value_type: int = 0,
    lower_cl: str | None = None,
    upper_cl: str | None = None,
    se: str | None = None,
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    cl_confidence: float = 0.95,
    repetitions: int = 100_000,
    rii: bool = False,
    intercept: bool = False,
    reliability_stat: bool = False,
    seed: int | np.random.SeedSequence | None = None,
    workers: int | None = None,
    too_few: Policy = "warn",
    missing: Policy = "warn",
    zero_denominator: Policy = "warn",
    out_of_domain: Policy = "warn",
    unreliable: Policy = "warn",
) -> pd.DataFrame:
    """Slope (and relative) index of inequality for each group of a long table of quantiles.

    Parameters
    ----------
    data : DataFrame
        One row per group and quantile (e.g. per local authority and IMD decile).
    quantile : str
        Column of the quantile, sortable, ordered from the least to the most advantaged
        (decile 1 = most deprived). The quantiles are the distinct values of the whole table.
    population : str
        Column of each quantile's population.
    by : str or list of str, optional, keyword-only
        Group columns; one SII per group.
    value : str, optional, keyword-only
        Column of the indicator value. For proportions it may be omitted if ``x`` is given.
    x : str, optional, keyword-only
        For proportions (``value_type=2``): the numerator; value = ``x / population``.
    value_type, transform, multiplier, confidence, cl_confidence, repetitions, rii,
    reliability_stat, seed, workers : keyword-only
        As in :func:`sii`.
    lower_cl, upper_cl, se : str, optional, keyword-only
        Columns of the value's limits (at ``cl_confidence``) or its model-scale standard error.
    intercept : bool, keyword-only
        Also return the fitted value at the most disadvantaged end (rank 0), ``intercept``.
    too_few, missing, zero_denominator, out_of_domain, unreliable : policy, keyword-only
        As in :func:`sii`; ``too_few`` also covers a group that lacks some of the table's
        quantiles (PHE drops such groups with a warning; here they stay, as NaN).

    Returns
    -------
    DataFrame
        One row per group: the group columns, ``sii``, ``rii`` (if asked), the limits, the
        ``*_mad`` columns (with ``reliability_stat``), ``intercept`` (if asked), then
        ``indicator_type`` (``"normal"``, ``"rate"``, ``"proportion"``), ``multiplier``,
        ``transform`` (``"none"``, ``"log"``, ``"logit"``), ``confidence`` (``"95%"``),
        ``statistic`` and ``method`` (``"Low & Low weighted regression; simulation, 100000
        repetitions"``).

    Notes
    -----
    The table is reshaped to (groups, quantiles) grids and :func:`sii` runs once on all
    groups, so 10,000 groups cost one vectorised call rather than 10,000 model fits.

    References
    ----------
    .. [1] Low A, Low A. Measuring the gap: quantifying and comparing local health
       inequalities. J Public Health 2004;26:388-395. doi:10.1093/pubmed/fdh175
    .. [2] Public Health England. PHEindicatormethods: ``phe_sii``. CRAN, 2024.
    """
    levels = check_confidences(confidence)
    cl_c = check_confidence(cl_confidence)
    has_cls = lower_cl is not None and upper_cl is not None
    _check_options(value_type, transform, repetitions, se is not None, has_cls)
    if value is None and not (value_type == 2 and x is not None):
        raise ValueError("phe_sii needs value=, or x= for a proportion (value_type=2)")
    for name, policy in (("too_few", too_few), ("missing", missing),
                         ("zero_denominator", zero_denominator),
                         ("out_of_domain", out_of_domain), ("unreliable", unreliable)):
        check_policy(name, policy)
    groups = as_list(by)
    check_columns(data, quantile=quantile, population=population, value=value, x=x,
                  lower_cl=lower_cl, upper_cl=upper_cl, se=se)
    check_columns(data, **{f"by[{i}]": g for i, g in enumerate(groups)})
    if data[quantile].isna().any():
        i = int(np.flatnonzero(data[quantile].isna().to_numpy())[0])
        raise ValueError(f"quantile column {quantile!r} has a missing value at row {i}")
    grid = key_grid(data, groups, quantile)
    n_groups, n_q = grid.shape

    def column(name: str) -> np.ndarray:
        return grid.fill(as_float_array(data[name].to_numpy(), name))

    pop = column(population)
    if value is not None:
        val = column(value)
    else:
        counts = column(x)
        if (counts < 0).any():
            where, v = first_bad(counts < 0, counts)
            raise ValueError(f"x must be >= 0; got {v:g} at (group, quantile) {where}")
        with np.errstate(divide="ignore", invalid="ignore"):
            # a zero population is the zero_denominator policy's case, not a missing value
            val = np.where(pop > 0, counts / pop, np.where(np.isnan(counts), np.nan, 0.5))
    se_g = column(se) if se is not None else None
    lo = column(lower_cl) if se is None else None
    hi = column(upper_cl) if se is None else None
    skip = _quantile_count_policies(n_q, n_groups, too_few, unreliable)
    incomplete = ~grid.present.all(axis=1) & ~skip
    apply_policy(incomplete, too_few, name="too_few", category=TooFewValuesWarning,
                 what=f"a group without a row for each of the {n_q} quantiles",
                 consequence="those groups' SIIs are NaN")
    skip = skip | incomplete
    if skip.any():  # absent rows are not 'missing values': keep them out of later policies
        for arr in (val, pop, se_g, lo, hi):
            if arr is not None:
                arr[skip] = 0.5
    out = _sii_grid(val, pop, se_g, lo, hi, skip=skip, value_type=value_type,
                    transform=transform, multiplier=multiplier, levels=levels,
                    cl_confidence=cl_c, repetitions=int(repetitions), rii=rii,
                    reliability_stat=reliability_stat, seed=seed, workers=workers,
                    missing=missing, zero_denominator=zero_denominator,
                    out_of_domain=out_of_domain)
    icpt = out.pop("intercept")
    cols: dict[str, Any] = dict(out)
    if intercept:
        cols["intercept"] = icpt
    cols["indicator_type"] = INDICATOR_TYPES[value_type]
    cols["multiplier"] = multiplier
    cols["transform"] = TRANSFORMS[value_type] if transform else "none"
    cols["confidence"] = confidence_label(levels)
    cols["statistic"] = "slope index of inequality" + (" and relative index" if rii else "")
    cols["method"] = (f"Low & Low weighted regression; simulation, {int(repetitions)} "
                      f"repetitions")
    return pd.concat([grid.keys, pd.DataFrame(cols, index=grid.keys.index)], axis=1)
