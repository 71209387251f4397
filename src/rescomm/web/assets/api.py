"""Open Referral UK API (HSDS 3.0 UK profile), mounted at ``/api/oruk/``.

Open, read-only, no keys; every answer (errors included, where this module makes them) carries
``Access-Control-Allow-Origin: *``. Only published assets appear; assets whose exact location is
hidden never show coordinates or an address, and are left out of distance searches (a distance
from a chosen postcode would reveal where they are).
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router
from pydantic import WithJsonSchema

from rescomm.web.core.errors import json_error
from rescomm.web.core.schemas import errors

from . import documents, oruk, public
from .models import AssetStatus, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from .opening import DAY_NAMES

router = Router(tags=["Open Referral UK"])

MAX_PER_PAGE = 1000
#: ``?day=`` values: a day code (MO..SU) or a day's name, any case -> its day code.
DAYS = {**{code: code for code in DAY_NAMES},
        **{name.upper(): code for code, name in DAY_NAMES.items()}}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
#: ``?page=`` and ``?per_page=`` with the bounds :func:`_paging` enforces, declared in the
#: OpenAPI document (checked here rather than by django-ninja, so the error keeps this
#: module's CORS header).
Page = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1})]
PerPage = Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1,
                                         "maximum": MAX_PER_PAGE})]
PAGE = Query(1, description="Page number, from 1")
PER_PAGE = Query(50, description=f"Items per page, 1 to {MAX_PER_PAGE}")


class BadParameter(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _ok(data) -> JsonResponse:
    return _cors(JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False}))


def _ok_text(text: str) -> HttpResponse:
    """An answer already serialised (from the stored documents, :mod:`.documents`)."""
    return _cors(HttpResponse(text.encode(), content_type="application/json"))


def _page(rows, builder, *, total: int, page: int, per_page: int) -> HttpResponse:
    """A page of stored documents: ``rows`` are ``(document, object id)``; a row without a
    stored document yet (an asset made before they existed) is built with ``builder``."""
    items = [doc or documents.dumps(builder(pk)) for doc, pk in rows]
    return _ok_text(documents.page_json(items, total=total, page_number=page, per_page=per_page))


def _bad(exc: BadParameter) -> JsonResponse:
    return _cors(json_error(400, "invalid_request", "Some parameters are not valid.",
                            {exc.field: [exc.message]}))


def _not_found(what: str) -> JsonResponse:
    return _cors(json_error(404, "not_found", f"No published {what} with this id."))


def _paging(page: int, per_page: int) -> tuple[int, int]:
    if page < 1:
        raise BadParameter("page", "must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise BadParameter("per_page", f"must be from 1 to {MAX_PER_PAGE}")
    return page, per_page


def _slice(items, page: int, per_page: int):
    start = (page - 1) * per_page
    return items[start:start + per_page]


def _time_param(name: str, value: str | None) -> time | None:
    if not value:
        return None
    match = _TIME.match(value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise BadParameter(name, f"{value!r} is not a time of day (HH:MM, 00:00 to 23:59)")
    return time(int(match[1]), int(match[2]))


published = public.published


def filter_services(qs: QuerySet[Service], *, search=None, taxonomy_id=None,
                    taxonomy_term_id=None, organization_id=None, modified_after=None,
                    minimum_age=None, maximum_age=None, day=None, start_time=None,
                    end_time=None) -> QuerySet[Service]:
    """The ORUK filters, combined with AND (openreferral/specification#431)."""
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    for name, value in (("taxonomy_id", taxonomy_id), ("taxonomy_term_id", taxonomy_term_id),
                        ("organization_id", organization_id)):
        if value and not re.fullmatch(r"[0-9a-fA-F-]{36}", value):
            raise BadParameter(name, f"{value!r} is not a UUID")
    if taxonomy_id:
        qs = qs.filter(attributes__taxonomy_term__taxonomy_id=taxonomy_id)
    if taxonomy_term_id:
        qs = qs.filter(attributes__taxonomy_term_id=taxonomy_term_id)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if modified_after:
        try:
            when = datetime.fromisoformat(modified_after.replace("Z", "+00:00"))
        except ValueError as exc:
            raise BadParameter("modified_after", f"{modified_after!r} is not an ISO 8601 "
                               "date-time, e.g. 2025-01-31T12:00:00Z") from exc
        if timezone.is_naive(when):
            when = timezone.make_aware(when, timezone.get_default_timezone())
        qs = qs.filter(last_modified__gt=when)
    if minimum_age is not None:
        qs = qs.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=minimum_age))
    if maximum_age is not None:
        qs = qs.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=maximum_age))
    opens, closes = _time_param("start_time", start_time), _time_param("end_time", end_time)
    if opens and closes and opens >= closes:
        raise BadParameter("end_time", "must be after start_time")
    if day or opens or closes:
        code = None
        if day:
            code = DAYS.get(day.strip().upper())
            if code is None:
                raise BadParameter("day", f"{day!r} is not a day: use MO..SU or Monday..Sunday")
        schedules = Q()
        if code:
            schedules &= Q(schedules__byday__contains=code)
        if opens:
            schedules &= Q(schedules__opens_at__lte=opens, schedules__closes_at__gt=opens)
        if closes:
            schedules &= Q(schedules__closes_at__gte=closes, schedules__opens_at__lt=closes)
        qs = qs.filter(schedules)
    return qs.distinct()


