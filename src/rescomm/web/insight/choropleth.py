"""Server-rendered SVG maps: the IMD decile choropleth and one LSOA's outline.

Geometry arrives as GeoJSON in WGS84; it is projected to the British National Grid (EPSG:27700,
metres) so that shapes keep their proportions, snapped to a grid of :data:`GRID_METRES` and
written as compact relative SVG paths (the home page must stay small: about 1,600 areas).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: Colour-blind-safe sequential palette (viridis, 10 steps): decile 1 (most deprived) darkest.
DECILE_COLOURS: dict[int, str] = {
    1: "#440154",
    2: "#482878",
    3: "#3e4989",
    4: "#31688e",
    5: "#26828e",
    6: "#1f9e89",
    7: "#35b779",
    8: "#6ece58",
    9: "#b5de2b",
    10: "#fde725",
}
#: What the end deciles mean (IoD deciles are national: 1 = most deprived 10% in England).
DECILE_ENDS = {1: "most deprived", 10: "least deprived"}


def decile_label(decile: int, suffix: str = "") -> str:
    """``"1 (most deprived)"``, ``"5"``, ``"10 (least deprived)"``; ``suffix`` after the note."""
    note = DECILE_ENDS.get(decile)
    return f"{decile} ({note}{suffix})" if note else str(decile)


#: Size of one SVG user unit on the ground, for the area map (metres).
GRID_METRES = 20.0


@dataclass(frozen=True)
class MapArea:
    """One area to draw: ``geometry`` is GeoJSON text in WGS84."""

    code: str
    name: str
    decile: int | None
    url: str
    geometry: str


@cache
def _to_bng():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def project(geometry_geojson: str) -> shapely.Geometry:
    """WGS84 GeoJSON text -> shapely geometry in British National Grid metres."""
    geometry = shapely.from_geojson(geometry_geojson)
    transformer = _to_bng()

    def to_bng(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, to_bng)


def _path(geometry: shapely.Geometry, origin: tuple[float, float], unit: float) -> str:
    """Compact SVG path data: absolute move, relative integer steps, y flipped (north up)."""
    x0, y0 = origin
    parts: list[str] = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            grid = np.rint(
                np.column_stack([(coords[:, 0] - x0) / unit, (y0 - coords[:, 1]) / unit])
            ).astype(int)
            keep = np.ones(len(grid), dtype=bool)
            keep[1:] = np.any(grid[1:] != grid[:-1], axis=1)
            grid = grid[keep]
            if len(grid) > 1 and (grid[0] == grid[-1]).all():
                grid = grid[:-1]
            if len(np.unique(grid, axis=0)) < 3:
                continue
            steps = np.diff(grid, axis=0)
            text = f"M{grid[0][0]} {grid[0][1]}l" + " ".join(f"{dx} {dy}" for dx, dy in steps)
            parts.append(text.replace(" -", "-") + "z")
    return "".join(parts)


def _frame(geometries: Sequence[shapely.Geometry], unit: float, margin: float = 2):
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geometries, dtype=object))
    origin = (minx - margin * unit, maxy + margin * unit)
    width = int(np.ceil((maxx - minx) / unit + 2 * margin))
    height = int(np.ceil((maxy - miny) / unit + 2 * margin))
    return origin, width, height


def decile_map_svg(areas: Iterable[MapArea], *, label_id: str) -> SafeString:
    """An SVG choropleth: each area a link to its page, with a ``<title>`` naming it.

    Areas are coloured with CSS classes ``d1`` ... ``d10`` (``nodata`` without a decile); the
    stylesheet maps them to :data:`DECILE_COLOURS`. ``label_id`` is the id of the heading that
    names the map.
    """
    areas = list(areas)
    if not areas:
        return mark_safe("")  # noqa: S308 - constant
    geometries = [project(area.geometry) for area in areas]
    origin, width, height = _frame(geometries, GRID_METRES)
    rows = []
    for area, geometry in zip(areas, geometries, strict=True):
        path = _path(geometry, origin, GRID_METRES)
        if not path:
            continue
        decile = f"decile {area.decile}" if area.decile else "no decile"
        css = f"d{area.decile}" if area.decile else "nodata"
        rows.append(
            f'<a href="{escape(area.url)}"><title>{escape(area.name)} ({escape(area.code)}), '
            f'{decile}</title><path class="{css}" d="{path}"/></a>'
        )
    header = (
        f'<svg class="choropleth" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} '
        f'{height}" role="group" aria-labelledby="{escape(label_id)}">'
    )
    return mark_safe(header + "\n".join(rows) + "</svg>")  # noqa: S308 - every value escaped


def outline_svg(geometry_geojson: str, *, title: str, size: int = 240) -> SafeString:
    """A small SVG of one area's outline, scaled to fit a ``size`` square."""
    geometry = project(geometry_geojson)
    minx, miny, maxx, maxy = geometry.bounds
    extent = max(maxx - minx, maxy - miny, 1.0)
    unit = extent / (size - 8)
    origin, width, height = _frame([geometry], unit, margin=4)
    return format_html(
        '<svg class="outline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="outline-title"><title id="outline-title">{}</title>'
        '<path d="{}"/></svg>',
        width,
        height,
        title,
        _path(geometry, origin, unit),
    )


def palette_json() -> str:
    """The palette as JSON (for the Leaflet map script)."""
    return json.dumps({str(k): v for k, v in DECILE_COLOURS.items()})
