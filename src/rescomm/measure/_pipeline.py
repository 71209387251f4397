"""Run the pipeline: each step reads the resolved spec, calls its pure kernel, and appends a
``StepRecord`` (parameters as used plus summary outputs) to the log.

Intermediate matrices are kept per step so that ``Build.rebuild`` can restart from the first
step whose parameters changed (what makes Monte Carlo uncertainty analysis affordable).
"""

from __future__ import annotations

import copy
import sys
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _aggregate, _normalise, _treat, _weights
from ._data import Prepared, _rows
from ._denominate import denominate
from ._errors import (
    ImputationWarning,
    IndexDataError,
    IndexSpecError,
    MissingScoreWarning,
    NegativeWeightWarning,
    NonPositiveValueWarning,
    ScreeningWarning,
    ShrinkageWarning,
    TreatmentWarning,
    WeightsNotNormalisedWarning,
    ZeroDenominatorWarning,
    ZeroVarianceWarning,
)
from ._impute import impute_grouped_matrix, impute_overall
from ._schema import STEPS
from ._screen import availability
from ._shrink import eb_logit_shrink
from ._spec import ROOT, IndexSpec

#: Steps whose output is an indicator matrix that can be cached for rebuilds.
MATRIX_STEPS = ("denominate", "shrink", "impute", "screen", "treat", "normalise")


@dataclass(frozen=True)
class StepRecord:
    """One entry of ``Build.log``: the step, its parameters as used, and summary outputs."""

    step: str
    params: dict[str, Any]
    nodes: dict[str, dict[str, Any]]
    summary: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "params": copy.deepcopy(self.params),
                "nodes": copy.deepcopy(self.nodes), "summary": copy.deepcopy(self.summary)}


@dataclass
class RunOutput:
    """Everything one pipeline run produced (rows are indices into the prepared data)."""

    log: list[StepRecord]
    stages: dict[str, tuple[np.ndarray, np.ndarray]]
    rows: np.ndarray
    scores: dict[str, np.ndarray]
    weights: dict[str, float]
    row_weights: dict[str, np.ndarray] = field(default_factory=dict)
    terms: dict[str, np.ndarray] = field(default_factory=dict)
    reports: dict[str, pd.DataFrame] = field(default_factory=dict)


def _warn(cls: type[Warning], message: str) -> None:
    """Issue a named warning attributed to the first caller outside ``rescomm.measure``."""
    level, frame = 2, sys._getframe(1)
    while frame is not None and _in_measure(frame.f_code.co_filename):
        level += 1
        frame = frame.f_back
    warnings.warn(message, cls, stacklevel=level)


@cache
def _in_measure(filename: str) -> bool:
    """Whether a source file is one of this package's modules (resolved once per file)."""
    return Path(filename).resolve().parent == Path(__file__).resolve().parent


def _block(spec: IndexSpec, step: str) -> dict[str, Any]:
    return copy.deepcopy(dict(spec.steps.get(step, {})))


def _per_indicator(spec: IndexSpec, step: str) -> dict[str, dict[str, Any]]:
    return {ind.id: spec.resolve(step, ind.id) for ind in spec.indicators}


# --------------------------------------------------------------------------- matrix steps
def _step_denominate(spec: IndexSpec, prep: Prepared, values: np.ndarray) -> StepRecord:
    params = spec.resolve("denominate", ROOT)
    done: dict[str, Any] = {}
    for j, ind in enumerate(spec.indicators):
        if ind.denominator is None or ind.shrink:
            continue
        values[:, j], bad = denominate(values[:, j], prep.denominator[:, j],
                                       scale=ind.denominator.scale)
        done[ind.id] = {"scale": ind.denominator.scale, "zero_or_missing": int(bad.sum())}
        if bad.any():
            msg = (f"indicator {ind.id!r}: denominator {prep.columns[ind.id + '.denominator']!r}"
                   f" is zero or missing in {_rows(np.flatnonzero(bad), prep.codes)}")
            if params["zero_denominator"] == "error":
                raise IndexDataError(msg)
            _warn(ZeroDenominatorWarning, msg + "; those values are now missing")
    return StepRecord("denominate", _block(spec, "denominate"), {}, {"denominated": done})


