"""Assets and vulnerabilities, and the wellbeing x resilience quadrant (WARM stages 2 and 3).

WARM (Mguni & Bacon 2010) calls an indicator an **asset** of an area where the area does
significantly better than expected for comparable areas, and a **vulnerability** where it does
significantly worse. :func:`assets_vulnerabilities` makes that test for every area and
indicator of a build:

* *expected* is either the comparator mean (``expected="mean"``: England, region, LA or the
  area's statistical neighbours, see :mod:`._comparators`) or a regression on deprivation
  (``expected="regression"``: the value predicted from the IMD score by least squares over all
  areas of the build);
* *significance* comes from the counts where the indicator has them (a denominator in the
  spec): the Wilson score interval of the area's proportion is compared with the expected
  proportion, the Fingertips "compare with benchmark" rule (:func:`rescomm.stats.wilson_ci`,
  :func:`rescomm.stats.compare_to_benchmark`); otherwise from the standardised residual
  z = (y - e) / sd(y - e) over all areas, significant when |z| > Phi^-1((1 + c)/2).

:func:`wellbeing_resilience_quadrant` crosses wellbeing (high/low) with resilience (high/low)
as the Young Foundation's 2012 "wellbeing and resilience paradox" report does.

References
----------
Mguni N., Bacon N. (2010). Taking the temperature of local communities: the Wellbeing and
Resilience Measure (WARM). The Young Foundation.
Mguni N., Bacon N., Brown J.F. (2012). The wellbeing and resilience paradox. The Young
Foundation.
Public Health England (2018). Fingertips technical guidance: comparing with a benchmark.
Wilson E.B. (1927). Probable inference, the law of succession, and statistical inference.
JASA 22:209-212. doi:10.1080/01621459.1927.10502953.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import norm

from ._comparators import (
    DEFAULT_NEIGHBOUR_VARIABLES,
    comparator_labels,
    coverage,
    statistical_neighbours,
)
from ._errors import IndexDataError, IndexSpecError

if TYPE_CHECKING:
    from ._build import Build

EXPECTED = ("mean", "regression")
STATUSES = ("asset", "as expected", "vulnerability", "not compared")
_STATUS = {"better": "asset", "similar": "as expected", "worse": "vulnerability",
           "not compared": "not compared"}


def _group_expected(num: np.ndarray, den: np.ndarray | None, labels: np.ndarray) -> np.ndarray:
    """Per row, the pooled proportion (sum num / sum den) or the mean of ``num`` in its group."""
    codes, uniq = pd.factorize(labels)
    ok = np.isfinite(num) & (np.isfinite(den) & (den > 0) if den is not None else True)
    top = np.bincount(codes[ok], weights=num[ok], minlength=len(uniq))
    if den is not None:
        bottom = np.bincount(codes[ok], weights=den[ok], minlength=len(uniq))
    else:
        bottom = np.bincount(codes[ok], minlength=len(uniq)).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_group = np.where(bottom > 0, top / bottom, np.nan)
    return per_group[codes]


def _neighbour_expected(num: np.ndarray, den: np.ndarray | None, nb: np.ndarray) -> np.ndarray:
    """Per row, pooled proportion / mean over its neighbours (``nb``: n x k row positions)."""
    top = num[nb]
    ok = np.isfinite(top)
    if den is not None:
        bottom = den[nb]
        ok &= np.isfinite(bottom) & (bottom > 0)
        bottom = np.where(ok, bottom, 0.0).sum(axis=1)
    else:
        bottom = ok.sum(axis=1).astype(float)
    top = np.where(ok, top, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom > 0, top / bottom, np.nan)


def _regression_expected(y: np.ndarray, dep: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Fitted values of y = a + b dep (weighted least squares with weights ``w`` if given)."""
    ok = np.isfinite(y) & np.isfinite(dep)
    if w is not None:
        ok &= np.isfinite(w) & (w > 0)
    if ok.sum() < 3:
        return np.full(y.shape, np.nan)
    sw = np.sqrt(w[ok]) if w is not None else np.ones(int(ok.sum()))
    design = np.column_stack([np.ones(int(ok.sum())), dep[ok]]) * sw[:, None]
    coef, *_ = np.linalg.lstsq(design, y[ok] * sw, rcond=None)
    return coef[0] + coef[1] * dep


