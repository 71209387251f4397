"""rescomm.data: loaders for bundled and official open data (no Django).

``load_*`` read the compact tables bundled with the package; ``read_*`` read the full official
files that users download (e.g. :func:`read_onspd` for the ONS Postcode Directory,
:func:`read_indicators` for the inputs of the resilience frameworks, and
:func:`read_gp_practices`, :func:`read_ace_libraries`, :func:`read_gias` and
:func:`read_greenspace_access_points` for community assets, and
:func:`read_library_opening_times` for library opening hours).

The bundled tables are real open data for Cheshire & Merseyside (see ``bundled/MANIFEST.json`` and
the project ``NOTICE`` for sources and attribution).
"""

import lazy_loader

#: Public names by the private module that defines them; each module is imported on first
#: use (PEP 562, via lazy_loader), so importing this package stays cheap.
_SUBMODULE_NAMES = {
    "_asset_io": ["title_case_name"],
    "_asset_taxonomy": [
        "CAPITALS", "CATEGORIES", "CATEGORY_CAPITALS", "CATEGORY_NEEDS", "GREENSPACE_CLASSES",
        "NEEDS", "asset_tags",
    ],
    "_assets": [
        "load_assets", "load_gp_practices", "load_greenspace_access_points",
        "load_greenspace_sites", "load_libraries", "load_schools",
    ],
    "_bundled": [
        "BUNDLED_DIR", "CM_LOCAL_AUTHORITIES", "attributions", "bundled_path",
        "load_boundaries_table", "load_imd", "load_lsoa11_lookup", "load_lsoa11_lsoa21_lookup",
        "load_lsoa21_lookup", "load_population", "load_postcodes", "manifest",
    ],
    "_encoding": ["ENCODING_ADVICE", "FileEncodingError", "find_encoding_error", "read_text_file"],
    "_errors": [
        "AssetCoordinateError", "AssetFileError", "DataFileMissingError", "IndicatorFileError",
        "OpeningHoursError", "OpeningHoursWarning",
    ],
    "_gp_practices": ["read_gp_practices"],
    "_greenspace": [
        "GREENSPACE_SIZE_RANGES", "greenspace_names", "greenspace_sites",
        "read_greenspace_access_points", "read_greenspace_site_names",
    ],
    "_indicators": ["INDICATOR_COLUMNS", "load_indicators", "read_indicators"],
    "_libraries": ["read_ace_libraries"],
    "_library_hours": [
        "library_opening_times", "match_library_opening_times", "normalise_library_name",
        "read_library_opening_times",
    ],
    "_needs": ["NEED_CODES", "NEED_LABELS", "UnknownNeedError", "need_label", "validate_needs"],
    "_nhs_number": [
        "InvalidNhsNumberError", "is_valid_nhs_number", "mask_nhs_number", "nhs_check_digit",
        "validate_nhs_number",
    ],
    "_official": ["ONSPD_FIELDS", "DataFormatError", "read_onspd"],
    "_opening_hours": ["DAY_CODES", "parse_sessions", "weekly_rules"],
    "_opening_text": ["parse_opening_times", "read_session"],
    "_schools": ["read_gias"],
}

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_SUBMODULE_NAMES)
