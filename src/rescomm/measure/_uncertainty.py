"""Monte Carlo uncertainty analysis of a build (JRC practice: Saisana et al. 2005).

Each run perturbs every node weight by a uniform factor ``1 + U(-noise, noise)`` (±25% by
default) and draws one alternative per uncertain step (e.g. min-max vs z-score normalisation,
arithmetic vs geometric aggregation), re-runs the build from its log, and records every
area's rank. The result gives, per area, the nominal rank, the median and the 5th/95th
percentile ranks, and the probability of falling in the worst decile.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _pipeline
from ._errors import IndexSpecError, MeasureWarning
from ._results import worst_first_rank
from ._schema import STEPS, check_block, merge_blocks
from ._spec import ROOT

if TYPE_CHECKING:
    from ._build import Build


@dataclass(frozen=True)
class UncertaintyResult:
    """Per-area rank distribution (``summary``), per-run parameters (``runs``) and the raw
    ``ranks`` matrix (runs x areas, 1 = worst)."""

    summary: pd.DataFrame
    runs: pd.DataFrame
    ranks: np.ndarray
    node: str
    seed: int | None


def _check_alternatives(alternatives: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    for step, options in alternatives.items():
        if step not in STEPS:
            raise IndexSpecError(f"uncertainty: unknown step {step!r} in alternatives")
        if not options:
            raise IndexSpecError(f"uncertainty: alternatives for {step!r} are empty")
        for i, block in enumerate(options):
            def fail(key: str, msg: str, s: str = step, i: int = i) -> None:
                raise IndexSpecError(f"uncertainty: alternatives.{s}[{i}].{key}: {msg}")

            check_block(step, dict(block), partial=True, fail=fail)


def uncertainty(
    build: Build,
    *,
    n: int = 1000,
    seed: int | None = None,
    weight_noise: float = 0.25,
    alternatives: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    node: str = ROOT,
) -> UncertaintyResult:
    """Run ``n`` Monte Carlo rebuilds of ``build`` and summarise the ranks of ``node``.

    Parameters
    ----------
    build : Build
    n : int
        Number of runs (JRC audits typically use 1,000).
    seed : int, optional
        Seed of the random generator; the same seed gives the same runs.
    weight_noise : float
        Half-width of the uniform multiplicative noise on every explicit node weight
        (0.25 = ±25%). Weights are then rescaled within their group. 0 disables it.
    alternatives : mapping step -> list of parameter blocks, optional
        Each run draws one block per step uniformly, e.g.
        ``{"normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "zscore"}],
        "aggregate": [{"method": "arithmetic"}, {"method": "geometric"}]}``.
        Steps before ``weights`` are re-run once per distinct combination and cached.
    node : str
        The node whose ranks are analysed (default the index).

    Returns
    -------
    UncertaintyResult
        ``summary`` columns: ``area_code, nominal_rank, median_rank, mean_rank, p05_rank,
        p95_rank, p_worst_decile`` (share of runs in which the area is in decile 1).

    References
    ----------
    Saisana M., Saltelli A., Tarantola S. Uncertainty and sensitivity analysis techniques as
    tools for the quality assessment of composite indicators. J. R. Stat. Soc. A 168(2),
    2005, doi:10.1111/j.1467-985X.2005.00350.x.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if not 0 <= weight_noise < 1:
        raise ValueError("weight_noise is a fraction in [0, 1)")
    alternatives = {k: [dict(b) for b in v] for k, v in (alternatives or {}).items()}
    _check_alternatives(alternatives)
    build.spec._node(node)
    rng = np.random.default_rng(seed)
    spec0, prep, base = build.spec, build._prep, build._run
    blocks0 = {r.step: copy.deepcopy(r.params) for r in base.log}
    nodes = [x for x in spec0.node_ids if x != ROOT]
    early = sorted((s for s in alternatives if STEPS.index(s) < STEPS.index("weights")),
                   key=STEPS.index)
    caches: dict[tuple, _pipeline.RunOutput] = {}
    ranks = np.empty((n, len(base.rows)))
    runs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        for r in range(n):
            choice = {s: int(rng.integers(len(alternatives[s]))) for s in alternatives}
            factors = (1.0 + rng.uniform(-weight_noise, weight_noise, size=len(nodes))
                       if weight_noise else np.ones(len(nodes)))
            weights = {k: spec0.weight(k) * f for k, f in zip(nodes, factors, strict=True)}
            steps = copy.deepcopy(blocks0)
            for s, i in choice.items():
                steps[s] = merge_blocks(steps.get(s, {}), alternatives[s][i])
            steps["weights"] = {**steps.get("weights", {}), "on_unnormalised": "rescale"}
            spec = spec0.with_steps(steps, weights=weights)
            key = tuple(choice[s] for s in early)
            if key not in caches:
                start = early[0] if early else "weights"
                caches[key] = (base if not early else
                               _pipeline.run(spec, prep, start=start, cache=base))
            cache = caches[key]
            out = _pipeline.run(spec, prep, start="weights", cache=cache)
            if len(out.rows) != len(base.rows) or not np.array_equal(out.rows, base.rows):
                raise IndexSpecError("uncertainty: an alternative changed which areas are "
                                     "screened; vary screening separately")
            ranks[r] = worst_first_rank(out.scores[node], polarity=spec0.polarity)
            runs.append({"run": r, **{f"{s}": alternatives[s][i] for s, i in choice.items()},
                         **{f"w_{k}": w for k, w in weights.items()}})
    nominal = worst_first_rank(base.scores[node], polarity=spec0.polarity)
    valid = np.count_nonzero(~np.isnan(ranks), axis=1)[:, None]
    # the NaN-aware percentile loops over columns in Python: use it only when needed
    q = np.nanpercentile if np.isnan(ranks).any() else np.percentile
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        worst = np.nanmean(np.where(np.isnan(ranks), np.nan, np.ceil(ranks * 10 / valid) == 1),
                           axis=0)
        summary = pd.DataFrame({
            "area_code": build.area_codes,
            "nominal_rank": nominal,
            "median_rank": q(ranks, 50, axis=0),
            "mean_rank": np.nanmean(ranks, axis=0),
            "p05_rank": q(ranks, 5, axis=0),
            "p95_rank": q(ranks, 95, axis=0),
            "p_worst_decile": worst,
        })
    return UncertaintyResult(summary, pd.DataFrame(runs), ranks, node, seed)
