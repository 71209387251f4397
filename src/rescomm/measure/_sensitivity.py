"""Variance-based sensitivity analysis (Sobol indices, Saltelli design) of an index build.

The uncertain inputs are the node weights (each multiplied by a factor in
``[1 - noise, 1 + noise]``) and the choice of alternative per step. A quasi-random Saltelli
design (Sobol sequence, SALib) gives :math:`N(D + 2)` replications for :math:`D` factors (or
factor groups); each is evaluated by the batched engine of :mod:`._uncertainty`, and a scalar
output is taken from its ranks: by default the mean absolute rank shift from the nominal
ranks, :math:`\\bar R_S = \\frac1M \\sum_c |\\mathrm{rank}_c - \\mathrm{rank}_c^{nominal}|`
(Saisana et al. 2005), or one area's rank.

Estimators (as SALib 1.x computes them, output standardised, :math:`V = \\mathrm{Var}(Y)` over
the A and B blocks):

* first order (Saltelli et al. 2010, eq. b of table 2):
  :math:`S_i = \\frac{1}{V} \\frac1N \\sum_j f(B)_j\\,(f(A_B^i)_j - f(A)_j)`
* total effect (Jansen 1999):
  :math:`S_{Ti} = \\frac{1}{V} \\frac{1}{2N} \\sum_j (f(A)_j - f(A_B^i)_j)^2`

Confidence intervals: ``num_resamples`` bootstrap resamples of the N rows; ``*_conf`` is
SALib's normal half-width :math:`z_{1-\\alpha/2}\\,\\mathrm{sd}_{boot}`, ``*_low``/``*_high``
the percentile interval of the same resamples.

References
----------
Saltelli A., Annoni P., Azzini I., Campolongo F., Ratto M., Tarantola S. Variance based
sensitivity analysis of model output. Design and estimator for the total sensitivity index.
Comput. Phys. Commun. 181(2):259-270, 2010, doi:10.1016/j.cpc.2009.09.018.
Jansen M.J.W. Analysis of variance designs for model output. Comput. Phys. Commun.
117:35-43, 1999, doi:10.1016/S0010-4655(98)00154-4.
Herman J., Usher W. SALib: an open-source Python library for sensitivity analysis. JOSS
2(9):97, 2017, doi:10.21105/joss.00097.
Saisana M., Saltelli A., Tarantola S. J. R. Stat. Soc. A 168(2):307-323, 2005,
doi:10.1111/j.1467-985X.2005.00350.x.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._errors import IndexDataError, IndexSpecError
from ._results import worst_first_rank
from ._spec import ROOT
from ._uncertainty import clean_alternatives, replicate_ranks, weight_nodes

if TYPE_CHECKING:
    from ._build import Build

OUTPUTS = ("mean_rank_shift",)


@dataclass(frozen=True)
class SensitivityResult:
    """Sobol indices per factor (``indices``) plus the design and outputs that produced them.

    ``indices`` columns: ``factor, S1, S1_conf, S1_low, S1_high, ST, ST_conf, ST_low,
    ST_high``. ``settings`` says what the output was, N, the number of model runs, the
    seed, the confidence level and the factors' definitions.
    """

    indices: pd.DataFrame
    X: np.ndarray
    Y: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)


def _salib() -> tuple[Any, Any]:
    try:
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample
    except ImportError as exc:  # pragma: no cover - SALib is a declared dependency
        raise ImportError("sensitivity analysis needs SALib: pip install 'SALib>=1.4.7'"
                          ) from exc
    return sample, analyze


def sobol_indices(
    model: Callable[[np.ndarray], np.ndarray],
    bounds: Sequence[tuple[float, float]],
    names: Sequence[str],
    *,
    n: int = 1024,
    seed: int | None = None,
    groups: Sequence[str] | None = None,
    num_resamples: int = 1000,
    confidence: float = 0.95,
) -> SensitivityResult:
    """First-order and total Sobol indices of a vectorised ``model`` on a Saltelli design.

    Parameters
    ----------
    model : callable (R, D) array -> (R,) array
        Evaluates the output for each row of inputs.
    bounds : sequence of (low, high)
        Uniform range of each input.
    names : sequence of str
        Input names.
    n : int
        Base sample size N (a power of 2); the design has ``N * (D + 2)`` rows for D
        factors (or factor groups).
    seed : int, optional
        Seeds the scrambled Sobol sequence and the bootstrap.
    groups : sequence of str, optional
        Group of each input; indices are then per group (SALib ``groups``).
    num_resamples : int
        Bootstrap resamples for the confidence intervals.
    confidence : float
        Level of the intervals (0.95, never 95).

    Returns
    -------
    SensitivityResult
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence is a fraction in (0, 1), e.g. 0.95; got {confidence!r}")
    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of 2 (Sobol sequence), not {n!r}")
    sample, analyze = _salib()
    problem: dict[str, Any] = {"num_vars": len(names), "names": list(names),
                               "bounds": [list(b) for b in bounds]}
    if groups is not None and (len(set(groups)) == 1 or list(groups) == list(names)):
        groups = None  # SALib samples a single group per variable: use per-variable indices
    if groups is not None:
        problem["groups"] = list(groups)
    X = sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    n_factors = len(set(groups)) if groups is not None else len(names)
    if len(X) != n * (n_factors + 2):  # pragma: no cover - guards against SALib changes
        raise RuntimeError(f"unexpected Saltelli design size {len(X)} for N={n}, "
                           f"D={n_factors}")
    Y = np.asarray(model(X), dtype=float)
    if Y.shape != (len(X),):
        raise ValueError(f"model returned shape {Y.shape}, expected ({len(X)},)")
    if not np.isfinite(Y).all():
        raise IndexDataError("sensitivity: the output is missing for some runs")
    boot_seed = None if seed is None else int(np.random.default_rng(seed).integers(1, 2**31))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        si = analyze.analyze(problem, Y, calc_second_order=False, num_resamples=num_resamples,
                             conf_level=confidence, keep_resamples=True, seed=boot_seed)
    alpha = (1 - confidence) / 2
    labels = list(dict.fromkeys(groups)) if groups is not None else list(names)
    table = pd.DataFrame({"factor": labels, "S1": si["S1"], "S1_conf": si["S1_conf"],
                          "S1_low": np.quantile(si["S1_conf_all"], alpha, axis=0),
                          "S1_high": np.quantile(si["S1_conf_all"], 1 - alpha, axis=0),
                          "ST": si["ST"], "ST_conf": si["ST_conf"],
                          "ST_low": np.quantile(si["ST_conf_all"], alpha, axis=0),
                          "ST_high": np.quantile(si["ST_conf_all"], 1 - alpha, axis=0)})
    settings = {"n": n, "runs": len(X), "seed": seed, "confidence": confidence,
                "num_resamples": num_resamples, "method": "Sobol indices, Saltelli design "
                "(SALib); S1 Saltelli 2010, ST Jansen 1999; bootstrap intervals"}
    return SensitivityResult(table, X, Y, settings)


