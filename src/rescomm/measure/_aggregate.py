"""Aggregate children's scores into a group score (row-wise, vectorised over areas).

All means use weights renormalised over the children present in a row when
``missing="skip"`` (COINr ``a_amean``: drop NA values and their weights, rescale to sum 1);
``missing="propagate"`` gives a missing score whenever any child is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._normalise import ranks


@dataclass(frozen=True)
class AggregateResult:
    """Scores plus, per row, the weighted terms used by ``Build.explain``."""

    score: np.ndarray
    terms: np.ndarray  # n x m additive contributions to ``score`` (see ``contributions``)
    nonpositive: np.ndarray  # n x m bool: cells that met the zero policy


def sum_children(t: np.ndarray) -> np.ndarray:
    """Row sums over the children (last axis) in a fixed order, ``((t0 + t1) + t2) + ...``.

    The order is explicit (not numpy's pairwise summation) so that the batched Monte Carlo
    engine (:mod:`._replicate`) reproduces these scores bit for bit.
    """
    acc = t[..., 0].copy()
    for i in range(1, t.shape[-1]):
        acc += t[..., i]
    return acc


def _nan0(x: np.ndarray) -> np.ndarray:
    """Missing -> 0 (infinities kept), as ``np.nansum`` treats them."""
    return np.where(np.isnan(x), 0.0, x)


def _weights_matrix(v: np.ndarray, w: np.ndarray, missing: str) -> np.ndarray:
    """Per-row weights: those of missing children dropped, the rest rescaled to sum to 1
    (weights are relative, as in COINr)."""
    present = ~np.isnan(v)
    wm = np.where(present, w[None, :], 0.0)
    tot = sum_children(wm)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        wn = wm / tot
    if missing == "propagate":
        wn[~present.all(axis=1)] = np.nan
    return wn


def arithmetic(v: np.ndarray, w: np.ndarray, *, missing: str = "skip") -> AggregateResult:
    """Weighted arithmetic mean :math:`\\sum_i w_i x_i / \\sum_i w_i` (COINr ``a_amean``)."""
    wn = _weights_matrix(v, w, missing)
    terms = wn * np.nan_to_num(v)
    score = sum_children(terms)
    score[np.isnan(wn).all(axis=1) | (np.nansum(wn, axis=1) == 0)] = np.nan
    return AggregateResult(score, terms, np.zeros(v.shape, bool))


def _guard(v: np.ndarray, *, zero_policy: str, epsilon: float, allow_zero_p: bool = False,
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the zero policy; return (values, zero cells, negative cells)."""
    with np.errstate(invalid="ignore"):
        neg = v < 0
        zero = (v == 0) if not allow_zero_p else np.zeros(v.shape, bool)
    v = v.copy()
    if zero_policy == "epsilon":
        v[zero] = epsilon
    elif zero_policy == "nan":
        v[zero | neg] = np.nan
    return v, zero, neg


def generalised(
    v: np.ndarray, w: np.ndarray, *, p: float, missing: str = "skip",
    zero_policy: str = "epsilon", epsilon: float = 0.01,
) -> AggregateResult:
    """Weighted generalised (power) mean :math:`(\\sum_i w_i x_i^p / \\sum_i w_i)^{1/p}`.

    ``p = 1`` arithmetic, ``p -> 0`` geometric :math:`\\exp(\\sum w_i \\ln x_i/\\sum w_i)`,
    ``p = -1`` harmonic :math:`\\sum w_i / \\sum (w_i / x_i)`. For ``p <= 0`` values must be
    positive: zeros follow ``zero_policy`` (``"epsilon"`` replaces them by ``epsilon``,
    ``"nan"`` drops them, ``"error"`` lets the caller raise); negative values are dropped
    under ``"nan"`` and otherwise left for the caller to reject.

    The returned ``terms`` split the score proportionally to :math:`w_i x_i` (an attribution,
    exact only for ``p = 1``).
    """
    if p == 1:
        return arithmetic(v, w, missing=missing)
    needs_positive = p <= 0 or not float(p).is_integer()
    if needs_positive:
        v2, zero, neg = _guard(v, zero_policy=zero_policy, epsilon=epsilon, allow_zero_p=p > 0)
    else:
        v2, zero, neg = v, np.zeros(v.shape, bool), np.zeros(v.shape, bool)
    wn = _weights_matrix(v2, w, missing)
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            score = np.exp(sum_children(_nan0(wn * np.log(v2))))
        else:
            score = sum_children(_nan0(wn * v2**p)) ** (1.0 / p)
        none = np.isnan(wn).all(axis=1) | (np.nansum(wn, axis=1) == 0)
        score[none] = np.nan
        lin = wn * np.nan_to_num(v2)
        tot = lin.sum(axis=1, keepdims=True)
        terms = np.where(tot != 0, lin / tot, 0.0) * score[:, None]
    return AggregateResult(score, terms, zero | neg)


def geometric(v: np.ndarray, w: np.ndarray, **kw: object) -> AggregateResult:
    """Weighted geometric mean (``p = 0``); see :func:`generalised` (COINr ``a_gmean``)."""
    return generalised(v, w, p=0.0, **kw)  # type: ignore[arg-type]


def harmonic(v: np.ndarray, w: np.ndarray, **kw: object) -> AggregateResult:
    """Weighted harmonic mean (``p = -1``); see :func:`generalised` (COINr ``a_hmean``)."""
    return generalised(v, w, p=-1.0, **kw)  # type: ignore[arg-type]


def copeland(v: np.ndarray, w: np.ndarray, *, variant: str = "coinr",
             missing: str = "skip") -> AggregateResult:
    """Non-compensatory Copeland aggregation.

    ``variant="coinr"`` is COINr's ``a_copeland``: the row sums of the weighted outranking
    matrix, :math:`\\sum_j \\sum_k w_k([x_{ik} > x_{jk}] + \\tfrac12[x_{ik} = x_{jk}])`, which
    equals :math:`\\sum_k w_k (\\bar r_{ik} - 1)` with :math:`\\bar r` the average ascending
    rank; it is computed that way in :math:`O(mn \\log n)` (a missing value contributes 0).

    ``variant="classic"`` is the Copeland rule: +1 for every area ``i`` outranks (weighted
    outranking > 1/2), -1 for every area that outranks ``i``. It needs all pairs
    (:math:`O(mn^2)`) and refuses more than 5,000 areas.
    """
    wn = w / w.sum()
    if variant == "coinr":
        terms = np.column_stack([wn[k] * np.nan_to_num(ranks(v[:, k], ties="average") - 1.0)
                                 for k in range(v.shape[1])])
        score = terms.sum(axis=1)
        if missing == "propagate":
            score[np.isnan(v).any(axis=1)] = np.nan
        return AggregateResult(score, terms, np.zeros(v.shape, bool))
    n = v.shape[0]
    if n > 5000:
        raise ValueError(f"classic Copeland compares all pairs; {n} areas is too many (max 5000)")
    score = np.zeros(n)
    for i in range(n):
        with np.errstate(invalid="ignore"):
            gt = (v[i][None, :] > v) * wn
            eq = (v[i][None, :] == v) * wn
        orm = gt.sum(axis=1) + eq.sum(axis=1) / 2.0
        orm[i] = 0.5
        score[i] = np.sum(orm > 0.5) - np.sum(orm < 0.5)
    terms = np.zeros(v.shape)
    return AggregateResult(score, terms, np.zeros(v.shape, bool))


def aggregate(v: np.ndarray, w: np.ndarray, *, method: str, **params: object) -> AggregateResult:
    """Dispatch to one aggregation ``method`` with its parameters; applies ``min_coverage``."""
    v = np.asarray(v, dtype=float)
    w = np.asarray(w, dtype=float)
    params = dict(params)
    min_cov = float(params.pop("min_coverage", 0.0))  # type: ignore[arg-type]
    missing = str(params.pop("missing", "skip"))
    if method == "arithmetic":
        res = arithmetic(v, w, missing=missing)
    elif method == "geometric":
        res = geometric(v, w, missing=missing, **params)
    elif method == "harmonic":
        res = harmonic(v, w, missing=missing, **params)
    elif method == "generalised":
        res = generalised(v, w, missing=missing, **params)  # type: ignore[arg-type]
    elif method == "copeland":
        res = copeland(v, w, missing=missing, **params)  # type: ignore[arg-type]
    else:
        raise ValueError(f"unknown aggregation method {method!r}")
    if min_cov > 0:
        low = (~np.isnan(v)).mean(axis=1) < min_cov - 1e-12
        res.score[low] = np.nan
    return res


def aggregate_table(
    data: pd.DataFrame,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    *,
    method: str = "arithmetic",
    **params: object,
) -> pd.Series:
    """Table wrapper of :func:`aggregate`: aggregate the columns of ``data`` row-wise.

    ``weights`` maps column names to weights (or is a sequence in column order); equal
    weights by default.
    """
    w = np.ones(data.shape[1]) if weights is None else np.asarray(
        [weights[c] for c in data.columns] if isinstance(weights, dict) else weights, float)
    res = aggregate(data.to_numpy(float), w, method=method, **params)
    return pd.Series(res.score, index=data.index)
