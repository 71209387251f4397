"""Boundary geometry conversions for storage: WKB (WGS84) -> compact GeoJSON text."""

from __future__ import annotations

import json

import shapely

#: Decimal places kept for stored WGS84 coordinates (5 places is about 1 m).
COORDINATE_DECIMALS = 5


def geojson_from_wkb(wkb: bytes) -> tuple[str, float, float]:
    """A WKB geometry as compact GeoJSON text, plus its representative point (lat, lon).

    Coordinates are rounded to :data:`COORDINATE_DECIMALS`; the representative point is inside
    the polygon (unlike a centroid of a crescent-shaped area).
    """
    geometry = shapely.from_wkb(wkb)
    rounded = shapely.set_precision(geometry, 10**-COORDINATE_DECIMALS)
    if rounded.is_empty:
        rounded = geometry
    point = rounded.representative_point()
    mapping = shapely.geometry.mapping(rounded)
    text = json.dumps(_round_coordinates(mapping), separators=(",", ":"))
    return text, round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)


def _round_coordinates(mapping: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(float(v), COORDINATE_DECIMALS) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": mapping["type"], "coordinates": walk(mapping["coordinates"])}
