"""Suggest community assets for a referral: published services of the asset map that meet at
least one of the person's needs, with the person's age within the service's age limits, within a
distance of their postcode (straight line in metres on the British National Grid, to the
service's nearest location), found by the asset map's one near-a-point search
(:func:`rescomm.web.assets.public.find_services`).

A service whose exact location is hidden (a refuge, say) is never given a distance, and its
location is never used to choose it: it is suggested when it meets the needs and its location is
in the person's local authority, after the others with the same number of needs met, marked
"location not shown".

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

Near-identical generic places (no organisation, opening times or cost: the bundled green spaces,
say) of the same category meeting the same needs are grouped into one card when they lie within
800 m of the group's nearest (:func:`rescomm.web.assets.public.group_nearby`): "3 green spaces,
300 m to 1.1 km away", the nearest named, the others listed. ``limit`` counts cards, so a list
shows variety instead of a run of identical green-space cards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from rescomm.data import need_label

#: How far to look by default (metres): the bounding box prefilter, then the exact distance.
DEFAULT_RADIUS_M = 5_000
#: The distances a link worker can choose (metres).
RADII_M = (1_000, 2_000, 5_000, 10_000, 20_000)


@dataclass(frozen=True)
class MatchFilters:
    """What the link worker asked for. ``days``: MO..SU codes; ``parts``: keys of
    :data:`rescomm.web.assets.public.PARTS_OF_DAY`; ``radius_m`` in metres."""

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
        from rescomm.web.assets.public import DAYS, PARTS_OF_DAY

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
    distance_m: float | None  # None: the exact location is hidden, never measured
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
    #: Near-identical generic places close to this one, grouped into its card (nearest first).
    also: list[Suggestion] = field(default_factory=list)
    category_label: str = ""
    interchangeable: bool = field(default=False, repr=False)
    position: tuple[float, float] | None = field(default=None, repr=False)

    @property
    def group_heading(self) -> str:
        """ "3 green spaces, 300 m to 1.1 km away" for a grouped card; "" otherwise."""
        if not self.also:
            return ""
        label = self.category_label or "place"
        noun = label if label[1:2].isupper() else label[:1].lower() + label[1:]
        noun = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" \
            else noun + "s"
        return (f"{len(self.also) + 1} {noun}, {self.distance_label} to "
                f"{self.also[-1].distance_label} away")

    @property
    def distance_label(self) -> str:
        if self.distance_m is None:
            return "Not shown: the location is kept private (in the same local authority)"
        if self.distance_m < 1000:
            return f"{round(self.distance_m, -1):.0f} m"
        return f"{self.distance_m / 1000:.1f} km"

    @property
    def takes_onward_referrals(self) -> bool:
        return self.provider_id is not None


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


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
    from rescomm.web.assets import public
    from rescomm.web.core.batches import chunked

    from .directory import providers_by_organization
    from .models import ServiceCapacity

    filters = filters or MatchFilters()
    try:
        home = geo.lookup_postcode(referral.postcode)
    except geo.GeoError:
        return []
    if home.easting is None:
        return []
    if now is not None and timezone.is_naive(now):
        now = timezone.make_aware(now)  # wall-clock local time
    now = timezone.localtime(now)
    today = today or now.date()
    found = public.find_services(
        (float(home.easting), float(home.northing)),
        radius_m=radius_m if radius_m is not None else filters.radius_m,
        needs=referral.needs, age=_age(referral.date_of_birth, today),
        free_only=filters.free_only, days=filters.days, parts=filters.parts, now=now,
        hidden_area=home.lad_code)
    if not found:
        return []
    providers = providers_by_organization({s.organization_id for s in found})
    capacities = {}  # by key: the capacity of the map service itself, never a name match
    for ids in chunked([s.service_id for s in found if s.organization_id in providers]):
        capacities.update((c.service_id, c) for c in ServiceCapacity.objects.filter(
            service_id__in=ids))
    suggestions = []
    for service in found:
        suggestion = _suggestion(service, referral)
        provider = providers.get(service.organization_id)
        if provider is not None:
            suggestion.provider_id, suggestion.provider = provider.pk, provider.name
            capacity = capacities.get(service.service_id)
            suggestion.capacity, suggestion.can_take = _capacity_words(
                capacity if capacity is not None and capacity.provider_id == provider.pk
                else None, now=now)
        if filters.places_only and not (provider is not None and suggestion.can_take):
            continue
        suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-len(s.needs), not s.can_take, s.fits_times is None
                                    and filters.asks_times, s.distance_m is None,
                                    s.distance_m or 0.0, s.name))
    grouped = []
    for head, others in public.group_nearby(
            suggestions, key=lambda s: (s.category, tuple(s.needs)), position=lambda s: s.position,
            groupable=lambda s: s.interchangeable and s.provider_id is None):
        head.also = others
        grouped.append(head)
    return grouped[:limit]


def _suggestion(service, referral) -> Suggestion:
    """A :class:`rescomm.web.assets.public.MapService` as a suggestion for ``referral``."""
    from rescomm.web.assets.public import category_label

    met = [code for code in service.needs if code in referral.needs]
    return Suggestion(
        service_id=str(service.service_id), name=service.name, category=service.category,
        organisation=service.organisation, distance_m=service.distance_m,
        needs=[need_label(code) for code in sorted(set(met))],
        cost=", ".join(f"£{amount:.2f} {option}".strip() for amount, option in service.costs)
        or "Free or not stated", free=service.free,
        ages=_ages(service.minimum_age, service.maximum_age),
        approximate_location=service.location_hidden, is_example=service.is_example,
        opening=service.opening, next_opening=service.next_opening,
        fits_times=service.fits_times, category_label=category_label(service.category),
        interchangeable=service.interchangeable,
        position=(None if service.latitude is None else (service.latitude, service.longitude)),
    )


def _ages(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "All ages"
    if high is None:
        return f"{low} and over"
    if low is None:
        return f"Up to {high}"
    return f"{low} to {high}"
