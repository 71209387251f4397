"""Reading the publishers' asset files: CSV decoding, column spellings, cleaning, coordinates.

Shared by the ``read_*`` functions of ``_gp_practices``, ``_libraries``, ``_schools`` and
``_greenspace``. Coordinates are checked at the boundary: British National Grid (EPSG:27700,
metres) eastings/northings and WGS84 (EPSG:4326) latitude/longitude must fall in Great Britain,
else :class:`~rescomm.data.AssetCoordinateError` names the first offending row and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from ._errors import AssetCoordinateError, AssetFileError

LICENCE_OGL = "OGL-UK-3.0"
_OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
#: Statements for coordinates taken from the ONS Postcode Directory (postcode centroids).
_POSTCODE_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025.",
    "Contains Royal Mail data © Royal Mail copyright and database right 2025.",
    "Contains GeoPlace data © Local Government Information House Limited copyright and "
    "database right 2025.",
)

#: Great Britain on the National Grid: easting 0-700 km, northing 0-1300 km.
_GB_GRID = (0.0, 0.0, 700_000.0, 1_300_000.0)

#: Geocode columns (``pc_*``, from the ONS Postcode Directory) of the staged GP and library
#: extracts; the official files have none and are geocoded by postcode instead.
_PC_GEOCODE_ALIASES: dict[str, tuple[str, ...]] = {
    "easting": ("pc_easting",), "northing": ("pc_northing",),
    "latitude": ("pc_latitude",), "longitude": ("pc_longitude",),
    "lad_code": ("pc_lad25cd",),
}


# ----------------------------------------------------------------------------- columns

def _read_csv(path: Path, *, header: int | None = 0) -> pd.DataFrame:
    """Read a CSV as strings, trying UTF-8 first, then Windows-1252, then Latin-1.

    The official GIAS file is Windows-1252, while re-published extracts are usually UTF-8;
    reading UTF-8 as Latin-1 silently produces mojibake ("FranÃ§aise"), so UTF-8 is tried first.
    """
    last: Exception | None = None
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return pd.read_csv(path, dtype=str, encoding=enc, header=header,
                               keep_default_na=False, na_values=[""])
        except UnicodeDecodeError as exc:
            last = exc
    raise AssetFileError(f"{path}: cannot decode the file as UTF-8 or Latin-1 ({last})",
                         path=str(path))


def _rename(df: pd.DataFrame, aliases: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Rename publisher spellings to canonical names (case- and space-insensitive match)."""
    def key(s: str) -> str:
        return re.sub(r"[\s_]+", "", str(s)).casefold()

    lookup = {key(c): c for c in df.columns}
    mapping = {}
    for canonical, spellings in aliases.items():
        for spelling in (canonical, *spellings):
            if key(spelling) in lookup:
                mapping[lookup[key(spelling)]] = canonical
                break
    return df.rename(columns=mapping)


def _require(df: pd.DataFrame, columns: Iterable[str], path: Path, what: str,
             aliases: Mapping[str, Iterable[str]]) -> None:
    for col in columns:
        if col not in df.columns:
            spellings = ", ".join(repr(s) for s in (col, *aliases.get(col, ())))
            raise AssetFileError(
                f"{path}: required column {col!r} is missing from this {what} file (accepted "
                f"spellings: {spellings}); check that it is the full official file",
                path=str(path), column=col,
            )


def _standardise(raw: pd.DataFrame, path: Path, what: str,
                 aliases: Mapping[str, Iterable[str]], required: Iterable[str]) -> pd.DataFrame:
    """Canonical column names (:func:`_rename`), required columns checked (:func:`_require`),
    every value cleaned (:func:`_clean_str`)."""
    df = _rename(raw, aliases)
    _require(df, required, path, what, aliases)
    for c in df.columns:
        df[c] = _clean_str(df[c])
    return df


# ----------------------------------------------------------------------------- values

def _clean_str(s: pd.Series) -> pd.Series:
    """Strip whitespace (incl. no-break spaces); empty -> ``<NA>``."""
    out = s.astype("string").str.replace(r"[\s\u00a0\u202f]+", " ", regex=True).str.strip()
    return out.mask(out == "")


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    """Column as float64 (non-numbers such as "N/A Closed" -> NaN); all-NaN if absent."""
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[col].astype("object"), errors="coerce").astype("float64")


