"""Green space from OS Open Greenspace (and Natural England CRoW access land): access points and
the sites they belong to.

``source_id`` is ``osgs:<OS Open Greenspace site id>`` or ``crow:<CRoW access-land OBJECTID>``.
Sites are sized by the Natural England Green Infrastructure Standards classes
(:data:`~rescomm.data.GREENSPACE_CLASSES`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from ._asset_areas import _check_lads, _lad_of_lsoa21, lsoa21_point_in_polygon
from ._asset_io import (
    _OGL,
    _clean_str,
    _coords,
    _provenance,
    _read_csv,
    _rename,
    _require,
    _to_wgs84,
)
from ._asset_taxonomy import GREENSPACE_CLASSES, GREENSPACE_MIN_HA
from ._bundled import CM_LOCAL_AUTHORITIES
from ._errors import AssetFileError

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
    unknown = set(df["min_size_ha_class"].dropna()) - set(GREENSPACE_MIN_HA)
    if unknown:
        raise AssetFileError(f"{path}: unknown min_size_ha_class value(s) {sorted(unknown)}; "
                             f"expected one of {list(GREENSPACE_MIN_HA)}", path=str(path),
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
        lad = _lad_of_lsoa21(df["lsoa21_code"])
        keep = set(df.loc[lad.isin(lads), "site_id"])
        df = df[df["site_id"].isin(keep)]
    cats = pd.CategoricalDtype([c for c, _ in GREENSPACE_CLASSES], ordered=True)
    out = pd.DataFrame({
        "site_id": df["site_id"].astype("string"),
        "point_id": df["point_id"].astype("string"),
        "point_kind": df["point_kind"].astype("category"),
        "site_link": df["site_link"].astype("category"),
        "size_class": df["min_size_ha_class"].astype(cats),
        "min_size_ha": df["min_size_ha_class"].map(GREENSPACE_MIN_HA).astype("float64"),
        **{c: df[c] for c in ("easting", "northing", "latitude", "longitude", "lsoa21_code")},
    }).reset_index(drop=True)
    return _provenance(out, source or f"OS Open Greenspace access points ({path.name})",
                       _GREENSPACE_ATTRIBUTION)


def greenspace_sites(access_points: pd.DataFrame,
                     site_names: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per green-space site, from its access points.

    ``site_names`` (from :func:`read_greenspace_site_names`, the OS ``GreenspaceSite`` layer)
    adds each OS site's own name and kind as ``site_name`` and ``site_function``.

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
    sites["min_size_ha"] = sites["size_class"].map(GREENSPACE_MIN_HA).astype("float64")
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
    sites["lad_code"] = _lad_of_lsoa21(sites["lsoa21_code"]).astype("string")
    cols = ["source_id", "site_id", "site_kind", "size_class", "min_size_ha", "n_access_points",
            "n_formal_access_points", "easting", "northing", "latitude", "longitude", "in_cm",
            "lad_code", "lsoa21_code", "lsoa21_method", "source", "licence", "attribution"]
    if site_names is not None:
        known = site_names.set_index("site_id")
        sites["site_name"] = sites["site_id"].map(known["site_name"]).astype("string")
        sites["site_function"] = sites["site_id"].map(known["site_function"]).astype("string")
        cols += ["site_name", "site_function"]
    return sites[cols]


#: Size of each class as a range ("largest class the site meets": a "local" site is at least
#: 2 ha and under 10 ha, the next class's minimum).
GREENSPACE_SIZE_RANGES: dict[str, str] = {
    c: (f"{h:g} ha or more" if i == len(GREENSPACE_CLASSES) - 1 else
        f"under {GREENSPACE_CLASSES[i + 1][1]:g} ha" if not h else
        f"{h:g}\u2013{GREENSPACE_CLASSES[i + 1][1]:g} ha")
    for i, (c, h) in enumerate(GREENSPACE_CLASSES)
}
_OS_NAME_ALIASES = {"id": ("site_id", "refToGreenspaceSite"), "function": ("site_function",),
                    "distName1": ("distinctive_name_1", "name1", "site_name")}


def read_greenspace_site_names(path: str | Path) -> pd.DataFrame:
    """The names and kinds of OS Open Greenspace sites, from the ``GreenspaceSite`` layer's
    attribute table saved as CSV (columns ``id``, ``function``, ``distName1``; ``distName2`` to
    ``distName4`` are read too). OS gives a ``distName1`` ("Sefton Park") only where the site
    has a distinctive name; ``function`` is the kind ("Public Park Or Garden", "Playing Field").

    Returns
    -------
    DataFrame
        ``site_id``, ``site_name`` (distinctive names joined with " / ", null if none),
        ``site_function`` (null if blank), one row per site.
    """
    path = Path(path)
    df = _rename(_read_csv(path), _OS_NAME_ALIASES)
    _require(df, ("id",), path, "OS Open Greenspace site", _OS_NAME_ALIASES)
    names = [c for c in ("distName1", "distName2", "distName3", "distName4") if c in df.columns]
    if not names and "function" not in df.columns:
        raise AssetFileError(f"{path}: neither a 'distName1' nor a 'function' column: this is "
                             "not the GreenspaceSite layer of OS Open Greenspace",
                             path=str(path), column="distName1")
    parts = pd.concat([_clean_str(df[c]) for c in names], axis=1) if names else None
    site_name = (parts.apply(lambda r: " / ".join(v for v in r if isinstance(v, str)), axis=1)
                 .replace("", pd.NA).astype("string") if parts is not None
                 else pd.Series(pd.NA, index=df.index, dtype="string"))
    out = pd.DataFrame({
        "site_id": _clean_str(df["id"]),
        "site_name": site_name,
        "site_function": (_clean_str(df["function"]) if "function" in df.columns
                          else pd.Series(pd.NA, index=df.index, dtype="string")),
    })
    return out.dropna(subset=["site_id"]).drop_duplicates("site_id").reset_index(drop=True)


def _nearest_postcodes(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """The nearest live bundled postcode (ONSPD centroid) to each point, and its distance (m)."""
    from ._bundled import load_postcodes

    pc = load_postcodes()
    pc = pc[pc["terminated"].isna() & pc["easting"].notna()]
    tree = shapely.STRtree(shapely.points(pc["easting"].to_numpy(float),
                                          pc["northing"].to_numpy(float)))
    (src, idx), dist = tree.query_nearest(shapely.points(easting, northing), return_distance=True,
                                          all_matches=False)
    out_idx = np.zeros(len(easting), dtype=np.int64)
    out_dist = np.full(len(easting), np.inf)
    out_idx[src], out_dist[src] = idx, dist
    return pc["postcode"].to_numpy()[out_idx], out_dist


def _sentence_case(text: str) -> str:
    """OS functions are title case ("Public Park Or Garden"): "Public park or garden"."""
    return text[:1].upper() + text[1:].lower()


def greenspace_names(sites: pd.DataFrame) -> pd.DataFrame:
    """A name and a description a person recognises for each green-space site.

    The source's own name where it has one (``site_name``, OS ``distName1``); otherwise the
    kind (OS ``function``, e.g. "Playing field", else "Green space", or "Open access land" for
    CRoW land), the size range of its Natural England class, the ward it lies in (from the
    bundled LSOA 2021 -> ward 2024 lookup, by the site's centre) and the nearest live postcode
    to its centre (bundled ONSPD centroids): "Green space (2–10 ha), Princes Park ward, near
    L8 3SA". Nothing is invented: a site outside the bundled boundaries gets no ward, and no
    postcode if none is within 2 km.

    Parameters
    ----------
    sites : DataFrame
        From :func:`greenspace_sites` / :func:`~rescomm.data.load_greenspace_sites`:
        ``site_kind``, ``size_class``, ``easting``, ``northing``, ``lsoa21_code``, and
        optionally ``site_name``, ``site_function``.

    Returns
    -------
    DataFrame
        Same index: ``name``, ``description``, ``ward_name``, ``nearest_postcode``,
        ``nearest_postcode_m`` (metres, rounded), ``name_method`` ("source_name" or
        "descriptive").
    """
    from ._bundled import load_lsoa21_lookup

    lookup = load_lsoa21_lookup().set_index("lsoa21_code")
    ward = sites["lsoa21_code"].map(lookup["ward_name"]).astype("string")
    lad = sites["lsoa21_code"].map(lookup["lad_name"]).astype("string")
    postcode, dist = _nearest_postcodes(sites["easting"].to_numpy(float),
                                        sites["northing"].to_numpy(float))
    near = pd.Series(postcode, index=sites.index, dtype="string").where(dist <= 2000)
    own = (sites["site_name"].astype("string") if "site_name" in sites.columns
           else pd.Series(pd.NA, index=sites.index, dtype="string"))
    function = (sites["site_function"].astype("string") if "site_function" in sites.columns
                else pd.Series(pd.NA, index=sites.index, dtype="string"))
    size = sites["size_class"].astype(str).map(GREENSPACE_SIZE_RANGES)
    names, descriptions = [], []
    for i in range(len(sites)):
        crow = sites["site_kind"].iat[i] == "crow_access_land"
        kind = ("Open access land" if crow else
                _sentence_case(function.iat[i]) if isinstance(function.iat[i], str)
                else "Green space")
        where = [f"{ward.iat[i]} ward" if isinstance(ward.iat[i], str) else None,
                 f"near {near.iat[i]}" if isinstance(near.iat[i], str) else None]
        where = [w for w in where if w]
        descriptive = f"{kind} ({size.iat[i]})" + (", " + ", ".join(where) if where else "")
        names.append(own.iat[i] if isinstance(own.iat[i], str) else descriptive)
        text = [f"{kind}, {size.iat[i]}" + (" (OS Open Greenspace)" if not crow else
                                           " (Natural England CRoW access land)") + "."]
        if isinstance(ward.iat[i], str):
            text.append(f"In {ward.iat[i]} ward, {lad.iat[i]} (by the centre of the site).")
        if isinstance(near.iat[i], str):
            text.append(f"Nearest postcode to its centre: {near.iat[i]} "
                        f"(about {int(round(dist[i], -1))} m away); the site has no address.")
        descriptions.append(" ".join(text))
    return pd.DataFrame({
        "name": pd.array(names, dtype="string"),
        "description": pd.array(descriptions, dtype="string"),
        "ward_name": ward, "nearest_postcode": near,
        "nearest_postcode_m": pd.Series(np.round(dist), index=sites.index).where(near.notna()),
        "name_method": np.where(own.notna(), "source_name", "descriptive"),
    }, index=sites.index)
