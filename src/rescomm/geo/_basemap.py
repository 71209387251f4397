r"""An offline base map of Cheshire & Merseyside from the bundled data: where things are, with no
tile server.

Layers, all in British National Grid metres (EPSG:27700):

- **local authorities** (9): the bundled LSOA 2021 boundaries dissolved by the lookup's local
  authority (LAD 2024). LSOAs nest exactly in local authorities, so these are the authorities'
  super-generalised clipped outlines (coast and estuaries follow mean high water);
- **wards** (277 electoral wards, 2024): ward boundaries are **not** bundled, so each ward is
  the union of the LSOAs that the ONS best-fit lookup assigns to it. LSOAs do not nest in
  wards, so these outlines follow LSOA edges and can differ from the real ward boundary by up
  to an LSOA (a few hundred metres in towns);
- **LSOAs** (1,601): the bundled ONS super-generalised clipped (BSC) boundaries;
- **labels**: local authority and ward names at their population-weighted centres, the same
  points the place-name search (:class:`rescomm.geo.Gazetteer`) uses, ranked by Census 2021
  population so that a map short of room shows the larger places.

:func:`level_of_detail` says which layers and how much simplification suit a view of a given
size; :meth:`BaseMap.view` cuts the map to a view. Geometry is simplified with
:func:`shapely.simplify` (Douglas-Peucker, topology preserved), tolerance in metres.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import shapely

#: Layers from the coarsest to the finest.
LAYERS: tuple[str, ...] = ("lad", "ward", "lsoa")
#: Views up to this size (metres, the longer side) show LSOA outlines too.
LSOA_DETAIL_M = 12_000.0
#: Views up to this size show ward outlines and names; larger ones only local authorities.
WARD_DETAIL_M = 50_000.0
#: Simplification tolerance as a share of the view's longer side: 1/2000 is half a pixel on a
#: 1,000 pixel wide map.
TOLERANCE_SHARE = 1 / 2000


@dataclass(frozen=True)
class BaseMapArea:
    """One outline: ``layer`` is ``"lad"``, ``"ward"`` or ``"lsoa"``; BNG geometry."""

    layer: str
    code: str
    name: str
    geometry: shapely.Geometry


@dataclass(frozen=True)
class BaseMapLabel:
    """A place name to write at ``easting, northing`` (BNG metres); larger ``population``
    first when labels compete for room."""

    layer: str
    code: str
    name: str
    easting: float
    northing: float
    population: int


@dataclass(frozen=True)
class Detail:
    """What a view of a given size shows: layers, simplification (metres) and label layers."""

    layers: tuple[str, ...]
    tolerance: float
    label_layers: tuple[str, ...]


def level_of_detail(span: float) -> Detail:
    """The layers, tolerance and labels for a view whose longer side is ``span`` metres.

    LSOA outlines up to :data:`LSOA_DETAIL_M`, ward outlines and names up to
    :data:`WARD_DETAIL_M`, simplification of ``span * TOLERANCE_SHARE`` metres (6 m for a
    12 km view).
    """
    if not np.isfinite(span) or span <= 0:
        raise ValueError(f"a view's size must be a positive number of metres, not {span!r}")
    wards = span <= WARD_DETAIL_M
    layers = LAYERS if span <= LSOA_DETAIL_M else LAYERS[:2] if wards else LAYERS[:1]
    labels = ("lad", "ward") if wards else ("lad",)
    return Detail(layers, span * TOLERANCE_SHARE, labels)


@dataclass(frozen=True)
class BaseMapView:
    """The part of a base map inside ``bounds`` (minx, miny, maxx, maxy, BNG metres)."""

    bounds: tuple[float, float, float, float]
    areas: tuple[BaseMapArea, ...]
    labels: tuple[BaseMapLabel, ...]


class BaseMap:
    """Outlines and place names to draw under a map's markers (see the module notes)."""

    def __init__(self, areas: Iterable[BaseMapArea], labels: Iterable[BaseMapLabel]):
        self.areas = tuple(areas)
        self.labels = tuple(sorted(labels, key=lambda lab: (-lab.population, lab.name)))
        unknown = {a.layer for a in self.areas} - set(LAYERS)
        if unknown:
            raise ValueError(f"unknown base map layer(s) {sorted(unknown)}; use {LAYERS}")
        self._geoms = np.array([a.geometry for a in self.areas], dtype=object)
        self._tree = shapely.STRtree(self._geoms)

    @classmethod
    def from_lsoas(cls, codes: Sequence[str], geometries: Sequence[shapely.Geometry],
                   lookup: pd.DataFrame, places: Iterable) -> BaseMap:
        """Build the layers from LSOA outlines (BNG) and the LSOA -> ward -> local authority
        lookup (``lsoa21_code, lsoa21_name, ward_code, ward_name, lad_code, lad_name``).

        ``places`` are :class:`rescomm.geo.Place` objects; those of kind ``ward`` and ``lad``
        become labels.

        Raises
        ------
        ValueError
            If an LSOA is missing from the lookup (names the first few).
        """
        codes = np.asarray(codes, dtype=object)
        geometries = np.asarray(geometries, dtype=object)
        table = lookup.set_index("lsoa21_code")
        missing = [c for c in codes if c not in table.index]
        if missing:
            raise ValueError(f"{len(missing)} LSOA(s) are not in the lookup, e.g. "
                             f"{', '.join(missing[:3])}")
        rows = table.loc[codes]
        areas: list[BaseMapArea] = []
        for layer, code_col, name_col in (("lad", "lad_code", "lad_name"),
                                          ("ward", "ward_code", "ward_name")):
            keys = rows[code_col].to_numpy()
            names = dict(zip(rows[code_col], rows[name_col], strict=True))
            for key in sorted(set(keys)):
                union = shapely.union_all(geometries[keys == key])
                areas.append(BaseMapArea(layer, key, names[key], union))
        areas += [BaseMapArea("lsoa", c, n, g)
                  for c, n, g in zip(codes, rows["lsoa21_name"], geometries, strict=True)]
        labels = [BaseMapLabel(p.kind, p.code, p.name, p.easting, p.northing, p.population)
                  for p in places if p.kind in ("lad", "ward")]
        return cls(areas, labels)

    @classmethod
    @cache
    def bundled(cls) -> BaseMap:
        """The C&M base map from the bundled boundaries, lookup and gazetteer (cached)."""
        from rescomm.data import load_lsoa21_lookup

        from ._boundaries import read_boundaries
        from ._gazetteer import Gazetteer

        codes, _names, geometries = read_boundaries()
        return cls.from_lsoas(codes, geometries, load_lsoa21_lookup(),
                              Gazetteer.bundled().places())

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) of every outline, BNG metres."""
        return tuple(float(v) for v in shapely.total_bounds(self._geoms))

    def view(self, bounds: Sequence[float], *, detail: Detail | None = None,
             clip_margin: float | None = None) -> BaseMapView:
        """The outlines that meet ``bounds`` and the labels inside it.

        Parameters
        ----------
        bounds
            (minx, miny, maxx, maxy), BNG metres.
        detail
            Layers, tolerance and label layers; default :func:`level_of_detail` of the
            longer side of ``bounds``.
        clip_margin
            If given, outlines are cut to ``bounds`` grown by this many metres (smaller
            drawings; the cut edges fall outside the view). Default: whole outlines.
        """
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        if not (minx < maxx and miny < maxy):
            raise ValueError(f"bounds must be (minx, miny, maxx, maxy) with min < max, not "
                             f"{tuple(bounds)}")
        detail = detail or level_of_detail(max(maxx - minx, maxy - miny))
        hits = self._tree.query(shapely.box(minx, miny, maxx, maxy), predicate="intersects")
        order = {layer: i for i, layer in enumerate(LAYERS)}
        chosen = sorted((int(i) for i in hits if self.areas[i].layer in detail.layers),
                        key=lambda i: (order[self.areas[i].layer], self.areas[i].code))
        geoms = self._geoms[chosen] if chosen else np.array([], dtype=object)
        if clip_margin is not None and len(geoms):
            m = clip_margin
            geoms = shapely.clip_by_rect(geoms, minx - m, miny - m, maxx + m, maxy + m)
        if detail.tolerance > 0 and len(geoms):
            geoms = shapely.simplify(geoms, detail.tolerance, preserve_topology=True)
        areas = tuple(
            BaseMapArea(self.areas[i].layer, self.areas[i].code, self.areas[i].name, g)
            for i, g in zip(chosen, geoms, strict=True) if not shapely.is_empty(g))
        labels = tuple(lab for lab in self.labels if lab.layer in detail.label_layers
                       and minx <= lab.easting <= maxx and miny <= lab.northing <= maxy)
        return BaseMapView((minx, miny, maxx, maxy), areas, labels)
