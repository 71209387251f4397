"""Read LSOA boundary polygons: bundled (C&M), or the official GeoJSON / GeoPackage files.

GeoJSON is read with the standard library and shapely; every other format (GeoPackage,
Shapefile, zipped Shapefile) goes through pyogrio, an optional dependency imported only when
needed (``pip install rescomm[geopackage]``).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import shapely
from numpy.typing import NDArray

from rescomm.data import DataFileMissingError, find_encoding_error, load_boundaries_table

from ._areas import check_year
from ._crs import BNG, WGS84, _transformer, check_crs, check_in_gb
from ._errors import AreaCodeError, GeoError, OutsideGreatBritainError

Boundaries = tuple[NDArray[np.object_], NDArray[np.object_], NDArray[np.object_]]

#: ONS Open Geography Portal products to download, by year (full resolution "BFC"; the "BGC"
#: generalised and "BSC" super-generalised versions have the same fields).
BOUNDARY_PRODUCTS = {
    2021: "Lower layer Super Output Areas (December 2021) Boundaries EW BFC",
    2011: "Lower layer Super Output Areas (December 2011) Boundaries EW BFC",
}
_GEOJSON_SUFFIXES = (".geojson", ".json", ".geojson.gz", ".json.gz")


def read_boundaries(
    path: str | Path | None = None,
    *,
    year: int = 2021,
    crs: str = BNG,
    code_field: str | None = None,
    name_field: str | None = None,
    layer: str | int | None = None,
    source_crs: str | None = None,
) -> Boundaries:
    """LSOA codes, names and polygons, sorted by code.

    Parameters
    ----------
    path : str, Path or None
        ``None`` for the bundled Cheshire & Merseyside boundaries (ONS super-generalised, BSC);
        otherwise a GeoJSON (``.geojson``, ``.json``, optionally ``.gz``) or any file pyogrio
        reads (GeoPackage ``.gpkg``, Shapefile, ``.zip``), e.g. the ONS product named in
        :data:`BOUNDARY_PRODUCTS`.
    year : {2021, 2011}
        LSOA vintage; decides which code and name fields are looked for.
    crs : {"EPSG:27700", "EPSG:4326"}
        CRS of the returned polygons (default British National Grid metres).
    code_field, name_field : str, optional
        Field names, if not the usual ``LSOA21CD``/``LSOA21NM`` (any case) or
        ``lsoa21_code``/``lsoa21_name`` (``11`` for 2011).
    layer : str or int, optional
        Layer of a multi-layer file (GeoPackage); default the first.
    source_crs : str, optional
        CRS of the file when it does not say; GeoJSON without a ``crs`` member is WGS84 (RFC 7946).

    Returns
    -------
    codes : ndarray of str
    names : ndarray of str or None
    geometries : ndarray of shapely (Multi)Polygon, in ``crs``; invalid rings are repaired with
        ``shapely.make_valid``.

    Raises
    ------
    DataFileMissingError
        If ``path`` does not exist (names the ONS product to download).
    AreaCodeError
        If the file holds LSOAs of the other year (says which year to pass).
    GeoError
        If no code field is found (lists the fields), or pyogrio is needed but not installed.
    """
    year = check_year(year)
    crs = check_crs(crs)
    if path is None:
        codes, names, geoms = _bundled(year, crs)
        return codes.copy(), names.copy(), geoms.copy()
    path = Path(path)
    if not path.exists():
        raise DataFileMissingError(
            f"boundary file '{path}' does not exist; download '{BOUNDARY_PRODUCTS[year]}' "
            "(GeoPackage or GeoJSON) from the ONS Open Geography Portal "
            "(https://geoportal.statistics.gov.uk), or pass None for the bundled boundaries"
        )
    if path.name.lower().endswith(_GEOJSON_SUFFIXES):
        fields, geoms, file_crs = _read_geojson(path)
    else:
        fields, geoms, file_crs = _read_ogr(path, layer)
    code_col = _field(fields, code_field, year, "CD", "_code", path, required=True)
    name_col = _field(fields, name_field, year, "NM", "_name", path, required=False)
    codes = np.asarray(fields[code_col], dtype=object)
    names = (np.asarray(fields[name_col], dtype=object) if name_col
             else np.full(len(codes), None, dtype=object))
    geoms = reproject(_valid(geoms), check_crs(source_crs) if source_crs else file_crs, crs, path)
    order = np.argsort(codes.astype(str), kind="stable")
    return codes[order], names[order], geoms[order]


@cache
def _bundled(year: int, crs: str) -> Boundaries:
    table = load_boundaries_table(year)
    yy = year % 100
    geoms = shapely.from_wkb(table["geometry_wkb"].to_numpy())
    geoms = reproject(geoms, WGS84, crs, Path("bundled"))
    codes = table[f"lsoa{yy}_code"].to_numpy(dtype=object)
    order = np.argsort(codes.astype(str), kind="stable")
    return codes[order], table[f"lsoa{yy}_name"].to_numpy(dtype=object)[order], geoms[order]


def _read_geojson(path: Path) -> tuple[dict[str, list], NDArray[np.object_], str]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            collection = json.load(handle)
    except UnicodeDecodeError:
        problem = find_encoding_error(path, fix="save it as UTF-8 (GeoJSON is always UTF-8)")
        raise GeoError(str(problem or f"'{path}' is not UTF-8 text")) from None
    except json.JSONDecodeError as exc:
        raise GeoError(f"'{path}' is not valid JSON: {exc.msg} at line {exc.lineno}, "
                       f"column {exc.colno}") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise GeoError(f"'{path}' is not a GeoJSON FeatureCollection; pass an LSOA boundary file")
    keys = dict.fromkeys(k for f in features for k in (f.get("properties") or {}))
    fields = {k: [(f.get("properties") or {}).get(k) for f in features] for k in keys}
    geoms = shapely.from_geojson(
        np.array([json.dumps(f.get("geometry")) for f in features], dtype=object))
    name = str(((collection.get("crs") or {}).get("properties") or {}).get("name", ""))
    file_crs = BNG if name.replace("::", ":").endswith(("27700", "EPSG:27700")) else WGS84
    return fields, np.asarray(geoms, dtype=object), file_crs


def _read_ogr(path: Path, layer: str | int | None) -> tuple[dict[str, list], NDArray, str]:
    pyogrio = _pyogrio()
    info = pyogrio.read_info(path, layer=layer)
    meta, _, wkb, values = pyogrio.raw.read(path, layer=layer)
    fields = {str(n): list(v) for n, v in zip(meta["fields"], values, strict=True)}
    file_crs = str(info.get("crs") or meta.get("crs") or "")
    try:
        file_crs = check_crs(file_crs)
    except GeoError:
        raise GeoError(f"'{path}' is in CRS {file_crs!r}; reproject it to EPSG:27700 or "
                       "EPSG:4326, or pass source_crs= if the file's CRS is wrongly labelled"
                       ) from None
    return fields, np.asarray(shapely.from_wkb(wkb), dtype=object), file_crs


def _pyogrio() -> ModuleType:
    try:
        import pyogrio
    except ImportError:
        raise GeoError("reading GeoPackage and Shapefile boundaries needs pyogrio; install it "
                       "with: pip install rescomm[geopackage] (or use a GeoJSON file)") from None
    return pyogrio


def _field(fields: dict[str, list], given: str | None, year: int, ons_suffix: str,
           snake_suffix: str, path: Path, *, required: bool) -> str | None:
    by_lower = {k.lower(): k for k in fields}
    if given is not None:
        if given.lower() not in by_lower:
            raise GeoError(f"field {given!r} is not in '{path}' (fields: {list(fields)})")
        return by_lower[given.lower()]
    yy = year % 100
    for candidate in (f"lsoa{yy}{ons_suffix}".lower(), f"lsoa{yy}{snake_suffix}"):
        if candidate in by_lower:
            return by_lower[candidate]
    if not required:
        return None
    other = 2011 if year == 2021 else 2021
    for candidate in (f"lsoa{other % 100}cd", f"lsoa{other % 100}_code"):
        if candidate in by_lower:
            raise AreaCodeError(
                f"'{path}' holds LSOA {other} boundaries (field {by_lower[candidate]}) but "
                f"year={year} was asked; pass year={other}",
                codes=[],
            )
    raise GeoError(f"no LSOA {year} code field in '{path}' (fields: {list(fields)}); pass "
                   "code_field='<name of the code field>'")


def _valid(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    geoms = np.asarray(geoms, dtype=object)
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if invalid.any():
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms


def reproject(geoms: NDArray[np.object_], source: str, target: str, path: Path | str) -> NDArray:
    """Reproject ``geoms``, first checking they lie in Great Britain in their own CRS."""
    geoms = np.asarray(geoms, dtype=object)
    present = geoms[~shapely.is_missing(geoms)]
    if len(present):
        xmin, ymin, xmax, ymax = shapely.total_bounds(present)
        try:
            check_in_gb(np.array([xmin, xmax]), np.array([ymin, ymax]), source)
        except OutsideGreatBritainError as error:
            raise OutsideGreatBritainError(
                f"boundaries in '{path}' read as {source}: {error}; if the file is in another "
                "CRS pass source_crs=", count=error.count, first=error.first) from None
    if source == target:
        return geoms
    transformer = _transformer(source, target)
    return np.asarray(shapely.transform(
        geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))),
        dtype=object)
