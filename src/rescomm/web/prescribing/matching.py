"""Suggest community assets for a referral: published services of the asset map
(``rescomm.web.assets``) that meet at least one of the person's needs, the person's age
within the service's age limits, nearest first (straight-line distance in metres on the British
National Grid, from the person's postcode to the service's nearest location), with the cost.

The link worker chooses; nothing is sent from here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.apps import apps

from rescomm.data._needs import need_label

NEEDS_TAXONOMY = "social_prescribing_needs"
#: How far to look (metres): the bounding box prefilter, then the exact distance.
DEFAULT_RADIUS_M = 5_000


@dataclass
class Suggestion:
    service_id: str
    name: str
    category: str
    organisation: str
    distance_m: float
    needs: list[str] = field(default_factory=list)
    cost: str = "Free or not stated"
    ages: str = "All ages"
    approximate_location: bool = False

    @property
    def distance_label(self) -> str:
        if self.distance_m < 1000:
            return f"{round(self.distance_m, -1):.0f} m"
        return f"{self.distance_m / 1000:.1f} km"


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def suggest_services(referral, *, radius_m: float = DEFAULT_RADIUS_M, limit: int = 10,
                     today: dt.date | None = None) -> list[Suggestion]:
    """Suggestions for ``referral`` (empty without the asset map, a postcode or needs)."""
    if not apps.is_installed("rescomm.web.assets") or not referral.postcode or not referral.needs:
        return []
    from rescomm import geo
    from rescomm.web.assets.models import AssetStatus, Location, Service

    try:
        home = geo.lookup_postcode(referral.postcode)
    except geo.GeoError:
        return []
    x, y = float(home.easting), float(home.northing)
    today = today or dt.date.today()
    age = _age(referral.date_of_birth, today)
    locations = Location.objects.filter(
        easting__range=(x - radius_m, x + radius_m), northing__range=(y - radius_m, y + radius_m),
        service_at_locations__service__asset_status=AssetStatus.PUBLISHED,
    ).values_list("service_at_locations__service_id", "easting", "northing")
    nearest: dict = {}
    for service_id, easting, northing in locations:
        distance = math.hypot(easting - x, northing - y)
        if distance <= radius_m and distance < nearest.get(service_id, math.inf):
            nearest[service_id] = distance
    if not nearest:
        return []
    services = (
        Service.objects.filter(pk__in=nearest, asset_status=AssetStatus.PUBLISHED,
                               attributes__taxonomy_term__taxonomy__code=NEEDS_TAXONOMY,
                               attributes__taxonomy_term__code__in=referral.needs)
        .distinct()
        .select_related("organization")
        .prefetch_related("attributes__taxonomy_term__taxonomy", "cost_options")
    )
    suggestions = []
    for service in services:
        if service.minimum_age is not None and age < service.minimum_age:
            continue
        if service.maximum_age is not None and age > service.maximum_age:
            continue
        met = [a.taxonomy_term.code for a in service.attributes.all()
               if a.taxonomy_term.taxonomy.code == NEEDS_TAXONOMY
               and a.taxonomy_term.code in referral.needs]
        costs = [c for c in service.cost_options.all() if c.amount]
        suggestions.append(Suggestion(
            service_id=str(service.pk), name=service.name, category=service.category,
            organisation=str(service.organization or ""), distance_m=nearest[service.pk],
            needs=[need_label(code) for code in sorted(set(met))],
            cost=", ".join(f"£{c.amount:.2f} {c.option}".strip() for c in costs)
            or "Free or not stated",
            ages=_ages(service.minimum_age, service.maximum_age),
            approximate_location=service.hide_exact_location,
        ))
    suggestions.sort(key=lambda s: (-len(s.needs), s.distance_m, s.name))
    return suggestions[:limit]


def _ages(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "All ages"
    if high is None:
        return f"{low} and over"
    if low is None:
        return f"Up to {high}"
    return f"{low} to {high}"