def _factors(build: Build, alternatives: Mapping[str, list], by: str,
             ) -> tuple[list[str], list[str], list[int | str]]:
    """Names, groups and targets (weight-node index or step name) of the uncertain inputs."""
    spec = build.spec
    nodes = weight_nodes(spec)
    explicit_only = "weights" not in alternatives
    names, groups, targets = [], [], []
    for i, k in enumerate(nodes):
        parent = spec.parent(k)
        assert parent is not None
        if len(spec.children(parent)) < 2:
            continue  # a single child's weight is rescaled to 1
        if explicit_only and spec.resolve("weights", parent)["method"] != "explicit":
            continue
        names.append(f"w_{k}")
        groups.append(f"weights in {parent}" if by == "group" else f"w_{k}")
        targets.append(i)
    for step in alternatives:
        names.append(step)
        groups.append(step)
        targets.append(step)
    return names, groups, targets


def design_size(build: Build, *, n: int, weight_noise: float = 0.25,
                alternatives: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
                by: str = "group") -> int:
    """Number of replications :func:`sensitivity` will run: ``N * (D + 2)``."""
    alts = clean_alternatives(alternatives)
    names, groups, targets = _factors(build, alts, by)
    if weight_noise == 0:
        groups = [g for g, t in zip(groups, targets, strict=True) if isinstance(t, str)]
    d = len(set(groups))
    if by == "node" or d == 1:
        d = len(groups)
    return n * (d + 2)


