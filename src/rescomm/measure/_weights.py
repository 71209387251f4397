"""Weights within a group: explicit, equal, PCA first component, ML factor analysis.

Weights are always returned normalised to sum to 1 within the group; effective weights (the
weight of an indicator in the root index) are the products along the path to the root.
"""

from __future__ import annotations

import numpy as np


def normalise_weights(w: np.ndarray) -> np.ndarray:
    """Rescale non-negative weights to sum to 1 (:math:`w_i / \\sum w`)."""
    w = np.asarray(w, dtype=float)
    total = w.sum()
    if not np.isfinite(total) or total <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return w / total


def equal_weights(m: int) -> np.ndarray:
    """:math:`w_i = 1/m`."""
    return np.full(m, 1.0 / m)


def _complete(x: np.ndarray, min_rows: int) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    if x.shape[0] < min_rows:
        raise ValueError(f"needs at least {min_rows} areas with every child present, "
                         f"found {x.shape[0]}")
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise ValueError(f"child {int(np.flatnonzero(sd == 0)[0])} has zero variance")
    return x


def pca_loadings(x: np.ndarray) -> tuple[np.ndarray, float]:
    """First principal component of the correlation matrix (complete rows only).

    Returns
    -------
    loadings : numpy.ndarray
        PC1 eigenvector scaled by :math:`\\sqrt{\\lambda_1}` (correlations of each column with
        PC1), sign chosen so the loadings sum to a positive number.
    explained : float
        Share of variance explained by PC1, :math:`\\lambda_1 / m`.
    """
    x = _complete(x, x.shape[1] + 1)
    corr = np.corrcoef(x, rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    v, lam = vecs[:, -1], vals[-1]
    if v.sum() < 0:
        v = -v
    return v * np.sqrt(lam), float(lam / x.shape[1])


def _fa_objective(psi: np.ndarray, s: np.ndarray) -> float:
    sc = 1.0 / np.sqrt(psi)
    e = np.linalg.eigvalsh(s * np.outer(sc, sc))[::-1][1:]
    return -(np.sum(np.log(e) - e) - 1 + s.shape[0])


def _fa_gradient(psi: np.ndarray, s: np.ndarray) -> np.ndarray:
    load = _fa_loadings(psi, s)
    g = np.outer(load, load) + np.diag(psi) - s
    return np.diag(g) / psi**2


def _fa_loadings(psi: np.ndarray, s: np.ndarray) -> np.ndarray:
    sc = 1.0 / np.sqrt(psi)
    vals, vecs = np.linalg.eigh(s * np.outer(sc, sc))
    return np.sqrt(psi) * vecs[:, -1] * np.sqrt(max(vals[-1] - 1.0, 0.0))


def factor_loadings(x: np.ndarray, *, max_iter: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """One-factor maximum-likelihood factor analysis of the correlation matrix.

    A port of R's ``factanal(factors = 1)``: minimise the ML discrepancy over the
    uniquenesses :math:`\\psi` (L-BFGS-B, bounds [0.005, 1], start
    :math:`(1 - 0.5/m)/\\mathrm{diag}(S^{-1})`), then
    :math:`\\lambda = \\Psi^{1/2} v_1 \\sqrt{\\max(e_1 - 1, 0)}` with :math:`(e_1, v_1)` the
    leading eigenpair of :math:`\\Psi^{-1/2} S \\Psi^{-1/2}`.

    Returns
    -------
    loadings, uniquenesses : numpy.ndarray
        Sign chosen so the loadings sum to a positive number.

    References
    ----------
    Lawley D.N., Maxwell A.E. Factor Analysis as a Statistical Method, 1971. The IMD combines
    Health, Crime and Education sub-indicators with such loadings (McLennan et al. 2019).
    """
    from scipy.optimize import minimize  # imported here: scipy.optimize is slow to import

    x = _complete(x, x.shape[1] + 2)
    s = np.corrcoef(x, rowvar=False)
    m = s.shape[0]
    if m < 3:
        raise ValueError("one-factor ML factor analysis needs at least 3 children")
    start = (1.0 - 0.5 / m) / np.diag(np.linalg.inv(s))
    res = minimize(_fa_objective, start, args=(s,), jac=_fa_gradient, method="L-BFGS-B",
                   bounds=[(0.005, 1.0)] * m, options={"maxiter": max_iter})
    load = _fa_loadings(res.x, s)
    if load.sum() < 0:
        load = -load
    return load, res.x


def weights_from_loadings(loadings: np.ndarray, *, on_negative: str = "abs") -> np.ndarray:
    """Loadings -> weights summing to 1; ``on_negative`` is ``"abs"`` (|l|/sum|l|, the British
    Red Cross Resilience Index rule), ``"clip"`` (negatives -> 0) or ``"error"``."""
    loadings = np.asarray(loadings, dtype=float)
    if np.any(loadings < 0):
        if on_negative == "error":
            raise ValueError("negative loading(s)")
        loadings = np.abs(loadings) if on_negative == "abs" else np.clip(loadings, 0.0, None)
    return normalise_weights(loadings)


def effective_weights(
    parent: dict[str, str | None], weights: dict[str, float], leaves: list[str]
) -> dict[str, float]:
    """Effective weight of each leaf in the root: :math:`\\prod w` along the path to the root.

    ``weights`` must already be normalised within each group.
    """
    out = {}
    for leaf in leaves:
        w, node = 1.0, leaf
        while parent.get(node) is not None:
            w *= weights[node]
            node = parent[node]  # type: ignore[assignment]
        out[leaf] = w
    return out
