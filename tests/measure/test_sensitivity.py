"""Sobol sensitivity: the SALib wiring against the Ishigami function's analytic indices, and
properties of the index-level analysis."""

from __future__ import annotations

import numpy as np
import pytest
from measure_helpers import make_data, make_spec

from rescomm.measure import IndexDataError, IndexSpecError, build
from rescomm.measure._sensitivity import sobol_indices

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_analytic() -> tuple[np.ndarray, np.ndarray]:
    """Ishigami & Homma (1990); formulas as in Sobol' & Levitan (1999) and Saltelli et al.
    (2008, Global Sensitivity Analysis: The Primer, §4.9): with a = 7, b = 0.1,
    S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)."""
    pi = np.pi
    v1 = 0.5 * (1 + B * pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_the_analytic_ishigami_indices_are_the_published_ones():
    s1, st = ishigami_analytic()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-5)


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    res = sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, ["x1", "x2", "x3"], n=8192, seed=1,
                        num_resamples=200)
    s1, st = ishigami_analytic()
    t = res.indices
    np.testing.assert_allclose(t["S1"], s1, atol=0.02)
    np.testing.assert_allclose(t["ST"], st, atol=0.02)
    assert len(res.X) == 8192 * 5 and res.settings["runs"] == 8192 * 5
    # the bootstrap intervals cover the truth (wide enough, not absurdly wide)
    assert ((t["ST_low"] - 0.01 <= st) & (st <= t["ST_high"] + 0.01)).all()
    assert (t["S1_conf"] < 0.05).all() and (t["ST_conf"] > 0).all()


def test_sobol_indices_are_reproducible_with_a_seed():
    a = sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, ["x1", "x2", "x3"], n=256, seed=3,
                      num_resamples=50)
    b = sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, ["x1", "x2", "x3"], n=256, seed=3,
                      num_resamples=50)
    c = sobol_indices(ishigami, [(-np.pi, np.pi)] * 3, ["x1", "x2", "x3"], n=256, seed=4,
                      num_resamples=50)
    assert a.indices.equals(b.indices)
    assert not np.allclose(a.indices["S1"], c.indices["S1"])


def test_bad_sobol_settings_are_refused():
    with pytest.raises(ValueError, match="power of 2"):
        sobol_indices(ishigami, [(-1, 1)] * 3, ["a", "b", "c"], n=100)
    with pytest.raises(ValueError, match="confidence is a fraction"):
        sobol_indices(ishigami, [(-1, 1)] * 3, ["a", "b", "c"], n=64, confidence=95)


@pytest.fixture(scope="module")
def toy():
    return build(make_spec(), make_data(150, seed=5))


def test_a_choice_between_identical_alternatives_has_no_effect(toy):
    alts = {"aggregate": [{"method": "arithmetic"}, {"method": "arithmetic"}],
            "normalise": [{"method": "minmax", "range": [0, 100]}, {"method": "prank"}]}
    res = toy.sensitivity(n=128, seed=1, alternatives=alts, num_resamples=100)
    t = res.indices.set_index("factor")
    assert t.loc["aggregate", "ST"] == pytest.approx(0, abs=1e-12)
    assert t.loc["normalise", "ST"] > 0.05
    assert set(t.index) == {"weights in index", "weights in people", "weights in place",
                            "aggregate", "normalise"}
    assert res.settings["output"].startswith("mean absolute shift of index ranks")


def test_index_sensitivity_is_reproducible_and_per_node_on_request(toy):
    one = toy.sensitivity(n=64, seed=2, by="node", num_resamples=50)
    two = toy.sensitivity(n=64, seed=2, by="node", num_resamples=50)
    assert one.indices.equals(two.indices)
    assert list(one.indices["factor"]) == ["w_people", "w_a", "w_b", "w_place", "w_c", "w_d"]
    assert len(one.Y) == 64 * (6 + 2)
    area = toy.sensitivity(n=64, seed=2, area="X0003", num_resamples=50)
    assert area.settings["output"] == "rank of X0003 (index; 1 = worst)"
    assert ((area.Y >= 1) & (area.Y <= 150)).all()


def test_bad_sensitivity_requests_are_named(toy):
    with pytest.raises(IndexSpecError, match="nothing varies"):
        toy.sensitivity(n=64, weight_noise=0)
    with pytest.raises(IndexSpecError, match="by must be 'group' or 'node'"):
        toy.sensitivity(n=64, by="level")
    with pytest.raises(IndexDataError, match="area 'ZZZ' is not in the data"):
        toy.sensitivity(n=64, area="ZZZ")


def test_a_single_group_of_weights_falls_back_to_one_factor_per_weight():
    spec = make_spec(groups=[{"id": "people", "weight": 1.0}])
    for ind in spec["indicators"]:
        ind["parent"], ind["weight"] = "people", 0.25
    res = build(spec, make_data(60)).sensitivity(n=64, seed=1, num_resamples=50)
    assert list(res.indices["factor"]) == ["w_a", "w_b", "w_c", "w_d"]
    assert len(res.Y) == 64 * 6
    assert res.indices["ST"].sum() > 0.5