def _step_shrink(spec: IndexSpec, prep: Prepared, values: np.ndarray) -> StepRecord:
    params = spec.resolve("shrink", ROOT)
    done: dict[str, Any] = {}
    for j, ind in enumerate(spec.indicators):
        if not ind.shrink:
            continue
        parent = prep.column(params["parent"] or "la", f"shrinkage of {ind.id!r}")
        try:
            res = eb_logit_shrink(values[:, j], prep.denominator[:, j], parent,
                                  correction=params["correction"],
                                  min_between_var=params["min_between_var"])
        except ValueError as exc:
            raise IndexDataError(f"indicator {ind.id!r} cannot be shrunk: {exc}") from None
        values[:, j] = res.rate * ind.denominator.scale  # type: ignore[union-attr]
        done[ind.id] = {"mean_weight": float(np.nanmean(res.weight)),
                        "parents": int(pd.Series(parent).nunique()),
                        "degenerate_parents": list(res.degenerate_parents[:10])}
        if res.degenerate_parents:
            _warn(ShrinkageWarning, f"indicator {ind.id!r}: {len(res.degenerate_parents)} "
                                    "parent area(s) hold a single area and were not shrunk")
    return StepRecord("shrink", _block(spec, "shrink"), {}, {"shrunk": done})


def _step_impute(spec: IndexSpec, prep: Prepared, values: np.ndarray,
                 rows: np.ndarray) -> tuple[StepRecord, pd.DataFrame]:
    nodes = _per_indicator(spec, "impute")
    batches: dict[tuple, list[int]] = {}
    for j, ind in enumerate(spec.indicators):
        p = nodes[ind.id]
        if p["method"] != "none" and np.isnan(values[:, j]).any():
            key = (p["method"], p.get("by"), p.get("fallback"))
            batches.setdefault(key, []).append(j)
    cells: list[tuple[np.ndarray, str, np.ndarray, str, np.ndarray | None]] = []
    codes = prep.codes[rows]
    for (method, by, fallback), cols in batches.items():
        groups = None
        if method in ("mean", "median"):
            filled = np.empty((len(rows), len(cols)))
            mask = np.zeros(filled.shape, dtype=bool)
            for c, j in enumerate(cols):
                filled[:, c], mask[:, c] = impute_overall(values[:, j], stat=method)
        else:
            groups = prep.column(by, f"imputation ({method})")[rows]
            filled, mask = impute_grouped_matrix(values[:, cols], groups,
                                                 stat=method.split("_")[1], fallback=fallback)
        values[:, cols] = filled
        for c, j in enumerate(cols):
            idx = np.flatnonzero(mask[:, c])
            ind = spec.indicators[j]
            if idx.size:
                cells.append((codes[idx], ind.id, filled[idx, c], method,
                              None if groups is None else groups[idx]))
            left = np.isnan(values[:, j])
            if left.any():
                _warn(ImputationWarning, f"indicator {ind.id!r}: {int(left.sum())} value(s) "
                                         f"could not be imputed by {method} "
                                         f"({_rows(np.flatnonzero(left), codes)})")
    report = _impute_report(cells)
    by_indicator: dict[str, int] = {}
    for _, indicator, value, _, _ in cells:
        by_indicator[indicator] = by_indicator.get(indicator, 0) + len(value)
    summary = {"imputed_cells": int(len(report)), "by_indicator": dict(sorted(
        by_indicator.items()))}
    return StepRecord("impute", _block(spec, "impute"), nodes, summary), report


