"""Weights: PCA first component, one-factor ML factor analysis, effective weights."""

from __future__ import annotations

import numpy as np
import pytest

from rescomm.measure import effective_weights, factor_loadings, pca_loadings, weights_from_loadings


def _one_factor(n: int = 4000, loadings=(0.9, 0.7, 0.5, 0.3), seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    lam = np.array(loadings)
    return f[:, None] * lam + rng.normal(size=(n, lam.size)) * np.sqrt(1 - lam**2)


def test_ml_factor_analysis_recovers_the_true_one_factor_loadings():
    load, psi = factor_loadings(_one_factor())
    np.testing.assert_allclose(load, [0.9, 0.7, 0.5, 0.3], atol=0.03)
    np.testing.assert_allclose(psi, 1 - load**2, atol=1e-3)


def test_factor_weights_are_loadings_rescaled_to_sum_to_one():
    load, _ = factor_loadings(_one_factor())
    w = weights_from_loadings(load)
    assert w.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(w, load / load.sum())


def test_pca_loadings_are_the_first_eigenvector_of_the_correlation_matrix():
    x = _one_factor(seed=2)
    load, explained = pca_loadings(x)
    vals, vecs = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    np.testing.assert_allclose(np.abs(load), np.abs(vecs[:, -1]) * np.sqrt(vals[-1]))
    assert explained == pytest.approx(vals[-1] / 4)
    assert load.sum() > 0


def test_negative_loadings_follow_the_policy():
    with pytest.raises(ValueError, match="negative"):
        weights_from_loadings(np.array([0.5, -0.2]), on_negative="error")
    np.testing.assert_allclose(weights_from_loadings(np.array([0.6, -0.2]), on_negative="abs"),
                               [0.75, 0.25])
    np.testing.assert_allclose(weights_from_loadings(np.array([0.6, -0.2]), on_negative="clip"),
                               [1.0, 0.0])


def test_effective_weights_multiply_along_the_path_to_the_root():
    parent = {"index": None, "g": "index", "h": "index", "a": "g", "b": "g", "c": "h"}
    w = {"g": 0.4, "h": 0.6, "a": 0.5, "b": 0.5, "c": 1.0}
    assert effective_weights(parent, w, ["a", "b", "c"]) == pytest.approx(
        {"a": 0.2, "b": 0.2, "c": 0.6})
