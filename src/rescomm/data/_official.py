"""Readers for the full official files that users download themselves (not bundled).

ONS Postcode Directory
    "ONS Postcode Directory (<Month> <Year>) for the UK", ONS Open Geography Portal
    (https://geoportal.statistics.gov.uk, product code PRD_ONSPD). A ~250 MB zip holding
    ``Data/ONSPD_<MON>_<YEAR>_UK.csv`` (2.7 million postcodes, live and terminated) plus
    per-area CSVs and documents. :func:`read_onspd` reads the zip, the extracted CSV (optionally
    gzipped) or the extracted folder, streaming it in chunks so that a single region can be kept
    without holding the whole country in memory.

Boundary files are read by :func:`rescomm.geo.read_boundaries`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from ._bundled import load_lsoa11_lsoa21_lookup
from ._encoding import find_encoding_error
from ._errors import DataFileMissingError

__all__ = ["DataFormatError", "ONSPD_FIELDS", "read_onspd"]

#: Output column -> ONSPD field names accepted for it, in order of preference. The first name is
#: the long-standing ONSPD field; later ones are the variants seen in other releases and in the
#: NSPL (matching is case-insensitive).
ONSPD_FIELDS: dict[str, tuple[str, ...]] = {
    "postcode": ("pcds", "pcd", "pcd2", "pcd7", "pcd8"),
    "easting": ("oseast1m", "east1m"),
    "northing": ("osnrth1m", "north1m"),
    "latitude": ("lat",),
    "longitude": ("long",),
    "introduced": ("dointr",),
    "terminated": ("doterm",),
    "usertype": ("usertype",),
    "lad_code": ("oslaua", "laua", "lad25cd", "lad24cd", "lad23cd"),
    "oa11_code": ("oa11", "oa11cd"),
    "lsoa11_code": ("lsoa11", "lsoa11cd"),
    "msoa11_code": ("msoa11", "msoa11cd"),
    "lsoa21_code": ("lsoa21", "lsoa21cd"),
}
#: Columns of :func:`read_onspd` (and of :func:`rescomm.data.load_postcodes`), in order.
POSTCODE_COLUMNS = ("postcode", "easting", "northing", "latitude", "longitude", "introduced",
                    "terminated", "usertype", "lad_code", "oa11_code", "lsoa11_code",
                    "msoa11_code", "lsoa21_code", "lsoa21_method")
_REQUIRED = ("postcode", "easting", "northing", "lad_code")
_GRID_INDICATOR = ("osgrdind", "gridind")
#: ONS pseudo-codes ("not applicable"), e.g. E99999999, L99999999 (Channel Islands).
_PSEUDO_CODE = r"^[A-Z]99999999$"
_DATA_MEMBER = re.compile(r"(^|/)Data/ONSPD_[^/]*\.csv$", re.IGNORECASE)

ONSPD_PRODUCT = (
    "'ONS Postcode Directory (<Month> <Year>) for the UK' from the ONS Open Geography Portal "
    "(https://geoportal.statistics.gov.uk)"
)


class DataFormatError(ValueError):
    """A data file exists but is not in the expected format; the message names what is missing."""


def read_onspd(
    path: str | Path,
    *,
    columns: Iterable[str] | None = None,
    lads: Iterable[str] | None = None,
    chunksize: int = 250_000,
) -> pd.DataFrame:
    """Read the ONS Postcode Directory into the columns of :func:`rescomm.data.load_postcodes`.

    Parameters
    ----------
    path : str or Path
        The downloaded zip (``ONSPD_<MON>_<YEAR>.zip``, the ``Data/ONSPD_*.csv`` member is read),
        the extracted ``.csv`` / ``.csv.gz``, or the extracted folder.
    columns : iterable of str, optional
        Extra ONSPD fields to keep, by their ONSPD names (e.g. ``["msoa21", "icb", "imd"]``); they
        are appended under those names (lower case). ``None`` keeps only the standard columns.
    lads : iterable of str, optional
        Keep only postcodes whose local authority (``oslaua``) is one of these codes, e.g.
        ``rescomm.data.CM_LOCAL_AUTHORITIES``. ``None`` keeps the whole UK.
    chunksize : int, default 250000
        Rows read per chunk (memory use is about 1 KB per row per chunk).

    Returns
    -------
    pandas.DataFrame
        One row per postcode, sorted by postcode: ``postcode`` (``pcds`` format, ``"L1 8JQ"``),
        ``easting``/``northing`` (EPSG:27700 metres, nullable ``Int32``; ``<NA>`` where ONSPD has
        no grid reference, ``osgrdind`` 9), ``latitude``/``longitude`` (EPSG:4326 degrees; NaN
        where ONSPD has its 99.999999 placeholder), ``introduced``/``terminated`` (``"YYYYMM"``,
        ``terminated`` null for live postcodes), ``usertype`` (nullable ``Int8``: 0 small user,
        1 large user; ``<NA>`` where the file has no such field), ``lad_code``, ``oa11_code``,
        ``lsoa11_code``, ``msoa11_code``, ``lsoa21_code`` and ``lsoa21_method``. ONS
        pseudo-codes such as ``E99999999`` become null.

    Notes
    -----
    ``lsoa21_method`` is ``"onspd"`` where the directory gives the 2021 LSOA (exact, ONS's own
    assignment). Older directories without ``lsoa21`` get it from ``lsoa11`` through the ONS
    LSOA 2011 -> 2021 lookup where that is one-to-one or a merge
    (``"lsoa11_to_lsoa21_one_to_one_or_merge"``, also exact); postcodes in split or complex
    LSOAs are left null.

    Raises
    ------
    DataFileMissingError
        If ``path`` does not exist (the message names the ONS product to download).
    DataFormatError
        If a required field (postcode, ``oseast1m``, ``osnrth1m``, ``oslaua``) or a requested extra
        column is missing, a zip holds no ONSPD CSV, or the CSV is not UTF-8 (the message names
        the line and byte).
    """
    path = Path(path)
    if not path.exists():
        raise DataFileMissingError(
            f"ONS Postcode Directory file '{path}' does not exist; download {ONSPD_PRODUCT} and "
            "pass the .zip, or the Data/ONSPD_*.csv inside it"
        )
    extra = [c.lower() for c in (columns or ())]
    wanted_lads = None if lads is None else set(lads)
    try:
        with _open_csv(path) as (handle, name, compression):
            header = pd.read_csv(handle, nrows=0, compression=compression).columns
            fields = _match_fields(header, extra, name)
        with _open_csv(path) as (handle, _, compression):
            reader = pd.read_csv(handle, usecols=list(dict.fromkeys(fields.values())),
                                 dtype=str, chunksize=chunksize, compression=compression,
                                 keep_default_na=False, na_values=[""])
            parts = [_tidy_chunk(chunk, fields, extra, wanted_lads) for chunk in reader]
    except UnicodeDecodeError as exc:
        problem = None if zipfile.is_zipfile(path) else find_encoding_error(
            path, fix="pass the ONS Postcode Directory as ONS publishes it (UTF-8)")
        raise DataFormatError(str(problem or f"{path}: the ONSPD CSV is not UTF-8 text "
                                             f"(byte 0x{exc.object[exc.start]:02x}); pass the "
                                             "official file as ONS publishes it")) from None
    table = pd.concat(parts, ignore_index=True) if parts else _tidy_chunk(
        pd.DataFrame(columns=list(fields.values())), fields, extra, wanted_lads)
    table = _add_lsoa21_method(table)
    table = table[[*POSTCODE_COLUMNS, *[c for c in extra if c not in POSTCODE_COLUMNS]]]
    table = table.sort_values("postcode", kind="stable", ignore_index=True)
    dups = table["postcode"][table["postcode"].duplicated()]
    if not dups.empty:
        raise DataFormatError(f"{name}: postcode {dups.iloc[0]!r} appears more than once; is this "
                              "file an ONS Postcode Directory?")
    return table


@contextmanager
def _open_csv(path: Path) -> Iterator[tuple[IO[bytes] | Path, str, str | None]]:
    """Yield (file handle or path, display name, pandas compression) for the ONSPD CSV."""
    if path.is_dir():
        found = sorted(p for p in path.rglob("*.csv") if _DATA_MEMBER.search(p.as_posix()))
        if not found:
            raise DataFormatError(f"folder '{path}' holds no Data/ONSPD_*.csv; pass the ONSPD "
                                  "zip or the CSV itself")
        yield found[0], found[0].name, None
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            members = [n for n in names if _DATA_MEMBER.search(n)] or (
                names if len(names) == 1 else [])
            if not members:
                raise DataFormatError(
                    f"zip '{path}' holds no Data/ONSPD_*.csv (it has {len(names)} CSV files); "
                    f"download {ONSPD_PRODUCT}")
            with archive.open(members[0]) as handle:
                yield handle, members[0], None
    else:
        yield path, path.name, "infer"


def _match_fields(header: pd.Index, extra: list[str], name: str) -> dict[str, str]:
    """Map each output column (and extra field) to the actual header name in the file."""
    by_lower = {str(h).strip().lower(): str(h) for h in header}
    fields: dict[str, str] = {}
    for column, candidates in ONSPD_FIELDS.items():
        hit = next((by_lower[c] for c in candidates if c in by_lower), None)
        if hit is not None:
            fields[column] = hit
        elif column in _REQUIRED:
            raise DataFormatError(
                f"{name}: no {column} field (looked for {', '.join(candidates)}); is this an ONS "
                "Postcode Directory CSV?")
    grid = next((by_lower[c] for c in _GRID_INDICATOR if c in by_lower), None)
    if grid is not None:
        fields["_grid"] = grid
    missing = [c for c in extra if c not in by_lower]
    if missing:
        raise DataFormatError(f"{name}: no field(s) {', '.join(map(repr, missing))} among its "
                              f"{len(header)} columns; check the names in the ONSPD user guide")
    for c in extra:
        fields.setdefault(f"extra:{c}", by_lower[c])
    return fields


def _tidy_chunk(chunk: pd.DataFrame, fields: dict[str, str], extra: list[str],
                lads: set[str] | None) -> pd.DataFrame:
    """One raw ONSPD chunk -> standard columns (vectorised)."""
    if lads is not None:
        chunk = chunk[chunk[fields["lad_code"]].isin(lads)]
    out = pd.DataFrame(index=chunk.index)
    compact = chunk[fields["postcode"]].str.upper().str.replace(r"\s+", "", regex=True)
    out["postcode"] = compact.str[:-3] + " " + compact.str[-3:]
    no_grid = pd.Series(False, index=chunk.index)
    if "_grid" in fields:
        no_grid = chunk[fields["_grid"]].fillna("").str.strip() == "9"
    for axis in ("easting", "northing"):
        values = pd.to_numeric(chunk[fields[axis]], errors="coerce").round()
        out[axis] = values.mask(no_grid).astype("Int32")
    for axis, limit in (("latitude", 90.0), ("longitude", 180.0)):
        if axis in fields:
            values = pd.to_numeric(chunk[fields[axis]], errors="coerce").astype("float64")
            out[axis] = values.mask(no_grid | (values.abs() > limit) | (values == 99.999999))
        else:
            out[axis] = np.nan
    out.loc[out["latitude"].isna(), "longitude"] = np.nan
    for column in ("introduced", "terminated"):
        out[column] = _codes(chunk, fields.get(column))
    out["usertype"] = _small_ints(chunk, fields.get("usertype"))
    for column in ("lad_code", "oa11_code", "lsoa11_code", "msoa11_code", "lsoa21_code"):
        out[column] = _codes(chunk, fields.get(column))
    for c in extra:
        out[c] = chunk[fields[f"extra:{c}"]].str.strip()
    return out


def _codes(chunk: pd.DataFrame, field: str | None) -> pd.Series:
    """Stripped string column with blanks and ONS pseudo-codes as null (all null if absent)."""
    if field is None:
        return pd.Series(None, index=chunk.index, dtype=object)
    values = chunk[field].str.strip()
    return values.mask(values.isna() | (values == "") | values.str.match(_PSEUDO_CODE, na=False),
                       None).astype(object)


def _small_ints(chunk: pd.DataFrame, field: str | None) -> pd.Series:
    """Nullable ``Int8`` column (blanks and non-numbers as ``<NA>``; all ``<NA>`` if absent)."""
    if field is None:
        return pd.Series(pd.NA, index=chunk.index, dtype="Int8")
    return pd.to_numeric(chunk[field], errors="coerce").astype("Int8")


def _add_lsoa21_method(table: pd.DataFrame) -> pd.DataFrame:
    """Fill ``lsoa21_code`` from ``lsoa11_code`` where exact, and record how it was obtained."""
    method = pd.Series(np.where(table["lsoa21_code"].notna(), "onspd", None), index=table.index,
                       dtype=object)
    gap = table["lsoa21_code"].isna() & table["lsoa11_code"].notna()
    if gap.any():
        bridge = load_lsoa11_lsoa21_lookup()
        exact = bridge[bridge["change_code"].isin(["U", "M"])]
        mapping = pd.Series(exact["lsoa21_code"].to_numpy(), index=exact["lsoa11_code"].to_numpy())
        filled = table.loc[gap, "lsoa11_code"].map(mapping)
        table.loc[gap, "lsoa21_code"] = filled
        method[gap & table["lsoa21_code"].notna()] = "lsoa11_to_lsoa21_one_to_one_or_merge"
    table["lad_code"] = table["lad_code"].astype("category")
    table["lsoa21_method"] = method.astype("category")
    return table