def _impute_report(cells: list[tuple[np.ndarray, str, np.ndarray, str, np.ndarray | None]],
                   ) -> pd.DataFrame:
    """One row per imputed cell: ``area_code, indicator, value, method, group`` (one frame built
    from whole columns, not one frame per indicator)."""
    columns = ["area_code", "indicator", "value", "method", "group"]
    if not cells:
        return pd.DataFrame(columns=columns)
    sizes = [len(value) for _, _, value, _, _ in cells]
    groups = [np.full(n, None, dtype=object) if g is None else np.asarray(g, dtype=object)
              for n, (_, _, _, _, g) in zip(sizes, cells, strict=True)]
    return pd.DataFrame({
        "area_code": np.concatenate([c[0] for c in cells]),
        "indicator": np.repeat(np.array([c[1] for c in cells], dtype=object), sizes),
        "value": np.concatenate([c[2] for c in cells]),
        "method": np.repeat(np.array([c[3] for c in cells], dtype=object), sizes),
        "group": np.concatenate(groups)}, columns=columns)


def _step_screen(spec: IndexSpec, prep: Prepared, values: np.ndarray,
                 before_impute: np.ndarray) -> tuple[StepRecord, np.ndarray]:
    p = spec.resolve("screen", ROOT)
    basis = before_impute if p["basis"] == "raw" else values
    avail = availability(basis)
    keep = avail >= p["min_coverage"] - 1e-12
    dropped = np.flatnonzero(~keep)
    if dropped.size:
        if not keep.any():
            raise IndexDataError(f"screening (min_coverage {p['min_coverage']}) removed every "
                                 "area; lower steps.screen.min_coverage")
        _warn(ScreeningWarning, f"{dropped.size} area(s) have less than "
                                f"{p['min_coverage']:.0%} of indicators and were dropped "
                                f"({_rows(dropped, prep.codes)})")
    summary = {"dropped": int(dropped.size), "dropped_areas": [str(c) for c in
                                                               prep.codes[dropped][:50]],
               "mean_availability": float(avail.mean())}
    return StepRecord("screen", _block(spec, "screen"), {}, summary), keep


def _step_treat(spec: IndexSpec, values: np.ndarray) -> tuple[StepRecord, pd.DataFrame]:
    nodes = _per_indicator(spec, "treat")
    rows, failing = [], []
    for j, ind in enumerate(spec.indicators):
        p = dict(nodes[ind.id])
        method = p.pop("method")
        if method == "none":
            continue
        r = _treat.treat(values[:, j], method=method, **p)
        values[:, j] = r.values
        rows.append({"indicator": ind.id, "method": method, "skew0": r.skew0, "kurt0": r.kurt0,
                     "pass0": r.passed0, "nwin": r.nwin, "skew1": r.skew1, "kurt1": r.kurt1,
                     "pass1": r.passed1, "transform": r.transform, "skew2": r.skew2,
                     "kurt2": r.kurt2, "pass2": r.passed2,
                     "treated_points": r.n_treated})
        if not r.passes:
            failing.append(ind.id)
    if failing:
        _warn(TreatmentWarning, f"still outside the skew/kurtosis limits after treatment: "
                                f"{', '.join(failing)}")
    report = pd.DataFrame(rows)
    summary = {"winsorised": {r["indicator"]: r["nwin"] for r in rows if r["nwin"]},
               "transformed": [r["indicator"] for r in rows if r["transform"]],
               "failing": failing}
    return StepRecord("treat", _block(spec, "treat"), nodes, summary), report


