"""Weights and aggregation for many replications at once (the inner loop of Monte Carlo
uncertainty and Sobol sensitivity analysis).

A replication changes node weights (and possibly the weights/aggregation method), never the
normalised indicator matrix, so everything up to ``normalise`` is computed once and the
weighted means of every group are evaluated for a batch of ``R`` replications as
``(R, n, m)`` arrays. The arithmetic mirrors :mod:`._aggregate` operation by operation
(weights of missing children dropped and renormalised, then ``sum(w_i x_i)`` in the same
order), so every replication gives bit-for-bit the scores of a full rebuild with the same
parameters; ``tests/measure/test_replicate.py`` checks this against the kernels.

Groups whose weights are data-driven (PCA, factor analysis) or aggregated by Copeland are
evaluated replication by replication with the ordinary kernels (correct, just not
vectorised).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import _aggregate, _pipeline
from ._errors import IndexSpecError
from ._spec import IndexSpec

#: Elements of one (R, n, m) work array; bounds peak memory (~8 bytes each, a few live at once).
BATCH_ELEMENTS = 4_000_000


def batch_size(n_areas: int, max_children: int, runs: int) -> int:
    """Replications per batch so that one ``(R, n, m)`` array stays near ``BATCH_ELEMENTS``."""
    return int(max(1, min(runs, BATCH_ELEMENTS // max(1, n_areas * max_children))))


# --------------------------------------------------------------------------- ranks
def ranks_min(key: np.ndarray) -> np.ndarray:
    """Ascending "min" (competition) ranks along the last axis; NaN stays NaN.

    Row by row identical to ``_normalise.ranks(x, ties="min")``: tied values share the rank
    of the first of them, missing values have no rank and do not count.
    """
    key = np.asarray(key, dtype=float)
    two_d = key.reshape(-1, key.shape[-1])
    n = two_d.shape[1]
    order = np.argsort(two_d, axis=1)  # NaN sorts last
    sv = np.take_along_axis(two_d, order, axis=1)
    new = np.ones(sv.shape, dtype=bool)
    np.not_equal(sv[:, 1:], sv[:, :-1], out=new[:, 1:])
    first = np.where(new, np.arange(n), 0)
    np.maximum.accumulate(first, axis=1, out=first)
    out = np.empty(two_d.shape)
    np.put_along_axis(out, order, first + 1.0, axis=1)
    out[np.isnan(two_d)] = np.nan
    return out.reshape(key.shape)


def worst_first_ranks(scores: np.ndarray, *, polarity: str) -> np.ndarray:
    """Batched ``_results.worst_first_rank``: 1 = worst, along the last axis."""
    s = np.asarray(scores, dtype=float)
    return ranks_min(-s if polarity == "higher_is_worse" else s)


# --------------------------------------------------------------------------- aggregation
def _seq_sum(terms: list[np.ndarray]) -> np.ndarray:
    """``((t0 + t1) + t2) + ...``: the order of :func:`._aggregate.sum_children`."""
    acc = np.array(terms[0], dtype=float, copy=True)
    for t in terms[1:]:
        if acc.ndim >= np.ndim(t) and acc.shape[-1] >= np.shape(t)[-1]:
            acc += t
        else:
            acc = acc + t
    return acc


def aggregate_batch(children: Sequence[np.ndarray], w: np.ndarray, *, method: str,
                    **params: object) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """Batched :func:`._aggregate.aggregate` for the power means, bit for bit.

    Parameters
    ----------
    children : sequence of m arrays, each (n,) (the same in every replication) or (R, n)
        Children's scores.
    w : array (R, m)
        Children's weights per replication.
    method : ``arithmetic``, ``geometric``, ``harmonic`` or ``generalised``

    Returns
    -------
    score : array (R, n)
    nonpositive : list of m (R, n) bool arrays, or None
        Cells that met the zero policy (as ``AggregateResult.nonpositive``).
    """
    params = dict(params)
    min_cov = float(params.pop("min_coverage", 0.0))  # type: ignore[arg-type]
    missing = str(params.pop("missing", "skip"))
    p = {"arithmetic": 1.0, "geometric": 0.0, "harmonic": -1.0}.get(method)
    if p is None:
        if method != "generalised":
            raise ValueError(f"aggregate_batch: method {method!r} is not a power mean")
        p = float(params.pop("p"))  # type: ignore[arg-type]
    runs, m = w.shape
    n = children[0].shape[-1]
    wcol = [w[:, i:i + 1] for i in range(m)]
    bad = None
    with np.errstate(all="ignore"):
        if p == 1 and all(np.isfinite(c).all() for c in children):
            # nothing missing: every area has the same renormalised weights (R, 1)
            tot = _seq_sum(wcol)
            score = np.empty((runs, n))
            np.multiply(wcol[0] / tot, children[0], out=score)
            tmp = np.empty((runs, n))
            for wi, c in zip(wcol[1:], children[1:], strict=True):
                np.multiply(wi / tot, c, out=tmp)
                score += tmp
            score[(tot[:, 0] == 0) | ~(w > 0).any(axis=1)] = np.nan
            return score, None
        vals = [np.broadcast_to(c, (runs, n)) for c in children]
        if p != 1 and (p <= 0 or not float(p).is_integer()):
            zero_policy = str(params.get("zero_policy", "epsilon"))
            epsilon = float(params.get("epsilon", 0.01))  # type: ignore[arg-type]
            guarded = [_aggregate._guard(np.array(v), zero_policy=zero_policy,
                                         epsilon=epsilon, allow_zero_p=p > 0) for v in vals]
            vals = [g[0] for g in guarded]
            bad = [g[1] | g[2] for g in guarded]
        present = [~np.isnan(v) for v in vals]
        wm = [np.where(pr, wi, 0.0) for pr, wi in zip(present, wcol, strict=True)]
        tot = _seq_sum(wm)
        wn = [x / tot for x in wm]
        if missing == "propagate":
            incomplete = ~np.logical_and.reduce(present)
            for x in wn:
                x[incomplete] = np.nan
        if p == 1:
            score = _seq_sum([x * np.nan_to_num(v) for x, v in zip(wn, vals, strict=True)])
        elif p == 0:
            score = np.exp(_seq_sum([_aggregate._nan0(x * np.log(v))
                                     for x, v in zip(wn, vals, strict=True)]))
        else:
            score = _seq_sum([_aggregate._nan0(x * v**p)
                              for x, v in zip(wn, vals, strict=True)]) ** (1.0 / p)
        none = np.logical_and.reduce([np.isnan(x) for x in wn]) | (
            _seq_sum([_aggregate._nan0(x) for x in wn]) == 0)
        score[none] = np.nan
        if min_cov > 0:
            count = _seq_sum([(~np.isnan(v)).astype(float) for v in vals])
            score[count / m < min_cov - 1e-12] = np.nan
    return score, bad


# --------------------------------------------------------------------------- evaluation
def subtree_post_order(spec: IndexSpec, node: str) -> list[str]:
    """Groups under (and including) ``node``, children before parents."""
    out: list[str] = []

    def visit(g: str) -> None:
        for child in spec.children(g):
            if not spec.is_indicator(child):
                visit(child)
        out.append(g)

    if not spec.is_indicator(node):
        visit(node)
    return out


def _explicit(spec: IndexSpec, group: str, wk: np.ndarray, on_unnormalised: str,
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-replication explicit weights as ``_pipeline._group_weights`` computes them."""
    total = wk.sum(axis=1)
    if (total <= 0).any():
        raise IndexSpecError(f"group {group!r}: the weights of its children sum to 0")
    off = np.abs(total - 1.0) > 1e-9
    if off.any() and on_unnormalised == "error":
        raise IndexSpecError(f"group {group!r}: weights of {', '.join(spec.children(group))} "
                             f"sum to {total[off][0]:.6g}, not 1")
    if on_unnormalised == "keep":
        return wk, np.where(off, total, 1.0)
    return np.where(off[:, None], wk / total[:, None], wk), None


