"""The asset map's public interface: what other apps (social prescribing, the demo loader) and
the asset map's own API and pages use. Other apps import this module only (an import-linter
contract in ``pyproject.toml``); everything else in ``rescomm.web.assets`` is private to it.

Near a point, one implementation for everyone. A published service appears in a distance search
only through its locations' stored search coordinates (``ServiceAtLocation.search_easting`` /
``search_northing``, written by :func:`.documents.refresh` only while the service is published
and its location may be shown), so the hidden-location rule is in the data: **a service whose
exact location is hidden never gets a distance, coordinates or an address** from any caller. It
may still be listed, without them, where a caller asks for the hidden-location services of an
area (:func:`services_near` ``hidden_area``): a local authority is not a location.

- :func:`links_near`: service_at_locations nearest first (the ORUK API pages these);
- :func:`services_near`: services nearest first, each at its nearest location, plus the
  hidden-location services of an area (the asset list and map);
- :func:`find_services`: the same with needs, age, cost and opening-time filters, as
  :class:`MapService` records ready to show (social prescribing suggestions).

Distances are straight lines on the British National Grid (metres), computed and ordered by the
database; a bounding box on the indexed search coordinates keeps the scan to the search square.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)

from rescomm.web.core.batches import chunked

from . import opening
from .importer import demo_records, import_assets, import_demo_assets
from .labels import category_label
from .models import (
    AssetStatus,
    Attribute,
    CostOption,
    Organization,
    Service,
    ServiceAtLocation,
)
from .opening import DAY_NAMES, DAYS, PARTS_OF_DAY

__all__ = [
    "DAYS", "DAY_NAMES", "GROUP_WITHIN_M", "NEEDS", "PARTS_OF_DAY", "MapService", "Nearby",
    "category_label", "demo_records", "find_services", "group_nearby", "import_assets",
    "import_demo_assets", "links_near", "nearest_page", "organization",
    "organization_is_example", "published", "published_service",
    "search_organizations", "service_by_source_id", "services_near", "services_of",
]

#: The shipped social-prescribing needs taxonomy (its terms are ``rescomm.data`` need codes).
NEEDS = "social_prescribing_needs"


def published() -> QuerySet[Service]:
    """Every published service (the only ones ever shown outside moderation)."""
    return Service.objects.filter(asset_status=AssetStatus.PUBLISHED)


# Near a point ---------------------------------------------------------------------------------


def links_near(point: tuple[float, float], radius_m: float | None = None, *,
               among: QuerySet[Service] | None = None) -> QuerySet[ServiceAtLocation]:
    """Service_at_locations with stored search coordinates (published, location shown), nearest
    first from ``point`` (BNG easting, northing in metres), within ``radius_m`` if given, of the
    services in ``among`` if given; annotated ``distance2`` (square metres). Ties by id."""
    east, north = point
    qs = ServiceAtLocation.objects.filter(search_easting__isnull=False,
                                          search_northing__isnull=False)
    if among is not None:
        # A correlated EXISTS (a semi-join): no list of service ids is ever built.
        qs = qs.filter(Exists(among.filter(pk=OuterRef("service_id"))))
    if radius_m is not None:
        qs = qs.filter(search_easting__range=(east - radius_m, east + radius_m),
                       search_northing__range=(north - radius_m, north + radius_m))
    dx = F("search_easting") - Value(east)
    dy = F("search_northing") - Value(north)
    qs = qs.annotate(distance2=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
    if radius_m is not None:
        qs = qs.filter(distance2__lte=radius_m * radius_m)
    return qs.order_by("distance2", "id")


def nearest_page(point: tuple[float, float], radius_m: float | None, *, page: int,
                 per_page: int, among: QuerySet[Service] | None = None,
                 ) -> tuple[list[tuple[str, object]], int]:
    """One page of :func:`links_near` as ``[(stored ORUK document, id)]`` and the total number
    of matches (a window count over the matches, in the same query).

    Without ``among`` (the common case) it is one hand-written statement, since building it
    through the ORM cost as much as running it; the rows, order and total are the ORM's
    (tested).
    """
    if among is not None:
        rows = list(links_near(point, radius_m, among=among)
                    .annotate(total=Window(Count("*")))
                    .values_list("oruk_document", "id", "total")
                    [(page - 1) * per_page:page * per_page])
        if rows:
            return [(doc, pk) for doc, pk, _ in rows], rows[0][2]
        return [], links_near(point, radius_m, among=among).count()
    table = connection.ops.quote_name(ServiceAtLocation._meta.db_table)
    east, north = point
    distance2 = ("(search_easting - %s) * (search_easting - %s)"
                 " + (search_northing - %s) * (search_northing - %s)")
    where = "search_easting IS NOT NULL AND search_northing IS NOT NULL"
    params: list = []
    if radius_m is not None:
        where += (" AND search_easting BETWEEN %s AND %s AND search_northing BETWEEN %s AND %s"
                  f" AND {distance2} <= %s")
        params += [east - radius_m, east + radius_m, north - radius_m, north + radius_m,
                   east, east, north, north, radius_m * radius_m]
    sql = (f"SELECT oruk_document, id, COUNT(*) OVER () FROM {table} "  # noqa: S608 - our names
           f"WHERE {where} ORDER BY {distance2}, id LIMIT %s OFFSET %s")
    params += [east, east, north, north, per_page, (page - 1) * per_page]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if found:
        return [(doc, pk) for doc, pk, _ in found], found[0][2]
    return [], links_near(point, radius_m).count()


@dataclass(frozen=True)
class Nearby:
    """A service found near a point: ``distance_m`` (metres) and the WGS84 position of its
    nearest location, all None when its location is hidden (listed, never measured)."""

    service_id: uuid.UUID
    name: str
    distance_m: float | None
    latitude: float | None = None
    longitude: float | None = None

    @property
    def location_hidden(self) -> bool:
        return self.distance_m is None


def services_near(point: tuple[float, float], *, radius_m: float,
                  among: QuerySet[Service] | None = None,
                  hidden_area: str | None = None) -> list[Nearby]:
    """Published services (of ``among`` if given) with a shown location within ``radius_m``
    metres of ``point`` (BNG), each once at its nearest location, nearest first then by name
    and id; then, if ``hidden_area`` (a local authority code) is given, the published services
    whose location is hidden and lies in that area, by name, without distance or position."""
    rows = links_near(point, radius_m, among=among).values_list(
        "service_id", "service__name", "distance2", "location__latitude", "location__longitude")
    best: dict[uuid.UUID, Nearby] = {}
    for sid, name, distance2, lat, lon in rows:
        if sid not in best:  # rows come nearest first
            best[sid] = Nearby(sid, name, max(distance2, 0.0) ** 0.5, lat, lon)
    found = sorted(best.values(), key=lambda n: (n.distance_m, n.name, str(n.service_id)))
    if hidden_area:
        hidden = (published() if among is None else among.filter(
            asset_status=AssetStatus.PUBLISHED)).filter(
            hide_exact_location=True,
            service_at_locations__location__lad_code=hidden_area).distinct()
        found += [Nearby(sid, name, None) for sid, name in
                  hidden.order_by("name", "id").values_list("id", "name")]
    return found


@dataclass
class MapService:
    """A published service as other apps show it (:func:`find_services`). ``distance_m`` is
    None when the exact location is hidden (then nothing about where it is is given)."""

    service_id: uuid.UUID
    name: str
    category: str
    organization_id: uuid.UUID | None
    organisation: str
    distance_m: float | None
    needs: tuple[str, ...] = ()
    costs: tuple[tuple[Decimal, str], ...] = ()
    minimum_age: int | None = None
    maximum_age: int | None = None
    is_example: bool = False
    opening: str = ""
    next_opening: str = ""
    fits_times: bool | None = None
    schedules: list = field(default_factory=list, repr=False)
    #: WGS84 position of the nearest location (None when hidden).
    latitude: float | None = None
    longitude: float | None = None

    @property
    def location_hidden(self) -> bool:
        return self.distance_m is None

    @property
    def interchangeable(self) -> bool:
        """A generic place: shown, with no organisation, no opening times and no cost (the
        bundled green spaces, say). One such place near another of the same category offers
        the person the same thing, so lists may group them (:func:`group_nearby`)."""
        return (self.distance_m is not None and self.organization_id is None
                and not self.schedules and not self.costs and self.latitude is not None)

    @property
    def free(self) -> bool:
        """No cost option with an amount (free, or the cost is not stated)."""
        return not self.costs


def find_services(point: tuple[float, float], *, radius_m: float, needs: Sequence[str] = (),
                  age: int | None = None, free_only: bool = False, days: Sequence[str] = (),
                  parts: Sequence[str] = (), now: dt.datetime | None = None,
                  hidden_area: str | None = None) -> list[MapService]:
    """Published services near ``point`` (:func:`services_near`, same order and hidden-location
    rule) that meet at least one of ``needs`` (need codes; all services when empty), whose age
    limits include ``age``, free of charge if ``free_only``, and open during ``days`` (MO..SU)
    and ``parts`` (keys of :data:`PARTS_OF_DAY`) when given: a service whose known opening
    times miss them is left out, one without opening times stays (``fits_times`` None).

    ``now`` (aware, local time) dates the opening times and the next opening."""
    from django.utils import timezone

    among = published()
    if needs:
        among = among.filter(Exists(Attribute.objects.filter(
            service=OuterRef("pk"), taxonomy_term__taxonomy__code=NEEDS,
            taxonomy_term__code__in=list(needs))))
    if age is not None:
        among = among.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
                             Q(maximum_age__isnull=True) | Q(maximum_age__gte=age))
    if free_only:
        among = among.exclude(Exists(CostOption.objects.filter(
            service=OuterRef("pk"), amount__isnull=False).exclude(amount=0)))
    nearby = services_near(point, radius_m=radius_m, among=among, hidden_area=hidden_area)
    now = timezone.localtime(now)
    loaded: dict[uuid.UUID, Service] = {}
    for ids in chunked([n.service_id for n in nearby]):
        for service in (Service.objects.filter(pk__in=ids).select_related("organization")
                        .prefetch_related("attributes__taxonomy_term__taxonomy",
                                          "cost_options", "schedules")):
            loaded[service.pk] = service
    out = []
    for near in nearby:
        service = loaded.get(near.service_id)
        if service is None:  # deleted meanwhile
            continue
        week = opening.sessions(service.schedules.all(), on=now.date())
        fits = opening.open_during(week, list(days), list(parts)) if (days or parts) and week \
            else None
        if fits is False:
            continue
        out.append(MapService(
            service_id=service.pk, name=service.name, category=service.category,
            organization_id=service.organization_id,
            organisation=str(service.organization or ""),
            distance_m=near.distance_m,
            needs=tuple(sorted({a.taxonomy_term.code for a in service.attributes.all()
                                if a.taxonomy_term.taxonomy.code == NEEDS})),
            costs=tuple((c.amount, c.option) for c in service.cost_options.all() if c.amount),
            minimum_age=service.minimum_age, maximum_age=service.maximum_age,
            is_example=service.is_example, opening=opening.summary(week),
            next_opening=opening.describe_next(week, now), fits_times=fits,
            schedules=list(service.schedules.all()),
            latitude=near.latitude, longitude=near.longitude,
        ))
    return out


#: How close (metres) interchangeable places must be to the nearest of their group.
GROUP_WITHIN_M = 800


def _metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two WGS84 (latitude, longitude) points in metres (haversine)."""
    import math

    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def group_nearby(items: Sequence, *, key, position, groupable,
                 within_m: float = GROUP_WITHIN_M) -> list[tuple[object, list]]:
    """Group near-identical generic places so that a list shows variety.

    ``items`` in the order they are to be shown; ``groupable(item)`` says whether an item may be
    grouped (e.g. :attr:`MapService.interchangeable`), ``key(item)`` what must be equal (the
    category, the needs met), ``position(item)`` its WGS84 ``(latitude, longitude)``. Each
    groupable item joins the first group of its key whose first item (the nearest, as the list
    comes nearest first) lies within ``within_m`` metres of it; otherwise it starts a group.
    Returns ``[(first item, [the others])]`` in the order of the first items; an item that may
    not be grouped is a group of its own.
    """
    groups: list[tuple[object, list]] = []
    open_groups: dict[object, list[tuple[object, list]]] = {}
    for item in items:
        if not groupable(item):
            groups.append((item, []))
            continue
        k, here = key(item), position(item)
        for head, others in open_groups.get(k, []):
            if _metres_between(position(head), here) <= within_m:
                others.append(item)
                break
        else:
            group = (item, [])
            groups.append(group)
            open_groups.setdefault(k, []).append(group)
    return groups


