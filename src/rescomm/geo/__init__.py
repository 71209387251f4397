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
``_coverage``             asset coverage per small area (:func:`coverage`, asset deserts)
``_basemap``              :class:`BaseMap` (offline base map: outlines and place names)
``_arrow``                thin adaptor over pyarrow's string kernels
========================  ==============================================================

See ``docs/geo.md`` for the methods, data sources and caveats.
"""

import lazy_loader

#: Public names by the private module that defines them; each module is imported on first
#: use (PEP 562, via lazy_loader), so importing this package stays cheap.
_SUBMODULE_NAMES = {
    "_areas": ["AreaHierarchy"],
    "_basemap": [
        "BaseMap", "BaseMapArea", "BaseMapLabel", "BaseMapView", "Detail", "level_of_detail",
    ],
    "_boundaries": ["BOUNDARY_PRODUCTS", "read_boundaries"],
    "_bridge": ["lsoa11_to_lsoa21", "lsoa21_to_lsoa11"],
    "_coverage": [
        "DEFAULT_GROUPS", "DEFAULT_RADIUS_M", "DEFAULT_THRESHOLDS_M", "EmptyGroupWarning",
        "ZeroPopulationWarning", "area_mean_nearest_distance", "asset_deserts", "asset_points",
        "assets_per_1000", "catchment_population", "coverage", "desert_summary",
        "nearest_asset_distance", "population_weighted_centres", "to_geojson",
    ],
    "_crs": ["BNG", "WGS84", "bng_to_wgs84", "wgs84_to_bng"],
    "_errors": [
        "AreaCodeError", "GeoError", "HINT_ACTIONS", "Hint", "InvalidPostcodeError",
        "OutsideGreatBritainError", "TerminatedPostcodeError", "UnknownPostcodeError",
        "hint_text",
    ],
    "_gazetteer": ["Gazetteer", "Place", "normalise_place_name", "place_centres"],
    "_locator": ["LsoaLocator"],
    "_points": ["PointIndex"],
    "_postcode": ["normalise_postcode", "normalise_postcodes"],
    "_postcode_index": ["PostcodeIndex", "lookup_postcode", "lookup_postcodes"],
    "_postcode_record": ["EXACT_LSOA21_METHODS", "LSOA21_METHODS", "PostcodeRecord"],
}

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_SUBMODULE_NAMES)
