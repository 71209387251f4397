"""Coverage of community assets per small area: nearest distance, density and asset deserts.

Everything is straight-line (Euclidean) distance on the British National Grid (EPSG:27700,
metres), computed with k-d trees (:class:`scipy.spatial.cKDTree`): it is a lower bound on the
distance people actually travel. The origin of each area is an approximate population-weighted
centre (:func:`population_weighted_centres`). For green space the destination is the nearest
*access point* (entrance, or estimated edge point) of a site, not the site's centre.

Pure functions on arrays and DataFrames; :func:`coverage` wires them to the bundled Cheshire &
Merseyside data. No Django.

References
----------
Natural England (2023). Green Infrastructure Standards for England, summary v1.1 (the accessible
green space size/distance standards used for the green-space desert threshold).
Emery, M. & Flora, C. (2006). Spiraling-up: mapping community transformation with community
capitals framework. Community Development 37(1): 19-35. doi:10.1080/15575330609490152.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from ._errors import OutsideGreatBritainError

#: Groups computed by :func:`coverage` by default: the four bundled asset categories, the five
#: capitals those categories build (political and financial have no bundled assets yet), and any
#: asset.
DEFAULT_GROUPS: tuple[str, ...] = (
    "gp_practice", "library", "school", "green_space",
    "natural", "cultural", "human", "social", "built", "any",
)

#: Radius (m) for :func:`assets_per_1000`: one mile, about 20 minutes' walk at 4.8 km/h.
DEFAULT_RADIUS_M = 1600.0

#: Desert thresholds (m, straight line) by group; groups not listed use ``"default"``.
#: Green space (sites of at least 0.5 ha) follows Natural England's doorstop standard (200 m);
#: services use one mile.
DEFAULT_THRESHOLDS_M: dict[str, float] = {
    "default": 1600.0,
    "green_space": 200.0,
    "natural": 200.0,
}

_CATEGORIES = ("gp_practice", "library", "school", "green_space")
_CAPITALS = ("natural", "cultural", "human", "social", "political", "financial", "built")
_GB_GRID = (0.0, 0.0, 700_000.0, 1_300_000.0)


class EmptyGroupWarning(UserWarning):
    """An asset group has no assets, so its distances are undefined (``NaN``)."""


class ZeroPopulationWarning(UserWarning):
    """A catchment has no residents, so assets per 1,000 residents is undefined (``NaN``)."""


# ----------------------------------------------------------------------------- checks

def _xy(obj: object, what: str) -> tuple[np.ndarray, pd.Index]:
    """``(n, 2)`` float array of BNG coordinates and the index to label results with.

    Accepts a DataFrame with ``easting``/``northing`` columns or anything ``np.asarray`` turns
    into an ``(n, 2)`` array. Raises ``ValueError`` for NaN and
    :class:`~rescomm.geo.OutsideGreatBritainError` (a ``ValueError``) for coordinates outside the
    National Grid (a sign of longitude/latitude or swapped axes).
    """
    if isinstance(obj, pd.DataFrame):
        missing = [c for c in ("easting", "northing") if c not in obj.columns]
        if missing:
            raise ValueError(f"{what}: DataFrame lacks column(s) {missing}; pass British "
                             "National Grid 'easting' and 'northing' in metres")
        xy = obj[["easting", "northing"]].to_numpy(dtype="float64")
        index = obj.index
    else:
        xy = np.asarray(obj, dtype="float64")
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ValueError(f"{what}: expected an (n, 2) array of easting, northing; got shape "
                             f"{xy.shape}")
        index = pd.RangeIndex(len(xy))
    bad = ~np.isfinite(xy).all(axis=1)
    if bad.any():
        raise ValueError(f"{what}: {int(bad.sum())} point(s) have missing (NaN/inf) "
                         f"coordinates, first at position {int(np.flatnonzero(bad)[0])}; drop or "
                         "geocode them first")
    x0, y0, x1, y1 = _GB_GRID
    out = ~((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1))
    if out.any():
        i = int(np.flatnonzero(out)[0])
        raise OutsideGreatBritainError(
            f"{what}: {int(out.sum())} point(s) are outside the British National Grid, first "
            f"({xy[i, 0]}, {xy[i, 1]}); distances need EPSG:27700 eastings/northings in metres, "
            "not longitude/latitude: convert with pyproj first",
            count=int(out.sum()), first=(float(xy[i, 0]), float(xy[i, 1])),
        )
    return xy, index


def _group_masks(groups: object, m: int) -> dict[str, np.ndarray]:
    """Normalise ``groups`` to ``{name: boolean mask of length m}``."""
    if groups is None:
        return {"any": np.ones(m, dtype=bool)}
    if isinstance(groups, Mapping):
        out = {}
        for name, mask in groups.items():
            arr = np.asarray(mask, dtype=bool)
            if arr.shape != (m,):
                raise ValueError(f"group {name!r}: mask has shape {arr.shape}, expected ({m},)")
            out[str(name)] = arr
        return out
    labels = np.asarray(groups, dtype=object)
    if labels.shape != (m,):
        raise ValueError(f"groups: expected one label per asset ({m}), got shape {labels.shape}")
    names = pd.unique(pd.Series(labels).dropna())
    return {str(g): labels == g for g in names}


def _empty(name: str, policy: str) -> None:
    if policy not in ("warn", "raise", "ignore"):
        raise ValueError(f"empty_group must be 'warn', 'raise' or 'ignore', not {policy!r}")
    msg = (f"asset group {name!r} has no assets: its distances, densities and deserts are "
           "undefined (NaN)")
    if policy == "raise":
        raise ValueError(msg)
    if policy == "warn":
        warnings.warn(msg, EmptyGroupWarning, stacklevel=3)


# ----------------------------------------------------------------------------- kernels

def nearest_asset_distance(origins_xy: object, assets_xy: object, *, groups: object = None,
                           empty_group: str = "warn") -> pd.DataFrame:
    r"""Straight-line distance from each origin to the nearest asset of each group.

    Parameters
    ----------
    origins_xy : DataFrame or array-like, shape (n, 2)
        Origins in BNG metres (``easting``/``northing`` columns, or an array).
    assets_xy : DataFrame or array-like, shape (m, 2)
        Asset locations in BNG metres. For green space pass every access point of every site in
        the class (one row each), so the distance is to the nearest entrance.
    groups : None, array-like of m labels, or mapping of name -> boolean mask of length m
        ``None``: one group ``"any"``. Labels: one group per distinct label (e.g. category).
        Mapping: overlapping groups (e.g. capitals, where an asset builds several).
    empty_group : {"warn", "raise", "ignore"}, default "warn"
        What to do when a group has no assets: its column is ``NaN``, with an
        :class:`EmptyGroupWarning` unless ``"ignore"``; ``"raise"`` raises ``ValueError``.

    Returns
    -------
    DataFrame
        Index of ``origins_xy`` (or 0..n-1); one column ``<group>_nearest_m`` per group.

    Notes
    -----
    :math:`d_{ig} = \min_{a \in g} \lVert o_i - a \rVert_2` in metres, found with one
    :class:`scipy.spatial.cKDTree` per group (exact, not approximate: ``eps=0``). A group equal
    to one already computed, or to the union of groups already computed (e.g. a capital made of
    categories), reuses their distances (element-wise minimum) instead of building a new tree.
    """
    o, index = _xy(origins_xy, "origins_xy")
    a, _ = _xy(assets_xy, "assets_xy")
    out = {}
    done: list[tuple[np.ndarray, np.ndarray]] = []  # (mask, distances) already computed
    for name, mask in _group_masks(groups, len(a)).items():
        if not mask.any():
            _empty(name, empty_group)
            out[f"{name}_nearest_m"] = np.full(len(o), np.nan)
            continue
        dist = _reuse(mask, done)
        if dist is None:
            # threads only pay off for many origins (e.g. every postcode)
            dist, _ = cKDTree(a[mask]).query(o, k=1, workers=-1 if len(o) > 20_000 else 1)
        out[f"{name}_nearest_m"] = dist
        done.append((mask, dist))
    return pd.DataFrame(out, index=index)


def _reuse(mask: np.ndarray, done: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray | None:
    """Distances for ``mask`` from groups already computed: the same group (copy), or a group
    that is the union of computed groups (element-wise minimum, exact). ``None`` otherwise."""
    subsets = [(m, d) for m, d in done if not (m & ~mask).any()]
    for m, d in subsets:
        if (m == mask).all():
            return d.copy()
    if subsets and (np.logical_or.reduce([m for m, _ in subsets]) == mask).all():
        return np.minimum.reduce([d for _, d in subsets])
    return None


def area_mean_nearest_distance(points_xy: object, area_codes: object, assets_xy: object, *,
                               groups: object = None, empty_group: str = "warn") -> pd.DataFrame:
    r"""Mean, over the points (e.g. live postcodes) of each area, of the distance to the nearest
    asset of each group.

    Parameters
    ----------
    points_xy : DataFrame or array-like, shape (k, 2)
        Origin points in BNG metres, e.g. every live postcode.
    area_codes : array-like, shape (k,)
        Area of each point; points with a missing code are ignored.
    assets_xy, groups, empty_group
        As for :func:`nearest_asset_distance`.

    Returns
    -------
    DataFrame
        Indexed by area code (sorted): ``<group>_nearest_m`` and ``n_points``.

    Notes
    -----
    :math:`\bar d_{ig} = \frac{1}{|K_i|} \sum_{k \in K_i} \min_{a \in g}
    \lVert x_k - a \rVert`. This is what residents face on average, where the distance from one
    central point can be far from it when destinations are dense (small parks).
    """
    codes = pd.Series(np.asarray(area_codes, dtype=object))
    xy, _ = _xy(points_xy, "points_xy")
    if len(codes) != len(xy):
        raise ValueError(f"area_codes: expected {len(xy)} values, got {len(codes)}")
    keep = codes.notna().to_numpy()
    d = nearest_asset_distance(xy[keep], assets_xy, groups=groups, empty_group=empty_group)
    d.index = pd.Index(codes[keep].to_numpy(), name="area_code")
    out = d.groupby(level=0, sort=True).mean()
    out["n_points"] = d.groupby(level=0, sort=True).size()
    return out


def _pairs_within(o: np.ndarray, a: np.ndarray, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """All (origin, asset) index pairs with distance <= radius_m (zero distances included)."""
    if len(a) == 0 or len(o) == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    pairs = cKDTree(o).sparse_distance_matrix(cKDTree(a), radius_m, output_type="ndarray")
    return pairs["i"], pairs["j"]


def catchment_population(origins_xy: object, population: object, *,
                         radius_m: float = DEFAULT_RADIUS_M) -> np.ndarray:
    r"""Residents of all areas whose origin lies within ``radius_m`` of each origin (itself
    included): :math:`C_i = \sum_j P_j [\lVert o_i - o_j \rVert \le r]`."""
    o, _ = _xy(origins_xy, "origins_xy")
    p = np.asarray(population, dtype="float64")
    if p.shape != (len(o),):
        raise ValueError(f"population: expected {len(o)} values, got shape {p.shape}")
    pairs = cKDTree(o).query_pairs(r=radius_m, output_type="ndarray")
    n = len(o)
    return (p + np.bincount(pairs[:, 0], weights=p[pairs[:, 1]], minlength=n)
            + np.bincount(pairs[:, 1], weights=p[pairs[:, 0]], minlength=n))


def assets_per_1000(origins: object, assets: object, population: object, *,
                    radius_m: float = DEFAULT_RADIUS_M, groups: object = None,
                    asset_ids: object = None, empty_group: str = "warn",
                    zero_population: str = "warn") -> pd.DataFrame:
    r"""Assets within ``radius_m`` of each origin per 1,000 residents within the same radius.

    Parameters
    ----------
    origins : DataFrame or array-like, shape (n, 2)
        Area origins in BNG metres (population-weighted centres).
    assets : DataFrame or array-like, shape (m, 2)
        Asset points in BNG metres (several rows may belong to one asset, see ``asset_ids``).
    population : array-like, shape (n,)
        Residents of each area.
    radius_m : float, default 1600
        Catchment radius in metres (straight line).
    groups : as for :func:`nearest_asset_distance`.
    asset_ids : array-like, shape (m,), optional
        Asset identifier of each point; an asset with several points in range (a park's
        entrances) counts once. Default: each point is its own asset.
    empty_group, zero_population : {"warn", "raise", "ignore"}
        Policy for a group with no assets (column NaN) and for a catchment with no residents
        (value NaN, :class:`ZeroPopulationWarning`).

    Returns
    -------
    DataFrame
        One column ``<group>_per_1000`` per group, plus ``catchment_population``.

    Notes
    -----
    .. math:: R_{ig} = 1000 \, \frac{A_{ig}}{C_i}, \quad
              A_{ig} = \#\{a \in g : \min_{p \in a} \lVert o_i - p \rVert \le r\}, \quad
              C_i = \sum_j P_j \, [\lVert o_i - o_j \rVert \le r]

    The numerator and the denominator share the same circle, so the ratio does not depend on how
    big the area is (dividing by the area's own population would make small, dense areas look
    under-served). It is a simple floating catchment: unlike the two-step floating catchment
    area method it does not share an asset's capacity among the areas that can reach it.
    """
    o, index = _xy(origins, "origins")
    a, _ = _xy(assets, "assets")
    if zero_population not in ("warn", "raise", "ignore"):
        raise ValueError(f"zero_population must be 'warn', 'raise' or 'ignore', not "
                         f"{zero_population!r}")
    catch = catchment_population(o, population, radius_m=radius_m)
    zero = catch <= 0
    if zero.any():
        msg = (f"{int(zero.sum())} catchment(s) within {radius_m:g} m have no residents; "
               "assets per 1,000 residents is undefined (NaN) there")
        if zero_population == "raise":
            raise ValueError(msg)
        if zero_population == "warn":
            warnings.warn(msg, ZeroPopulationWarning, stacklevel=2)
    ids = (np.arange(len(a)) if asset_ids is None
           else pd.factorize(pd.Series(np.asarray(asset_ids, dtype=object)))[0])
    if len(ids) != len(a):
        raise ValueError(f"asset_ids: expected {len(a)} values, got {len(ids)}")
    k = int(ids.max()) + 1 if len(ids) else 1
    points_per_id = np.bincount(ids, minlength=k)
    # distinct (origin, asset) pairs within the radius, computed once for all groups
    oi, aj = _pairs_within(o, a, radius_m)
    keys = np.unique(oi.astype(np.int64) * k + ids[aj])
    pair_origin, pair_asset = keys // k, keys % k
    out = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, mask in _group_masks(groups, len(a)).items():
            if not mask.any():
                _empty(name, empty_group)
                out[f"{name}_per_1000"] = np.full(len(o), np.nan)
                continue
            in_group = np.bincount(ids, weights=mask, minlength=k)
            if ((in_group > 0) & (in_group < points_per_id)).any():
                raise ValueError(f"group {name!r}: the points of one asset (same asset_ids "
                                 "value) must be all in or all out of a group")
            count = np.bincount(pair_origin[in_group[pair_asset] > 0],
                                minlength=len(o)).astype("float64")
            out[f"{name}_per_1000"] = np.where(zero, np.nan, 1000.0 * count / catch)
    out["catchment_population"] = catch
    return pd.DataFrame(out, index=index)


def _threshold(thresholds: float | Mapping[str, float], group: str) -> float:
    if isinstance(thresholds, Mapping):
        t = thresholds.get(group, thresholds.get("default"))
        if t is None:
            raise ValueError(f"no desert threshold for group {group!r} and no 'default'")
        return float(t)
    return float(thresholds)


def asset_deserts(distances: pd.DataFrame, population: object, *,
                  threshold_m: float | Mapping[str, float] = DEFAULT_THRESHOLDS_M
                  ) -> pd.DataFrame:
    """Flag areas whose nearest asset of a group is further than a threshold.

    Parameters
    ----------
    distances : DataFrame
        Output of :func:`nearest_asset_distance` (columns ``<group>_nearest_m``).
    population : array-like or Series, length n
        Residents of each area (Census 2021 in :func:`coverage`); a Series is aligned on the
        index of ``distances``.
    threshold_m : float or mapping of group -> metres, default :data:`DEFAULT_THRESHOLDS_M`
        Straight-line distance beyond which an area is a desert for the group; a mapping may
        hold a ``"default"`` entry.

    Returns
    -------
    DataFrame
        Same index: ``<group>_desert`` (boolean; ``<NA>`` where the distance is undefined), and
        ``population``. :func:`desert_summary` totals it.

    Notes
    -----
    Area *i* is a desert for group *g* when :math:`d_{ig} > t_g`. The distance is measured from
    the area's population-weighted centre, so part of a desert area's population may live
    closer, and part of a non-desert area's further away.
    """
    groups = [c.removesuffix("_nearest_m") for c in distances.columns
              if c.endswith("_nearest_m")]
    if not groups:
        raise ValueError("distances has no '<group>_nearest_m' columns: pass the output of "
                         "nearest_asset_distance")
    pop = (population.reindex(distances.index) if isinstance(population, pd.Series)
           else pd.Series(np.asarray(population), index=distances.index))
    out = {}
    for g in groups:
        d = distances[f"{g}_nearest_m"]
        out[f"{g}_desert"] = (d > _threshold(threshold_m, g)).astype("boolean").mask(d.isna())
    res = pd.DataFrame(out, index=distances.index)
    res["population"] = pop.to_numpy()
    res.attrs["threshold_m"] = {g: _threshold(threshold_m, g) for g in groups}
    return res


def desert_summary(deserts: pd.DataFrame) -> pd.DataFrame:
    """Per group: areas and residents in deserts (from :func:`asset_deserts`).

    Returns columns ``group, threshold_m, areas, desert_areas, population, desert_population,
    desert_population_share`` (a proportion, 0-1).
    """
    rows = []
    pop = deserts["population"].astype("float64")
    for col in (c for c in deserts.columns if c.endswith("_desert")):
        g = col.removesuffix("_desert")
        flag = deserts[col].fillna(False).astype(bool)
        rows.append({
            "group": g, "threshold_m": deserts.attrs.get("threshold_m", {}).get(g, np.nan),
            "areas": int(deserts[col].notna().sum()), "desert_areas": int(flag.sum()),
            "population": float(pop.sum()), "desert_population": float(pop[flag].sum()),
        })
    out = pd.DataFrame(rows)
    out["desert_population_share"] = out["desert_population"] / out["population"]
    return out


# ----------------------------------------------------------------------------- origins

@cache
def _to_bng() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def population_weighted_centres(year: int = 2021, *, postcodes: pd.DataFrame | None = None,
                                boundaries: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""Approximate population-weighted centre of each C&M LSOA.

    The ONS population-weighted centroids are not bundled, so the centre is approximated as the
    mean BNG position of the LSOA's **live** postcodes (no termination date), restricted to
    small-user (residential) postcodes (ONSPD ``usertype`` 0) when the postcode table has a
    ``usertype`` column, as the bundled one does. Postcodes whose ``usertype`` is unknown (in the
    bundle, the 1,445 introduced after May 2022, which had no residents at Census 2021) are left
    out too. LSOAs with no such postcode fall back to a point inside the polygon
    (``shapely.point_on_surface``).

    Parameters
    ----------
    year : {2021, 2011}
        LSOA edition (codes ``lsoa21_code`` / ``lsoa11_code`` in the postcode table).
    postcodes : DataFrame, optional
        Default :func:`rescomm.data.load_postcodes` (with ``usertype``, so only residential
        postcodes count). A table without ``usertype`` uses every live postcode
        (method "mean_of_live_postcodes").
    boundaries : DataFrame, optional
        Code + ``geometry_wkb`` (WGS84); default the bundled C&M boundaries for ``year``. Its
        codes define the areas returned.

    Returns
    -------
    DataFrame
        ``area_code, easting, northing`` (BNG m), ``method`` ("mean_of_live_postcodes",
        "mean_of_live_residential_postcodes" or "polygon_point_on_surface"), ``n_postcodes``.

    Notes
    -----
    :math:`c_i = \frac{1}{|K_i|} \sum_{k \in K_i} x_k`, with :math:`K_i` the live (and, where
    known, residential) postcodes in LSOA *i*. Limits: every postcode counts equally, whatever
    the number of households in it (ONS weights Output Area centroids by census population);
    postcodes in split 2011 LSOAs were assigned to 2021 LSOAs by point-in-polygon on generalised
    boundaries (about 89% right), so a few centres include a neighbour's postcodes; a postcode
    centroid is itself the mean of its addresses, about 50-100 m from any one of them.
    """
    if year not in (2011, 2021):
        raise ValueError(f"LSOA years are 2011 and 2021, not {year!r}")
    from rescomm.data import load_boundaries_table, load_postcodes  # core -> core, lazily

    code = f"lsoa{str(year)[2:]}_code"
    pcs = load_postcodes() if postcodes is None else postcodes
    bnd = load_boundaries_table(year) if boundaries is None else boundaries
    live = pcs["terminated"].isna() if "terminated" in pcs.columns else np.ones(len(pcs), bool)
    method = "mean_of_live_postcodes"
    if "usertype" in pcs.columns:
        live = live & (pd.to_numeric(pcs["usertype"], errors="coerce") == 0)
        method = "mean_of_live_residential_postcodes"
    sel = pcs.loc[live & pcs[code].notna(), [code, "easting", "northing"]]
    mean = sel.groupby(code, observed=True).agg(
        easting=("easting", "mean"), northing=("northing", "mean"), n_postcodes=("easting", "size"))
    areas = bnd[code].to_numpy()
    out = pd.DataFrame({"area_code": areas}).join(mean, on="area_code")
    out["method"] = np.where(out["easting"].notna(), method, "polygon_point_on_surface")
    fill = out["easting"].isna().to_numpy()
    if fill.any():
        pts = shapely.point_on_surface(shapely.from_wkb(bnd["geometry_wkb"].to_numpy()[fill]))
        e, n = _to_bng().transform(shapely.get_x(pts), shapely.get_y(pts))
        out.loc[fill, "easting"], out.loc[fill, "northing"] = e, n
    out["n_postcodes"] = out["n_postcodes"].fillna(0).astype("int64")
    out[["easting", "northing"]] = out[["easting", "northing"]].round(1)
    return out[["area_code", "easting", "northing", "method", "n_postcodes"]]