def _normalise_postcodes(values: pd.Series) -> pd.Series:
    """Postcodes in any spacing/case -> ONS ``pcds`` format (``"CH1 1RL"``); invalid -> ``<NA>``."""
    compact = values.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    ok = compact.str.fullmatch(r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[0-9][A-Z]{2}").fillna(False)
    out = (compact.str[:-3] + " " + compact.str[-3:]).where(ok)
    return out.astype("string")


_ACRONYMS = frozenset({"GP", "NHS", "HC", "PCC", "CIC", "PCN", "TCG", "UK", "LLP", "YMCA", "CE",
                       "RC", "SEN", "PRU", "HMP", "ICB", "CIO", "YWCA"})
_SMALL_WORDS = frozenset({"and", "of", "the", "at", "on", "in", "by", "upon", "for", "to",
                          "with", "under"})
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def title_case_name(name: object) -> object:
    """Title-case an upper-case name sensibly: ``"ST WERBURGH'S MED/CTR (DR JUDE)"`` ->
    ``"St Werburgh's Med/Ctr (Dr Jude)"``.

    Rules: known acronyms stay upper case (GP, NHS, HC, CIC, ...), single letters stay upper case
    (initials, ``"2A"``), short joining words (and, of, the, at, ...) are lower case except as the
    first word, ``'s`` stays lower case, ``Mc`` prefixes capitalise the next letter. Values that
    are not strings are returned unchanged.
    """
    if not isinstance(name, str):
        return name
    out: list[str] = []
    last = 0
    for k, m in enumerate(_WORD.finditer(name)):
        word = m.group(0)
        upper, lower = word.upper(), word.lower()
        if upper in _ACRONYMS or len(word) == 1:
            new = upper
        elif k > 0 and lower in _SMALL_WORDS:
            new = lower
        else:
            base, apos, tail = lower.partition("'")
            new = base[:1].upper() + base[1:]
            if new.startswith("Mc") and len(new) > 2:
                new = "Mc" + new[2].upper() + new[3:]
            if apos:
                new += "'" + (tail if tail == "s" else tail[:1].upper() + tail[1:])
        out += [name[last:m.start()], new]
        last = m.end()
    out.append(name[last:])
    return "".join(out)


def _title_case_series(s: pd.Series) -> pd.Series:
    """:func:`title_case_name` of every value, computed once per distinct value."""
    uniq = s.dropna().unique()
    return s.map(dict(zip(uniq, (title_case_name(u) for u in uniq), strict=True)))


# ----------------------------------------------------------------------------- coordinates

@cache
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _to_wgs84(e: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BNG easting/northing (m) -> WGS84 ``(longitude, latitude)``, rounded to 6 decimals."""
    lon, lat = _transformer("EPSG:27700", "EPSG:4326").transform(e, n)
    return np.round(lon, 6), np.round(lat, 6)


def _check_in_gb(df: pd.DataFrame, path: Path, id_col: str) -> None:
    """Raise :class:`AssetCoordinateError` for rows whose BNG coordinates are outside GB."""
    e = df["easting"].to_numpy(dtype="float64")
    n = df["northing"].to_numpy(dtype="float64")
    x0, y0, x1, y1 = _GB_GRID
    bad = np.isfinite(e) & np.isfinite(n) & ~((e >= x0) & (e <= x1) & (n >= y0) & (n <= y1))
    if "latitude" in df.columns and "longitude" in df.columns:
        lat = df["latitude"].to_numpy(dtype="float64")
        lon = df["longitude"].to_numpy(dtype="float64")
        bad |= np.isfinite(lat) & np.isfinite(lon) & ~(
            (lon >= -9.01) & (lon <= 2.01) & (lat >= 49.75) & (lat <= 61.01))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        first = (df[id_col].iloc[i], float(e[i]), float(n[i]))
        raise AssetCoordinateError(
            f"{path}: {int(bad.sum())} row(s) have coordinates outside Great Britain, first "
            f"{id_col}={first[0]!r} at easting={first[1]}, northing={first[2]}; coordinates must "
            "be British National Grid metres (EPSG:27700) with WGS84 latitude/longitude: check "
            "for swapped columns or another coordinate system",
            path=str(path), count=int(bad.sum()), first=first,
        )


def _coords(df: pd.DataFrame, path: Path, id_col: str) -> pd.DataFrame:
    """Make easting/northing/latitude/longitude float64, fill lat/lon from BNG, check GB."""
    for c in ("easting", "northing", "latitude", "longitude"):
        if c in df.columns:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        else:
            df[c] = np.nan
    need = df["latitude"].isna() & df["easting"].notna() & df["northing"].notna()
    if need.any():
        lon, lat = _to_wgs84(df.loc[need, "easting"].to_numpy(),
                             df.loc[need, "northing"].to_numpy())
        df.loc[need, "longitude"] = lon
        df.loc[need, "latitude"] = lat
    _check_in_gb(df, path, id_col)
    return df


# ----------------------------------------------------------------------------- provenance

def _provenance(df: pd.DataFrame, source: str, attribution: Iterable[str]) -> pd.DataFrame:
    """Add the ``source``, ``licence`` (SPDX id) and ``attribution`` columns of every record."""
    df["source"] = source
    df["licence"] = LICENCE_OGL
    df["attribution"] = " ".join(attribution)
    return df

