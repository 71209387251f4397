"""Sampling error of count indicators in Monte Carlo uncertainty (binomial / Poisson)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from measure_helpers import make_data, make_spec

from rescomm.measure import IndexDataError, IndexSpecError, build
from rescomm.measure._sampling import resample, sampling_models


def _count_spec() -> dict:
    spec = make_spec()
    spec["indicators"][0] = {"id": "a", "column": "cases", "parent": "people", "weight": 0.5,
                             "denominator": {"column": "pop", "scale": 1000}}
    spec["indicators"][2] = {"id": "c", "column": "events", "parent": "place", "weight": 0.5,
                             "denominator": {"column": "pop", "scale": 1000}}
    return spec


def _count_data(n: int = 150, *, scale: int = 1, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = make_data(n, seed=seed)
    df["pop"] = rng.integers(200, 600, size=n) * scale
    df["cases"] = rng.binomial(df["pop"], rng.uniform(0.05, 0.3, size=n))
    df["events"] = rng.poisson(df["pop"] * rng.uniform(0.5, 2.0, size=n))  # may exceed pop
    return df


def _width(u) -> float:
    s = u.summary
    return float((s["p95_rank"] - s["p05_rank"]).mean())


def test_counts_are_detected_binomial_for_proportions_and_poisson_for_rates():
    b = build(_count_spec(), _count_data())
    assert sampling_models(b.spec, b._prep, True) == {"a": "binomial", "c": "poisson"}
    u = b.uncertainty(n=5, seed=1, weight_noise=0, sampling=True)
    assert u.settings["sampling"] == {"a": "binomial", "c": "poisson"}


def test_sampling_error_alone_moves_ranks_and_keeps_the_nominal_inside_most_intervals():
    b = build(_count_spec(), _count_data())
    u = b.uncertainty(n=80, seed=2, weight_noise=0, sampling=True)
    s = u.summary
    assert _width(u) > 0
    inside = (s["p05_rank"] <= s["nominal_rank"]) & (s["nominal_rank"] <= s["p95_rank"])
    assert inside.mean() > 0.8


def test_larger_denominators_give_narrower_rank_intervals():
    small = build(_count_spec(), _count_data(scale=1))
    big_data = _count_data(scale=1)
    big_data[["pop", "cases", "events"]] *= 100  # same rates, 100x the counts
    big = build(_count_spec(), big_data)
    np.testing.assert_allclose(small.results["index_score"], big.results["index_score"])
    w_small = _width(small.uncertainty(n=60, seed=4, weight_noise=0, sampling=True))
    w_big = _width(big.uncertainty(n=60, seed=4, weight_noise=0, sampling=True))
    assert w_big < w_small / 3  # standard errors shrink by sqrt(100) = 10


def test_counts_without_sampling_variance_recover_the_nominal_ranks():
    df = _count_data()
    df["cases"] = np.where(np.arange(len(df)) % 3 == 0, df["pop"], 0)  # p-hat is 0 or 1
    u = build(_count_spec(), df).uncertainty(n=10, seed=1, weight_noise=0,
                                             sampling={"a": "binomial"})
    s = u.summary
    np.testing.assert_array_equal(u.ranks, np.tile(s["nominal_rank"].to_numpy(), (10, 1)))


def test_the_same_seed_gives_the_same_draws_and_sampling_leaves_parameter_draws_alone():
    b = build(_count_spec(), _count_data())
    one = b.uncertainty(n=20, seed=9, sampling=True)
    two = b.uncertainty(n=20, seed=9, sampling=True)
    other = b.uncertainty(n=20, seed=10, sampling=True)
    plain = b.uncertainty(n=20, seed=9)
    np.testing.assert_array_equal(one.ranks, two.ranks)
    assert not np.array_equal(one.ranks, other.ranks)
    pd.testing.assert_frame_equal(one.runs, plain.runs)
    assert not np.array_equal(one.ranks, plain.ranks)


def test_resampled_counts_have_the_binomial_and_poisson_moments():
    b = build(_count_spec(), _count_data(n=20))
    prep, models = b._prep, {"a": "binomial", "c": "poisson"}
    rng = np.random.default_rng(0)
    draws = np.stack([resample(prep, b.spec, models, rng) for _ in range(4000)])
    x, d = prep.raw[:, 0], prep.denominator[:, 0]
    p = x / d
    np.testing.assert_allclose(draws[:, :, 0].mean(axis=0), x, rtol=0.02)
    np.testing.assert_allclose(draws[:, :, 0].var(axis=0), d * p * (1 - p), rtol=0.15)
    np.testing.assert_allclose(draws[:, :, 2].var(axis=0), prep.raw[:, 2], rtol=0.15)
    np.testing.assert_array_equal(draws[:, :, 1], np.broadcast_to(prep.raw[:, 1], (4000, 20)))


def test_bad_sampling_requests_name_the_indicator_column_and_rows():
    df = _count_data(20)
    b = build(_count_spec(), df)
    with pytest.raises(IndexDataError, match=r"sampling\.c: count above its denominator "
                                             r"\('events' > 'pop'\) in rows"):
        b.uncertainty(n=2, sampling={"c": "binomial"})
    with pytest.raises(IndexDataError, match=r"sampling\.b: column 'b' must hold whole"):
        b.uncertainty(n=2, sampling={"b": "poisson"})
    with pytest.raises(IndexSpecError, match=r"sampling: unknown indicator 'zz'"):
        b.uncertainty(n=2, sampling={"zz": "poisson"})
    with pytest.raises(IndexSpecError, match=r"sampling\.a: model must be one of"):
        b.uncertainty(n=2, sampling={"a": "normal"})
    toy = build(make_spec(), make_data(30))
    with pytest.raises(IndexSpecError, match="no indicator has counts to resample"):
        toy.uncertainty(n=2, sampling=True)
    df["cases"] = df["cases"].astype(float)
    df.loc[4, "cases"] = 2.5  # rates, not counts: not resampled automatically
    df["events"] = df["pop"] * 0.5 + 0.25
    with pytest.raises(IndexSpecError, match="no indicator has counts"):
        build(_count_spec(), df).uncertainty(n=2, sampling=True)


def test_sampling_replications_in_threads_equal_one_at_a_time(monkeypatch):
    from rescomm.measure import _uncertainty

    b = build(_count_spec(), _count_data(80))
    threaded = b.uncertainty(n=12, seed=3, sampling=True)
    monkeypatch.setattr(_uncertainty, "MAX_THREADS", 1)
    single = b.uncertainty(n=12, seed=3, sampling=True)
    np.testing.assert_array_equal(threaded.ranks, single.ranks)


def test_a_sampling_replication_equals_a_rebuild_on_the_resampled_data():
    from rescomm.measure import worst_first_rank

    df = _count_data(60)
    b = build(_count_spec(), df)
    u = b.uncertainty(n=3, seed=8, weight_noise=0, sampling=True)
    streams = np.random.SeedSequence(8).spawn(4)[1:]
    for r in range(3):
        raw = resample(b._prep, b.spec, u.settings["sampling"], np.random.default_rng(streams[r]))
        redrawn = df.copy()
        redrawn["cases"], redrawn["events"] = raw[:, 0], raw[:, 2]
        rebuilt = build(_count_spec(), redrawn)
        expected = worst_first_rank(rebuilt.scores().to_numpy(), polarity="higher_is_better")
        np.testing.assert_array_equal(u.ranks[r], expected)
