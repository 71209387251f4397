"""Community assets from official open data: GP practices, public libraries, schools, green space.

Two kinds of function live here:

* ``read_*(path, ...)`` read the **full official files** users download (NHS ODS ``epraccur``,
  the Arts Council England basic dataset for libraries, DfE Get Information About Schools, OS Open
  Greenspace access points) and return tidy tables with the column handling described below. They
  accept either the publisher's own column names or the snake_case names of the staged extracts.
* ``load_*()`` read the compact Cheshire & Merseyside (C&M) extracts bundled in ``bundled/``
  (built with ``scripts/build_bundled_data.py``, which calls the ``read_*`` functions), and
  :func:`load_assets` joins them into one normalised asset table.

Every record carries ``source`` (data set and date), ``licence`` (SPDX identifier) and
``attribution`` (the statements that must accompany it). ``source_id`` is a stable identifier
built from the publisher's own key: ``ods:<ODS code>``, ``gias:<URN>``,
``ace:<first 16 hex digits of SHA-256(normalised name + "|" + postcode)>`` (the libraries data
set has no key of its own), ``osgs:<OS Open Greenspace site id>`` and
``crow:<CRoW access-land OBJECTID>``.

Coordinates are British National Grid (EPSG:27700, metres) and WGS84 (EPSG:4326). The 2021 LSOA of
each asset comes from the source where it gives one, else from its postcode via the bundled
postcode table, else by point-in-polygon on the bundled (super-generalised) 2021 boundaries; the
``lsoa21_method`` column says which.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ._bundled import (
    CM_LOCAL_AUTHORITIES,
    _read,
    load_boundaries_table,
    load_lsoa11_lookup,
    load_lsoa21_lookup,
    load_postcodes,
)

# ----------------------------------------------------------------------------- vocabularies

#: The seven community capitals (Flora & Flora's Community Capitals Framework), canonical order.
CAPITALS: tuple[str, ...] = (
    "natural", "cultural", "human", "social", "political", "financial", "built",
)

#: Social-prescribing need codes an asset can help with.
NEEDS: tuple[str, ...] = (
    "loneliness", "low_mood", "long_term_condition", "finance", "housing", "employment",
    "physical_activity", "carer_support", "bereavement", "other",
)

#: Asset categories in the bundled data.
CATEGORIES: tuple[str, ...] = ("gp_practice", "library", "school", "green_space")

#: Capitals each category of asset builds; reasons in ``docs/assets-data.md``.
CATEGORY_CAPITALS: dict[str, tuple[str, ...]] = {
    "gp_practice": ("human", "built"),
    "library": ("cultural", "human", "social", "built"),
    "school": ("human", "built"),
    "green_space": ("natural",),
}

#: Social-prescribing needs each category can help with; reasons in ``docs/assets-data.md``.
CATEGORY_NEEDS: dict[str, tuple[str, ...]] = {
    "gp_practice": ("low_mood", "long_term_condition", "carer_support"),
    "library": ("loneliness", "low_mood", "long_term_condition", "employment"),
    "school": (),
    "green_space": ("low_mood", "physical_activity"),
}

#: Natural England Green Infrastructure Standards size classes (label, minimum hectares),
#: cumulative: a site in a larger class also meets every smaller one.
GREENSPACE_CLASSES: tuple[tuple[str, float], ...] = (
    ("under_0.5ha", 0.0),
    ("doorstop (>=0.5ha)", 0.5),
    ("local (>=2ha)", 2.0),
    ("neighbourhood (>=10ha)", 10.0),
    ("wider (>=20ha)", 20.0),
    ("district (>=100ha)", 100.0),
    ("subregional (>=500ha)", 500.0),
)
_CLASS_MIN_HA = dict(GREENSPACE_CLASSES)
_CLASS_LABELS = {c: (f"{c.split(' ')[0]}, {h:g} ha or more" if h else "under 0.5 ha")
                 for c, h in GREENSPACE_CLASSES}

#: ACE operation-model codes (as standardised by Libraries Hacked from the ACE guidance).
LIBRARY_OPERATION_MODELS: dict[str, str] = {
    "LA": "local authority run",
    "LAU": "local authority run, unstaffed",
    "C": "commissioned (run for the council by another organisation)",
    "CR": "community run (part of the statutory service)",
    "ICL": "independent community library (outside the statutory service)",
}

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

_NORMALISED_COLUMNS = [
    "source_id", "name", "category", "capitals", "needs", "address", "postcode", "phone",
    "email", "url", "easting", "northing", "latitude", "longitude", "lad_code", "lsoa21_code",
    "lsoa21_method", "source", "licence", "attribution",
]


# ----------------------------------------------------------------------------- errors

class AssetFileError(ValueError):
    """An asset file is not in a layout rescomm can read (e.g. a required column is missing).

    Attributes
    ----------
    path : str
        The file.
    column : str or None
        The missing column (canonical name), if that is the problem.
    """

    def __init__(self, message: str, *, path: str, column: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.column = column


class AssetCoordinateError(ValueError):
    """Asset coordinates outside Great Britain (usually swapped axes or the wrong CRS).

    Attributes
    ----------
    path : str
        The file the coordinates came from.
    count : int
        How many rows are outside.
    first : tuple
        ``(row identifier, x, y)`` of the first offending row.
    """

    def __init__(self, message: str, *, path: str, count: int, first: tuple) -> None:
        super().__init__(message)
        self.path = path
        self.count = count
        self.first = first


# ----------------------------------------------------------------------------- small helpers

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


def normalise_postcodes(values: pd.Series) -> pd.Series:
    """Postcodes in any spacing/case -> ONS ``pcds`` format (``"CH1 1RL"``); invalid -> ``<NA>``."""
    compact = values.astype("string").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    ok = compact.str.fullmatch(r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[0-9][A-Z]{2}").fillna(False)
    out = (compact.str[:-3] + " " + compact.str[-3:]).where(ok)
    return out.astype("string")


_ACRONYMS = frozenset({"GP", "NHS", "HC", "PCC", "CIC", "PCN", "TCG", "UK", "LLP", "YMCA", "CE",
                       "RC", "SEN", "PRU", "HMP", "ICB"})
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
    uniq = s.dropna().unique()
    return s.map(dict(zip(uniq, (title_case_name(u) for u in uniq), strict=True)))


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    """Column as float64 (non-numbers such as "N/A Closed" -> NaN); all-NaN if absent."""
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[col].astype("object"), errors="coerce").astype("float64")


def _clean_str(s: pd.Series) -> pd.Series:
    """Strip whitespace (incl. no-break spaces); empty -> ``<NA>``."""
    out = s.astype("string").str.replace(r"[\s\u00a0\u202f]+", " ", regex=True).str.strip()
    return out.mask(out == "")


@cache
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _to_wgs84(e: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _check_lads(lads: Iterable[str] | None) -> set[str] | None:
    if lads is None:
        return None
    lads = {str(x).strip().upper() for x in ([lads] if isinstance(lads, str) else lads)}
    known = set(load_lsoa21_lookup()["lad_code"]) | set(load_lsoa11_lookup()["lad_code"])
    unknown = sorted(lads - known)
    if unknown:
        raise ValueError(f"unknown local authority code(s) {unknown}: use ONS LAD codes such as "
                         "'E08000012' (Liverpool)")
    return lads


# ----------------------------------------------------------------------------- areas

@cache
def _lsoa21_polygons_bng() -> tuple[np.ndarray, np.ndarray, shapely.STRtree]:
    """Bundled C&M LSOA 2021 polygons in BNG, their codes, and an STRtree over them."""
    b = load_boundaries_table(2021)
    geoms = shapely.from_wkb(b["geometry_wkb"].to_numpy())
    tr = _transformer("EPSG:4326", "EPSG:27700")
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
    return b["lsoa21_code"].to_numpy(), geoms, shapely.STRtree(geoms)


def lsoa21_point_in_polygon(easting: np.ndarray, northing: np.ndarray) -> np.ndarray:
    """2021 LSOA containing each BNG point, on the bundled C&M super-generalised boundaries.

    Returns an object array of codes, ``None`` where the point is in no bundled polygon (outside
    C&M, or in the sea beyond the clipped coastline). Super-generalised boundaries put about one
    point in ten near a boundary into the neighbouring LSOA, so treat the result as approximate.
    """
    codes, _, tree = _lsoa21_polygons_bng()
    e = np.asarray(easting, dtype="float64")
    n = np.asarray(northing, dtype="float64")
    out = np.full(e.shape, None, dtype=object)
    ok = np.isfinite(e) & np.isfinite(n)
    if ok.any():
        idx = np.flatnonzero(ok)
        pi, gi = tree.query(shapely.points(e[ok], n[ok]), predicate="intersects")
        first = np.unique(pi, return_index=True)[1]
        out[idx[pi[first]]] = codes[gi[first]]
    return out


@cache
def _bundled_postcode_lookup() -> pd.DataFrame:
    return load_postcodes().drop_duplicates("postcode").set_index("postcode")


def _postcode_lookup(postcodes: pd.DataFrame | None) -> pd.DataFrame:
    """Postcode table indexed by ``pcds``-format postcode (the bundled one unless given)."""
    if postcodes is None:
        return _bundled_postcode_lookup()
    missing = [c for c in ("postcode", "easting", "northing") if c not in postcodes.columns]
    if missing:
        raise ValueError(f"postcode table lacks column(s) {missing}: pass a table with at least "
                         "postcode, easting, northing (and optionally latitude, longitude, "
                         "lad_code, lsoa21_code), e.g. from the ONS Postcode Directory")
    look = postcodes.assign(postcode=normalise_postcodes(postcodes["postcode"]))
    return look.dropna(subset=["postcode"]).drop_duplicates("postcode").set_index("postcode")


def _attach_areas(df: pd.DataFrame, *, postcodes: pd.DataFrame | None) -> pd.DataFrame:
    """Fill ``lsoa21_code``/``lsoa21_method`` (source -> postcode -> point in polygon) and
    ``lad_code`` (source, else via the LSOA 2021 lookup)."""
    code = pd.Series(pd.NA, index=df.index, dtype="string")
    method = pd.Series(pd.NA, index=df.index, dtype="string")
    if "lsoa21_source" in df.columns:
        given = df["lsoa21_source"].astype("string")
        valid = given.isin(set(load_lsoa21_lookup()["lsoa21_code"]))
        code = code.where(~valid, given)
        method = method.where(~valid, "source")
    if "postcode" in df.columns:
        look = _postcode_lookup(postcodes)
        if "lsoa21_code" in look.columns:
            hit = df["postcode"].map(look["lsoa21_code"]).astype("string")
            how = pd.Series("lookup", index=df.index, dtype="string")
            if "lsoa21_method" in look.columns:
                how = df["postcode"].map(look["lsoa21_method"]).astype("string").fillna("lookup")
            use = code.isna() & hit.notna()
            code = code.where(~use, hit)
            method = method.where(~use, "postcode:" + how)
    todo = code.isna().to_numpy()
    if todo.any():
        pip = lsoa21_point_in_polygon(df["easting"].to_numpy()[todo],
                                      df["northing"].to_numpy()[todo])
        found = np.array([p is not None for p in pip], dtype=bool)
        rows = df.index[todo][found]
        code.loc[rows] = pip[found]
        method.loc[rows] = "point_in_polygon_bsc_approx"
    method = method.fillna("not_assigned_outside_bundled_boundaries")
    df["lsoa21_code"] = code
    df["lsoa21_method"] = method
    lad_by_lsoa = df["lsoa21_code"].map(
        load_lsoa21_lookup().set_index("lsoa21_code")["lad_code"]).astype("string")
    if "lad_code" in df.columns:
        df["lad_code"] = df["lad_code"].astype("string").fillna(lad_by_lsoa)
    else:
        df["lad_code"] = lad_by_lsoa
    return df


def _geocode(df: pd.DataFrame, postcodes: pd.DataFrame | None) -> pd.DataFrame:
    """Add easting/northing/latitude/longitude/lad_code from a postcode table where missing."""
    look = _postcode_lookup(postcodes)
    for c in ("easting", "northing", "latitude", "longitude", "lad_code"):
        if c in look.columns:
            val = df["postcode"].map(look[c])
            df[c] = df[c].fillna(val) if c in df.columns else val
    return df


def _provenance(df: pd.DataFrame, source: str, attribution: Iterable[str]) -> pd.DataFrame:
    df["source"] = source
    df["licence"] = LICENCE_OGL
    df["attribution"] = " ".join(attribution)
    return df


def _filter_lads(df: pd.DataFrame, lads: set[str] | None) -> pd.DataFrame:
    if lads is None:
        return df.reset_index(drop=True)
    return df[df["lad_code"].isin(lads)].reset_index(drop=True)


# ----------------------------------------------------------------------------- GP practices

#: Column order of the official, header-less ``epraccur.csv`` (27 fields, 6 of them null).
EPRACCUR_COLUMNS: tuple[str, ...] = (
    "organisation_code", "name", "national_grouping", "high_level_health_geography",
    "address_line_1", "address_line_2", "address_line_3", "address_line_4", "address_line_5",
    "postcode", "open_date", "close_date", "status_code", "organisation_sub_type_code",
    "commissioner", "join_provider_purchaser_date", "left_provider_purchaser_date",
    "contact_telephone_number", "null_1", "null_2", "null_3", "amended_record_indicator",
    "null_4", "provider_purchaser", "null_5", "prescribing_setting", "null_6",
)
_GP_ALIASES = {
    "organisation_code": ("Organisation Code", "PracticeOdsCode", "ods_code"),
    "name": ("Name", "PracticeName"),
    "postcode": ("Postcode",),
    "status_code": ("Status Code", "StatusCode"),
    "prescribing_setting": ("Prescribing Setting", "PracticeType"),
    "contact_telephone_number": ("Contact Telephone Number", "ContactTelephoneNumber"),
    "open_date": ("Open Date", "OpenDate"),
    "easting": ("pc_easting",), "northing": ("pc_northing",),
    "latitude": ("pc_latitude",), "longitude": ("pc_longitude",),
    "lad_code": ("pc_lad25cd",),
}
_GP_REQUIRED = ("organisation_code", "name", "address_line_1", "postcode", "open_date",
                "status_code", "prescribing_setting")


def read_gp_practices(path: str | Path, *, lads: Iterable[str] | None = None,
                      active_only: bool = True, postcodes: pd.DataFrame | None = None,
                      source: str | None = None) -> pd.DataFrame:
    """Read the NHS ODS GP practice file (``epraccur.csv``) into a tidy table.

    Parameters
    ----------
    path : str or Path
        The official header-less ``epraccur.csv`` (27 columns; optionally gzipped), or a copy
        with a header row (ODS names such as ``organisation_code``; ``pc_*`` geocode columns are
        used when present).
    lads : iterable of str, optional
        Keep only practices whose postcode lies in these local authorities (ONS LAD codes).
    active_only : bool, default True
        Keep only active (``status_code`` A) GP practices (``prescribing_setting`` 4); other
        settings are out-of-hours, walk-in, prison and similar services.
    postcodes : DataFrame, optional
        Postcode table to geocode with (columns ``postcode, easting, northing`` and optionally
        ``latitude, longitude, lad_code, lsoa21_code, lsoa21_method``); default: the bundled
        C&M postcodes, so practices elsewhere get no coordinates unless you pass the ONSPD.
    source : str, optional
        Text for the ``source`` column (default names the file).

    Returns
    -------
    DataFrame
        ``source_id`` (``ods:<code>``), ``ods_code``, ``name`` (title case), ``name_original``,
        ``address_line_1..5``, ``postcode`` (ONS ``pcds`` format), ``phone``, ``open_date``
        (datetime64), ``status_code``, ``prescribing_setting``, ``commissioner``, ``easting``,
        ``northing`` (BNG m; the postcode centroid), ``latitude``, ``longitude``, ``lad_code``,
        ``lsoa21_code``, ``lsoa21_method``, ``source``, ``licence``, ``attribution``.

    Raises
    ------
    AssetFileError
        If a required column is missing (names the column and the file).
    AssetCoordinateError
        If coordinates fall outside Great Britain.
    """
    path = Path(path)
    raw = _read_csv(path, header=None)
    first = [str(v).strip().casefold() for v in raw.iloc[0].tolist()] if len(raw) else []
    if "organisation_code" in first or "organisation code" in first or "practiceodscode" in first:
        raw.columns = raw.iloc[0].astype(str).str.strip()
        raw = raw.iloc[1:].reset_index(drop=True)
    elif raw.shape[1] == len(EPRACCUR_COLUMNS):
        raw.columns = list(EPRACCUR_COLUMNS)
    df = _rename(raw, _GP_ALIASES)
    _require(df, _GP_REQUIRED, path, "GP practice (epraccur)", _GP_ALIASES)
    for c in df.columns:
        df[c] = _clean_str(df[c])
    if active_only:
        df = df[(df["status_code"] == "A") & (df["prescribing_setting"] == "4")]
    df = df.copy()
    df["postcode"] = normalise_postcodes(df["postcode"])
    if "easting" not in df.columns or df["easting"].isna().any():
        df = _geocode(df, postcodes)
    df = _coords(df, path, "organisation_code")
    df = _filter_lads(_attach_areas(df, postcodes=postcodes), _check_lads(lads))
    addr = [f"address_line_{i}" for i in range(1, 6)]
    for c in addr:
        if c not in df.columns:
            df[c] = pd.NA
    out = pd.DataFrame({
        "source_id": "ods:" + df["organisation_code"],
        "ods_code": df["organisation_code"],
        "name": _title_case_series(df["name"]),
        "name_original": df["name"],
        **{c: df[c] for c in addr},
        "postcode": df["postcode"],
        "phone": df.get("contact_telephone_number"),
        "open_date": pd.to_datetime(df["open_date"], format="%Y%m%d", errors="coerce"),
        "status_code": df["status_code"],
        "prescribing_setting": df["prescribing_setting"],
        "commissioner": df.get("commissioner"),
        **{c: df[c] for c in ("easting", "northing", "latitude", "longitude", "lad_code",
                               "lsoa21_code", "lsoa21_method")},
    })
    return _provenance(out, source or f"NHS England ODS GP practices ({path.name})",
                       [_OGL, "Source: NHS England Organisation Data Service.",
                        *_POSTCODE_ATTRIBUTION])


# ----------------------------------------------------------------------------- libraries

_LIB_ALIASES = {
    "name": ("Library name", "Library"),
    "address1": ("Address 1", "Address line 1"),
    "address2": ("Address 2", "Address line 2"),
    "address3": ("Address 3", "Address line 3"),
    "postcode": ("Postcode",),
    "type": ("Type", "Type of library", "Library type"),
    "closed": ("Closed", "Year closed"),
    "authority": ("Reporting service", "Reporting authority", "reporting"),
    "statutory_23": ("Statutory 2023",),
    "operation_23": ("Operation 2023",),
    "easting": ("pc_easting",), "northing": ("pc_northing",),
    "latitude": ("pc_latitude",), "longitude": ("pc_longitude",),
    "lad_code": ("pc_lad25cd",),
}
_LIB_REQUIRED = ("name", "address1", "postcode", "type", "closed", "statutory_23", "operation_23")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def library_source_id(name: pd.Series, postcode: pd.Series) -> pd.Series:
    """``ace:`` + first 16 hex digits of SHA-256 of ``casefold(name) + "|" + compact postcode``.

    The name is case-folded with runs of whitespace collapsed; the postcode is upper case without
    spaces. The ACE data set has no identifier of its own, and UPRNs are missing for about half of
    the libraries, so this is the most stable key available: it changes only if a library is
    renamed or moves.
    """
    n = name.astype("string").str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()
    p = postcode.astype("string").str.upper().str.replace(r"\s+", "", regex=True).fillna("")
    keys = (n.fillna("") + "|" + p).tolist()
    return pd.Series(["ace:" + hashlib.sha256(k.encode("utf-8")).hexdigest()[:16] for k in keys],
                     index=name.index, dtype="string")


def read_ace_libraries(path: str | Path, *, lads: Iterable[str] | None = None,
                       open_only: bool = True, postcodes: pd.DataFrame | None = None,
                       source: str | None = None) -> pd.DataFrame:
    """Read the Arts Council England basic dataset for libraries (2023) into a tidy table.

    The layout read is the cleaned CSV published by Libraries Hacked
    (``libraries_england_2023.csv``: ``name, address1..3, postcode, type, statutory_23,
    operation_23, closed, monday..sunday, hours, email`` ...); ``pc_*`` geocode columns are used
    when present, otherwise libraries are geocoded by postcode.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    lads : iterable of str, optional
        Keep only libraries whose postcode lies in these local authorities.
    open_only : bool, default True
        Keep only open static libraries: ``type`` "Static Library", no ``closed`` year and a 2023
        operation model other than "Closed". Libraries temporarily closed in 2023 are kept and
        flagged in ``temporarily_closed_2023``. Mobile libraries and archives are dropped.
    postcodes, source
        As for :func:`read_gp_practices`.

    Returns
    -------
    DataFrame
        ``source_id`` (see :func:`library_source_id`), ``name``, ``library_type``,
        ``authority``, ``statutory_2023``, ``operation_2023`` (code), ``operation_model`` (its
        meaning), ``temporarily_closed_2023``, ``operating_organisation``, ``address_1..3``,
        ``postcode``, ``uprn``, ``email``, ``opened``, ``co_located``, ``monday..sunday``
        (opening pattern), ``hours`` and ``staffed_hours`` (per week), coordinates, area codes
        and provenance.

    Raises
    ------
    AssetFileError, AssetCoordinateError
        As for :func:`read_gp_practices`.
    """
    path = Path(path)
    df = _rename(_read_csv(path), _LIB_ALIASES)
    _require(df, _LIB_REQUIRED, path, "libraries (ACE basic dataset)", _LIB_ALIASES)
    for c in df.columns:
        df[c] = _clean_str(df[c])
    if open_only:
        df = df[(df["type"] == "Static Library") & df["closed"].isna()
                & (df["operation_23"] != "Closed")]
    df = df.copy()
    df["postcode_original"] = df["postcode"]
    df["postcode"] = normalise_postcodes(df["postcode"])
    if "easting" not in df.columns or df["easting"].isna().any():
        df = _geocode(df, postcodes)
    df = _coords(df, path, "name")
    df = _filter_lads(_attach_areas(df, postcodes=postcodes), _check_lads(lads))
    temp = ((df["statutory_23"] == "Temporary Closure")
            | (df["operation_23"] == "Temporary Closure"))
    out = pd.DataFrame({
        "source_id": library_source_id(df["name"], df["postcode_original"]),
        "name": df["name"],
        "library_type": df["type"],
        "authority": df.get("authority"),
        "statutory_2023": df["statutory_23"],
        "operation_2023": df["operation_23"],
        "operation_model": df["operation_23"].map(LIBRARY_OPERATION_MODELS).astype("string"),
        "temporarily_closed_2023": temp.astype(bool),
        "operating_organisation": df.get("operating_organisation"),
        "address_1": df["address1"], "address_2": df.get("address2"),
        "address_3": df.get("address3"),
        "postcode": df["postcode"],
        "uprn": df.get("uprn"),
        "email": df["email"].str.lower() if "email" in df.columns else pd.NA,
        "opened": df.get("opened"),
        "co_located": df.get("co_located"),
        **{d: df.get(d) for d in _DAYS},
        "hours": _num(df, "hours"),
        "staffed_hours": _num(df, "staffed_hours"),
        **{c: df[c] for c in ("easting", "northing", "latitude", "longitude", "lad_code",
                               "lsoa21_code", "lsoa21_method")},
    })
    return _provenance(out, source or f"Arts Council England basic dataset for libraries "
                       f"({path.name})", [_OGL, "Source: Arts Council England.",
                                          *_POSTCODE_ATTRIBUTION])


# ----------------------------------------------------------------------------- schools

_GIAS_ALIASES = {
    "urn": ("URN",),
    "la_code": ("LA (code)",), "la_name": ("LA (name)",),
    "establishment_number": ("EstablishmentNumber",),
    "establishment_name": ("EstablishmentName",),
    "establishment_type": ("TypeOfEstablishment (name)",),
    "establishment_type_group": ("EstablishmentTypeGroup (name)",),
    "establishment_status": ("EstablishmentStatus (name)",),
    "education_phase": ("PhaseOfEducation (name)",),
    "number_of_pupils": ("NumberOfPupils",),
    "percentage_fsm": ("PercentageFSM",),
    "easting": ("Easting",), "northing": ("Northing",),
    "lsoa_code": ("LSOA (code)",),
    "pcon_code": ("ParliamentaryConstituency (code)",),
    "lad_code": ("DistrictAdministrative (code)",),
    "postcode": ("Postcode",), "street": ("Street",), "locality": ("Locality",),
    "address3": ("Address3",), "town": ("Town",),
    "phone": ("TelephoneNum",), "url": ("SchoolWebsite",),
}
_GIAS_REQUIRED = ("urn", "establishment_name", "establishment_type", "education_phase",
                  "easting", "northing")


def read_gias(path: str | Path, *, lads: Iterable[str] | None = None, open_only: bool = True,
              source: str | None = None) -> pd.DataFrame:
    """Read DfE Get Information About Schools (``edubasealldataYYYYMMDD.csv``) into a tidy table.

    The official file is Windows-1252 encoded; UTF-8 re-publications are detected and read as
    such (see ``_read_csv``). Both the official column names (``URN``, ``EstablishmentName``,
    ``TypeOfEstablishment (name)``, ``Easting`` ...) and snake_case ones are accepted.

    Parameters
    ----------
    path : str or Path
        The CSV (optionally gzipped).
    lads : iterable of str, optional
        Keep only establishments in these local authority districts (``DistrictAdministrative
        (code)`` when given, else from the LSOA via the bundled ONS lookups).
    open_only : bool, default True
        Keep establishments whose ``EstablishmentStatus (name)`` starts with "Open" (files
        without a status column are assumed to hold open establishments only).
    source : str, optional
        Text for the ``source`` column.

    Returns
    -------
    DataFrame
        ``source_id`` (``gias:<URN>``), ``urn``, ``name``, ``establishment_type``,
        ``establishment_type_group``, ``education_phase``, ``number_of_pupils`` (Int64),
        ``percentage_fsm``, ``la_code`` (DfE), ``la_name``, address and contact columns where the
        file has them, coordinates, ``lad_code``, ``lsoa21_code``, ``lsoa21_method``,
        provenance.
    """
    path = Path(path)
    df = _rename(_read_csv(path), _GIAS_ALIASES)
    _require(df, _GIAS_REQUIRED, path, "GIAS establishments", _GIAS_ALIASES)
    for c in df.columns:
        df[c] = _clean_str(df[c])
    if open_only and "establishment_status" in df.columns:
        df = df[df["establishment_status"].str.startswith("Open").fillna(False)]
    df = df.copy()
    if "postcode" in df.columns:
        df["postcode"] = normalise_postcodes(df["postcode"])
    df = _coords(df, path, "urn")
    if "lsoa_code" in df.columns:
        df["lsoa21_source"] = df["lsoa_code"]
        if "lad_code" not in df.columns:
            via21 = df["lsoa_code"].map(load_lsoa21_lookup().set_index("lsoa21_code")["lad_code"])
            via11 = df["lsoa_code"].map(load_lsoa11_lookup().set_index("lsoa11_code")["lad_code"])
            df["lad_code"] = via21.fillna(via11)
    df = _attach_areas(df, postcodes=None)
    df = _filter_lads(df, _check_lads(lads))
    address = None
    parts = [c for c in ("street", "locality", "address3", "town") if c in df.columns]
    if parts:
        address = df[parts].apply(lambda r: ", ".join(v for v in r if isinstance(v, str)), axis=1)
    out = pd.DataFrame({
        "source_id": "gias:" + df["urn"],
        "urn": df["urn"],
        "name": df["establishment_name"],
        "establishment_type": df["establishment_type"],
        "establishment_type_group": df.get("establishment_type_group"),
        "education_phase": df["education_phase"],
        "number_of_pupils": _num(df, "number_of_pupils").round().astype("Int64"),
        "percentage_fsm": _num(df, "percentage_fsm"),
        "la_code": df.get("la_code"), "la_name": df.get("la_name"),
        "address": address, "postcode": df.get("postcode"),
        "phone": df.get("phone"), "url": df.get("url"),
        **{c: df[c] for c in ("easting", "northing", "latitude", "longitude", "lad_code",
                               "lsoa21_code", "lsoa21_method")},
    })
    return _provenance(out, source or f"DfE Get Information About Schools ({path.name})",
                       [_OGL, "Source: Department for Education, Get Information About Schools."])


# ----------------------------------------------------------------------------- green space

_GS_ALIASES = {
    "site_id": ("refToGreenspaceSite", "refToGSite", "site"),
    "easting": ("EASTING", "x"), "northing": ("NORTHING", "y"),
    "min_size_ha_class": ("size_class",),
}
_GREENSPACE_ATTRIBUTION = (
    _OGL, "Contains OS data © Crown copyright and database right 2024.",
    "© Natural England copyright (CRoW Act 2000 access land).",
)


def _site_kind(site_id: pd.Series) -> pd.Series:
    return pd.Series(np.where(site_id.str.fullmatch(r"\d+").fillna(False), "crow_access_land",
                              "os_open_greenspace"), index=site_id.index, dtype="string")


def _link_access_points(df: pd.DataFrame) -> pd.DataFrame:
    """Recover each OS formal access point's site in Groundswell-style files.

    In those files a site appears as its four bounding-box mid-points (N, S, E, W) under the
    site's own id, while each OS formal access point carries the *access point's* id (one row per
    id). The site's bounding box is exactly recoverable from its four mid-points, so a formal
    access point is linked to the site of the same size class whose bounding box contains it; if
    several do, the smallest box wins (``site_link`` "bbox_smallest_of_several"). Points inside no
    box keep their own id (``site_link`` "unlinked").
    """
    n = df.groupby("site_id")["site_id"].transform("size").to_numpy()
    df["point_id"] = df["site_id"]
    df["point_kind"] = np.where(n == 1, "os_access_point", "site_bbox_midpoint")
    df.loc[(n != 1) & (_site_kind(df["site_id"]) == "crow_access_land").to_numpy(),
           "point_kind"] = "crow_bbox_midpoint"
    df["site_link"] = np.where(n == 1, "unlinked", "own_site_id")
    boxes = df[n != 1].groupby("site_id").agg(
        xmin=("easting", "min"), xmax=("easting", "max"), ymin=("northing", "min"),
        ymax=("northing", "max"), cls=("min_size_ha_class", "first"))
    single = np.flatnonzero(n == 1)
    if len(single) and len(boxes):
        geoms = shapely.box(*(boxes[c].to_numpy() for c in ("xmin", "ymin", "xmax", "ymax")))
        pts = shapely.points(df["easting"].to_numpy()[single], df["northing"].to_numpy()[single])
        pi, bi = shapely.STRtree(geoms).query(pts, predicate="intersects")
        same = df["min_size_ha_class"].to_numpy()[single][pi] == boxes["cls"].to_numpy()[bi]
        pi, bi = pi[same], bi[same]
        area = shapely.area(geoms)[bi]
        order = np.lexsort((area, pi))
        pi, bi = pi[order], bi[order]
        first = np.unique(pi, return_index=True)[1]
        counts = np.bincount(pi, minlength=len(single))
        rows = single[pi[first]]
        df.loc[df.index[rows], "site_id"] = boxes.index.to_numpy()[bi[first]]
        df.loc[df.index[rows], "site_link"] = np.where(counts[pi[first]] > 1,
                                                       "bbox_smallest_of_several", "bbox_unique")
    return df


def read_greenspace_access_points(path: str | Path, *, lads: Iterable[str] | None = None,
                                  source: str | None = None) -> pd.DataFrame:
    """Read green-space access points (OS Open Greenspace, optionally with CRoW access land).

    Accepts the OS ``AccessPoint`` layer exported to CSV (``refToGreenspaceSite``, easting,
    northing) or the Groundswell C&M file (``site_id, easting, northing, min_size_ha_class``);
    for the latter each OS formal access point is linked to its site as described in
    ``_link_access_points``.

    Parameters
    ----------
    path : str or Path
        The CSV (optionally gzipped).
    lads : iterable of str, optional
        Keep only points of sites with at least one point inside these local authorities (by
        point-in-polygon on the bundled boundaries, so only C&M codes can be used).
    source : str, optional
        Text for the ``source`` column.

    Returns
    -------
    DataFrame
        ``site_id``, ``point_id``, ``point_kind`` (os_access_point | site_bbox_midpoint |
        crow_bbox_midpoint), ``site_link``, ``size_class`` (ordered categorical),
        ``min_size_ha``, ``easting``, ``northing``, ``latitude``, ``longitude``, ``lsoa21_code``
        (point in polygon; null outside C&M), ``source``, ``licence``, ``attribution``.
    """
    path = Path(path)
    raw = _read_csv(path)
    os_native = any(c.casefold() in ("reftogreenspacesite", "reftogsite") for c in raw.columns)
    df = _rename(raw, _GS_ALIASES)
    _require(df, ("site_id", "easting", "northing"), path, "green-space access point",
             _GS_ALIASES)
    df["site_id"] = _clean_str(df["site_id"])
    if "min_size_ha_class" not in df.columns:
        df["min_size_ha_class"] = pd.NA
    unknown = set(df["min_size_ha_class"].dropna()) - set(_CLASS_MIN_HA)
    if unknown:
        raise AssetFileError(f"{path}: unknown min_size_ha_class value(s) {sorted(unknown)}; "
                             f"expected one of {list(_CLASS_MIN_HA)}", path=str(path),
                             column="min_size_ha_class")
    df = _coords(df, path, "site_id")
    if os_native:
        df["point_id"] = df["id"] if "id" in df.columns else pd.NA
        df["point_kind"] = "os_access_point"
        df["site_link"] = "source"
    else:
        df = _link_access_points(df)
    df["lsoa21_code"] = pd.array(lsoa21_point_in_polygon(df["easting"].to_numpy(),
                                                         df["northing"].to_numpy()),
                                 dtype="string")
    lads = _check_lads(lads)
    if lads is not None:
        if not lads <= set(CM_LOCAL_AUTHORITIES):
            raise ValueError("green-space points can only be filtered by C&M local authorities "
                             "(the bundled boundaries cover C&M only)")
        lad = df["lsoa21_code"].map(load_lsoa21_lookup().set_index("lsoa21_code")["lad_code"])
        keep = set(df.loc[lad.isin(lads), "site_id"])
        df = df[df["site_id"].isin(keep)]
    cats = pd.CategoricalDtype([c for c, _ in GREENSPACE_CLASSES], ordered=True)
    out = pd.DataFrame({
        "site_id": df["site_id"].astype("string"),
        "point_id": df["point_id"].astype("string"),
        "point_kind": df["point_kind"].astype("category"),
        "site_link": df["site_link"].astype("category"),
        "size_class": df["min_size_ha_class"].astype(cats),
        "min_size_ha": df["min_size_ha_class"].map(_CLASS_MIN_HA).astype("float64"),
        **{c: df[c] for c in ("easting", "northing", "latitude", "longitude", "lsoa21_code")},
    }).reset_index(drop=True)
    return _provenance(out, source or f"OS Open Greenspace access points ({path.name})",
                       _GREENSPACE_ATTRIBUTION)


def greenspace_sites(access_points: pd.DataFrame) -> pd.DataFrame:
    """One row per green-space site, from its access points.

    The site's position (``easting``/``northing``) is the mean of its access points (for a site
    known only by its bounding-box mid-points, the centre of the box). ``in_cm`` is true when any
    of its points lies in a bundled C&M LSOA; ``lsoa21_code`` is the LSOA of the site position,
    or, where that falls outside every bundled polygon, of its first point that does.

    Returns
    -------
    DataFrame
        ``source_id`` (``osgs:<site_id>`` or ``crow:<OBJECTID>``), ``site_id``, ``site_kind``,
        ``size_class``, ``min_size_ha``, ``n_access_points``, ``n_formal_access_points``,
        coordinates, ``in_cm``, ``lad_code``, ``lsoa21_code``, ``lsoa21_method``, provenance.
    """
    ap = access_points
    g = ap.groupby("site_id", sort=True, observed=True)
    sites = pd.DataFrame({
        "size_class": g["size_class"].first(),
        "n_classes": g["size_class"].nunique(),
        "n_access_points": g.size(),
        "n_formal_access_points": g["point_kind"].agg(lambda s: int((s == "os_access_point"
                                                                     ).sum())),
        "easting": g["easting"].mean().round(2),
        "northing": g["northing"].mean().round(2),
        "first_cm_lsoa": g["lsoa21_code"].first(),
        "source": g["source"].first(), "licence": g["licence"].first(),
        "attribution": g["attribution"].first(),
    })
    if (sites["n_classes"] > 1).any():
        raise ValueError("a green-space site has access points in more than one size class")
    sites = sites.drop(columns="n_classes").reset_index()
    kind = _site_kind(sites["site_id"])
    sites.insert(0, "source_id", np.where(kind == "crow_access_land", "crow:", "osgs:")
                 + sites["site_id"])
    sites.insert(2, "site_kind", kind)
    sites["min_size_ha"] = sites["size_class"].map(_CLASS_MIN_HA).astype("float64")
    lon, lat = _to_wgs84(sites["easting"].to_numpy(), sites["northing"].to_numpy())
    sites["latitude"], sites["longitude"] = lat, lon
    sites["in_cm"] = sites["first_cm_lsoa"].notna()
    pip = pd.array(lsoa21_point_in_polygon(sites["easting"].to_numpy(),
                                           sites["northing"].to_numpy()), dtype="string")
    sites["lsoa21_code"] = pd.Series(pip, index=sites.index).fillna(sites["first_cm_lsoa"])
    sites["lsoa21_method"] = np.where(
        pd.notna(pip), "point_in_polygon_bsc_approx",
        np.where(sites["in_cm"], "point_in_polygon_bsc_approx_first_access_point",
                 "not_assigned_outside_bundled_boundaries"))
    sites["lad_code"] = sites["lsoa21_code"].map(
        load_lsoa21_lookup().set_index("lsoa21_code")["lad_code"]).astype("string")
    cols = ["source_id", "site_id", "site_kind", "size_class", "min_size_ha", "n_access_points",
            "n_formal_access_points", "easting", "northing", "latitude", "longitude", "in_cm",
            "lad_code", "lsoa21_code", "lsoa21_method", "source", "licence", "attribution"]
    return sites[cols]


# ----------------------------------------------------------------------------- bundled loaders

def load_gp_practices() -> pd.DataFrame:
    """Active GP practices in C&M (NHS ODS ``epraccur``, Sept 2025): :func:`read_gp_practices`."""
    return _read("assets_gp_practices_cm")


def load_libraries() -> pd.DataFrame:
    """Open static public libraries in C&M (ACE basic dataset 2023); see
    :func:`read_ace_libraries`."""
    return _read("assets_libraries_cm")


def load_schools() -> pd.DataFrame:
    """Open schools and colleges in C&M (GIAS, 24 May 2025); see :func:`read_gias`."""
    return _read("assets_schools_cm")


def load_greenspace_sites(*, min_size_ha: float = 0.5, in_cm_only: bool = True) -> pd.DataFrame:
    """Green-space sites (OS Open Greenspace + CRoW access land) from the C&M + 2 km area.

    Parameters
    ----------
    min_size_ha : float, default 0.5
        Keep sites of at least this size class (0.5 = Natural England "doorstop"); 0 keeps all.
    in_cm_only : bool, default True
        Keep only sites with an access point inside C&M (False adds the 2 km buffer around it).
    """
    s = _read("assets_greenspace_sites_cm")
    keep = s["min_size_ha"] >= min_size_ha
    if in_cm_only:
        keep &= s["in_cm"]
    return s[keep].reset_index(drop=True)


def load_greenspace_access_points(*, min_size_ha: float = 0.0) -> pd.DataFrame:
    """All green-space access points in C&M + 2 km (37,465), every size class by default.

    The 2 km buffer is kept so that distances from homes near the C&M border reach green space
    just across it. Filter with ``min_size_ha=0.5`` for the sites counted as assets.
    """
    p = _read("assets_greenspace_access_points_cm")
    return p if min_size_ha <= 0 else p[p["min_size_ha"] >= min_size_ha].reset_index(drop=True)


def _join(*parts: pd.Series) -> pd.Series:
    frame = pd.concat([p.astype("string") for p in parts], axis=1)
    joined = frame.apply(lambda r: ", ".join(v for v in r if isinstance(v, str) and v), axis=1)
    return joined.mask(joined == "").astype("string")


def _tags(category: str, table: Mapping[str, tuple[str, ...]]) -> str:
    return ";".join(table[category])


@cache
def _load_assets() -> pd.DataFrame:
    gp, lib, sch = load_gp_practices(), load_libraries(), load_schools()
    gs = load_greenspace_sites()
    parts = [
        pd.DataFrame({"source_id": gp["source_id"], "name": gp["name"],
                      "category": "gp_practice",
                      "address": _join(*(_title_case_series(gp[f"address_line_{i}"].mask(
                          gp[f"address_line_{i}"] == gp["name_original"])) for i in range(1, 6))),
                      "postcode": gp["postcode"], "phone": gp["phone"], "email": pd.NA,
                      "url": pd.NA}),
        pd.DataFrame({"source_id": lib["source_id"], "name": lib["name"], "category": "library",
                      "address": _join(lib["address_1"], lib["address_2"], lib["address_3"]),
                      "postcode": lib["postcode"], "phone": pd.NA, "email": lib["email"],
                      "url": pd.NA}),
        pd.DataFrame({"source_id": sch["source_id"], "name": sch["name"], "category": "school",
                      "address": sch.get("address"), "postcode": sch.get("postcode"),
                      "phone": sch.get("phone"), "email": pd.NA, "url": sch.get("url")}),
        pd.DataFrame({"source_id": gs["source_id"],
                      "name": np.where(gs["site_kind"] == "crow_access_land",
                                       "Open access land (", "Green space (")
                      + gs["size_class"].map(_CLASS_LABELS).astype(str) + ")",
                      "category": "green_space", "address": pd.NA, "postcode": pd.NA,
                      "phone": pd.NA, "email": pd.NA, "url": pd.NA}),
    ]
    rest = ["easting", "northing", "latitude", "longitude", "lad_code", "lsoa21_code",
            "lsoa21_method", "source", "licence", "attribution"]
    frames = []
    for part, src in zip(parts, (gp, lib, sch, gs), strict=True):
        for c in ("name", "address", "postcode", "phone", "email", "url"):
            part[c] = part[c].astype("string")
        for c in rest:
            part[c] = src[c].to_numpy()
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["capitals"] = out["category"].map(lambda c: _tags(c, CATEGORY_CAPITALS))
    out["needs"] = out["category"].map(lambda c: _tags(c, CATEGORY_NEEDS))
    for c in ("name", "address", "postcode", "phone", "email", "url", "lad_code", "lsoa21_code",
              "capitals", "needs"):
        out[c] = out[c].astype("string")
    for c in ("category", "lsoa21_method", "source", "licence", "attribution"):
        out[c] = out[c].astype("category")
    if out["source_id"].duplicated().any():
        dups = out.loc[out["source_id"].duplicated(), "source_id"].head().tolist()
        raise ValueError(f"duplicate asset source_id values {dups}")
    return out[_NORMALISED_COLUMNS]


def load_assets() -> pd.DataFrame:
    """All bundled C&M community assets in one normalised table.

    Columns: ``source_id, name, category`` (gp_practice | library | school | green_space),
    ``capitals`` and ``needs`` (``;``-joined, in the order of :data:`CAPITALS` / :data:`NEEDS`;
    ``needs`` may be empty), ``address, postcode, phone, email, url, easting, northing``
    (BNG metres), ``latitude, longitude`` (WGS84), ``lad_code, lsoa21_code, lsoa21_method,
    source, licence, attribution``. Green spaces are sites of at least 0.5 ha with an access point
    in C&M, positioned at the mean of their access points (use
    :func:`load_greenspace_access_points` for distances). The table is cached: treat it as
    read-only.
    """
    return _load_assets()


def asset_tags(assets: pd.DataFrame, column: str) -> pd.DataFrame:
    """Boolean membership table of a ``;``-joined tag column (``"capitals"`` or ``"needs"``).

    Returns one boolean column per vocabulary term (:data:`CAPITALS` or :data:`NEEDS`), aligned
    with ``assets``.
    """
    vocab = {"capitals": CAPITALS, "needs": NEEDS}.get(column)
    if vocab is None:
        raise ValueError(f"column must be 'capitals' or 'needs', not {column!r}")
    split = assets[column].fillna("").astype(str).str.split(";")
    return pd.DataFrame({t: split.map(lambda xs, t=t: t in xs).astype(bool) for t in vocab},
                        index=assets.index)
