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

from ._asset_taxonomy import (
    CAPITALS,
    CATEGORIES,
    CATEGORY_CAPITALS,
    CATEGORY_NEEDS,
    GREENSPACE_CLASSES,
    NEEDS,
    asset_tags,
)
from ._assets import (
    load_assets,
    load_gp_practices,
    load_greenspace_access_points,
    load_greenspace_sites,
    load_libraries,
    load_schools,
)
from ._bundled import (
    BUNDLED_DIR,
    CM_LOCAL_AUTHORITIES,
    attributions,
    bundled_path,
    load_boundaries_table,
    load_imd,
    load_lsoa11_lookup,
    load_lsoa11_lsoa21_lookup,
    load_lsoa21_lookup,
    load_population,
    load_postcodes,
    manifest,
)
from ._encoding import FileEncodingError, find_encoding_error, read_text_file
from ._errors import (
    AssetCoordinateError,
    AssetFileError,
    DataFileMissingError,
    IndicatorFileError,
    OpeningHoursError,
    OpeningHoursWarning,
)
from ._gp_practices import read_gp_practices
from ._greenspace import greenspace_sites, read_greenspace_access_points
from ._indicators import INDICATOR_COLUMNS, load_indicators, read_indicators
from ._libraries import read_ace_libraries
from ._library_hours import (
    library_opening_times,
    match_library_opening_times,
    normalise_library_name,
    read_library_opening_times,
)
from ._needs import NEED_CODES, NEED_LABELS, UnknownNeedError, need_label, validate_needs
from ._nhs_number import (
    InvalidNhsNumberError,
    is_valid_nhs_number,
    mask_nhs_number,
    nhs_check_digit,
    validate_nhs_number,
)
from ._official import ONSPD_FIELDS, DataFormatError, read_onspd
from ._opening_hours import DAY_CODES, parse_sessions, weekly_rules
from ._schools import read_gias

__all__ = [
    "NEED_CODES",
    "NEED_LABELS",
    "InvalidNhsNumberError",
    "UnknownNeedError",
    "is_valid_nhs_number",
    "mask_nhs_number",
    "need_label",
    "nhs_check_digit",
    "validate_needs",
    "validate_nhs_number",
    "BUNDLED_DIR",
    "CAPITALS",
    "CATEGORIES",
    "CATEGORY_CAPITALS",
    "CATEGORY_NEEDS",
    "CM_LOCAL_AUTHORITIES",
    "DAY_CODES",
    "GREENSPACE_CLASSES",
    "INDICATOR_COLUMNS",
    "IndicatorFileError",
    "OpeningHoursError",
    "OpeningHoursWarning",
    "NEEDS",
    "ONSPD_FIELDS",
    "AssetCoordinateError",
    "AssetFileError",
    "DataFileMissingError",
    "DataFormatError",
    "FileEncodingError",
    "find_encoding_error",
    "read_text_file",
    "asset_tags",
    "attributions",
    "bundled_path",
    "greenspace_sites",
    "library_opening_times",
    "load_assets",
    "load_boundaries_table",
    "load_gp_practices",
    "load_greenspace_access_points",
    "load_greenspace_sites",
    "load_imd",
    "load_indicators",
    "load_libraries",
    "load_lsoa11_lookup",
    "load_lsoa11_lsoa21_lookup",
    "load_lsoa21_lookup",
    "load_population",
    "load_postcodes",
    "load_schools",
    "manifest",
    "match_library_opening_times",
    "normalise_library_name",
    "parse_sessions",
    "read_ace_libraries",
    "read_gias",
    "read_gp_practices",
    "read_indicators",
    "read_library_opening_times",
    "read_greenspace_access_points",
    "read_onspd",
    "weekly_rules",
]