def _normalise_params(spec: IndexSpec, prep: Prepared, rows: np.ndarray, j: int,
                      p: dict[str, Any], x: np.ndarray) -> dict[str, Any]:
    ind = spec.indicators[j]
    kw = {k: v for k, v in p.items() if k not in ("method", "zero_variance", "use_rank_column")}
    method = p["method"]
    if method == "dist2ref":
        hit = np.flatnonzero(prep.codes[rows] == kw.pop("reference"))
        if not hit.size:
            raise IndexSpecError(f"normalise dist2ref for {ind.id!r}: reference area "
                                 f"{p['reference']!r} is not in the data")
        kw["ref_value"] = x[hit[0]]
    elif method == "dist2target":
        target = kw["target"] if kw["target"] is not None else ind.target
        if target is None:
            raise IndexSpecError(f"normalise dist2target for {ind.id!r} needs a target "
                                 "(steps.normalise.target or the indicator's 'target')")
        kw["target"] = target * ind.direction
    elif method == "goalposts":
        lo, hi = kw["lo"], kw["hi"]
        if lo is None or hi is None:
            if ind.goalposts is None:
                raise IndexSpecError(f"normalise goalposts for {ind.id!r} needs lo/hi or the "
                                     "indicator's 'goalposts'")
            lo, hi = ind.goalposts
        lo, hi = sorted((lo * ind.direction, hi * ind.direction))
        kw["lo"], kw["hi"] = lo, hi
    return kw


def _step_normalise(spec: IndexSpec, prep: Prepared, values: np.ndarray,
                    rows: np.ndarray) -> StepRecord:
    nodes = _per_indicator(spec, "normalise")
    summary: dict[str, Any] = {}
    for j, ind in enumerate(spec.indicators):
        p = nodes[ind.id]
        method = p["method"]
        x = values[:, j] * ind.direction
        kw = _normalise_params(spec, prep, rows, j, p, x)
        published = prep.rank[rows, j]
        used_ranks = (method == "exponential" and p["use_rank_column"]
                      and not np.isnan(published).all())
        if used_ranks:
            n = kw["n"] or len(prep.codes)
            if np.nanmax(published) > n:
                raise IndexDataError(
                    f"published rank column {prep.columns[ind.id + '.rank']!r} of {ind.id!r} "
                    f"goes up to {int(np.nanmax(published))} but N = {n}: the data are a subset"
                    " of the ranked areas, so set steps.normalise.n to the full count")
            # published ranks: 1 = worst; exponential wants ascending ranks, N = worst
            asc = (n + 1 - published) if spec.polarity == "higher_is_worse" else published
            asc = np.where(np.isnan(x), np.nan, asc)
            out = _normalise.exponential_from_ranks(asc, n=n, constant=kw["constant"],
                                                    scale=kw["scale"])
        elif _normalise.is_degenerate(method, x, kw):
            policy = p["zero_variance"]
            msg = (f"indicator {ind.id!r} cannot be normalised by {method}: its values have "
                   "zero range (or are all missing)")
            if policy == "error":
                raise IndexDataError(msg)
            _warn(ZeroVarianceWarning, msg + f"; zero_variance={policy}")
            fill = np.nan if policy == "nan" else _normalise.midpoint(method, kw)
            out = np.where(np.isnan(x), np.nan, fill)
        else:
            out = _normalise.normalise(x, method=method, **kw)
        values[:, j] = out
        ok = out[~np.isnan(out)]
        summary[ind.id] = {"method": method, "used_published_ranks": bool(used_ranks),
                           "min": float(ok.min()) if ok.size else None,
                           "max": float(ok.max()) if ok.size else None,
                           "mean": float(ok.mean()) if ok.size else None}
    return StepRecord("normalise", _block(spec, "normalise"), nodes, summary)