@router.get("/", response={200: dict}, summary="About this API (HSDS version, profile, OpenAPI)")
def info(request: HttpRequest):
    return _ok({"version": oruk.VERSION, "profile": oruk.PROFILE_URL,
                "openapi_url": oruk.OPENAPI_URL})


@router.get("/services", response={200: dict, **errors(400)},
            summary="Published community assets, paged",
            openapi_extra={"responses": {200: {"content": {"application/x-ndjson": {}}}}})
def services(request: HttpRequest, search: str | None = None, text: str | None = None,
             taxonomy_id: str | None = None, taxonomy_term_id: str | None = None,
             organization_id: str | None = None, modified_after: str | None = None,
             minimum_age: int | None = None, maximum_age: int | None = None,
             day: str | None = None, start_time: str | None = None,
             end_time: str | None = None, page: Page = PAGE, per_page: PerPage = PER_PAGE,
             format: str = "json"):  # noqa: A002 - the ORUK parameter name
    """`search` (or the ORUK 1.0 `text`) matches name and description; all filters combine
    with AND. Ages: services whose age range overlaps; `day`, `start_time`, `end_time`: open
    then. `format=ndjson` streams every match, one service a line, without paging."""
    try:
        if format not in ("json", "ndjson"):
            raise BadParameter("format", f"{format!r} is not a format: use json or ndjson")
        page, per_page = _paging(page, per_page)
        qs = filter_services(
            published(), search=search or text, taxonomy_id=taxonomy_id,
            taxonomy_term_id=taxonomy_term_id, organization_id=organization_id,
            modified_after=modified_after, minimum_age=minimum_age, maximum_age=maximum_age,
            day=day, start_time=start_time, end_time=end_time,
        )
    except BadParameter as exc:
        return _bad(exc)
    if format == "ndjson":
        return _ndjson(qs.order_by("name", "id").values_list("oruk_summary", "id"))
    total = qs.count()
    rows = _slice(qs.order_by("name", "id").values_list("oruk_summary", "id"), page, per_page)
    return _page(rows, lambda pk: oruk.service_summary(Service.objects.get(pk=pk)),
                 total=total, page=page, per_page=per_page)


@router.get("/services/{service_id}", response={200: dict, **errors(404)},
            summary="One published asset, fully nested")
def service_detail(request: HttpRequest, service_id: str):
    return _service_document(service_id) or _not_found("service")


def _service_document(service_id) -> HttpResponse | None:
    """The stored, fully nested document of a published service, or None."""
    if not re.fullmatch(r"[0-9a-fA-F-]{36}", str(service_id)):
        return None
    row = published().filter(id=service_id).values_list("oruk_document", flat=True).first()
    if row is None:
        return None
    if not row:  # made before documents were stored: build it now
        s = oruk.with_relations(published()).get(id=service_id)
        row = documents.dumps(oruk.service(s))
    return _ok_text(row)


@router.get("/service_at_locations", response={200: dict, **errors(400)},
            summary="Assets at their locations; near a postcode")
