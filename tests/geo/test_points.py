"""PointIndex against brute force (hypothesis) and on real postcode centroids."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescomm.data import load_postcodes
from rescomm.geo import GeoError, OutsideGreatBritainError, PointIndex, wgs84_to_bng

_coord = st.tuples(st.floats(330_000, 340_000), st.floats(385_000, 395_000))


def _brute(points, qx, qy):
    d = np.hypot(points[:, 0] - qx, points[:, 1] - qy)
    return d


@settings(max_examples=60, deadline=None)
@given(st.lists(_coord, min_size=1, max_size=80), st.lists(_coord, min_size=1, max_size=10),
       st.integers(1, 12))
def test_nearest_matches_brute_force(points, queries, k):
    pts = np.array(points)
    index = PointIndex(pts[:, 0], pts[:, 1])
    q = np.array(queries)
    ids, dist = index.nearest(q[:, 0], q[:, 1], k=k)
    kk = min(k, len(pts))
    assert ids.shape == dist.shape == (len(q), kk)
    for row, (qx, qy) in enumerate(q):
        d = _brute(pts, qx, qy)
        np.testing.assert_allclose(dist[row], np.sort(d)[:kk], rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(d[ids[row]], dist[row], rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(_coord, min_size=1, max_size=80), st.lists(_coord, min_size=1, max_size=10),
       st.floats(0, 5_000))
def test_within_matches_brute_force(points, queries, radius):
    pts = np.array(points)
    index = PointIndex(pts[:, 0], pts[:, 1], ids=[f"p{i}" for i in range(len(pts))])
    q = np.array(queries)
    ids, dists = index.within(q[:, 0], q[:, 1], radius)
    assert len(ids) == len(dists) == len(q)
    for row, (qx, qy) in enumerate(q):
        d = _brute(pts, qx, qy)
        # points within float rounding of the radius may fall either side
        sure = {f"p{i}" for i in np.flatnonzero(d <= radius - 1e-6)}
        maybe = {f"p{i}" for i in np.flatnonzero(d <= radius + 1e-6)}
        assert sure <= set(ids[row]) <= maybe
        assert (np.diff(dists[row]) >= 0).all()


def test_scalar_queries_return_flat_arrays():
    index = PointIndex([0.0, 1000.0, 5000.0], [0.0, 0.0, 0.0], ids=["a", "b", "c"])
    ids, dist = index.nearest(900.0, 0.0, k=2)
    assert ids.tolist() == ["b", "a"] and dist.tolist() == [100.0, 900.0]
    ids, dist = index.within(900.0, 0.0, 1000.0)
    assert ids.tolist() == ["b", "a"] and dist.tolist() == [100.0, 900.0]


def test_k_larger_than_the_index_returns_every_point():
    index = PointIndex([0.0, 1000.0], [0.0, 0.0])
    ids, dist = index.nearest([0.0], [0.0], k=10)
    assert ids.tolist() == [[0, 1]] and dist.tolist() == [[0.0, 1000.0]]


def test_nearest_postcodes_to_liverpool_town_hall_area():
    pc = load_postcodes()
    live = pc[pc["terminated"].isna()]
    index = PointIndex(live["easting"], live["northing"], ids=live["postcode"].to_numpy())
    ids, dist = index.nearest(334469, 390202, k=1)  # L1 8JQ's own centroid
    assert dist[0] == 0.0
    assert "L1 8JQ" in set(index.within(334469, 390202, 0.0)[0])


def test_queries_in_wgs84_are_converted():
    e, n = wgs84_to_bng(-2.987154, 53.40455)
    index = PointIndex([float(e)], [float(n)])
    ids, dist = index.nearest(-2.987154, 53.40455, k=1, crs="EPSG:4326")
    assert dist[0] < 1e-6


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: PointIndex([], []), "needs at least one point"),
        (lambda: PointIndex([1.0, np.nan], [1.0, 2.0]), r"1 point\(s\) have no coordinates"),
        (lambda: PointIndex([1.0], [1.0], ids=["a", "b"]), "ids has 2 values for 1 points"),
        (lambda: PointIndex([1.0], [1.0]).nearest(1.0, 1.0, k=0), "k=0 must be a positive"),
        (lambda: PointIndex([1.0], [1.0]).within(1.0, 1.0, -5), "radius_m=-5 must be"),
    ],
)
def test_bad_arguments_are_refused_with_a_reason(call, message):
    with pytest.raises(GeoError, match=message):
        call()


def test_lon_lat_passed_as_bng_is_outside_great_britain():
    with pytest.raises(OutsideGreatBritainError):
        PointIndex([-2.98], [53.4])
