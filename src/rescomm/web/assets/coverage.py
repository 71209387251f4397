"""Coverage analysis on the assets in the database: an adaptor to :func:`rescomm.geo._coverage`.

:func:`published_points` gives the destinations :func:`rescomm.geo._coverage.coverage` takes, read
from published assets (green spaces from the bundle by their access points, as the library does);
:func:`area_coverage` runs it for the LSOAs of one local authority.
"""

from __future__ import annotations

import pandas as pd

CAPITALS = "community_capitals"  # taxonomy codes (see services.py); models load lazily so the
NEEDS = "social_prescribing_needs"  # bundled-data path works without Django


def published_assets() -> pd.DataFrame:
    """Published assets with a location, in the shape of :func:`rescomm.data.load_assets`."""
    from .models import AssetStatus, Service

    rows = []
    services = (Service.objects.filter(asset_status=AssetStatus.PUBLISHED)
                .prefetch_related("terms__taxonomy", "service_at_locations__location"))
    for s in services:
        sal = next(iter(s.service_at_locations.all()), None)
        if sal is None or sal.location.easting is None:
            continue
        terms = list(s.terms.all())
        rows.append({
            "source_id": s.source_id or f"uuid:{s.id}",
            "category": s.category or s.asset_kind,
            "capitals": ";".join(t.code for t in terms if t.taxonomy.code == CAPITALS),
            "needs": ";".join(t.code for t in terms if t.taxonomy.code == NEEDS),
            "easting": sal.location.easting,
            "northing": sal.location.northing,
        })
    return pd.DataFrame(rows, columns=["source_id", "category", "capitals", "needs",
                                       "easting", "northing"])


def published_points() -> pd.DataFrame:
    """Destination points for coverage: bundled green spaces by their access points, every
    other published asset (including green spaces added by people) by its location."""
    from rescomm.geo._coverage import asset_points

    assets = published_assets()
    bundled_green = (assets["category"] == "green_space") & assets["source_id"].str.match(
        r"^(osgs|crow):")
    points = asset_points(assets)  # bundled green spaces -> their access points
    own_green = assets[(assets["category"] == "green_space") & ~bundled_green]
    return pd.concat([points, own_green], ignore_index=True)


def area_centres(area: str) -> pd.DataFrame:
    """Population-weighted centres of the LSOAs (2021) of local authority ``area``."""
    from rescomm.data import load_lsoa21_lookup
    from rescomm.geo._coverage import population_weighted_centres

    lookup = load_lsoa21_lookup()
    codes = set(lookup.loc[lookup["lad_code"] == area, "lsoa21_code"])
    if not codes:
        raise ValueError(f"no LSOAs for local authority {area!r}; use a code such as E06000006")
    centres = population_weighted_centres(2021)
    centres = centres[centres["area_code"].isin(codes)]
    if centres.empty:
        raise ValueError(f"{area} is not in the bundled Cheshire & Merseyside areas")
    return centres.reset_index(drop=True)


def area_coverage(area: str, *, points: pd.DataFrame, **options) -> pd.DataFrame:
    from rescomm.geo._coverage import coverage

    return coverage(centres=area_centres(area), points=points, **options)


def area_summary(area: str, *, points: pd.DataFrame | None = None) -> list[dict]:
    """Per asset group in ``area``: median distance to the nearest published asset, areas and
    residents in "asset deserts" (for the coverage page)."""
    import warnings

    from rescomm.data import load_population
    from rescomm.geo._coverage import DEFAULT_GROUPS, desert_summary

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
