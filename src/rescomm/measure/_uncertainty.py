"""Monte Carlo uncertainty analysis of a build (JRC practice: Saisana et al. 2005).

Each replication perturbs every node weight by a uniform factor ``1 + U(-noise, noise)``
(±25% by default, then rescaled within its group), draws one alternative per uncertain step
(e.g. min-max vs z-score normalisation, arithmetic vs geometric aggregation) and, with
``sampling``, redraws every count indicator from its sampling error (binomial or Poisson, see
:mod:`._sampling`). The result gives, per area, the nominal rank, the median and the 5th/95th
percentile ranks, and the probability of falling in the worst decile.

Speed: the steps before ``weights`` are run once per distinct combination of early
alternatives (or once per replication when counts are resampled); weights and aggregation are
evaluated for a batch of replications at once by :mod:`._replicate`, with the same arithmetic
as a rebuild, so each replication's ranks equal those of ``build.rebuild(...)`` with its
parameters.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _pipeline, _replicate, _sampling
from ._errors import IndexSpecError, MeasureWarning
from ._results import worst_first_rank
from ._schema import STEPS, check_block, merge_blocks
from ._spec import ROOT, IndexSpec

if TYPE_CHECKING:
    from ._build import Build


#: Threads evaluating batches at once (each holds a few (R, n) arrays; see ``_replicate``).
MAX_THREADS = 4
#: Rank-matrix elements summarised at a time (bounds the memory of the percentiles).
SUMMARY_BLOCK = 4_000_000


@dataclass(frozen=True)
class UncertaintyResult:
    """Per-area rank distribution (``summary``), per-run parameters (``runs``) and the raw
    ``ranks`` matrix (runs x areas, 1 = worst).

    ``settings`` records what was varied (runs, seed, weight noise, alternatives, and the
    sampling model of every resampled indicator) so the result describes itself.
    """

    summary: pd.DataFrame
    runs: pd.DataFrame
    ranks: np.ndarray
    node: str
    seed: int | None
    settings: dict[str, Any] = field(default_factory=dict)


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


def clean_alternatives(alternatives: Mapping[str, Sequence[Mapping[str, Any]]] | None,
                       ) -> dict[str, list[dict[str, Any]]]:
    """Copy and validate an ``alternatives`` mapping (step -> list of parameter blocks)."""
    out = {k: [dict(b) for b in v] for k, v in (alternatives or {}).items()}
    _check_alternatives(out)
    return out


def weight_nodes(spec: IndexSpec) -> list[str]:
    """Nodes whose weight is perturbed: every node except the root, in ``node_ids`` order."""
    return [x for x in spec.node_ids if x != ROOT]


class _Plan:
    """The build's fixed parts and a cache of spec variants / pre-weight stages."""

    def __init__(self, build: Build, alternatives: dict[str, list[dict[str, Any]]],
                 node: str) -> None:
        self.build = build
        self.alternatives = alternatives
        self.steps = list(alternatives)
        self.early = [s for s in self.steps if STEPS.index(s) < STEPS.index("weights")]
        self.node = node
        self.spec0, self.prep, self.base = build.spec, build._prep, build._run
        self.blocks0 = {r.step: copy.deepcopy(r.params) for r in self.base.log}
        self.nodes = weight_nodes(self.spec0)
        self.base_weights = np.array([self.spec0.weight(k) for k in self.nodes], dtype=float)
        self.codes = self.prep.codes[self.base.rows]
        self._specs: dict[tuple[int, ...], IndexSpec] = {}
        self._stages: dict[tuple[int, ...], _pipeline.RunOutput] = {}

    def spec(self, key: tuple[int, ...]) -> IndexSpec:
        if key not in self._specs:
            steps = copy.deepcopy(self.blocks0)
            for s, i in zip(self.steps, key, strict=True):
                steps[s] = merge_blocks(steps.get(s, {}), self.alternatives[s][i])
            steps["weights"] = {**steps.get("weights", {}), "on_unnormalised": "rescale"}
            self._specs[key] = self.spec0.with_steps(steps)
        return self._specs[key]

    def early_key(self, key: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(i for s, i in zip(self.steps, key, strict=True) if s in self.early)

    def _check_rows(self, rows: np.ndarray) -> None:
        if len(rows) != len(self.base.rows) or not np.array_equal(rows, self.base.rows):
            raise IndexSpecError("uncertainty: an alternative changed which areas are "
                                 "screened; vary screening separately")

    def normalised(self, key: tuple[int, ...]) -> np.ndarray:
        """The normalised matrix under the early alternatives of ``key`` (cached)."""
        ek = self.early_key(key)
        if not self.early:
            return self.base.stages["normalise"][1]
        if ek not in self._stages:
            start = min(self.early, key=STEPS.index)
            out = _pipeline.run(self.spec(key), self.prep, start=start, cache=self.base,
                                stop_before_weights=True)
            self._check_rows(out.stages["normalise"][0])
            self._stages[ek] = out
        return self._stages[ek].stages["normalise"][1]

    def normalised_from(self, key: tuple[int, ...], raw: np.ndarray) -> np.ndarray:
        """The normalised matrix of a full run on resampled raw data."""
        prep = dataclasses.replace(self.prep, raw=raw)
        out = _pipeline.run(self.spec(key), prep, stop_before_weights=True)
        self._check_rows(out.stages["normalise"][0])
        return out.stages["normalise"][1]


def replicate_ranks(
    build: Build,
    choices: np.ndarray,
    factors: np.ndarray,
    *,
    alternatives: dict[str, list[dict[str, Any]]],
    node: str = ROOT,
    raw_draws: Callable[[int], np.ndarray] | None = None,
    progress: Callable[[int], None] | None = None,
    reduce: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Ranks of ``node`` (1 = worst) for explicitly given replications.

    Parameters
    ----------
    choices : int array (R, S)
        Index of the alternative of each step of ``alternatives`` (in its key order).
    factors : array (R, len(weight_nodes(spec)))
        Multiplicative factor on each node weight.
    raw_draws : callable r -> raw matrix, optional
        Resampled raw data for replication ``r`` (sampling error); the whole pipeline is then
        re-run for that replication.
    progress : callable, optional
        Called with the number of replications just finished.
    reduce : callable (B, n) ranks -> (B,), optional
        Reduce each batch of rank rows to one number per replication as it is computed (the
        full rank matrix is then never held: Sobol designs have many replications).

    Returns
    -------
    array (R, n areas), or (R,) with ``reduce``
    """
    plan = _Plan(build, alternatives, node)
    runs = len(factors)
    weights = plan.base_weights[None, :] * factors
    ranks = np.empty((runs,) if reduce else (runs, len(plan.codes)))
    polarity = plan.spec0.polarity
    keys = [tuple(int(i) for i in row) for row in np.asarray(choices).reshape(runs, -1)]
    groups: dict[tuple[int, ...], list[int]] = {}
    for r, key in enumerate(keys):
        groups.setdefault(key, []).append(r)
    widest = max((len(plan.spec0.children(g)) for g in
                  _replicate.subtree_post_order(plan.spec0, node)), default=1)
    tasks: list[tuple[IndexSpec, np.ndarray | None, tuple[int, ...], list[int]]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        for key, members in groups.items():
            spec = plan.spec(key)
            if raw_draws is None:
                values = plan.normalised(key)
                size = _replicate.batch_size(len(plan.codes), widest, len(members))
                tasks += [(spec, values, key, members[i:i + size])
                          for i in range(0, len(members), size)]
            else:
                tasks += [(spec, None, key, [r]) for r in members]

        def work(task: tuple[IndexSpec, np.ndarray | None, tuple[int, ...], list[int]]) -> int:
            spec, values, key, idx = task
            if values is None:
                values = plan.normalised_from(key, raw_draws(idx[0]))  # type: ignore[misc]
            w = {k: weights[idx, i] for i, k in enumerate(plan.nodes)}
            scores = _replicate.evaluate(spec, values, w, node=node, codes=plan.codes)
            batch = _replicate.worst_first_ranks(scores, polarity=polarity)
            ranks[idx] = reduce(batch) if reduce else batch
            return len(idx)

        # numpy releases the GIL in its array loops and sorts: batches run on all cores
        workers = min(len(tasks), MAX_THREADS, max(1, os.cpu_count() or 1))
        pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
        done = pool.map(work, tasks) if pool else map(work, tasks)
        try:
            for count in done:
                if progress is not None:
                    progress(count)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
    return ranks


def summarise(build: Build, ranks: np.ndarray, node: str) -> pd.DataFrame:
    """Per-area ``nominal_rank, median_rank, mean_rank, p05_rank, p95_rank, p_worst_decile``
    from a runs x areas rank matrix (percentiles by linear interpolation, numpy default).

    An area is in the worst decile of a run when ``ceil(rank * 10 / n_ranked) == 1``, i.e.
    ``rank * 10 / n_ranked <= 1``. Computed in column blocks to bound memory.
    """
    nominal = worst_first_rank(build._run.scores[node], polarity=build.spec.polarity)
    valid = np.count_nonzero(~np.isnan(ranks), axis=1)[:, None]
    n_areas = ranks.shape[1]
    out = np.empty((5, n_areas))
    step = max(1, SUMMARY_BLOCK // max(1, ranks.shape[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for a in range(0, n_areas, step):
            block = ranks[:, a:a + step]
            missing = np.isnan(block)
            # the NaN-aware percentile loops over columns in Python: use it only when needed
            q = np.nanpercentile if missing.any() else np.percentile
            out[0:3, a:a + step] = q(block, [5, 50, 95], axis=0)
            out[3, a:a + step] = np.nanmean(block, axis=0)
            worst = (block * 10 / valid <= 1).astype(float)
            worst[missing] = np.nan
            out[4, a:a + step] = np.nanmean(worst, axis=0)
    return pd.DataFrame({
        "area_code": build.area_codes,
        "nominal_rank": nominal,
        "median_rank": out[1],
        "mean_rank": out[3],
        "p05_rank": out[0],
        "p95_rank": out[2],
        "p_worst_decile": out[4],
    })


def uncertainty(
    build: Build,
    *,
    n: int = 1000,
    seed: int | None = None,
    weight_noise: float = 0.25,
    alternatives: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    node: str = ROOT,
    sampling: bool | Mapping[str, str] = False,
    progress: Callable[[int], None] | None = None,
) -> UncertaintyResult:
    """Run ``n`` Monte Carlo replications of ``build`` and summarise the ranks of ``node``.

    Parameters
    ----------
    build : Build
    n : int
        Number of replications (JRC audits typically use 1,000).
    seed : int, optional
        Seed of the random generator; the same seed gives the same replications.
    weight_noise : float
        Half-width of the uniform multiplicative noise on every explicit node weight
        (0.25 = ±25%). Weights are then rescaled within their group. 0 disables it.
    alternatives : mapping step -> list of parameter blocks, optional
        Each replication draws one block per step uniformly, e.g.
        ``{"normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "zscore"}],
        "aggregate": [{"method": "arithmetic"}, {"method": "geometric"}]}``.
        Steps before ``weights`` are re-run once per distinct combination and cached.
    node : str
        The node whose ranks are analysed (default the index).
    sampling : bool or mapping indicator -> ``"binomial"``/``"poisson"``
        Also resample count indicators from their sampling error in every replication
        (``True``: every indicator with a denominator and whole counts; see
        :func:`._sampling.sampling_models`). ``weight_noise=0`` and no alternatives gives the
        sampling error alone. Each replication then re-runs the whole pipeline.
    progress : callable, optional
        Called with the number of replications just finished (for progress bars).

    Returns
    -------
    UncertaintyResult
        ``summary`` columns: ``area_code, nominal_rank, median_rank, mean_rank, p05_rank,
        p95_rank, p_worst_decile`` (share of replications in which the area is in decile 1,
        i.e. ``ceil(rank * 10 / n) == 1``).

    Notes
    -----
    Random numbers: the weight factors and choices come from ``default_rng(seed)`` drawn run
    by run (choices, then factors); count draws come from an independent stream spawned from
    the same seed (one per replication), so switching ``sampling`` on does not change the
    parameter draws.

    References
    ----------
    Saisana M., Saltelli A., Tarantola S. Uncertainty and sensitivity analysis techniques as
    tools for the quality assessment of composite indicators. J. R. Stat. Soc. A 168(2),
    2005, doi:10.1111/j.1467-985X.2005.00350.x.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number of replications >= 1, not {n!r}")
    if not 0 <= weight_noise < 1:
        raise ValueError("weight_noise is a fraction in [0, 1)")
    alts = clean_alternatives(alternatives)
    build.spec._node(node)
    models = _sampling.sampling_models(build.spec, build._prep, sampling)
    rng = np.random.default_rng(seed)
    nodes = weight_nodes(build.spec)
    steps = list(alts)
    choices = np.zeros((n, len(steps)), dtype=np.int64)
    factors = np.ones((n, len(nodes)))
    for r in range(n):
        choices[r] = [int(rng.integers(len(alts[s]))) for s in steps]
        if weight_noise:
            factors[r] = 1.0 + rng.uniform(-weight_noise, weight_noise, size=len(nodes))
    raw_draws = None
    if models:
        # one generator per replication, spawned from the seed: draws do not depend on the
        # order in which replications are evaluated
        streams = np.random.SeedSequence(seed).spawn(n + 1)[1:]

        def raw_draws(r: int) -> np.ndarray:
            return _sampling.resample(build._prep, build.spec, models,
                                      np.random.default_rng(streams[r]))

    ranks = replicate_ranks(build, choices, factors, alternatives=alts, node=node,
                            raw_draws=raw_draws, progress=progress)
    base_w = np.array([build.spec.weight(k) for k in nodes])
    runs = pd.DataFrame({"run": np.arange(n)})
    for i, s in enumerate(steps):
        runs[s] = [alts[s][c] for c in choices[:, i]]
    runs = pd.concat([runs, pd.DataFrame(base_w[None, :] * factors,
                                         columns=[f"w_{k}" for k in nodes])], axis=1)
    settings = {"n": n, "seed": seed, "weight_noise": weight_noise, "alternatives": alts,
                "sampling": models, "node": node}
    return UncertaintyResult(summarise(build, ranks, node), runs, ranks, node, seed, settings)