# ----------------------------------------------------------------------------- wiring

def asset_points(assets: pd.DataFrame | None = None, access_points: pd.DataFrame | None = None,
                 *, include_buffer: bool = True) -> pd.DataFrame:
    """One row per destination point: green spaces by their access points, the rest by location.

    Parameters
    ----------
    assets : DataFrame, optional
        Normalised asset table (default :func:`rescomm.data.load_assets`).
    access_points : DataFrame, optional
        Green-space access points with ``site_id, easting, northing`` (default the bundled
        points of sites of at least 0.5 ha).
    include_buffer : bool, default True
        Also use green-space sites within 2 km outside C&M (when ``assets`` is the default), so
        that areas near the border reach green space across it. GP practices, libraries and
        schools outside C&M are not bundled, so those distances can be overstated near the
        border.

    Returns
    -------
    DataFrame
        ``source_id, category, capitals, needs, easting, northing``.
    """
    from rescomm import data as A  # lazily: geo must import without the data bundle

    default = assets is None
    assets = A.load_assets() if default else assets
    cols = ["source_id", "category", "capitals", "needs", "easting", "northing"]
    green = assets["category"] == "green_space"
    sites = assets.loc[green, ["source_id", "category", "capitals", "needs"]]
    if default and include_buffer:
        extra = A.load_greenspace_sites(min_size_ha=0.5, in_cm_only=False)
        extra = extra[~extra["in_cm"]]
        sites = pd.concat([sites, pd.DataFrame({
            "source_id": extra["source_id"], "category": "green_space",
            "capitals": ";".join(A.CATEGORY_CAPITALS["green_space"]),
            "needs": ";".join(A.CATEGORY_NEEDS["green_space"])})], ignore_index=True)
    if access_points is None:
        access_points = A.load_greenspace_access_points(min_size_ha=0.5)
    ap = access_points[["site_id", "easting", "northing"]]
    key = sites["source_id"].astype(str).str.split(":", n=1).str[1]
    gpts = ap.merge(sites.assign(site_id=key.to_numpy()), on="site_id", how="inner")
    other = assets.loc[~green, cols]
    out = pd.concat([other.astype({"category": str}), gpts[cols].astype({"category": str})],
                    ignore_index=True)
    return out