def service_at_locations(request: HttpRequest, search: str | None = None,
                         text: str | None = None, taxonomy_id: str | None = None,
                         taxonomy_term_id: str | None = None,
                         organization_id: str | None = None, modified_after: str | None = None,
                         minimum_age: int | None = None, maximum_age: int | None = None,
                         day: str | None = None, start_time: str | None = None,
                         end_time: str | None = None, postcode: str | None = None,
                         proximity: float | None = None, page: Page = PAGE,
                         per_page: PerPage = PER_PAGE):
    """With `postcode`: nearest first, straight-line distance in metres from the postcode
    centre (British National Grid); `proximity` keeps only those within that many metres."""
    try:
        page, per_page = _paging(page, per_page)
        services = filter_services(
            published(), search=search or text, taxonomy_id=taxonomy_id,
            taxonomy_term_id=taxonomy_term_id, organization_id=organization_id,
            modified_after=modified_after, minimum_age=minimum_age, maximum_age=maximum_age,
            day=day, start_time=start_time, end_time=end_time,
        )
        filtered = any(v not in (None, "") for v in (
            search, text, taxonomy_id, taxonomy_term_id, organization_id, modified_after,
            minimum_age, maximum_age, day, start_time, end_time))
        if proximity is not None and not postcode:
            raise BadParameter("proximity", "needs a postcode")
        if postcode:
            if proximity is not None and not 0 < proximity <= 100_000:
                raise BadParameter("proximity", "must be more than 0 and at most 100000 metres")
            # public.nearest_page: the one near-a-point search (hidden locations never take
            # part); without other filters one indexed table answers it.
            rows, total = public.nearest_page(postcode_point(postcode), proximity, page=page,
                                              per_page=per_page,
                                              among=services if filtered else None)
        else:
            # A correlated EXISTS (a semi-join): the planner checks each link's service by
            # primary key instead of collecting every published service first.
            qs = ServiceAtLocation.objects.filter(
                Exists(services.filter(pk=OuterRef("service_id"))))
            total = qs.count()
            rows = _slice(qs.order_by("service__name", "id")
                          .values_list("oruk_document", "id"), page, per_page)
    except BadParameter as exc:
        return _bad(exc)
    return _page(rows, _sal_item, total=total, page=page, per_page=per_page)


def _ndjson(rows) -> StreamingHttpResponse:
    """Every row's stored document, one JSON object a line (``application/x-ndjson``), read
    from the database in chunks while it is sent."""

    def lines():
        for doc, pk in rows.iterator(chunk_size=1000):
            text = doc or documents.dumps(oruk.service_summary(Service.objects.get(pk=pk)))
            yield (text + "\n").encode()

    return _cors(StreamingHttpResponse(lines(), content_type="application/x-ndjson"))


def _sal_item(sal_id) -> dict:
    sal = ServiceAtLocation.objects.select_related("service", "location").get(pk=sal_id)
    return oruk.service_at_location(sal)


def postcode_point(postcode: str, field: str = "postcode") -> tuple[float, float]:
    """BNG easting and northing of a postcode's centre, or :class:`BadParameter`."""
    from rescomm.geo import GeoError, lookup_postcode
    from rescomm.web.areas.public import api_message

    try:
        record = lookup_postcode(postcode)
    except GeoError as exc:
        raise BadParameter(field, api_message(exc, field)) from exc
    if record.easting is None:
        raise BadParameter(field, f"postcode {record.postcode} has no grid reference")
    return float(record.easting), float(record.northing)


@router.get("/service_at_locations/{sal_id}", response={200: dict, **errors(404)},
            summary="One asset at one location")
def service_at_location_detail(request: HttpRequest, sal_id: str):
    sal = None
    if re.fullmatch(r"[0-9a-fA-F-]{36}", sal_id):
        sal = ServiceAtLocation.objects.filter(
            id=sal_id, service__asset_status=AssetStatus.PUBLISHED).first()
    if sal is None:
        return _not_found("service at location")
    return _service_document(sal.service_id)


def _organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(
        services__asset_status=AssetStatus.PUBLISHED).distinct()


@router.get("/organizations", response={200: dict, **errors(400)},
            summary="Organisations with published assets, paged")