def _neighbour_positions(build: Build, frame: pd.DataFrame, neighbours: pd.DataFrame | None,
                         k: int, variables: Sequence[str]) -> np.ndarray:
    codes = build.area_codes.astype(str)
    if neighbours is None:
        table = frame.assign(_code=codes)
        neighbours = statistical_neighbours(table, variables, k=k, code="_code")
    for col in ("area_code", "neighbour_code"):
        if col not in neighbours.columns:
            raise IndexDataError(f"neighbours table lacks column {col!r} (use "
                                 "statistical_neighbours())")
    index = pd.Index(codes)
    a = index.get_indexer(neighbours["area_code"].astype(str))
    b = index.get_indexer(neighbours["neighbour_code"].astype(str))
    if (a < 0).any() or (b < 0).any():
        raise IndexDataError("the neighbours table names areas that are not in the build")
    counts = np.bincount(a, minlength=len(codes))
    if counts.min() != counts.max() or counts.min() == 0:
        raise IndexDataError("every area of the build needs the same number of neighbours")
    order = np.argsort(a, kind="stable")
    return b[order].reshape(len(codes), counts[0])


def assets_vulnerabilities(build: Build, *, comparator: str = "all",
                           expected: str = "mean", deprivation: str = "imd_score",
                           neighbours: pd.DataFrame | None = None, k: int = 10,
                           neighbour_variables: Sequence[str] = DEFAULT_NEIGHBOUR_VARIABLES,
                           confidence: float = 0.95,
                           areas: Sequence[str] | None = None) -> pd.DataFrame:
    """Classify every indicator of every area as an asset, as expected, or a vulnerability.

    Parameters
    ----------
    build : Build
        A finished build (e.g. ``build("warm")``). Values are the indicators after
        denominating (e.g. percentages), before treatment and normalisation.
    comparator : str, keyword-only, default "all"
        For ``expected="mean"``: ``"all"`` (every area of the build: Cheshire & Merseyside for
        the bundled data, England for a build of all English LSOAs; the label says which),
        ``"england"`` (the same, accepted only for a build of all of England), ``"region"``,
        ``"la"``, ``"neighbours"`` (statistical neighbours) or any column of the data holding
        group labels.
    expected : {"mean", "regression"}, keyword-only
        ``"mean"``: the comparator's mean; for indicators with counts the pooled proportion
        sum(x)/sum(n) of the comparator's areas. ``"regression"``: the value predicted from
        ``deprivation`` by least squares over all areas (weighted by the denominator for
        proportions); ``comparator`` is then ignored.
    deprivation : str, keyword-only
        Column of the data used as the regressor (default the IMD 2025 score).
    neighbours : DataFrame, keyword-only, optional
        A :func:`statistical_neighbours` table to use for ``comparator="neighbours"``; by
        default computed on the build's areas from ``neighbour_variables`` with ``k``.
    k : int, keyword-only
    neighbour_variables : sequence of str, keyword-only
    confidence : float, keyword-only, default 0.95
        Confidence of the Wilson interval / two-sided level of the residual test (0.998 for
        Fingertips' 99.8% limits).
    areas : sequence of str, keyword-only, optional
        Only return these areas (the expectation still uses all areas).

    Returns
    -------
    DataFrame
        One row per area and indicator: ``area_code, indicator, name, domain, value, unit,
        lower, upper`` (interval where the indicator has counts; ``value`` in the indicator's
        ``unit``, the same number :meth:`Build.explain` shows), ``expected``, ``comparator``,
        ``method`` (``"wilson_ci_vs_expected"`` or ``"standardised_residual"``), ``statistic``
        (z: score statistic (p - e)/sqrt(e(1 - e)/n) for counts, standardised residual
        otherwise), ``confidence``, ``better_is`` (``"higher"``/``"lower"``) and ``status``
        (``asset``, ``as expected``, ``vulnerability`` or ``not compared`` where a value or
        the expectation is missing).

    Raises
    ------
    IndexDataError
        Unknown comparator column, areas, deprivation column or neighbour variables.
    IndexSpecError
        Bad ``expected`` or ``confidence``.

    Notes
    -----
    Better means higher for an indicator with ``direction`` +1 in a ``higher_is_better``
    index (and for direction -1 in a ``higher_is_worse`` one). Census counts are large, so
    intervals are narrow and many differences are significant at 95%: Fingertips' 99.8% level
    (``confidence=0.998``) is the stricter choice. Modelled and LA-level indicators have no
    counts and use residuals; an LA-level value compared with its own LA is always
    "as expected".
    """
    from rescomm.stats import compare_to_benchmark, wilson_ci

    if expected not in EXPECTED:
        raise IndexSpecError(f"expected must be one of {EXPECTED}, not {expected!r}")
    if isinstance(confidence, bool) or not isinstance(confidence, float | int) \
            or not 0 < confidence < 1:
        raise IndexSpecError(f"confidence must be a fraction in (0, 1) such as 0.95, "
                             f"not {confidence!r}")
    spec = build.spec
    prep = build._prep
    rows = build._run.rows
    frame = prep.frame.iloc[rows].reset_index(drop=True)
    codes = build.area_codes.astype(str)
    n = len(codes)
    if expected == "regression":
        if deprivation not in frame.columns:
            raise IndexDataError(f"deprivation column {deprivation!r} not in the data")
        dep = pd.to_numeric(frame[deprivation], errors="coerce").to_numpy(dtype=float)
        label = f"regression on {deprivation}"
        labels = nb = None
    elif comparator == "neighbours":
        nb = _neighbour_positions(build, frame, neighbours, k, neighbour_variables)
        label = f"{nb.shape[1]} statistical neighbours"
        labels = None
    else:
        if comparator == "la" and prep.la is not None:  # the spec's own LA column
            labels = np.asarray(prep.la[rows], dtype=object)
        else:
            labels = comparator_labels(frame, comparator)
        nb = None
        label = comparator
        if comparator in ("all", "england"):
            where = coverage(codes, None if prep.la is None else prep.la[rows],
                             spec.area.geography)
            if comparator == "england" and where != "England":
                raise IndexDataError(
                    f"comparator 'england' needs a build of all of England; this one holds "
                    f"{n:,} areas ({where}): use comparator 'all' to compare with every area "
                    "in the build")
            label = f"all {n:,} areas in the build ({where})"
    keep = np.arange(n)
    if areas is not None:
        pos = pd.Index(codes).get_indexer(list(areas))
        if (pos < 0).any():
            missing = [a for a, p in zip(areas, pos, strict=True) if p < 0][:5]
            raise IndexDataError(f"area(s) {', '.join(missing)} not in the build")
        keep = pos
    crit = float(norm.ppf(0.5 + confidence / 2))
    sign = 1 if spec.polarity == "higher_is_better" else -1
    parts = []
    for j, ind in enumerate(spec.indicators):
        x = prep.raw[rows, j]
        counts = ind.denominator is not None
        d = prep.denominator[rows, j] if counts else None
        scale = ind.denominator.scale if counts else 1.0
        if counts:
            valid = np.isfinite(x) & np.isfinite(d) & (d > 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                p = np.where(valid, x / d, np.nan)
        else:
            p = x
        if expected == "regression":
            e = _regression_expected(p, dep, d)
            if counts:
                e = np.clip(e, 0.0, 1.0)
        elif nb is not None:
            e = _neighbour_expected(x, d, nb)
        else:
            e = _group_expected(x, d, labels)
        good = ind.direction * sign
        polarity = "high_is_good" if good > 0 else "low_is_good"
        if counts:
            lo, hi = np.full(n, np.nan), np.full(n, np.nan)
            ok = valid & (x <= d) & (x >= 0)
            lo[ok], hi[ok] = wilson_ci(x[ok], d[ok], confidence=confidence,
                                       zero_denominator="ignore")
            verdict = compare_to_benchmark(p, lo, hi, e, polarity=polarity)
            with np.errstate(divide="ignore", invalid="ignore"):
                z = (p - e) / np.sqrt(e * (1 - e) / d)
            method = "wilson_ci_vs_expected"
            value, lower, upper, exp_out = p * scale, lo * scale, hi * scale, e * scale
        else:
            r = p - e
            s = float(np.nanstd(r, ddof=1)) if np.isfinite(r).sum() > 1 else np.nan
            spread = float(np.nanstd(p)) if np.isfinite(p).any() else 0.0
            if s <= 1e-9 * spread:  # the expectation explains the values exactly: no residual
                s = 0.0
            with np.errstate(divide="ignore", invalid="ignore"):
                z = r / s if s > 0 else np.full(n, np.nan)
            better = good * z > crit
            worse = good * z < -crit
            verdict = np.where(~np.isfinite(z), "not compared",
                               np.where(better, "better", np.where(worse, "worse", "similar")))
            if s == 0:  # no residual spread (e.g. LA-level values against their own LA)
                verdict = np.where(np.isfinite(r), "similar", "not compared")
            method = "standardised_residual"
            value, lower, upper, exp_out = p, np.full(n, np.nan), np.full(n, np.nan), e
        verdict = np.asarray(verdict, dtype=object)[keep]
        status = np.select([verdict == v for v in _STATUS], list(range(len(_STATUS))), -1)
        parts.append((ind, method, "higher" if good > 0 else "lower", value[keep],
                      lower[keep], upper[keep], exp_out[keep], np.asarray(z, float)[keep],
                      status))
    m = len(keep)

    def const(values: list[str]) -> pd.Categorical:
        """A column holding one value per indicator block, stored as a categorical."""
        cats = list(dict.fromkeys(values))
        codes_ = np.repeat([cats.index(v) for v in values], m)
        return pd.Categorical.from_codes(codes_, categories=cats)

    def cat(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(arrays) if arrays else np.empty(0)

    inds = [p[0] for p in parts]
    out = pd.DataFrame({
        "area_code": np.tile(codes[keep], len(parts)),
        "indicator": const([i.id for i in inds]), "name": const([i.name for i in inds]),
        "domain": const([i.parent for i in inds]), "value": cat([p[3] for p in parts]),
        "unit": const([i.unit for i in inds]),
        "lower": cat([p[4] for p in parts]), "upper": cat([p[5] for p in parts]),
        "expected": cat([p[6] for p in parts]), "comparator": const([label] * len(parts)),
        "method": const([p[1] for p in parts]), "statistic": cat([p[7] for p in parts]),
        "confidence": float(confidence), "better_is": const([p[2] for p in parts]),
        "status": pd.Categorical.from_codes(cat([p[8] for p in parts]).astype(int),
                                            categories=list(_STATUS.values()))})
    out.attrs = {"expected": expected, "comparator": label, "confidence": float(confidence),
                 "framework": spec.id, "areas_in_build": n}
    return out


QUADRANTS = {
    ("high", "high"): "high wellbeing, high resilience",
    ("high", "low"): "high wellbeing, low resilience",
    ("low", "high"): "low wellbeing, high resilience",
    ("low", "low"): "low wellbeing, low resilience",
}


def wellbeing_resilience_quadrant(build: Build, *, wellbeing: str = "self",
                                  resilience: Sequence[str] = ("support", "systems"),
                                  cut: str = "median") -> pd.DataFrame:
    """Wellbeing (high/low) x resilience (high/low) for every area of a build.

    Parameters
    ----------
    build : Build
        E.g. ``build("warm")``.
    wellbeing : str, keyword-only, default "self"
        Node whose score measures wellbeing (WARM's Self domain).
    resilience : sequence of str, keyword-only, default ("support", "systems")
        Nodes whose weighted mean score (their weights in the build, renormalised over the
        nodes present) measures resilience (WARM's Support and Systems & Structures).
    cut : {"median", "mean"}, keyword-only
        Cut point of each axis over the build's areas: an area is *high* when its score is at
        or above it (for a ``higher_is_worse`` index, at or below).

    Returns
    -------
    DataFrame
        ``area_code, wellbeing_score, resilience_score, wellbeing, resilience`` (``"high"`` /
        ``"low"``), ``quadrant`` (e.g. ``"high wellbeing, low resilience"``) and ``paradox``
        (True in the two mixed cells). ``attrs`` holds the cut points.

    Notes
    -----
    The cut points are relative: with the bundled data half the C&M areas are "high" on each
    axis by construction (median cut). The 2012 report's paradox cells are high wellbeing with
    low resilience (doing well now, few resources to cope with a shock) and low wellbeing with
    high resilience.
    """
    if cut not in ("median", "mean"):
        raise IndexSpecError(f"cut must be 'median' or 'mean', not {cut!r}")
    nodes = [wellbeing, *resilience]
    for node in nodes:
        if node not in build.spec.node_ids:
            raise IndexSpecError(f"node {node!r} is not in framework {build.spec.id!r}; nodes "
                                 f"are {', '.join(build.spec.node_ids)}")
    if not resilience:
        raise IndexSpecError("give at least one resilience node")
    w_score = build.scores(wellbeing).to_numpy(dtype=float)
    weights = build.weights
    stack = np.column_stack([build.scores(r).to_numpy(dtype=float) for r in resilience])
    wts = np.array([float(weights[r]) for r in resilience])
    present = np.isfinite(stack)
    with np.errstate(invalid="ignore", divide="ignore"):
        r_score = (np.where(present, stack, 0.0) * wts).sum(axis=1) / (present * wts).sum(axis=1)
    reducer = np.nanmedian if cut == "median" else np.nanmean
    w_cut, r_cut = float(reducer(w_score)), float(reducer(r_score))
    sign = 1 if build.spec.polarity == "higher_is_better" else -1
    w_high = sign * (w_score - w_cut) >= 0
    r_high = sign * (r_score - r_cut) >= 0
    w_lab = np.where(w_high, "high", "low")
    r_lab = np.where(r_high, "high", "low")
    missing = ~np.isfinite(w_score) | ~np.isfinite(r_score)
    quadrant = np.array([QUADRANTS[(a, b)] for a, b in zip(w_lab, r_lab, strict=True)],
                        dtype=object)
    quadrant[missing] = None
    out = pd.DataFrame({"area_code": build.area_codes.astype(str), "wellbeing_score": w_score,
                        "resilience_score": r_score,
                        "wellbeing": np.where(missing, None, w_lab),
                        "resilience": np.where(missing, None, r_lab),
                        "quadrant": quadrant,
                        "paradox": (w_high != r_high) & ~missing})
    out.attrs = {"cut": cut, "wellbeing_cut": w_cut, "resilience_cut": r_cut,
                 "wellbeing_node": wellbeing, "resilience_nodes": list(resilience)}
    return out
