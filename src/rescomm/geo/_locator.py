"""Point-in-polygon: which LSOA is each point in?

Two vectorised strategies, chosen by the number of points per polygon:

* many points (the usual case): bucket the points into north-south stripes (as wide as the median
  polygon) sorted by northing, so the points in a polygon's bounding box are a few contiguous
  slices found by binary search; test them with ``shapely.intersects_xy`` on the prepared polygon.
  The Python loop is per polygon, never per point;
* few points: one bulk ``STRtree.query(points, predicate="intersects")``.

A point on the shared edge of two LSOAs (or a vertex) is given to the LSOA whose code sorts first,
whichever strategy runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from ._areas import check_year
from ._boundaries import read_boundaries, reproject
from ._crs import BNG, check_crs, to_bng
from ._errors import GeoError

#: Use the STRtree when there are fewer than this many points per polygon.
_TREE_BELOW_POINTS_PER_POLYGON = 15


class LsoaLocator:
    """Find the LSOA containing each point.

    Parameters
    ----------
    codes : sequence of str
        LSOA codes, one per geometry.
    geometries : sequence of shapely (Multi)Polygon
        The LSOA polygons, in ``crs``.
    crs : {"EPSG:27700", "EPSG:4326"}
        CRS of ``geometries`` (they are held in British National Grid).
    year : {2021, 2011}, optional
        LSOA vintage, for the record.

    Examples
    --------
    >>> locator = LsoaLocator.bundled(year=2021)
    >>> locator.locate([334469.0], [390202.0]).tolist()   # L1 8JQ
    ['E01033756']
    """

    def __init__(self, codes: Sequence[str], geometries: Sequence[shapely.Geometry], *,
                 crs: str = BNG, year: int | None = None) -> None:
        codes_arr = np.asarray(codes, dtype=object)
        geoms = np.asarray(geometries, dtype=object)
        if codes_arr.shape != geoms.shape or codes_arr.ndim != 1:
            raise GeoError(f"codes and geometries must be 1-D and of equal length, got "
                           f"{codes_arr.shape} and {geoms.shape}")
        if check_crs(crs) != BNG:
            geoms = reproject(geoms, check_crs(crs), BNG, "geometries given to LsoaLocator")
        order = np.argsort(codes_arr.astype(str), kind="stable")
        self.codes: NDArray[np.object_] = codes_arr[order]
        self.year = None if year is None else check_year(year)
        self._geoms = geoms[order]
        shapely.prepare(self._geoms)
        self._bounds = shapely.bounds(self._geoms)
        self._tree = shapely.STRtree(self._geoms)

    @classmethod
    def bundled(cls, year: int = 2021) -> LsoaLocator:
        """Locator over the bundled Cheshire & Merseyside LSOA boundaries (cached)."""
        return _bundled_locator(check_year(year))

    @classmethod
    def from_file(cls, path: str | Path, *, year: int = 2021, **kwargs: object) -> LsoaLocator:
        """Locator over a boundary file; ``kwargs`` go to :func:`read_boundaries`."""
        codes, _, geoms = read_boundaries(path, year=year, crs=BNG, **kwargs)
        return cls(codes, geoms, crs=BNG, year=year)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, x: ArrayLike, y: ArrayLike, *, crs: str = BNG) -> NDArray[np.object_]:
        """LSOA code of each point.

        Parameters
        ----------
        x, y : array-like of float
            Easting and northing in metres (``crs="EPSG:27700"``) or longitude and latitude in
            degrees (``crs="EPSG:4326"``); same shape.
        crs : {"EPSG:27700", "EPSG:4326"}

        Returns
        -------
        ndarray of object
            Same shape as ``x`` (0-d for scalars): the LSOA code, or ``None`` where the point is
            in no polygon (outside the area covered) or has NaN coordinates.

        Raises
        ------
        OutsideGreatBritainError
            If a point is outside Great Britain (e.g. swapped axes or wrong ``crs``).
        """
        e, n = to_bng(x, y, crs)
        shape = e.shape
        e, n = e.ravel(), n.ravel()
        if len(e) < _TREE_BELOW_POINTS_PER_POLYGON * len(self._geoms):
            hit = self._locate_tree(e, n)
        else:
            hit = self._locate_stripes(e, n)
        out = np.full(len(e), None, dtype=object)
        found = hit >= 0
        out[found] = self.codes[hit[found]]
        return out.reshape(shape)

    def _locate_tree(self, e: NDArray, n: NDArray) -> NDArray[np.int64]:
        hit = np.full(len(e), len(self._geoms), dtype=np.int64)
        ok = np.flatnonzero(~(np.isnan(e) | np.isnan(n)))
        points_idx, geom_idx = self._tree.query(shapely.points(e[ok], n[ok]),
                                                predicate="intersects")
        np.minimum.at(hit, ok[points_idx], geom_idx)
        hit[hit == len(self._geoms)] = -1
        return hit

    def _locate_stripes(self, e: NDArray, n: NDArray) -> NDArray[np.int64]:
        bounds = self._bounds
        width = max(float(np.median(bounds[:, 2] - bounds[:, 0])), 1.0)
        x0 = float(bounds[:, 0].min())
        first = np.floor((bounds[:, 0] - x0) / width).astype(np.int64)
        last = np.floor((bounds[:, 2] - x0) / width).astype(np.int64)
        valid = ~(np.isnan(e) | np.isnan(n))
        # Points sorted by (stripe, northing); NaN points go to a stripe after every polygon's.
        stripe = np.where(valid, np.floor((np.where(valid, e, x0) - x0) / width), last.max() + 2)
        order = np.argsort(stripe * 2e6 + np.where(valid, n, 0.0), kind="stable")
        stripe_s, e_s, n_s = stripe[order], e[order], n[order]
        starts = np.searchsorted(stripe_s, np.arange(first.min(), last.max() + 2), side="left")
        hit_s = np.full(len(e), -1, dtype=np.int64)
        for g in range(len(self._geoms)):
            xmin, ymin, xmax, ymax = bounds[g]
            parts = []
            for k in range(first[g] - first.min(), last[g] - first.min() + 1):
                a, z = starts[k], starts[k + 1]
                lo = a + np.searchsorted(n_s[a:z], ymin, side="left")
                hi = a + np.searchsorted(n_s[a:z], ymax, side="right")
                if hi > lo:
                    parts.append(np.arange(lo, hi))
            if not parts:
                continue
            cand = np.concatenate(parts)
            cand = cand[(e_s[cand] >= xmin) & (e_s[cand] <= xmax) & (hit_s[cand] < 0)]
            if len(cand):
                inside = shapely.intersects_xy(self._geoms[g], e_s[cand], n_s[cand])
                hit_s[cand[inside]] = g
        hit = np.empty_like(hit_s)
        hit[order] = hit_s
        return hit


@cache
def _bundled_locator(year: int) -> LsoaLocator:
    codes, _, geoms = read_boundaries(None, year=year, crs=BNG)
    return LsoaLocator(codes, geoms, crs=BNG, year=year)
