"""Nearest-neighbour and radius queries over points (assets, GP practices, libraries...).

Points are held in British National Grid metres in a :class:`scipy.spatial.cKDTree`, so distances
are straight-line ("as the crow flies") Euclidean distances on the National Grid, in metres. The
National Grid scale factor is within 0.04% of 1 across Great Britain, so these are ground distances
to better than 1 m in 2 km.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from ._crs import BNG, to_bng
from ._errors import GeoError


class PointIndex:
    """Spatial index of points for nearest and within-radius queries.

    Parameters
    ----------
    easting, northing : array-like of float
        Point coordinates in metres, British National Grid (EPSG:27700); or longitude and
        latitude with ``crs="EPSG:4326"``. No NaN.
    ids : sequence, optional
        Identifier of each point (e.g. an ODS code); default ``0..n-1``.
    crs : {"EPSG:27700", "EPSG:4326"}

    Examples
    --------
    >>> index = PointIndex([0.0, 1000.0, 5000.0], [0.0, 0.0, 0.0], ids=["a", "b", "c"])
    >>> ids, dist = index.nearest(900.0, 0.0, k=2)
    >>> ids.tolist(), dist.tolist()
    (['b', 'a'], [100.0, 900.0])
    """

    def __init__(self, easting: ArrayLike, northing: ArrayLike, ids: Sequence | None = None, *,
                 crs: str = BNG) -> None:
        e, n = to_bng(easting, northing, crs)
        e, n = e.ravel(), n.ravel()
        if len(e) == 0:
            raise GeoError("PointIndex needs at least one point")
        missing = np.flatnonzero(np.isnan(e) | np.isnan(n))
        if len(missing):
            raise GeoError(f"{len(missing)} point(s) have no coordinates (NaN), the first at "
                           f"position {int(missing[0])}; drop them before building a PointIndex")
        self.ids: NDArray = np.arange(len(e)) if ids is None else np.asarray(ids)
        if self.ids.shape != e.shape:
            raise GeoError(f"ids has {self.ids.size} values for {len(e)} points; give one id per "
                           "point")
        self._tree = cKDTree(np.column_stack([e, n]))

    def __len__(self) -> int:
        return int(self._tree.n)

    def nearest(self, x: ArrayLike, y: ArrayLike, *, k: int = 10,
                crs: str = BNG) -> tuple[NDArray, NDArray]:
        """The ``k`` nearest points to each query point, nearest first.

        Parameters
        ----------
        x, y : float or array-like
            Query coordinates (metres in EPSG:27700, or degrees with ``crs="EPSG:4326"``).
        k : int, default 10
            Neighbours wanted; if the index holds fewer points, all of them are returned.
        crs : {"EPSG:27700", "EPSG:4326"}

        Returns
        -------
        ids : ndarray
            Shape ``(min(k, len(self)),)`` for a scalar query, ``(n_queries, min(k, len(self)))``
            otherwise.
        distances_m : ndarray of float64
            Straight-line distances in metres, same shape.
        """
        if not isinstance(k, int | np.integer) or k < 1:
            raise GeoError(f"k={k!r} must be a positive integer")
        qx, qy = to_bng(x, y, crs)
        scalar = qx.ndim == 0
        points = np.column_stack([qx.ravel(), qy.ravel()])
        if np.isnan(points).any():
            raise GeoError("query points must have coordinates (found NaN); drop them first")
        kk = min(int(k), len(self))
        dist, idx = self._tree.query(points, k=kk)
        dist, idx = dist.reshape(len(points), kk), idx.reshape(len(points), kk)
        ids = self.ids[idx]
        return (ids[0], dist[0]) if scalar else (ids, dist)

    def within(self, x: ArrayLike, y: ArrayLike, radius_m: float, *,
               crs: str = BNG) -> tuple[NDArray | list[NDArray], NDArray | list[NDArray]]:
        """All points within ``radius_m`` metres of each query point, nearest first.

        Parameters
        ----------
        x, y : float or array-like
            Query coordinates (metres in EPSG:27700, or degrees with ``crs="EPSG:4326"``).
        radius_m : float
            Radius in metres (inclusive), >= 0.
        crs : {"EPSG:27700", "EPSG:4326"}

        Returns
        -------
        ids, distances_m
            For a scalar query: two 1-D arrays sorted by distance. For array queries: two lists
            (one entry per query, in order) of such arrays.
        """
        radius = float(radius_m)
        if not np.isfinite(radius) or radius < 0:
            raise GeoError(f"radius_m={radius_m!r} must be a finite distance >= 0 in metres")
        qx, qy = to_bng(x, y, crs)
        scalar = qx.ndim == 0
        points = np.column_stack([qx.ravel(), qy.ravel()])
        if np.isnan(points).any():
            raise GeoError("query points must have coordinates (found NaN); drop them first")
        hits = self._tree.query_ball_point(points, r=radius, return_sorted=False)
        counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        flat = (np.concatenate([np.asarray(h, dtype=np.int64) for h in hits]) if counts.sum()
                else np.empty(0, dtype=np.int64))
        query = np.repeat(np.arange(len(points)), counts)
        dist = np.hypot(*(self._tree.data[flat] - points[query]).T)
        order = np.lexsort((flat, dist, query))
        ids_split = np.split(self.ids[flat[order]], np.cumsum(counts)[:-1])
        dist_split = np.split(dist[order], np.cumsum(counts)[:-1])
        return (ids_split[0], dist_split[0]) if scalar else (ids_split, dist_split)
