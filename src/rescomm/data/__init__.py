"""rescomm.data: loaders for bundled and official open data (no Django).

``load_*`` read the compact tables bundled with the package; ``read_*`` read the full official
files that users download (e.g. :func:`read_onspd` for the ONS Postcode Directory).

The bundled tables are real open data for Cheshire & Merseyside (see ``bundled/MANIFEST.json`` and
the project ``NOTICE`` for sources and attribution).
"""

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
from ._errors import DataFileMissingError
from ._official import ONSPD_FIELDS, DataFormatError, read_onspd

__all__ = [
    "BUNDLED_DIR",
    "CM_LOCAL_AUTHORITIES",
    "DataFileMissingError",
    "DataFormatError",
    "ONSPD_FIELDS",
    "attributions",
    "bundled_path",
    "load_boundaries_table",
    "load_imd",
    "load_lsoa11_lookup",
    "load_lsoa11_lsoa21_lookup",
    "load_lsoa21_lookup",
    "load_population",
    "load_postcodes",
    "manifest",
    "read_onspd",
]
