"""The batched replication engine gives exactly what the ordinary kernels and rebuilds give."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from measure_helpers import make_data, make_spec

from rescomm.measure import MeasureWarning, build, worst_first_rank
from rescomm.measure._aggregate import aggregate
from rescomm.measure._normalise import ranks
from rescomm.measure._replicate import aggregate_batch, ranks_min

_values = hnp.arrays(float, st.tuples(st.integers(1, 4), st.integers(1, 30)),
                     elements=st.one_of(st.sampled_from([0.0, 1.0, 2.0, np.nan]),
                                        st.floats(-50, 50, allow_nan=False)))


@given(_values)
def test_batched_min_ranks_equal_the_kernel_row_by_row(x):
    got = ranks_min(x)
    for r in range(x.shape[0]):
        np.testing.assert_array_equal(got[r], ranks(x[r], ties="min"))


@pytest.mark.parametrize(("method", "params"), [
    ("arithmetic", {}),
    ("arithmetic", {"missing": "propagate"}),
    ("arithmetic", {"min_coverage": 0.6}),
    ("geometric", {}),
    ("geometric", {"zero_policy": "nan"}),
    ("harmonic", {}),
    ("generalised", {"p": 0.5}),
    ("generalised", {"p": 2.0}),
])
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_batched_aggregation_equals_the_kernel_bit_for_bit(method, params, data):
    runs = data.draw(st.integers(1, 4))
    n = data.draw(st.integers(1, 25))
    m = data.draw(st.integers(1, 6))
    cell = st.one_of(st.just(np.nan), st.just(0.0), st.floats(0.01, 100))
    v = data.draw(hnp.arrays(float, (runs, n, m), elements=cell))
    w = data.draw(hnp.arrays(float, (runs, m), elements=st.floats(0.05, 2)))
    score, bad = aggregate_batch([v[:, :, i] for i in range(m)], w, method=method, **params)
    for r in range(runs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = aggregate(v[r].copy(), w[r], method=method, **params)
        np.testing.assert_array_equal(score[r], res.score)
        if bad is None:
            assert not res.nonpositive.any()
        else:
            np.testing.assert_array_equal(np.column_stack([b[r] for b in bad]),
                                          res.nonpositive)


def _deep_spec() -> dict:
    spec = make_spec()
    spec["groups"] = [{"id": "people", "weight": 0.6}, {"id": "place", "weight": 0.4},
                      {"id": "home", "parent": "place", "weight": 0.7},
                      {"id": "work", "parent": "place", "weight": 0.3}]
    for ind, parent in zip(spec["indicators"], ["people", "people", "home", "work"],
                           strict=True):
        ind["parent"] = parent
    spec["indicators"][2]["weight"] = 1.0
    spec["indicators"].append({"id": "e", "column": "d", "parent": "work", "weight": 0.5})
    return spec


@pytest.mark.parametrize("alternatives", [
    {},
    {"normalise": [{"method": "minmax", "range": [1, 100]}, {"method": "prank"}],
     "aggregate": [{"method": "arithmetic"}, {"method": "geometric"},
                   {"method": "generalised", "p": 2}]},
    {"treat": [{"method": "none"}, {"method": "winsorise", "winmax": 3}],
     "weights": [{"method": "explicit"}, {"method": "equal"}]},
])
def test_every_replication_equals_a_rebuild_with_its_parameters(alternatives):
    b = build(_deep_spec(), make_data(120, seed=4))
    u = b.uncertainty(n=12, seed=5, alternatives=alternatives)
    for r in range(12):
        row = u.runs.iloc[r]
        changes = {s: row[s] for s in alternatives}
        w = {k[2:]: float(row[k]) for k in u.runs.columns if k.startswith("w_")}
        changes["weights"] = {**changes.get("weights", {}), **w, "on_unnormalised": "rescale"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MeasureWarning)
            rebuilt = b.rebuild(**changes)
        expected = worst_first_rank(rebuilt.scores().to_numpy(), polarity=b.spec.polarity)
        np.testing.assert_array_equal(u.ranks[r], expected, err_msg=f"run {r}")


def test_replications_of_a_group_node_equal_rebuilds():
    b = build(_deep_spec(), make_data(80, seed=2))
    u = b.uncertainty(n=6, seed=1, node="place")
    for r in range(6):
        w = {k[2:]: float(v) for k, v in u.runs.iloc[r].items() if k.startswith("w_")}
        rebuilt = b.rebuild(weights={**w, "on_unnormalised": "rescale"})
        expected = worst_first_rank(rebuilt.scores("place").to_numpy(), polarity="higher_is_better")
        np.testing.assert_array_equal(u.ranks[r], expected)


def test_replications_with_missing_values_equal_rebuilds():
    data = make_data(90, seed=6)
    data.loc[::7, "a"] = np.nan
    data.loc[::11, "c"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        b = build(_deep_spec(), data)
        alts = {"aggregate": [{"method": "arithmetic"}, {"method": "arithmetic",
                                                         "min_coverage": 0.75}]}
        u = b.uncertainty(n=8, seed=3, alternatives=alts)
        for r in range(8):
            row = u.runs.iloc[r]
            w = {k[2:]: float(v) for k, v in row.items() if k.startswith("w_")}
            rebuilt = b.rebuild(weights={**w, "on_unnormalised": "rescale"},
                                aggregate=row["aggregate"])
            expected = worst_first_rank(rebuilt.scores().to_numpy(),
                                        polarity="higher_is_better")
            np.testing.assert_array_equal(u.ranks[r], expected)
    assert np.isnan(u.ranks).any()  # areas below min_coverage have no rank in some runs