def organizations(request: HttpRequest, search: str | None = None, page: Page = PAGE,
                  per_page: PerPage = PER_PAGE):
    try:
        page, per_page = _paging(page, per_page)
    except BadParameter as exc:
        return _bad(exc)
    qs = _organizations()
    if search:
        qs = qs.filter(name__icontains=search)
    total = qs.count()
    items = _slice(qs.order_by("name", "id"), page, per_page)
    return _ok(oruk.page([oruk.organization(o) for o in items], total=total, page_number=page,
                         per_page=per_page))


@router.get("/organizations/{organization_id}", response={200: dict, **errors(404)},
            summary="One organisation and its assets")
def organization_detail(request: HttpRequest, organization_id: str):
    org = None
    if re.fullmatch(r"[0-9a-fA-F-]{36}", organization_id):
        org = _organizations().filter(id=organization_id).first()
    if org is None:
        return _not_found("organization")
    data = oruk.organization(org, services=[])
    rows = (org.services.filter(asset_status=AssetStatus.PUBLISHED).order_by("name", "id")
            .values_list("oruk_summary", "id"))
    summaries = [doc or documents.dumps(oruk.service_summary(Service.objects.get(pk=pk)))
                 for doc, pk in rows]
    text = documents.dumps(data)
    if not text.endswith('"services":[]}'):  # pragma: no cover - oruk.organization's key order
        raise AssertionError("oruk.organization must end with services")
    return _ok_text(text[: -len("[]}")] + "[" + ",".join(summaries) + "]}")


@router.get("/taxonomies", response={200: dict, **errors(400)},
            summary="Taxonomies (community capitals, needs), paged")
def taxonomies(request: HttpRequest, page: Page = PAGE, per_page: PerPage = PER_PAGE):
    try:
        page, per_page = _paging(page, per_page)
    except BadParameter as exc:
        return _bad(exc)
    qs = Taxonomy.objects.order_by("name", "id")
    items = _slice(qs, page, per_page)
    return _ok(oruk.page([oruk.taxonomy(t) for t in items], total=qs.count(), page_number=page,
                         per_page=per_page))


@router.get("/taxonomies/{taxonomy_id}", response={200: dict, **errors(404)},
            summary="One taxonomy with its terms")
def taxonomy_detail(request: HttpRequest, taxonomy_id: str):
    t = None
    if re.fullmatch(r"[0-9a-fA-F-]{36}", taxonomy_id):
        t = Taxonomy.objects.filter(id=taxonomy_id).first()
    if t is None:
        return _not_found("taxonomy")
    return _ok(oruk.taxonomy(t, with_terms=True))


@router.get("/taxonomy_terms", response={200: dict, **errors(400)}, summary="Taxonomy terms, paged")
def taxonomy_terms(request: HttpRequest, taxonomy_id: str | None = None,
                   parent_id: str | None = None, top_only: bool = False, page: Page = PAGE,
                   per_page: PerPage = PER_PAGE):
    try:
        page, per_page = _paging(page, per_page)
        for name, value in (("taxonomy_id", taxonomy_id), ("parent_id", parent_id)):
            if value and not re.fullmatch(r"[0-9a-fA-F-]{36}", value):
                raise BadParameter(name, f"{value!r} is not a UUID")
    except BadParameter as exc:
        return _bad(exc)
    qs = TaxonomyTerm.objects.select_related("taxonomy").order_by("taxonomy__name", "name", "id")
    if taxonomy_id:
        qs = qs.filter(taxonomy_id=taxonomy_id)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if top_only:
        qs = qs.filter(parent__isnull=True)
    items = _slice(qs, page, per_page)
    return _ok(oruk.page([oruk.taxonomy_term(t) for t in items], total=qs.count(),
                         page_number=page, per_page=per_page))


@router.get("/taxonomy_terms/{term_id}", response={200: dict, **errors(404)},
            summary="One taxonomy term")
def taxonomy_term_detail(request: HttpRequest, term_id: str):
    t = None
    if re.fullmatch(r"[0-9a-fA-F-]{36}", term_id):
        t = TaxonomyTerm.objects.select_related("taxonomy").filter(id=term_id).first()
    if t is None:
        return _not_found("taxonomy term")
    return _ok(oruk.taxonomy_term(t))

