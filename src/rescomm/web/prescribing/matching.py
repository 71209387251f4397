"""Suggest community assets for a referral: published services of the asset map
(``rescomm.web.assets``) that meet at least one of the person's needs, with the person's age
within the service's age limits, within a distance of their postcode (straight line in metres
on the British National Grid, to the service's nearest location).

The link worker may narrow the list with :class:`MatchFilters`: days and parts of the day the
person is free (services whose known opening times miss them are left out; services without
opening times stay, after those that fit, marked "not stated"), free of charge only, and with
places only. Each suggestion carries its opening times, next opening, cost, and capacity when
its organisation is run by a provider on rescomm (:class:`~.models.DirectoryLink`): places left
(total or this week), or the waiting list and expected wait (:func:`.capacity.describe`). Such
suggestions can be sent an onward referral straight from the list.

Order: most needs met first; then services that can take the person (places free, a waiting
list, or capacity not stated) before full ones; then those open when the person is free before
those with unknown times; then nearest.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils import timezone

from rescomm.data._needs import need_label

NEEDS_TAXONOMY = "social_prescribing_needs"
#: How far to look by default (metres): the bounding box prefilter, then the exact distance.
DEFAULT_RADIUS_M = 5_000
#: The distances a link worker can choose (metres).
RADII_M = (1_000, 2_000, 5_000, 10_000, 20_000)


@dataclass(frozen=True)
class MatchFilters:
    """What the link worker asked for. ``days``: MO..SU codes; ``parts``: keys of
    :data:`rescomm.web.assets.opening.PARTS_OF_DAY`; ``radius_m`` in metres."""

    radius_m: int = DEFAULT_RADIUS_M
    days: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    free_only: bool = False
    places_only: bool = False

    @property
    def radius_km(self) -> str:
        return f"{self.radius_m / 1000:g}"

    @property
    def asks_times(self) -> bool:
        return bool(self.days or self.parts)

    @classmethod
    def from_query(cls, query) -> tuple[MatchFilters, dict[str, list[str]]]:
        """Filters from a query string (``days``, ``parts``, ``radius``, ``free``, ``places``)
        and the problems found, by field; unknown values are dropped and reported, never
        guessed."""
        from rescomm.web.assets.opening import DAYS, PARTS_OF_DAY

        errors: dict[str, list[str]] = {}
        days = tuple(d for d in query.getlist("days") if d in DAYS)
        if len(days) != len(query.getlist("days")):
            errors["days"] = ["Choose days from Monday to Sunday."]
        parts = tuple(p for p in query.getlist("parts") if p in PARTS_OF_DAY)
        if len(parts) != len(query.getlist("parts")):
            errors["parts"] = ["Choose morning, afternoon or evening."]
        radius = DEFAULT_RADIUS_M
        raw = query.get("radius", "")
        if raw:
            if raw.isdigit() and int(raw) in RADII_M:
                radius = int(raw)
            else:
                errors["radius"] = [
                    f"Choose a distance of {', '.join(f'{r // 1000} km' for r in RADII_M)}."]
        return cls(radius_m=radius, days=days, parts=parts, free_only=query.get("free") == "1",
                   places_only=query.get("places") == "1"), errors


@dataclass
class Suggestion:
    service_id: str
    name: str
    category: str
    organisation: str
    distance_m: float
    needs: list[str] = field(default_factory=list)
    cost: str = "Free or not stated"
    free: bool = True
    ages: str = "All ages"
    approximate_location: bool = False
    is_example: bool = False  # an invented example entry of the asset map (demo)
    opening: str = ""
    next_opening: str = ""
    fits_times: bool | None = None  # None: the person's times were not asked, or not known
    provider_id: int | None = None
    provider: str = ""
    capacity: str = ""
    can_take: bool = True

    @property
    def distance_label(self) -> str:
        if self.distance_m < 1000:
            return f"{round(self.distance_m, -1):.0f} m"
        return f"{self.distance_m / 1000:.1f} km"

    @property
    def takes_onward_referrals(self) -> bool:
        return self.provider_id is not None


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _nearest(x: float, y: float, radius_m: float) -> dict:
    from rescomm.web.assets.models import AssetStatus, Location

    locations = Location.objects.filter(
        easting__range=(x - radius_m, x + radius_m), northing__range=(y - radius_m, y + radius_m),
        service_at_locations__service__asset_status=AssetStatus.PUBLISHED,
    ).values_list("service_at_locations__service_id", "easting", "northing")
    nearest: dict = {}
    for service_id, easting, northing in locations:
        distance = math.hypot(easting - x, northing - y)
        if distance <= radius_m and distance < nearest.get(service_id, math.inf):
            nearest[service_id] = distance
    return nearest


def _capacity_words(capacity, *, now) -> tuple[str, bool]:
    """A provider's :class:`~.models.ServiceCapacity` (or None) in words, and whether the
    service can take the person now or on its list (:func:`.capacity.describe`)."""
    from .capacity import describe
    from .models import CapacityMode

    if capacity is None:
        return "Takes referrals through rescomm; capacity not stated", True
    row = describe(capacity, now=now)
    if capacity.mode == CapacityMode.WAITING_LIST:
        wait = row["next_wait_weeks"]
        queue = f"{row['queue']} waiting" if row["queue"] else "nobody waiting"
        return (f"Waiting list: {queue}, expected wait "
                + (f"about {wait} week{'s' if wait != 1 else ''}" if wait is not None
                   else "not known (no starts a week set)")), True
    free = row["free"]
    when = " this week" if capacity.mode == CapacityMode.WEEKLY else ""
    if free == 0:
        return f"Full{when} ({row['places']} places)", False
    return f"{free} of {row['places']} places left{when}", True


def suggest_services(referral, *, filters: MatchFilters | None = None,
                     radius_m: float | None = None, limit: int = 10,
                     today: dt.date | None = None,
                     now: dt.datetime | None = None) -> list[Suggestion]:
    """Suggestions for ``referral`` (empty without a known postcode or needs).
    ``radius_m`` overrides ``filters.radius_m``; ``now`` (local time) dates the opening times
    and the week of weekly capacity."""
    if not referral.postcode or not referral.needs:
        return []
    from rescomm import geo
    from rescomm.web.assets import opening
    from rescomm.web.assets.models import AssetStatus, Service

    from .directory import providers_by_organization
    from .models import ServiceCapacity

    filters = filters or MatchFilters()
    try:
        home = geo.lookup_postcode(referral.postcode)
    except geo.GeoError:
        return []
    if now is not None and timezone.is_naive(now):
        now = timezone.make_aware(now)  # wall-clock local time
    now = timezone.localtime(now)
    today = today or now.date()
    nearest = _nearest(float(home.easting), float(home.northing),
                       radius_m if radius_m is not None else filters.radius_m)
    if not nearest:
        return []
    services = (
        Service.objects.filter(pk__in=nearest, asset_status=AssetStatus.PUBLISHED,
                               attributes__taxonomy_term__taxonomy__code=NEEDS_TAXONOMY,
                               attributes__taxonomy_term__code__in=referral.needs)
        .distinct()
        .select_related("organization")
        .prefetch_related("attributes__taxonomy_term__taxonomy", "cost_options", "schedules")
    )
    age = _age(referral.date_of_birth, today)
    services = [s for s in services
                if (s.minimum_age is None or age >= s.minimum_age)
                and (s.maximum_age is None or age <= s.maximum_age)]
    providers = providers_by_organization({s.organization_id for s in services})
    capacities = {
        (c.provider_id, c.service_name): c for c in ServiceCapacity.objects.filter(
            provider__in=list(providers.values()),
            service_name__in=[s.name[:200] for s in services])
    } if providers else {}
    suggestions = []
    for service in services:
        suggestion = _suggestion(service, referral, nearest[service.pk])
        week = opening.sessions(service.schedules.all(), on=today)
        suggestion.opening = opening.summary(week)
        suggestion.next_opening = opening.describe_next(week, now)
        if filters.asks_times and week:
            suggestion.fits_times = opening.open_during(week, filters.days, filters.parts)
            if not suggestion.fits_times:
                continue
        provider = providers.get(service.organization_id)
        if provider is not None:
            suggestion.provider_id, suggestion.provider = provider.pk, provider.name
            suggestion.capacity, suggestion.can_take = _capacity_words(
                capacities.get((provider.pk, service.name[:200])), now=now)
        if (filters.free_only and not suggestion.free) or (
                filters.places_only and not (provider is not None and suggestion.can_take)):
            continue
        suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-len(s.needs), not s.can_take, s.fits_times is None
                                    and filters.asks_times, s.distance_m, s.name))
    return suggestions[:limit]


def _suggestion(service, referral, distance_m: float) -> Suggestion:
    met = [a.taxonomy_term.code for a in service.attributes.all()
           if a.taxonomy_term.taxonomy.code == NEEDS_TAXONOMY
           and a.taxonomy_term.code in referral.needs]
    costs = [c for c in service.cost_options.all() if c.amount]
    return Suggestion(
        service_id=str(service.pk), name=service.name, category=service.category,
        organisation=str(service.organization or ""), distance_m=distance_m,
        needs=[need_label(code) for code in sorted(set(met))],
        cost=", ".join(f"£{c.amount:.2f} {c.option}".strip() for c in costs)
        or "Free or not stated", free=not costs,
        ages=_ages(service.minimum_age, service.maximum_age),
        approximate_location=service.hide_exact_location, is_example=service.is_example,
    )


def _ages(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "All ages"
    if high is None:
        return f"{low} and over"
    if low is None:
        return f"Up to {high}"
    return f"{low} to {high}"