# Look-ups for other apps ----------------------------------------------------------------------


def published_service(service_id) -> Service | None:
    """The published service with this id (a UUID or its text), with its organisation; None
    when there is none (unknown, malformed or not published)."""
    try:
        key = service_id if isinstance(service_id, uuid.UUID) else uuid.UUID(str(service_id))
    except ValueError:
        return None
    return published().select_related("organization").filter(pk=key).first()


def service_by_source_id(source_id: str) -> Service | None:
    """The service (any status) imported with this ``source_id``, or None."""
    return Service.objects.select_related("organization").filter(source_id=source_id).first()


def services_of(organization_ids: Iterable) -> list[Service]:
    """The services (any status) of these asset-map organisations, by name."""
    ids = [o for o in organization_ids if o is not None]
    found: list[Service] = []
    for chunk in chunked(ids):
        found += Service.objects.filter(organization_id__in=chunk)
    return sorted(found, key=lambda s: (s.name, str(s.pk)))


def organization(organization_id) -> Organization | None:
    """The asset-map organisation with this id (a UUID or its text), or None."""
    try:
        key = organization_id if isinstance(organization_id, uuid.UUID) else uuid.UUID(
            str(organization_id).strip())
    except (ValueError, AttributeError):
        return None
    return Organization.objects.filter(pk=key).first()


def organization_is_example(organization: Organization) -> bool:
    """Whether every service of the organisation is an invented example (synthetic demo
    data); False for an organisation without services."""
    examples = list(organization.services.values_list("is_example", flat=True))
    return bool(examples) and all(examples)


def search_organizations(query: str, *, examples: bool, limit: int = 20) -> list[Organization]:
    """Organisations with services whose name contains ``query``: only those whose services
    are all examples (``examples``) or none is; annotated ``n_services``; by name."""
    found = (Organization.objects.filter(name__icontains=query)
             .annotate(n_services=Count("services"),
                       n_examples=Count("services", filter=Q(services__is_example=True)))
             .filter(n_services__gt=0).order_by("name"))
    found = found.filter(n_examples=F("n_services")) if examples else found.filter(n_examples=0)
    return list(found[:limit])
