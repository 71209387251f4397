"""Coordinate reference systems: British National Grid (EPSG:27700) <-> WGS84 (EPSG:4326).

rescomm works in **British National Grid** (OSGB36 / BNG, EPSG:27700: eastings and northings in
metres) for anything that measures distance or area, and accepts **WGS84** (EPSG:4326: longitude and
latitude in decimal degrees, what GPS and web maps use) at the edges. Coordinates are always given
in ``x, y`` order: ``(easting, northing)`` or ``(longitude, latitude)`` (pyproj ``always_xy``).

The transformation is whatever PROJ chooses as best available: without extra grid files that is the
EPSG:1314 Helmert transformation "OSGB36 to WGS 84 (6)" (stated accuracy 2 m; 3.5 m and 4.7 m
at the two Ordnance Survey test points used in the tests); with the OSTN15 grid
(``uk_os_OSTN15_NTv2_OSGBtoETRS.tif`` in the PROJ data directory, or ``PROJ_NETWORK=ON``) it is
the official OSTN15 transformation, good to about 0.1 m. Either is far finer than the spread of a
postcode (a postcode centroid stands for ~15 addresses over tens of metres).

Every coordinate is checked: points outside Great Britain raise :class:`OutsideGreatBritainError`
(usually a sign of swapped axes or the wrong CRS). ``NaN`` means "no coordinates" and passes
through as ``NaN``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

from ._errors import GeoError, OutsideGreatBritainError

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"

#: Extent of the National Grid (the 100 km squares SV..JM): easting 0-700 km, northing 0-1300 km.
GB_GRID_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)
#: EPSG:27700 area of use in WGS84: longitude -9.01..2.01, latitude 49.75..61.01 degrees.
GB_LONLAT_BOUNDS = (-9.01, 49.75, 2.01, 61.01)

_CRS_ALIASES = {
    "EPSG:27700": BNG, "27700": BNG, "BNG": BNG, "OSGB36": BNG,
    "EPSG:4326": WGS84, "4326": WGS84, "WGS84": WGS84,
}


def check_crs(crs: str | int) -> str:
    """Canonical name (``"EPSG:27700"`` or ``"EPSG:4326"``) of a supported CRS.

    Raises
    ------
    GeoError
        For any other CRS; the message names it and the two accepted ones.
    """
    key = str(crs).strip().upper().replace(" ", "")
    if key in _CRS_ALIASES:
        return _CRS_ALIASES[key]
    raise GeoError(
        f"coordinate reference system {crs!r} is not supported; use 'EPSG:27700' (British "
        "National Grid eastings/northings in metres) or 'EPSG:4326' (WGS84 longitude/latitude), "
        "and reproject other data first"
    )


@cache
def _transformer(source: str, target: str) -> Transformer:
    """Cached, thread-safe-to-share pyproj transformer with ``x, y`` axis order."""
    return Transformer.from_crs(source, target, always_xy=True)


def bng_to_wgs84(easting: ArrayLike, northing: ArrayLike) -> tuple[NDArray, NDArray]:
    """Convert British National Grid coordinates to WGS84 longitude and latitude.

    Parameters
    ----------
    easting, northing : float or array-like
        EPSG:27700 coordinates in metres; same shape. ``NaN`` passes through.

    Returns
    -------
    longitude, latitude : ndarray of float64
        EPSG:4326 decimal degrees, same shape as the input (0-d for scalars).

    Raises
    ------
    OutsideGreatBritainError
        If any finite point lies outside the National Grid extent (easting 0-700,000 m, northing
        0-1,300,000 m), usually longitude/latitude passed by mistake, or maps outside EPSG:27700's
        area of use.

    Examples
    --------
    >>> lon, lat = bng_to_wgs84(334_940, 390_170)   # Liverpool city centre
    >>> round(float(lon), 3), round(float(lat), 3)
    (-2.98, 53.404)
    """
    x, y = _as_float_pair(easting, northing)
    check_bng(x, y)
    lon, lat = _transform(BNG, WGS84, x, y)
    _check_mapped(x, y, lon, lat, GB_LONLAT_BOUNDS, "easting", "northing",
                  "maps outside EPSG:27700's area of use (longitude -9.01 to 2.01, latitude "
                  "49.75 to 61.01 degrees)")
    return lon, lat


def wgs84_to_bng(longitude: ArrayLike, latitude: ArrayLike) -> tuple[NDArray, NDArray]:
    """Convert WGS84 longitude and latitude to British National Grid easting and northing.

    Parameters
    ----------
    longitude, latitude : float or array-like
        EPSG:4326 decimal degrees, **longitude first**; same shape. ``NaN`` passes through.

    Returns
    -------
    easting, northing : ndarray of float64
        EPSG:27700 metres, same shape as the input (0-d for scalars).

    Raises
    ------
    OutsideGreatBritainError
        If any finite point lies outside EPSG:27700's area of use (longitude -9.01..2.01,
        latitude 49.75..61.01), which usually means swapped longitude/latitude, or maps outside
        the National Grid.
    """
    lon, lat = _as_float_pair(longitude, latitude)
    check_in_gb(lon, lat, WGS84)
    x, y = _transform(WGS84, BNG, lon, lat)
    _check_mapped(lon, lat, x, y, GB_GRID_BOUNDS, "longitude", "latitude",
                  "maps outside the National Grid (easting 0 to 700,000, northing 0 to "
                  "1,300,000 m)")
    return x, y


def to_bng(x: ArrayLike, y: ArrayLike, crs: str | int) -> tuple[NDArray, NDArray]:
    """Coordinates in ``crs`` (EPSG:27700 or EPSG:4326) as checked BNG eastings/northings."""
    if check_crs(crs) == WGS84:
        return wgs84_to_bng(x, y)
    e, n = _as_float_pair(x, y)
    check_bng(e, n)
    return e, n


def check_in_gb(x: NDArray, y: NDArray, crs: str) -> None:
    """Raise :class:`OutsideGreatBritainError` if a finite point in ``crs`` is outside GB."""
    if check_crs(crs) == WGS84:
        _raise_if_outside(x, y, _outside(x, y, GB_LONLAT_BOUNDS), "longitude", "latitude",
                          "is not within longitude -9.01 to 2.01 and latitude 49.75 to 61.01 "
                          "degrees",
                          "check that longitude comes first and both are WGS84 decimal degrees")
    else:
        check_bng(x, y)


def check_bng(easting: NDArray, northing: NDArray) -> None:
    """Raise :class:`OutsideGreatBritainError` if a finite point is off the National Grid."""
    _raise_if_outside(easting, northing, _outside(easting, northing, GB_GRID_BOUNDS), "easting",
                      "northing",
                      "is not within easting 0 to 700,000 and northing 0 to 1,300,000 m",
                      "check the coordinates are British National Grid metres (EPSG:27700), not "
                      "longitude/latitude")


def _transform(source: str, target: str, x: NDArray, y: NDArray) -> tuple[NDArray, NDArray]:
    tx, ty = _transformer(source, target).transform(x, y)
    tx, ty = np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)
    missing = np.isnan(x) | np.isnan(y)
    if missing.any():
        tx, ty = np.where(missing, np.nan, tx), np.where(missing, np.nan, ty)
    return tx, ty


def _as_float_pair(x: ArrayLike, y: ArrayLike) -> tuple[NDArray, NDArray]:
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.shape != ya.shape:
        raise GeoError(f"x and y must have the same shape, got {xa.shape} and {ya.shape}")
    return xa, ya


def _outside(x: NDArray, y: NDArray, bounds: tuple[float, float, float, float]) -> NDArray:
    """Finite points outside ``bounds`` (NaN counts as 'no coordinates', not outside)."""
    xmin, ymin, xmax, ymax = bounds
    with np.errstate(invalid="ignore"):
        inside = (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    return ~inside & ~(np.isnan(x) | np.isnan(y))


def _check_mapped(x: NDArray, y: NDArray, tx: NDArray, ty: NDArray,
                  bounds: tuple[float, float, float, float], x_name: str, y_name: str,
                  what: str) -> None:
    """Raise naming the *input* point if its transformed position is outside ``bounds``."""
    outside = _outside(tx, ty, bounds) | (np.isinf(tx) | np.isinf(ty))
    _raise_if_outside(x, y, outside, x_name, y_name, what,
                      "Great Britain data should not be there; check the coordinates")


def _raise_if_outside(x: NDArray, y: NDArray, outside: NDArray, x_name: str, y_name: str,
                      what: str, hint: str) -> None:
    if not outside.any():
        return
    idx = np.flatnonzero(outside.ravel())
    fx, fy = float(x.ravel()[idx[0]]), float(y.ravel()[idx[0]])
    raise OutsideGreatBritainError(
        f"{idx.size} of {x.size} point{'' if x.size == 1 else 's'} "
        f"{'is' if idx.size == 1 else 'are'} outside Great Britain: the first, "
        f"({x_name}={fx!r}, {y_name}={fy!r}), {what}; {hint}",
        count=int(idx.size),
        first=(fx, fy),
    )