def _resolve_groups(points: pd.DataFrame, groups: Sequence[str]) -> dict[str, np.ndarray]:
    """Boolean mask per group over ``points`` (tags matched on unique values, then broadcast)."""
    def has(column: str, term: str) -> np.ndarray:
        codes, uniques = pd.factorize(points[column].fillna("").astype(str))
        hit = np.array([term in u.split(";") for u in uniques], dtype=bool)
        return hit[codes] if len(uniques) else np.zeros(len(points), dtype=bool)

    cat = points["category"].astype(str).to_numpy()
    masks = {}
    for g in groups:
        if g == "any":
            masks[g] = np.ones(len(points), dtype=bool)
        elif g in _CATEGORIES:
            masks[g] = cat == g
        elif g in _CAPITALS:
            masks[g] = has("capitals", g)
        elif g.startswith("need:"):
            masks[g] = has("needs", g.removeprefix("need:"))
        else:
            raise ValueError(f"unknown asset group {g!r}: use a category {_CATEGORIES}, a "
                             f"capital {_CAPITALS}, 'need:<code>' or 'any'")
    return masks


def coverage(*, groups: Iterable[str] = DEFAULT_GROUPS, radius_m: float = DEFAULT_RADIUS_M,
             threshold_m: float | Mapping[str, float] = DEFAULT_THRESHOLDS_M,
             distance_from: str = "postcodes", centres: pd.DataFrame | None = None,
             points: pd.DataFrame | None = None, population: pd.Series | None = None,
             postcodes: pd.DataFrame | None = None, empty_group: str = "warn") -> pd.DataFrame:
    """Asset coverage indicators for every C&M LSOA (2021), one row per area.

    Parameters
    ----------
    groups : iterable of str, default :data:`DEFAULT_GROUPS`
        Asset categories, capitals, ``"need:<code>"`` or ``"any"``.
    radius_m : float, default 1600
        Radius for :func:`assets_per_1000`.
    threshold_m : float or mapping, default :data:`DEFAULT_THRESHOLDS_M`
        Desert thresholds for :func:`asset_deserts`.
    distance_from : {"postcodes", "centre"}, default "postcodes"
        ``"postcodes"``: ``<group>_nearest_m`` is the mean over the area's live postcodes
        (:func:`area_mean_nearest_distance`), falling back to the centre for areas with none;
        ``"centre"``: the distance from the population-weighted centre. The postcode mean agrees
        much better with road-network distances (``docs/assets-data.md``).
    centres : DataFrame, optional
        ``area_code, easting, northing``; default :func:`population_weighted_centres` (2021).
    points : DataFrame, optional
        Destinations from :func:`asset_points` (default: the bundled assets).
    population : Series, optional
        Residents indexed by area code; default Census 2021 (``load_population(2021)``).
    postcodes : DataFrame, optional
        ``easting, northing, lsoa21_code`` (+ ``terminated``) for ``distance_from="postcodes"``;
        default the bundled C&M postcodes.
    empty_group : {"warn", "raise", "ignore"}
        Policy for groups with no assets.

    Returns
    -------
    DataFrame
        ``area_code`` then, for each group, ``<group>_nearest_m`` (metres, straight line),
        ``<group>_per_1000`` (assets within ``radius_m`` per 1,000 residents within it) and
        ``<group>_desert`` (nearest > threshold). Direction: larger distance and desert = worse;
        larger per_1000 = better. ``attrs`` records method, radius, thresholds and sources.
    """
    groups = list(groups)
    if distance_from not in ("postcodes", "centre"):
        raise ValueError(f"distance_from must be 'postcodes' or 'centre', not {distance_from!r}")
    if centres is None:
        centres = population_weighted_centres(2021)
    if points is None:
        points = asset_points()
    if population is None:
        from rescomm.data import load_population

        population = load_population(2021).set_index("lsoa21_code")["population"]
    pop = population.reindex(centres["area_code"]).to_numpy(dtype="float64")
    if np.isnan(pop).any():
        missing = centres["area_code"][np.isnan(pop)].head().tolist()
        raise ValueError(f"no population for area(s) {missing}: population must be indexed by "
                         "the same area codes as the centres (LSOA 2021)")
    masks = _resolve_groups(points, groups)
    near = nearest_asset_distance(centres, points, groups=masks, empty_group=empty_group)
    if distance_from == "postcodes":
        if postcodes is None:
            from rescomm.data import load_postcodes

            postcodes = load_postcodes()
        live = postcodes
        if "terminated" in live.columns:
            live = live[live["terminated"].isna()]
        live = live[live["lsoa21_code"].isin(set(centres["area_code"]))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EmptyGroupWarning)  # already warned above
            mean = area_mean_nearest_distance(live, live["lsoa21_code"].to_numpy(), points,
                                              groups=masks, empty_group="ignore")
        pos = pd.Index(centres["area_code"]).get_indexer(mean.index)
        for col in near.columns:
            values = near[col].to_numpy(copy=True)
            values[pos] = mean[col].to_numpy()
            near[col] = values
    dens = assets_per_1000(centres, points, pop, radius_m=radius_m, groups=masks,
                           asset_ids=points["source_id"].to_numpy(),
                           empty_group="ignore")
    des = asset_deserts(near, pop, threshold_m=threshold_m)
    cols: dict[str, object] = {"area_code": centres["area_code"].to_numpy()}
    for g in groups:
        cols[f"{g}_nearest_m"] = near[f"{g}_nearest_m"].to_numpy()
        cols[f"{g}_per_1000"] = dens[f"{g}_per_1000"].to_numpy()
        cols[f"{g}_desert"] = des[f"{g}_desert"].array
    out = pd.DataFrame(cols)
    out.attrs = {
        "method": "straight-line distance (BNG, cKDTree); green space to the nearest access "
                  "point; catchments around approximate population-weighted LSOA centres",
        "distance_from": distance_from,
        "radius_m": float(radius_m),
        "threshold_m": des.attrs["threshold_m"],
        "centres": sorted(set(centres.get("method", pd.Series(["given"])))),
        "population": "Census 2021 usual residents (TS007A)",
    }
    return out


