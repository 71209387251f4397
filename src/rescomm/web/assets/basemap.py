"""The asset map's offline base layer: local authority, ward and LSOA outlines and place names
from the bundled data (:class:`rescomm.geo.BaseMap`), drawn when no tiles can be had.

Two drawings of the same layer:

- :func:`layer_json` for Leaflet: the outlines meeting a WGS84 box and the names inside it, at
  the level of detail for the box's size (:func:`rescomm.geo.level_of_detail`), as rings of
  integer steps of 0.00001 degrees (about 1 m): about a fifth of the size of the same GeoJSON.
  Served by ``/assets/basemap.json`` and cached per box;
- :func:`map_svg` for pages without JavaScript (or without Leaflet): the same outlines and
  names in British National Grid metres, cut to the view, with the searched point, the radius
  circle and the page's assets numbered as in the list.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rescomm.geo import (
    BNG,
    WGS84,
    BaseMap,
    Detail,
    bng_to_wgs84,
    level_of_detail,
    wgs84_to_bng,
)

#: Bump when the output changes, so that cached drawings are not served.
VERSION = 1
#: Boxes larger than this (degrees, either side) are refused: the whole of C&M is about 1.3.
MAX_SPAN_DEGREES = 3.0


def attribution() -> str:
    """The offline layer's attribution (HTML): short, linked to the sources page, which has
    the licence statements of the bundled boundaries (ONS and OS, Open Government Licence)."""
    from django.urls import reverse
    from django.utils.html import format_html

    return str(format_html('<a href="{}">Boundaries: ONS, OS (Open Government Licence)</a>',
                           reverse("insight:sources")))


def _transformer(source: str, target: str):
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def warm() -> None:
    """Build the bundled base map now (it is cached per process), and log how long it took."""
    import logging
    import time

    start = time.perf_counter()
    BaseMap.bundled()
    logging.getLogger(__name__).info("offline base map ready in %.1f s",
                                     time.perf_counter() - start)


def box_to_bng(west: float, south: float, east: float, north: float) -> tuple[float, ...]:
    """The BNG box (metres) that holds a WGS84 box (its corners and edge midpoints)."""
    lons = np.array([west, east, west, east, (west + east) / 2, (west + east) / 2, west, east])
    lats = np.array([south, south, north, north, south, north, (south + north) / 2,
                     (south + north) / 2])
    x, y = wgs84_to_bng(lons, lats)
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


#: Coordinates are sent as whole multiples of this many degrees (about 1 m), or of the
#: coarser step (about 10 m) once outlines are simplified by 10 m or more.
STEP_DEGREES = 1e-5
COARSE_STEP_DEGREES = 1e-4


def _rings_wgs84(geometry, transformer, step: float) -> list[list[int]]:
    """The rings of a (multi)polygon as flat integer lists: the first point in units of
    ``step`` degrees (longitude, latitude), then each step from the point before."""
    rings = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)[:-1]  # the closing point is implied
            if len(coords) < 3:
                continue
            lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
            grid = np.rint(np.column_stack([lon, lat]) / step).astype(np.int64)
            keep = np.ones(len(grid), dtype=bool)
            keep[1:] = np.any(grid[1:] != grid[:-1], axis=1)
            grid = grid[keep]
            if len(grid) < 3:
                continue
            steps = np.vstack([grid[:1], np.diff(grid, axis=0)])
            rings.append(steps.ravel().tolist())
    return rings


def layer_json(west: float, south: float, east: float, north: float) -> str:
    """The offline layer for a WGS84 box, as compact JSON text (cached per box)::

        {"step": 1e-05 (or 0.0001 for larger views),
         "lad": [ring, ...], "ward": [...], "lsoa": [...],
         "labels": [{"kind": "lad" | "ward", "name": ..., "lon": ..., "lat": ...}, ...]}

    Each ring is a flat list of integers: the first point (longitude, latitude) in units of
    ``step`` degrees, then each next point as the step from the one before (the ring closes on
    the first point). Outlines are those meeting the box at the level of detail for its size
    (:func:`rescomm.geo.level_of_detail`); labels are the names inside it, larger places first
    (they win when names compete for room). A ``layer`` left out by the level of detail is an
    empty list.
    """
    key = f"assets:basemap:{VERSION}:{west:.5f},{south:.5f},{east:.5f},{north:.5f}"
    text = cache.get(key)
    if text is not None:
        return text
    bounds = box_to_bng(west, south, east, north)
    detail = level_of_detail(max(bounds[2] - bounds[0], bounds[3] - bounds[1]))
    view = BaseMap.bundled().view(bounds, detail=detail)
    step = COARSE_STEP_DEGREES if detail.tolerance >= 10 else STEP_DEGREES
    transformer = _transformer(BNG, WGS84)
    body: dict = {"step": step, "lad": [], "ward": [], "lsoa": []}
    for area in view.areas:
        body[area.layer].extend(_rings_wgs84(area.geometry, transformer, step))
    labels = []
    if view.labels:
        lon, lat = bng_to_wgs84([lab.easting for lab in view.labels],
                                [lab.northing for lab in view.labels])
        for lab, x, y in zip(view.labels, np.atleast_1d(lon), np.atleast_1d(lat), strict=True):
            labels.append({"kind": lab.layer, "name": lab.name,
                           "lon": round(float(x), 5), "lat": round(float(y), 5)})
    body["labels"] = labels
    text = json.dumps(body, separators=(",", ":"))
    cache.set(key, text, 24 * 3600)
    return text


# The drawing without JavaScript -----------------------------------------------------------------

#: Size of the drawing in SVG units along its longer side.
UNITS = 1000
#: Simplification of the drawing's outlines, in SVG units.
SIMPLIFY_UNITS = 1.5
#: Frame of a search: width and height in radii (a 3:2 frame, the circle with a margin).
SEARCH_FRAME = (3.45, 2.3)
#: Smallest frame of a map without a search (metres along the longer side).
MIN_SPAN_M = 2000.0
#: Two label sizes: the drawing shown about 720 px wide, and about 360 px wide (phones). Each
#: is (display width px, font px of local authority names, of ward names, marker radius px).
WIDE = (720, 14, 12, 9)
NARROW = (360, 12, 11, 8)


@dataclass(frozen=True)
class Frame:
    """The drawn rectangle: BNG ``origin`` (top left), metres per SVG ``unit``, size."""

    minx: float
    miny: float
    maxx: float
    maxy: float
    unit: float

    @property
    def width(self) -> int:
        return math.ceil((self.maxx - self.minx) / self.unit)

    @property
    def height(self) -> int:
        return math.ceil((self.maxy - self.miny) / self.unit)

    def xy(self, easting: float, northing: float) -> tuple[float, float]:
        return (easting - self.minx) / self.unit, (self.maxy - northing) / self.unit


def frame_for(*, searched: dict | None, points: Sequence[tuple[float, float]]) -> Frame | None:
    """The frame of a search (its circle in a 3:2 rectangle) or of the ``points`` (BNG)."""
    if searched:
        cx, cy, r = searched["easting"], searched["northing"], float(searched["radius"])
        half_w, half_h = SEARCH_FRAME[0] * r / 2, SEARCH_FRAME[1] * r / 2
        box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    elif points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        span = max(max(xs) - min(xs), (max(ys) - min(ys)) * 1.5, MIN_SPAN_M) * 1.15
        box = (cx - span / 2, cy - span / 3, cx + span / 2, cy + span / 3)
    else:
        return None
    longer = max(box[2] - box[0], box[3] - box[1])
    return Frame(*box, unit=longer / UNITS)


def _path(geometry, frame: Frame) -> str:
    """Compact SVG path data: an absolute move, then relative whole-unit steps, y down."""
    parts: list[str] = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.asarray(ring.coords)
            grid = np.rint(np.column_stack([(coords[:, 0] - frame.minx) / frame.unit,
                                            (frame.maxy - coords[:, 1]) / frame.unit])).astype(int)
            keep = np.ones(len(grid), dtype=bool)
            keep[1:] = np.any(grid[1:] != grid[:-1], axis=1)
            grid = grid[keep]
            if len(grid) > 1 and (grid[0] == grid[-1]).all():
                grid = grid[:-1]
            if len(grid) < 3:
                continue
            steps = np.diff(grid, axis=0).ravel()
            text = f"M{grid[0][0]} {grid[0][1]}l" + " ".join(map(str, steps))
            parts.append(text.replace(" -", "-") + "z")
    return "".join(parts)


def _polygons(geometry):
    """Only the polygons of a geometry (a cut can leave lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    return shapely.MultiPolygon([g for g in getattr(geometry, "geoms", [])
                                 if g.geom_type == "Polygon"])


def _labels(view, frame: Frame, size: tuple[int, int, int, int], *,
            searched: list[tuple[float, float, float, float]]) -> tuple[str, float, float]:
    """Names that fit without overlapping each other or the searched point's label, local
    authorities first, then wards, larger places first; as SVG text (drawn under the
    markers, so a marker may cover part of a name)."""
    width_px, lad_px, ward_px, _ = size
    px = frame.width / width_px  # SVG units per displayed pixel
    taken = list(searched)
    out = []
    ordered = sorted(view.labels, key=lambda lab: (lab.layer != "lad", -lab.population))
    for lab in ordered:
        font = (lad_px if lab.layer == "lad" else ward_px) * px
        w, h = 0.56 * font * len(lab.name) + 4 * px, 1.3 * font
        x, y = frame.xy(lab.easting, lab.northing)
        box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if box[0] < 0 or box[1] < 0 or box[2] > frame.width or box[3] > frame.height:
            continue
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
               for b in taken):
            continue
        taken.append(box)
        out.append(f'<text class="bm-{lab.layer}" x="{x:.0f}" y="{y + 0.35 * font:.0f}">'
                   f"{escape(lab.name)}</text>")
    return "".join(out), lad_px * px, ward_px * px


