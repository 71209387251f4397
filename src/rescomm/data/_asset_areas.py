"""Placing assets in areas: geocoding by postcode, LSOA 2021 and local authority of each asset.

The 2021 LSOA of an asset comes from the source where it gives one, else from its postcode via a
postcode table (the bundled C&M one unless the caller passes e.g. the ONS Postcode Directory),
else by point-in-polygon on the bundled (super-generalised) 2021 boundaries; ``lsoa21_method``
says which. The local authority comes from the source, else from the LSOA via the ONS lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from ._asset_io import _coords, _normalise_postcodes, _transformer
from ._bundled import (
    load_boundaries_table,
    load_lsoa11_lookup,
    load_lsoa21_lookup,
    load_postcodes,
)

#: Location columns every ``read_*`` table ends with, in this order.
_LOCATION_COLUMNS = ("easting", "northing", "latitude", "longitude", "lad_code", "lsoa21_code",
                     "lsoa21_method")


def _check_lads(lads: Iterable[str] | None) -> set[str] | None:
    """``lads`` as a set of upper-case ONS LAD codes (None stays None); unknown codes raise."""
    if lads is None:
        return None
    lads = {str(x).strip().upper() for x in ([lads] if isinstance(lads, str) else lads)}
    known = set(load_lsoa21_lookup()["lad_code"]) | set(load_lsoa11_lookup()["lad_code"])
    unknown = sorted(lads - known)
    if unknown:
        raise ValueError(f"unknown local authority code(s) {unknown}: use ONS LAD codes such as "
                         "'E08000012' (Liverpool)")
    return lads


def _filter_lads(df: pd.DataFrame, lads: set[str] | None) -> pd.DataFrame:
    """Rows whose ``lad_code`` is in ``lads`` (all rows when ``lads`` is None), index reset."""
    if lads is None:
        return df.reset_index(drop=True)
    return df[df["lad_code"].isin(lads)].reset_index(drop=True)


def _lad_of_lsoa21(codes: pd.Series) -> pd.Series:
    """LAD code of each LSOA 2021 code (ONS best-fit lookup); ``NaN`` where unknown."""
    return codes.map(load_lsoa21_lookup().set_index("lsoa21_code")["lad_code"])


# ----------------------------------------------------------------------------- point in polygon

@cache
def _lsoa21_polygons_bng() -> tuple[np.ndarray, np.ndarray, shapely.STRtree]:
    """Bundled C&M LSOA 2021 polygons in BNG, their codes, and an STRtree over them."""
    b = load_boundaries_table(2021)
    geoms = shapely.from_wkb(b["geometry_wkb"].to_numpy())
    tr = _transformer("EPSG:4326", "EPSG:27700")
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    return b["lsoa21_code"].to_numpy(), geoms, shapely.STRtree(geoms)


def lsoa21_point_in_polygon(easting: np.ndarray, northing: np.ndarray) -> np.ndarray:
    """2021 LSOA containing each BNG point, on the bundled C&M super-generalised boundaries.

    Returns an object array of codes, ``None`` where the point is in no bundled polygon (outside
    C&M, or in the sea beyond the clipped coastline). Super-generalised boundaries put about one
    point in ten near a boundary into the neighbouring LSOA, so treat the result as approximate.
    """
    codes, _, tree = _lsoa21_polygons_bng()
    e = np.asarray(easting, dtype="float64")
    n = np.asarray(northing, dtype="float64")
    out = np.full(e.shape, None, dtype=object)
    ok = np.isfinite(e) & np.isfinite(n)
    if ok.any():
        idx = np.flatnonzero(ok)
        pi, gi = tree.query(shapely.points(e[ok], n[ok]), predicate="intersects")
        first = np.unique(pi, return_index=True)[1]
        out[idx[pi[first]]] = codes[gi[first]]
    return out


# ----------------------------------------------------------------------------- postcodes

@cache
def _bundled_postcode_lookup() -> pd.DataFrame:
    """The bundled C&M postcode table indexed by postcode (read once)."""
    return load_postcodes().drop_duplicates("postcode").set_index("postcode")


def _postcode_lookup(postcodes: pd.DataFrame | None) -> pd.DataFrame:
    """Postcode table indexed by ``pcds``-format postcode (the bundled one unless given)."""
    if postcodes is None:
        return _bundled_postcode_lookup()
    missing = [c for c in ("postcode", "easting", "northing") if c not in postcodes.columns]
    if missing:
        raise ValueError(f"postcode table lacks column(s) {missing}: pass a table with at least "
                         "postcode, easting, northing (and optionally latitude, longitude, "
                         "lad_code, lsoa21_code), e.g. from the ONS Postcode Directory")
    look = postcodes.assign(postcode=_normalise_postcodes(postcodes["postcode"]))
    return look.dropna(subset=["postcode"]).drop_duplicates("postcode").set_index("postcode")


def _attach_areas(df: pd.DataFrame, *, postcodes: pd.DataFrame | None) -> pd.DataFrame:
    """Fill ``lsoa21_code``/``lsoa21_method`` (source -> postcode -> point in polygon) and
    ``lad_code`` (source, else via the LSOA 2021 lookup)."""
    code = pd.Series(pd.NA, index=df.index, dtype="string")
    method = pd.Series(pd.NA, index=df.index, dtype="string")
    if "lsoa21_source" in df.columns:
        given = df["lsoa21_source"].astype("string")
        valid = given.isin(set(load_lsoa21_lookup()["lsoa21_code"]))
        code = code.where(~valid, given)
        method = method.where(~valid, "source")
    if "postcode" in df.columns:
        look = _postcode_lookup(postcodes)
        if "lsoa21_code" in look.columns:
            hit = df["postcode"].map(look["lsoa21_code"]).astype("string")
            how = pd.Series("lookup", index=df.index, dtype="string")
            if "lsoa21_method" in look.columns:
                how = df["postcode"].map(look["lsoa21_method"]).astype("string").fillna("lookup")
            use = code.isna() & hit.notna()
            code = code.where(~use, hit)
            method = method.where(~use, "postcode:" + how)
    todo = code.isna().to_numpy()
    if todo.any():
        pip = lsoa21_point_in_polygon(df["easting"].to_numpy()[todo],
                                      df["northing"].to_numpy()[todo])
        found = np.array([p is not None for p in pip], dtype=bool)
        rows = df.index[todo][found]
        code.loc[rows] = pip[found]
        method.loc[rows] = "point_in_polygon_bsc_approx"
    method = method.fillna("not_assigned_outside_bundled_boundaries")
    df["lsoa21_code"] = code
    df["lsoa21_method"] = method
    lad_by_lsoa = _lad_of_lsoa21(df["lsoa21_code"]).astype("string")
    if "lad_code" in df.columns:
        df["lad_code"] = df["lad_code"].astype("string").fillna(lad_by_lsoa)
    else:
        df["lad_code"] = lad_by_lsoa
    return df


def _geocode(df: pd.DataFrame, postcodes: pd.DataFrame | None) -> pd.DataFrame:
    """Add easting/northing/latitude/longitude/lad_code from a postcode table where missing."""
    look = _postcode_lookup(postcodes)
    for c in ("easting", "northing", "latitude", "longitude", "lad_code"):
        if c in look.columns:
            val = df["postcode"].map(look[c])
            df[c] = df[c].fillna(val) if c in df.columns else val
    return df


def _locate(df: pd.DataFrame, path: Path, id_col: str, *, postcodes: pd.DataFrame | None,
            lads: Iterable[str] | None) -> pd.DataFrame:
    """Geocode by postcode where coordinates are missing, check them, attach areas, keep ``lads``.

    The geocoding step of the readers whose official files have only a postcode (GP practices,
    libraries); ``id_col`` names the rows in :class:`~rescomm.data.AssetCoordinateError`.
    """
    if "easting" not in df.columns or df["easting"].isna().any():
        df = _geocode(df, postcodes)
    df = _coords(df, path, id_col)
    return _filter_lads(_attach_areas(df, postcodes=postcodes), _check_lads(lads))
