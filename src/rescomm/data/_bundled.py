"""Readers for the compact real open data bundled inside the package.

Every table comes from ``../shared/data`` through ``scripts/build_bundled_data.py``; the
``bundled/MANIFEST.json`` file records each table's sources (with SHA-256), row counts and the
attribution statements that must accompany it (see also the top-level ``NOTICE``).

Tables are read once per process and cached; callers receive a copy-free DataFrame that they must
treat as read-only (use ``.copy()`` before mutating).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from ._errors import DataFileMissingError

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"

#: Cheshire & Merseyside local authorities (code -> name); codes are stable from LAD19 to LAD25.
CM_LOCAL_AUTHORITIES: dict[str, str] = {
    "E06000006": "Halton",
    "E06000007": "Warrington",
    "E06000049": "Cheshire East",
    "E06000050": "Cheshire West and Chester",
    "E08000011": "Knowsley",
    "E08000012": "Liverpool",
    "E08000013": "St Helens",
    "E08000014": "Sefton",
    "E08000015": "Wirral",
}


def bundled_path(name: str) -> Path:
    """Path of the bundled table ``name`` (without extension).

    Raises
    ------
    DataFileMissingError
        If the file is not in the installed package (names the file and how to rebuild it).
    """
    path = BUNDLED_DIR / f"{name}.parquet"
    if not path.is_file():
        raise DataFileMissingError(
            f"bundled data file {path} is missing: reinstall rescomm, or rebuild it with "
            "`python scripts/build_bundled_data.py --shared PATH/TO/shared/data`"
        )
    return path


@cache
def _read(name: str) -> pd.DataFrame:
    return pd.read_parquet(bundled_path(name))


@cache
def manifest() -> dict:
    """The bundle manifest: local authorities, and per table its sources, rows and attribution."""
    return json.loads((BUNDLED_DIR / "MANIFEST.json").read_text(encoding="utf-8"))


def attributions() -> list[str]:
    """Distinct attribution statements required by the bundled data, in first-seen order."""
    seen: dict[str, None] = {}
    for entry in manifest()["files"].values():
        for line in entry["attribution"]:
            seen.setdefault(line, None)
    return list(seen)


def load_postcodes() -> pd.DataFrame:
    """Cheshire & Merseyside postcodes (ONSPD Nov 2025 + ONS May-2022 lookup), one row each.

    Columns: ``postcode`` (ONS ``pcds`` format, e.g. ``"L1 8JQ"``), ``easting``/``northing``
    (British National Grid, EPSG:27700, metres), ``latitude``/``longitude`` (WGS84), ``introduced``
    and ``terminated`` (``YYYYMM`` strings; ``terminated`` is null for live postcodes),
    ``usertype`` (ONSPD user type, nullable ``Int8``: 0 = small user, addresses that each receive
    fewer than 25 items of mail a day, i.e. homes and small businesses; 1 = large user, one
    address receiving more, such as a large employer or hospital; ``<NA>`` for the 1,445
    postcodes newer than the May-2022 lookup it comes from),
    ``lad_code`` (LAD 2025), ``oa11_code``, ``lsoa11_code``, ``msoa11_code``, ``lsoa21_code`` and
    ``lsoa21_method`` (how the 2021 LSOA was derived; ``*_approx`` methods are point-in-polygon on
    generalised boundaries and only approximately right).
    """
    return _read("postcodes_cm")


def load_lsoa21_lookup() -> pd.DataFrame:
    """LSOA 2021 -> MSOA 2021 -> ward -> LAD 2024 -> ICB 2024 -> region, England and Wales."""
    return _read("lookup_lsoa21")


def load_lsoa11_lookup() -> pd.DataFrame:
    """LSOA 2011 -> MSOA 2011 -> LAD (May 2022) (+ ICB/region via the LA), England and Wales."""
    return _read("lookup_lsoa11")


def load_lsoa11_lsoa21_lookup() -> pd.DataFrame:
    """ONS LSOA 2011 <-> 2021 lookup.

    Columns: ``lsoa11_code, lsoa21_code, change_code`` (U/S/M/X), ``lad_code``.
    """
    return _read("lookup_lsoa11_lsoa21")


def load_boundaries_table(year: int) -> pd.DataFrame:
    """C&M LSOA boundaries for ``year`` (2011 or 2021): code, name and WGS84 geometry as WKB."""
    if year not in (2011, 2021):
        raise ValueError(f"LSOA boundaries exist for 2011 and 2021, not {year!r}")
    return _read(f"boundaries_lsoa{str(year)[2:]}_cm")


def load_imd(year: int) -> pd.DataFrame:
    """English Indices of Deprivation for C&M LSOAs: ``year`` 2019 (LSOA 2011) or 2025 (LSOA 2021).

    Ranks run from 1 (most deprived in England) and deciles from 1 (most deprived 10%).
    """
    if year == 2019:
        return _read("iod2019_lsoa11_cm")
    if year == 2025:
        return _read("iod2025_lsoa21_cm")
    raise ValueError(f"IoD is bundled for 2019 and 2025, not {year!r}")


def load_population(year: int) -> pd.DataFrame:
    """Resident population of C&M LSOAs.

    ``year=2021``: Census 2021 usual residents (TS007A) by 5-year band, LSOA 2021.
    ``year=2020``: ONS mid-2020 estimates by single year of age, LSOA 2011.
    """
    if year == 2021:
        return _read("population_census2021_lsoa21_cm")
    if year == 2020:
        return _read("population_mid2020_lsoa11_cm")
    raise ValueError("population is bundled for 2020 (LSOA 2011) and 2021 (LSOA 2021), "
                     f"not {year!r}")
