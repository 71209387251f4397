"""Contributions of the indicators to the index score, vectorised over areas.

``Build.explain(area)`` (one area) and ``Build.explain_all()`` (every area) both call
:func:`explain_rows`; the work is a loop over the spec's groups with numpy over the areas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._spec import ROOT, IndexSpec

#: Columns of the table :func:`explain_rows` returns (after ``area_code``).
COLUMNS = ("indicator", "name", "parent", "value", "unit", "normalised", "weight",
           "effective_weight", "contribution", "share")


def node_contributions(spec: IndexSpec, scores: Mapping[str, np.ndarray],
                       terms: Mapping[str, np.ndarray], rows: np.ndarray,
                       ) -> dict[str, np.ndarray]:
    """Contribution of every node to the index score of the areas ``rows``.

    Parameters
    ----------
    spec : IndexSpec
        The spec whose nodes are walked from the root down (``spec.node_ids`` order).
    scores : mapping of node id to array (n,)
        Scores of every node, one per area of the build (``RunOutput.scores``).
    terms : mapping of group id to array (n, m)
        Per area, the additive terms of each child in the group's score
        (``AggregateResult.terms``: :math:`w_i x_i / \\sum w` for arithmetic means).
    rows : int array (k,)
        Positions of the areas to explain in the build's results.

    Returns
    -------
    dict of node id to array (k,)
        :math:`c_{root} = s_{root}`; for a child :math:`i` of group :math:`g`,
        :math:`c_i = t_{gi} \\cdot c_g / s_g`, with the factor :math:`c_g / s_g` taken as 0
        where the group score :math:`s_g` is 0 or missing.
    """
    contrib = {ROOT: np.asarray(scores[ROOT], dtype=float)[rows]}
    for node in spec.node_ids:
        if spec.is_indicator(node):
            continue
        score = np.asarray(scores[node], dtype=float)[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where((score != 0) & ~np.isnan(score), contrib[node] / score, 0.0)
        t = np.asarray(terms[node], dtype=float)[rows]
        for k, kid in enumerate(spec.children(node)):
            contrib[kid] = t[:, k] * factor
    return contrib


def explain_rows(spec: IndexSpec, *, scores: Mapping[str, np.ndarray],
                 terms: Mapping[str, np.ndarray], values: np.ndarray,
                 weights: Mapping[str, float], effective: Mapping[str, float],
                 rows: np.ndarray, codes: Sequence[str] | np.ndarray | None = None,
                 ) -> pd.DataFrame:
    """One row per (area, indicator): value, normalised score, weights, contribution, share.

    Parameters
    ----------
    spec : IndexSpec
    scores, terms
        As for :func:`node_contributions`.
    values : array (k, m)
        Values of the areas ``rows`` in each indicator's unit
        (:func:`~rescomm.measure._data.indicator_values`: counts divided by their
        denominator), one column per indicator in spec order.
    weights, effective : mapping of node id to float
        Weight of each node in its parent (normalised) and of each indicator in the index.
    rows : int array (k,)
        Positions of the areas in the build's results.
    codes : array (k,), optional
        Area codes; when given the table starts with an ``area_code`` column.

    Returns
    -------
    pandas.DataFrame
        Area-major (all indicators of the first area, then the next), indicators in spec
        order; columns ``[area_code], indicator, name, parent, value, unit, normalised, weight,
        effective_weight, contribution, share`` where
        ``share = contribution / index score`` (missing where the index score is 0 or
        missing).
    """
    rows = np.asarray(rows, dtype=np.intp)
    inds = spec.indicators
    k, m = len(rows), len(inds)
    contrib = node_contributions(spec, scores, terms, rows)
    c = np.column_stack([contrib[i.id] for i in inds])
    normalised = np.column_stack([np.asarray(scores[i.id], dtype=float)[rows] for i in inds])
    total = contrib[ROOT][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total != 0, c / total, np.nan)
    out: dict[str, object] = {}
    if codes is not None:
        out["area_code"] = pd.array(np.repeat(np.asarray(codes, dtype=object), m),
                                    dtype="string")
    out.update({
        "indicator": np.tile(np.array([i.id for i in inds], dtype=object), k),
        "name": np.tile(np.array([i.name for i in inds], dtype=object), k),
        "parent": np.tile(np.array([i.parent for i in inds], dtype=object), k),
        "value": np.asarray(values, dtype=float).reshape(-1),
        "unit": np.tile(np.array([i.unit for i in inds], dtype=object), k),
        "normalised": normalised.reshape(-1),
        "weight": np.tile(np.array([weights[i.id] for i in inds], dtype=float), k),
        "effective_weight": np.tile(np.array([effective[i.id] for i in inds], dtype=float),
                                    k),
        "contribution": c.reshape(-1),
        "share": share.reshape(-1),
    })
    return pd.DataFrame(out)
