"""rescomm.geo: the geography core (postcodes, areas, coordinates, boundaries; no Django).

Everything public is listed in ``__all__``; implementation lives in private modules, one job each:

========================  ==============================================================
``_errors``               the exception hierarchy (all subclasses of :class:`GeoError`)
``_postcode``             postcode normalisation (scalar and vectorised)
``_postcode_record``      :class:`PostcodeRecord` and the ``lsoa21_method`` vocabulary
``_postcode_index``       :class:`PostcodeIndex` and the bundled look-up functions
``_crs``                  EPSG:27700 <-> EPSG:4326 and the Great Britain bounds checks
``_areas``                :class:`AreaHierarchy` (LSOA -> MSOA -> LA -> ICB -> region)
``_bridge``               LSOA 2011 <-> 2021 population-weighted apportioning
``_boundaries``           :func:`read_boundaries` (bundled, GeoJSON, GeoPackage)
``_locator``              :class:`LsoaLocator` (point in LSOA)
``_points``               :class:`PointIndex` (nearest / within radius)
``_gazetteer``            :class:`Gazetteer` (place names: wards, MSOAs, local authorities)
``_basemap``              :class:`BaseMap` (offline base map: outlines and place names)
``_arrow``                thin adaptor over pyarrow's string kernels
========================  ==============================================================

See ``docs/geo.md`` for the methods, data sources and caveats.
"""

from ._areas import AreaHierarchy
from ._basemap import BaseMap, BaseMapArea, BaseMapLabel, BaseMapView, Detail, level_of_detail
from ._boundaries import BOUNDARY_PRODUCTS, read_boundaries
from ._bridge import lsoa11_to_lsoa21, lsoa21_to_lsoa11
from ._crs import BNG, WGS84, bng_to_wgs84, wgs84_to_bng
from ._errors import (
    AreaCodeError,
    GeoError,
    InvalidPostcodeError,
    OutsideGreatBritainError,
    TerminatedPostcodeError,
    UnknownPostcodeError,
)
from ._gazetteer import Gazetteer, Place, normalise_place_name, place_centres
from ._locator import LsoaLocator
from ._points import PointIndex
from ._postcode import normalise_postcode, normalise_postcodes
from ._postcode_index import PostcodeIndex, lookup_postcode, lookup_postcodes
from ._postcode_record import EXACT_LSOA21_METHODS, LSOA21_METHODS, PostcodeRecord

__all__ = [
    "BNG",
    "BOUNDARY_PRODUCTS",
    "EXACT_LSOA21_METHODS",
    "LSOA21_METHODS",
    "WGS84",
    "AreaCodeError",
    "AreaHierarchy",
    "BaseMap",
    "BaseMapArea",
    "BaseMapLabel",
    "BaseMapView",
    "Detail",
    "Gazetteer",
    "GeoError",
    "InvalidPostcodeError",
    "LsoaLocator",
    "OutsideGreatBritainError",
    "Place",
    "PointIndex",
    "PostcodeIndex",
    "PostcodeRecord",
    "TerminatedPostcodeError",
    "UnknownPostcodeError",
    "bng_to_wgs84",
    "level_of_detail",
    "lookup_postcode",
    "lookup_postcodes",
    "lsoa11_to_lsoa21",
    "lsoa21_to_lsoa11",
    "normalise_place_name",
    "normalise_postcode",
    "normalise_postcodes",
    "place_centres",
    "read_boundaries",
    "wgs84_to_bng",
]
