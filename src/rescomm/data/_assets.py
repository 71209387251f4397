"""The bundled Cheshire & Merseyside (C&M) community assets, and one normalised table of them.

``load_*()`` read the compact C&M extracts bundled in ``bundled/`` (built with
``scripts/build_bundled_data.py``, which calls the ``read_*`` readers of the full official files:
``_gp_practices``, ``_libraries``, ``_schools``, ``_greenspace``), and :func:`load_assets` joins
them into one normalised asset table tagged with community capitals and social-prescribing needs
(``_asset_taxonomy``).

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

from collections.abc import Mapping
from functools import cache
from pathlib import Path

import pandas as pd

# _to_wgs84 is not used here: tests/geo/test_coverage.py reaches it as ``_assets._to_wgs84``.
from ._asset_io import _title_case_series, _to_wgs84  # noqa: F401
from ._asset_taxonomy import CATEGORY_CAPITALS, CATEGORY_NEEDS
from ._bundled import _read
from ._greenspace import greenspace_names

_NORMALISED_COLUMNS = [
    "source_id", "name", "description", "category", "capitals", "needs", "address", "postcode",
    "phone", "email", "url", "easting", "northing", "latitude", "longitude", "lad_code",
    "lsoa21_code", "lsoa21_method", "source", "licence", "attribution", "opening_times",
]


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
    gs_names = greenspace_names(gs)
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
        pd.DataFrame({"source_id": gs["source_id"], "name": gs_names["name"],
                      "description": gs_names["description"], "category": "green_space",
                      "address": pd.NA, "postcode": pd.NA, "phone": pd.NA, "email": pd.NA,
                      "url": pd.NA}),
    ]
    rest = ["easting", "northing", "latitude", "longitude", "lad_code", "lsoa21_code",
            "lsoa21_method", "source", "licence", "attribution"]
    frames = []
    for part, src in zip(parts, (gp, lib, sch, gs), strict=True):
        if "description" not in part.columns:
            part["description"] = pd.NA
        for c in ("name", "description", "address", "postcode", "phone", "email", "url"):
            part[c] = part[c].astype("string")
        for c in rest:
            part[c] = src[c].to_numpy()
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["opening_times"] = pd.Series(None, index=out.index, dtype=object)
    out["capitals"] = out["category"].map(lambda c: _tags(c, CATEGORY_CAPITALS))
    out["needs"] = out["category"].map(lambda c: _tags(c, CATEGORY_NEEDS))
    for c in ("name", "description", "address", "postcode", "phone", "email", "url", "lad_code",
              "lsoa21_code", "capitals", "needs"):
        out[c] = out[c].astype("string")
    for c in ("category", "lsoa21_method", "source", "licence", "attribution"):
        out[c] = out[c].astype("category")
    if out["source_id"].duplicated().any():
        dups = out.loc[out["source_id"].duplicated(), "source_id"].head().tolist()
        raise ValueError(f"duplicate asset source_id values {dups}")
    return out[_NORMALISED_COLUMNS]


def load_assets(*, library_hours: str | Path | None = None) -> pd.DataFrame:
    """All bundled C&M community assets in one normalised table.

    Columns: ``source_id, name, description, category`` (gp_practice | library | school |
    green_space),
    ``capitals`` and ``needs`` (``;``-joined, in the order of :data:`CAPITALS` / :data:`NEEDS`;
    ``needs`` may be empty), ``address, postcode, phone, email, url, easting, northing``
    (BNG metres), ``latitude, longitude`` (WGS84), ``lad_code, lsoa21_code, lsoa21_method,
    source, licence, attribution, opening_times``. Green spaces are sites of at least 0.5 ha
    with an access point in C&M, positioned at the mean of their access points (use
    :func:`load_greenspace_access_points` for distances), named by
    :func:`~rescomm.data.greenspace_names` (the source's own name where the data has one,
    else kind, size, ward and nearest postcode: "Green space (2–10 ha), Princes Park ward,
    near L8 3SA") and described in words (``description``; null for the other categories).

    ``opening_times`` is null (not known) unless ``library_hours`` is given: the path of the
    Libraries Hacked UK libraries file, which is not bundled (its licence is not stated). Then
    each library matched in it (:func:`match_library_opening_times`) with staffed hours gets
    a list of weekly rules ``{"byday": "MO,WE", "opens_at": "09:00", "closes_at": "19:00"}``
    (local time; the web importer's record format, one HSDS ``Schedule`` each), and its
    ``source`` and ``attribution`` say where the times come from. Unstaffed (self-service)
    hours are not included. With the staged file, 109 of the 112 libraries get times.

    Without ``library_hours`` the table is cached: treat it as read-only. With it, a new table
    is built on each call.

    Raises
    ------
    OpeningHoursError, AssetFileError
        From :func:`read_library_opening_times`, for an unreadable hours file.
    """
    if library_hours is None:
        return _load_assets()
    from ._library_hours import HOURS_ATTRIBUTION, HOURS_SOURCE, library_opening_times

    hours = library_opening_times(library_hours, libraries=load_libraries())
    out = _load_assets().copy()
    has = out["source_id"].isin(hours.index)
    rules = hours.to_dict()
    out["opening_times"] = pd.Series([rules.get(s) for s in out["source_id"]], index=out.index,
                                     dtype=object)
    for column, extra, sep in (("source", HOURS_SOURCE, "; "),
                               ("attribution", HOURS_ATTRIBUTION, " ")):
        text = out[column].astype(str)
        out[column] = text.where(~has, text + sep + extra).astype("category")
    return out