def map_svg(*, searched: dict | None, markers: Sequence[dict], label_id: str) -> SafeString:
    """The map without JavaScript: offline layer, radius circle, searched point and markers.

    ``searched`` has ``short`` (the label to write), ``radius`` (metres), ``easting`` and
    ``northing``; each marker
    ``number`` (as in the list), ``name`` and ``lat``/``lon``. ``label_id`` names the element
    that describes the map. Empty when there is nothing to frame.
    """
    if markers:
        xs, ys = wgs84_to_bng([m["lon"] for m in markers], [m["lat"] for m in markers])
        points = list(zip(np.atleast_1d(xs).tolist(), np.atleast_1d(ys).tolist(), strict=True))
    else:
        points = []
    frame = frame_for(searched=searched, points=points)
    if frame is None:
        return mark_safe("")  # noqa: S308 - constant
    bounds = (frame.minx, frame.miny, frame.maxx, frame.maxy)
    detail = level_of_detail(max(frame.maxx - frame.minx, frame.maxy - frame.miny))
    # Simplify by a unit and a half: about a pixel at the drawing's widest (720 px for 1,000
    # units); anything finer is lost to the whole-unit grid of the paths anyway.
    detail = Detail(detail.layers, SIMPLIFY_UNITS * frame.unit, detail.label_layers)
    view = BaseMap.bundled().view(bounds, detail=detail, clip_margin=4 * frame.unit)
    by_layer: dict[str, list[str]] = {"lad": [], "ward": [], "lsoa": []}
    for area in view.areas:
        by_layer[area.layer].append(_path(_polygons(area.geometry), frame))
    sizes = {}
    for name, size in (("wide", WIDE), ("narrow", NARROW)):
        px = frame.width / size[0]
        sizes[name] = {"marker": size[3] * px, "px": px}
    here = ""
    if searched:
        cx, cy = frame.xy(searched["easting"], searched["northing"])
        r = float(searched["radius"]) / frame.unit
        here = (f'<circle class="bm-radius" cx="{cx:.0f}" cy="{cy:.0f}" r="{r:.0f}"/>'
                f'<circle class="bm-here" cx="{cx:.0f}" cy="{cy:.0f}"/>')
    marks = []
    for marker, (e, n) in zip(markers, points, strict=True):
        x, y = frame.xy(e, n)
        if 0 <= x <= frame.width and 0 <= y <= frame.height:
            marks.append(f'<g class="bm-marker" transform="translate({x:.0f} {y:.0f})">'
                         f'<circle/><text y="0.35em">{int(marker["number"])}</text></g>')
    labels = {}
    for name, size in (("wide", WIDE), ("narrow", NARROW)):
        px = sizes[name]["px"]
        here_box = []
        if searched:
            cx, cy = frame.xy(searched["easting"], searched["northing"])
            here_box.append((cx - 60 * px, cy - 30 * px, cx + 60 * px, cy + 12 * px))
        labels[name] = _labels(view, frame, size, searched=here_box)
    searched_label = ""
    if searched:
        cx, cy = frame.xy(searched["easting"], searched["northing"])
        searched_label = (f'<text class="bm-here-label" x="{cx:.0f}" y="{cy:.0f}">'
                          f"{escape(searched['short'])}</text>")
    style = "".join(
        f"{scope}#{label_id}-svg .bm-marker circle{{r:{s['marker']:.1f}px}}"
        f"#{label_id}-svg .bm-marker text{{font-size:{s['marker'] * 1.25:.1f}px}}"
        f"#{label_id}-svg .bm-here{{r:{s['marker'] * 0.8:.1f}px;stroke-width:{3 * s['px']:.1f}px}}"
        f"#{label_id}-svg .bm-here-label{{font-size:{labels[name][2] * 1.1:.1f}px;"
        f"transform:translateY(-{s['marker'] * 1.6:.1f}px)}}"
        f"#{label_id}-svg .bm-lad{{font-size:{labels[name][1]:.1f}px}}"
        f"#{label_id}-svg .bm-ward{{font-size:{labels[name][2]:.1f}px}}"
        f"{'}' if scope else ''}"
        for name, s, scope in (("wide", sizes["wide"], ""),
                               ("narrow", sizes["narrow"], "@media (max-width: 40em){"))
    )
    body = (
        f'<svg class="basemap-svg" id="{escape(label_id)}-svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {frame.width} {frame.height}" role="img" '
        f'aria-labelledby="{escape(label_id)}">'
        f"<style>{style}</style>"
        f'<rect class="bm-water" width="{frame.width}" height="{frame.height}"/>'
        f'<path class="bm-land" d="{"".join(by_layer["lad"])}"/>'
        f'<path class="bm-lsoa-line" d="{"".join(by_layer["lsoa"])}"/>'
        f'<path class="bm-ward-line" d="{"".join(by_layer["ward"])}"/>'
        f'<path class="bm-lad-line" d="{"".join(by_layer["lad"])}"/>'
        f'<g class="bm-labels bm-labels--wide">{labels["wide"][0]}</g>'
        f'<g class="bm-labels bm-labels--narrow">{labels["narrow"][0]}</g>'
        f"{here}{''.join(marks)}{searched_label}</svg>"
    )
    return mark_safe(body)  # noqa: S308 - every value escaped or a number