def evaluate(spec: IndexSpec, values: np.ndarray, weights: Mapping[str, np.ndarray], *,
             node: str, codes: np.ndarray) -> np.ndarray:
    """Scores of ``node`` for ``R`` replications of the weights and aggregation steps.

    Parameters
    ----------
    spec : IndexSpec
        Gives the hierarchy and the (possibly alternative) weights/aggregate step blocks.
    values : array (n, k)
        The normalised indicator matrix (``normalise`` stage), columns in indicator order.
    weights : mapping node id -> array (R,)
        Each node's explicit weight in every replication (before rescaling in its group).
    node : str
        The node to return.
    codes : array (n,)
        Area codes (for error messages).

    Returns
    -------
    array (R, n)
    """
    runs = len(next(iter(weights.values())))
    n = values.shape[0]
    col = {ind.id: j for j, ind in enumerate(spec.indicators)}
    if spec.is_indicator(node):
        return np.broadcast_to(values[:, col[node]], (runs, n)).copy()
    scores: dict[str, np.ndarray] = {}
    for group in subtree_post_order(spec, node):
        kids = spec.children(group)
        m = len(kids)
        children = [values[:, col[k]] if k in col else scores.pop(k) for k in kids]

        def matrix(r: int, children: list[np.ndarray] = children) -> np.ndarray:
            return np.column_stack([c if c.ndim == 1 else c[r] for c in children])

        pw = spec.resolve("weights", group)
        pa = spec.resolve("aggregate", group)
        kw = {key: val for key, val in pa.items() if key != "method"}
        kept = None
        if pw["method"] == "explicit":
            w, kept = _explicit(spec, group, np.column_stack([weights[k] for k in kids]),
                                pw["on_unnormalised"])
        elif pw["method"] == "equal" or (m == 1 and pw["method"] in ("pca", "factor")):
            w = np.broadcast_to(_pipeline._group_weights(spec, group, kids, matrix(0), pw)[0],
                                (runs, m))
        else:  # data-driven weights: per replication (indicator-only groups: the same each run)
            same = all(k in col for k in kids)
            first = _pipeline._group_weights(spec, group, kids, matrix(0), pw)[0]
            w = np.stack([first if same or r == 0 else
                          _pipeline._group_weights(spec, group, kids, matrix(r), pw)[0]
                          for r in range(runs)])
        w = np.ascontiguousarray(w, dtype=float)
        if pa["method"] == "copeland":
            score = np.stack([_aggregate.aggregate(matrix(r), w[r], method="copeland",
                                                   **kw).score for r in range(runs)])
            bad = None
        else:
            score, bad = aggregate_batch(children, w, method=pa["method"], **kw)
        if kept is not None:
            score *= kept[:, None]
        if bad is not None and pa["method"] in ("geometric", "harmonic", "generalised"):
            hit = np.logical_or.reduce([b.any(axis=1) for b in bad])
            if hit.any():
                r = int(np.flatnonzero(hit)[0])
                mask = np.column_stack([b[r] for b in bad])
                res = _aggregate.AggregateResult(score[r], np.zeros((n, m)), mask)
                _pipeline._check_nonpositive(group, kids, res, matrix(r), pa, codes)
        scores[group] = score
    return scores[node]
