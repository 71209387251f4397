"""Coverage analysis on the assets in the database: an adaptor to :func:`rescomm.geo.coverage`.

:func:`published_points` gives the destinations :func:`rescomm.geo.coverage` takes, read
from published assets (green spaces from the bundle by their access points, as the library does);
:func:`area_coverage` runs it for the LSOAs of one local authority.
"""

from __future__ import annotations

import uuid
from functools import cache

import pandas as pd

CAPITALS = "community_capitals"  # taxonomy codes (see services.py); models load lazily so the
NEEDS = "social_prescribing_needs"  # bundled-data path works without Django


def published_assets() -> pd.DataFrame:
    """Published assets with a location, in the shape of :func:`rescomm.data.load_assets`.

    Read as plain values in two queries (links with their service and location; tags), joined
    in Python: no model instances and no ``IN`` list, whatever the number of assets. An asset
    with several located links counts once, at the link with the lowest id.
    """
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from .models import AssetStatus, Attribute, ServiceAtLocation

    # The service id as text: converting 15,000 ids to UUID objects was a third of the time.
    key = Cast("service_id", output_field=TextField())
    links = (ServiceAtLocation.objects
             .filter(service__asset_status=AssetStatus.PUBLISHED,
                     location__easting__isnull=False, location__northing__isnull=False)
             .annotate(key=key).order_by("service_id", "id")
             .values_list("key", "service__source_id", "service__category",
                          "service__asset_kind", "location__easting", "location__northing"))
    rows: dict = {}
    for sid, source_id, category, kind, easting, northing in links:
        if sid not in rows:
            rows[sid] = {"source_id": source_id or f"uuid:{uuid.UUID(sid)}",
                         "category": category or kind, "capitals": [], "needs": [],
                         "easting": easting, "northing": northing}
    tags = (Attribute.objects.filter(service__asset_status=AssetStatus.PUBLISHED)
            .annotate(key=key)
            .order_by("taxonomy_term__taxonomy__name", "taxonomy_term__name")
            .values_list("key", "taxonomy_term__taxonomy__code", "taxonomy_term__code"))
    for sid, taxonomy, code in tags:
        row = rows.get(sid)
        if row is not None and taxonomy in (CAPITALS, NEEDS):
            row["capitals" if taxonomy == CAPITALS else "needs"].append(code)
    for row in rows.values():
        row["capitals"], row["needs"] = ";".join(row["capitals"]), ";".join(row["needs"])
    return pd.DataFrame(list(rows.values()), columns=["source_id", "category", "capitals",
                                                       "needs", "easting", "northing"])


def published_points() -> pd.DataFrame:
    """Destination points for coverage: bundled green spaces by their access points, every
    other published asset (including green spaces added by people) by its location."""
    from rescomm.geo import asset_points

    assets = published_assets()
    bundled_green = (assets["category"] == "green_space") & assets["source_id"].str.match(
        r"^(osgs|crow):")
    points = asset_points(assets)  # bundled green spaces -> their access points
    own_green = assets[(assets["category"] == "green_space") & ~bundled_green]
    return pd.concat([points, own_green], ignore_index=True)


@cache
def _bundled_centres() -> pd.DataFrame:
    """Every bundled LSOA's population-weighted centre (static: computed once a process)."""
    from rescomm.geo import population_weighted_centres

    return population_weighted_centres(2021)


def area_centres(area: str) -> pd.DataFrame:
    """Population-weighted centres of the LSOAs (2021) of local authority ``area``."""
    from rescomm.data import load_lsoa21_lookup

    lookup = load_lsoa21_lookup()
    codes = set(lookup.loc[lookup["lad_code"] == area, "lsoa21_code"])
    if not codes:
        raise ValueError(f"no LSOAs for local authority {area!r}; use a code such as E06000006")
    centres = _bundled_centres()
    centres = centres[centres["area_code"].isin(codes)]
    if centres.empty:
        raise ValueError(f"{area} is not in the bundled Cheshire & Merseyside areas")
    return centres.reset_index(drop=True)


def area_coverage(area: str, *, points: pd.DataFrame, **options) -> pd.DataFrame:
    from rescomm.geo import coverage

    return coverage(centres=area_centres(area), points=points, **options)


def area_summary(area: str, *, points: pd.DataFrame | None = None) -> list[dict]:
    """Per asset group in ``area``: median distance to the nearest published asset, areas and
    residents in "asset deserts" (for the coverage page)."""
    import warnings

    from rescomm.data import load_population
    from rescomm.geo import DEFAULT_GROUPS, desert_summary

    from .labels import coverage_group_label

    points = published_points() if points is None else points
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = area_coverage(area, points=points, groups=DEFAULT_GROUPS)
    population = load_population(2021).set_index("lsoa21_code")["population"]
    table["population"] = population.reindex(table["area_code"]).to_numpy()
    summary = desert_summary(table)
    rows = []
    for row in summary.to_dict("records"):
        group = row["group"]
        distances = table[f"{group}_nearest_m"]
        rows.append({
            "group": coverage_group_label(group),
            "threshold_m": row["threshold_m"],
            "median_m": float(distances.median()) if distances.notna().any() else None,
            "areas": row["areas"], "desert_areas": row["desert_areas"],
            "desert_population": row["desert_population"],
            "share": row["desert_population_share"],
        })
    return rows