# --------------------------------------------------------------------------- weights + aggregate
def _group_weights(spec: IndexSpec, group: str, kids: tuple[str, ...], v: np.ndarray,
                   p: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    method = p["method"]
    info: dict[str, Any] = {"method": method}
    if len(kids) == 1 and method in ("equal", "pca", "factor"):
        info["note"] = "single child: weight 1"
        return np.ones(1), info
    if method == "equal":
        return _weights.equal_weights(len(kids)), info
    if method == "explicit":
        w = np.array([spec.weight(k) for k in kids], dtype=float)
        total = w.sum()
        if total <= 0:
            raise IndexSpecError(f"group {group!r}: the weights of its children sum to 0")
        if abs(total - 1.0) > 1e-9:
            msg = (f"group {group!r}: weights of {', '.join(kids)} sum to {total:.6g}, not 1")
            if p["on_unnormalised"] == "error":
                raise IndexSpecError(msg)
            if p["on_unnormalised"] == "keep":
                info["kept_total"] = float(total)
                return w, info
            if p["on_unnormalised"] == "warn":
                _warn(WeightsNotNormalisedWarning, msg + "; rescaled to sum to 1")
        return w / total, info
    try:
        if method == "pca":
            load, explained = _weights.pca_loadings(v)
            info["explained"] = explained
        else:
            load, psi = _weights.factor_loadings(v, max_iter=p["max_iter"])
            info["uniquenesses"] = [float(x) for x in psi]
        info["loadings"] = [float(x) for x in load]
    except ValueError as exc:
        raise IndexDataError(f"group {group!r}: {method} weights failed: {exc}") from None
    if np.any(load < 0):
        neg = ", ".join(f"{k} ({lo:.3f})" for k, lo in zip(kids, load, strict=True) if lo < 0)
        msg = f"group {group!r}: {method} loadings are negative for {neg}"
        if p["on_negative"] == "error":
            raise IndexDataError(msg + "; check those indicators' direction, or set "
                                       "weights.on_negative to abs or clip")
        _warn(NegativeWeightWarning, msg + f"; on_negative={p['on_negative']}")
    return _weights.weights_from_loadings(load, on_negative=p["on_negative"]), info


def _post_order(spec: IndexSpec) -> list[str]:
    out: list[str] = []

    def visit(node: str) -> None:
        for child in spec.children(node):
            if not spec.is_indicator(child):
                visit(child)
        out.append(node)

    visit(ROOT)
    return out


def _check_nonpositive(group: str, kids: tuple[str, ...], res: _aggregate.AggregateResult,
                       v: np.ndarray, p: dict[str, Any], codes: np.ndarray) -> None:
    bad = res.nonpositive
    if not bad.any():
        return
    neg = v < 0
    col = int(np.flatnonzero(bad.any(axis=0))[0])
    idx = np.flatnonzero(bad[:, col])
    what = (f"group {group!r} ({p['method']} mean): child {kids[col]!r} is "
            f"{'negative' if neg[idx[0], col] else 'zero'} in {_rows(idx, codes)}")
    if p["zero_policy"] == "error" or (neg & bad).any() and p["zero_policy"] == "epsilon":
        raise IndexDataError(what + "; a geometric/harmonic mean needs positive values: "
                                    "normalise to a positive range, e.g. minmax range [1, 100]")
    _warn(NonPositiveValueWarning, f"{what}; {int(bad.sum())} cell(s) handled by "
                                   f"zero_policy={p['zero_policy']}")


def _steps_weights_aggregate(spec: IndexSpec, prep: Prepared, values: np.ndarray,
                             rows: np.ndarray, out: RunOutput) -> None:
    scores: dict[str, np.ndarray] = {ind.id: values[:, j] for j, ind in
                                     enumerate(spec.indicators)}
    weights: dict[str, float] = {}
    w_nodes: dict[str, dict[str, Any]] = {}
    a_nodes: dict[str, dict[str, Any]] = {}
    a_summary: dict[str, Any] = {}
    codes = prep.codes[rows]
    for group in _post_order(spec):
        kids = spec.children(group)
        v = np.column_stack([scores[k] for k in kids])
        pw = spec.resolve("weights", group)
        w, info = _group_weights(spec, group, kids, v, pw)
        for k, wk in zip(kids, w, strict=True):
            weights[k] = float(wk)
        w_nodes[group] = {**pw, **info, "weights": dict(zip(kids, map(float, w), strict=True))}
        pa = spec.resolve("aggregate", group)
        kw = {k: val for k, val in pa.items() if k != "method"}
        res = _aggregate.aggregate(v, w, method=pa["method"], **kw)
        if "kept_total" in info:  # on_unnormalised: keep -> sum(w) x weighted mean
            res.score[:] *= info["kept_total"]
            res.terms[:] *= info["kept_total"]
        if pa["method"] in ("geometric", "harmonic", "generalised"):
            _check_nonpositive(group, kids, res, v, pa, codes)
        scores[group] = res.score
        out.terms[group] = res.terms
        a_nodes[group] = pa
        missing = int(np.isnan(res.score).sum())
        a_summary[group] = {"method": pa["method"], "mean": float(np.nanmean(res.score))
                            if missing < len(res.score) else None, "missing": missing}
        if missing:
            _warn(MissingScoreWarning, f"group {group!r}: {missing} area(s) have no score "
                                       f"({_rows(np.flatnonzero(np.isnan(res.score)), codes)})")
    leaves = [ind.id for ind in spec.indicators]
    parent = {n: spec.parent(n) for n in spec.node_ids}
    eff = _weights.effective_weights(parent, weights, leaves)
    out.log.append(StepRecord("weights", _block(spec, "weights"), w_nodes,
                              {"weights": dict(weights), "effective": eff}))
    out.log.append(StepRecord("aggregate", _block(spec, "aggregate"), a_nodes, a_summary))
    out.scores, out.weights = scores, weights


# --------------------------------------------------------------------------- driver
def run(spec: IndexSpec, prep: Prepared, *, start: str = "denominate",
        cache: RunOutput | None = None, stop_before_weights: bool = False) -> RunOutput:
    """Run the pipeline from ``start`` (earlier steps' outputs and log records come from
    ``cache``, which must be a run of the same data). ``stop_before_weights`` ends after
    ``normalise`` (Monte Carlo replications aggregate the normalised matrix themselves)."""
    if start not in STEPS:
        raise ValueError(f"unknown step {start!r}")
    if start == "aggregate":  # weights and aggregation run together, bottom-up
        start = "weights"
    first = STEPS.index(start)
    out = RunOutput(log=[], stages={}, rows=np.arange(len(prep.codes)), scores={}, weights={})
    values = prep.raw.copy()
    rows = out.rows
    if cache is not None and first > 0:
        prev = STEPS[first - 1]
        if prev in MATRIX_STEPS:
            rows, values = cache.stages[prev][0], cache.stages[prev][1].copy()
        else:  # restarting at aggregate: reuse the normalised matrix
            rows, values = cache.stages["normalise"][0], cache.stages["normalise"][1].copy()
        out.log = [r for r in cache.log if STEPS.index(r.step) < first]
        out.stages = {k: v for k, v in cache.stages.items()
                      if k in STEPS and STEPS.index(k) < first}
        out.reports = {k: v for k, v in cache.reports.items()
                       if k in ("impute", "treat") and STEPS.index(k) < first}
    else:
        first = 0
    for step in STEPS[first:]:
        if step == "denominate":
            out.log.append(_step_denominate(spec, prep, values))
        elif step == "shrink":
            out.log.append(_step_shrink(spec, prep, values))
        elif step == "impute":
            out.stages["before_impute"] = (rows, values.copy())
            rec, out.reports["impute"] = _step_impute(spec, prep, values, rows)
            out.log.append(rec)
        elif step == "screen":
            before = (cache.stages["before_impute"][1] if "before_impute" not in out.stages
                      and cache is not None else out.stages["before_impute"][1])
            rec, keep = _step_screen(spec, prep, values, before)
            out.log.append(rec)
            rows, values = rows[keep], values[keep]
        elif step == "treat":
            rec, out.reports["treat"] = _step_treat(spec, values)
            out.log.append(rec)
        elif step == "normalise":
            out.log.append(_step_normalise(spec, prep, values, rows))
        elif step == "weights":
            if not stop_before_weights:
                _steps_weights_aggregate(spec, prep, values, rows, out)
            break
        if step in MATRIX_STEPS:
            out.stages[step] = (rows, values.copy())
    if cache is not None and "before_impute" in cache.stages:
        out.stages.setdefault("before_impute", cache.stages["before_impute"])
    out.rows = rows
    return out