def sensitivity(
    build: Build,
    *,
    n: int = 256,
    seed: int | None = None,
    weight_noise: float = 0.25,
    alternatives: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    node: str = ROOT,
    area: str | None = None,
    by: str = "group",
    num_resamples: int = 1000,
    confidence: float = 0.95,
    progress: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Sobol first-order and total effects of weights and method choices on the ranks.

    Parameters
    ----------
    build : Build
    n : int
        Base sample size N (power of 2). Runs: ``N * (D + 2)`` for D factors.
    seed : int, optional
        Makes the design and the bootstrap intervals reproducible.
    weight_noise : float
        Each weight varies by a factor in ``[1 - weight_noise, 1 + weight_noise]``.
    alternatives : mapping step -> list of parameter blocks
        Each step is one discrete factor (its alternatives equally likely).
    node : str
        The node whose ranks are analysed.
    area : str, optional
        Output = this area's rank; default the mean absolute rank shift from the nominal
        ranks over all areas.
    by : ``"group"`` or ``"node"``
        One factor per group of sibling weights (fewer runs), or one per node weight.
    num_resamples, confidence
        Bootstrap intervals (see :func:`sobol_indices`).
    progress : callable, optional
        Called with the number of replications just finished.

    Returns
    -------
    SensitivityResult
        ``settings["output"]`` names the output statistic.

    Raises
    ------
    IndexSpecError
        Nothing uncertain (no weight to vary and no alternatives), unknown ``by``.
    IndexDataError
        ``area`` is not in the results.
    """
    if by not in ("group", "node"):
        raise IndexSpecError(f"sensitivity: by must be 'group' or 'node', not {by!r}")
    if not 0 <= weight_noise < 1:
        raise ValueError("weight_noise is a fraction in [0, 1)")
    alts = clean_alternatives(alternatives)
    build.spec._node(node)
    names, groups, targets = _factors(build, alts, by)
    if weight_noise == 0:
        keep = [i for i, t in enumerate(targets) if isinstance(t, str)]
        names, groups, targets = ([x[i] for i in keep] for x in (names, groups, targets))
    if not names:
        raise IndexSpecError("sensitivity: nothing varies: give weight_noise > 0 with "
                             "explicit weights, or alternatives")
    col = None if area is None else build._row(area)
    nominal = worst_first_rank(build._run.scores[node], polarity=build.spec.polarity)
    steps = list(alts)
    n_weights = len(weight_nodes(build.spec))
    bounds = [(0.0, float(len(alts[t]))) if isinstance(t, str) else
              (1.0 - weight_noise, 1.0 + weight_noise) for t in targets]

    def model(X: np.ndarray) -> np.ndarray:
        factors = np.ones((len(X), n_weights))
        choices = np.zeros((len(X), len(steps)), dtype=np.int64)
        for j, t in enumerate(targets):
            if isinstance(t, str):
                choices[:, steps.index(t)] = np.minimum(np.floor(X[:, j]), len(alts[t]) - 1)
            else:
                factors[:, t] = X[:, j]
        if col is not None:
            def output(ranks: np.ndarray) -> np.ndarray:
                return ranks[:, col]
        else:
            def output(ranks: np.ndarray) -> np.ndarray:
                return np.nanmean(np.abs(ranks - nominal[None, :]), axis=1)
        return replicate_ranks(build, choices, factors, alternatives=alts, node=node,
                               progress=progress, reduce=output)

    result = sobol_indices(model, bounds, names, n=n, seed=seed,
                           groups=groups if by == "group" else None,
                           num_resamples=num_resamples, confidence=confidence)
    output = (f"rank of {area} ({node}; 1 = worst)" if area else
              f"mean absolute shift of {node} ranks from the nominal ranks")
    result.settings.update({"output": output, "node": node, "weight_noise": weight_noise,
                            "alternatives": alts, "factors": names,
                            "by": by if len(result.indices) < len(names) or by == "node"
                            else "node (each group holds a single factor)"})
    return result