def to_geojson(df: pd.DataFrame, boundaries: pd.DataFrame | None = None, *,
               code_column: str = "area_code") -> dict:
    """GeoJSON FeatureCollection (WGS84) of per-area results joined to LSOA 2021 boundaries.

    Parameters
    ----------
    df : DataFrame
        One row per area with ``code_column`` (e.g. the output of :func:`coverage`).
    boundaries : DataFrame, optional
        ``lsoa21_code`` (or ``lsoa11_code``) and ``geometry_wkb`` in WGS84; default the bundled
        C&M LSOA 2021 boundaries.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``; every column of ``df`` becomes a
        property (missing values as ``null``); areas without a boundary are left out.
    """
    if boundaries is None:
        from rescomm.data import load_boundaries_table

        boundaries = load_boundaries_table(2021)
    bcode = next((c for c in ("lsoa21_code", "lsoa11_code", "area_code")
                  if c in boundaries.columns), None)
    if bcode is None or "geometry_wkb" not in boundaries.columns:
        raise ValueError("boundaries need an area code column (lsoa21_code) and geometry_wkb")
    geom = dict(zip(boundaries[bcode], boundaries["geometry_wkb"], strict=True))
    rows = df[df[code_column].isin(geom)]
    texts = shapely.to_geojson(shapely.from_wkb([geom[c] for c in rows[code_column]]))
    props = json.loads(rows.astype(object).where(rows.notna(), None).to_json(orient="records"))
    features = [{"type": "Feature", "properties": p, "geometry": json.loads(t)}
                for p, t in zip(props, texts, strict=True)]
    return {"type": "FeatureCollection", "features": features}
