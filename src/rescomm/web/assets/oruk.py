"""Open Referral UK (HSDS 3.0 UK profile) JSON for assets: services, locations, organisations,
taxonomies, and the HSDS page shape.

ORUK's rule "optional fields omitted rather than null" is followed: empty values are left out.
Assets with ``hide_exact_location`` get a location with no coordinates and no address.
"""

from __future__ import annotations

import math

from django.db.models import Prefetch, QuerySet

from .models import (
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://openreferraluk.org/"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
WITHHELD = "The exact location is withheld to keep the people who use it safe."


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def page(items: list, *, total: int, page_number: int, per_page: int) -> dict:
    """HSDS 3.0 ``Page``: ``total_items, total_pages, page_number, size, first_page, last_page,
    empty, contents``."""
    total_pages = max(1, math.ceil(total / per_page)) if per_page else 1
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(items),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": total == 0,
        "contents": items,
    }


def taxonomy(t: Taxonomy, *, with_terms: bool = False) -> dict:
    data = _clean({"id": str(t.id), "name": t.name, "description": t.description, "uri": t.uri,
                   "version": t.version})
    if with_terms:
        data["taxonomy_terms"] = [taxonomy_term(term) for term in t.terms.all()]
    return data


def taxonomy_term(t: TaxonomyTerm) -> dict:
    return _clean({
        "id": str(t.id), "name": t.name, "description": t.description,
        "parent_id": str(t.parent_id) if t.parent_id else None,
        "taxonomy": t.taxonomy.name, "taxonomy_id": str(t.taxonomy_id), "term_uri": t.term_uri,
        "term": t.code,
    })


def organization(o: Organization, *, services: list[Service] | None = None) -> dict:
    data = _clean({"id": str(o.id), "name": o.name, "email": o.email, "website": o.website,
                   "uri": o.uri})
    data["description"] = o.description or o.name
    if o.source_id and o.source_id.startswith(("ods:", "gias:")):
        scheme, identifier = o.source_id.split(":", 1)
        data["organization_identifiers"] = [{
            "id": str(o.id), "organization_id": str(o.id),
            "identifier_scheme": {"ods": "NHS ODS", "gias": "DfE URN"}[scheme],
            "identifier_type": {"ods": "ODS code", "gias": "URN"}[scheme],
            "identifier": identifier,
        }]
    if services is not None:
        data["services"] = [service_summary(s) for s in services]
    return data


def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def location(loc, *, hidden: bool) -> dict:
    if hidden:
        return {"id": str(loc.id), "location_type": "physical", "description": WITHHELD}
    data = _clean({
        "id": str(loc.id), "location_type": loc.location_type, "name": loc.name,
        "description": loc.description, "latitude": loc.latitude, "longitude": loc.longitude,
        "external_identifier": loc.external_identifier,
        "external_identifier_type": loc.external_identifier_type,
    })
    addresses = [
        {"id": str(a.id), "location_id": str(loc.id), "address_1": a.address_1 or loc.name,
         "city": a.city, "state_province": a.state_province, "postal_code": a.postal_code,
         "country": a.country, "address_type": a.address_type}
        for a in loc.addresses.all()
    ]
    if addresses:
        data["addresses"] = addresses
    access = [_clean({"id": str(a.id), "location_id": str(loc.id), "description": a.description,
                      "details": a.details, "url": a.url}) for a in loc.accessibility.all()]
    if access:
        data["accessibility"] = access
    return data


def service_summary(s: Service) -> dict:
    """The one-to-one fields of a service (list items)."""
    return _clean({
        "id": str(s.id),
        "organization_id": str(s.organization_id) if s.organization_id else None,
        "name": s.name,
        "description": s.description,
        "url": s.url,
        "email": s.email,
        "status": s.status,
        "minimum_age": s.minimum_age,
        "maximum_age": s.maximum_age,
        "assured_date": s.assured_date.isoformat() if s.assured_date else None,
        "assurer_email": s.assurer_email,
        "alert": s.alert,
        "last_modified": s.last_modified.isoformat(timespec="milliseconds"),
    })


def _attributes(s: Service) -> list[dict]:
    return [
        {"id": str(a.id), "link_id": str(s.id), "link_type": "service",
         "taxonomy_term_id": str(a.taxonomy_term_id),
         "taxonomy_term": taxonomy_term(a.taxonomy_term)}
        for a in s.attributes.all()
    ]


def service(s: Service) -> dict:
    """A fully nested service (``/services/{id}``)."""
    data = service_summary(s)
    if s.organization is not None:
        data["organization"] = organization(s.organization)
    data["schedules"] = [
        _clean({"id": str(x.id), "service_id": str(s.id), "freq": x.freq, "byday": x.byday,
                "opens_at": _time(x.opens_at), "closes_at": _time(x.closes_at),
                "valid_from": x.valid_from.isoformat() if x.valid_from else None,
                "valid_to": x.valid_to.isoformat() if x.valid_to else None,
                "description": x.description, "notes": x.notes})
        for x in s.schedules.all()
    ]
    data["service_at_locations"] = [
        {"id": str(sal.id), "service_id": str(s.id), "location_id": str(sal.location_id),
         "location": location(sal.location, hidden=s.hide_exact_location)}
        for sal in s.service_at_locations.all()
    ]
    data["phones"] = [{"id": str(p.id), "service_id": str(s.id), "number": p.number}
                      for p in s.phones.all()]
    data["cost_options"] = [
        _clean({"id": str(c.id), "service_id": str(s.id), "option": c.option,
                "amount": float(c.amount) if c.amount is not None else None,
                "amount_description": c.amount_description})
        for c in s.cost_options.all()
    ]
    data["service_areas"] = [
        _clean({"id": str(a.id), "service_id": str(s.id), "name": a.name, "extent": a.extent,
                "extent_type": a.extent_type, "uri": a.uri})
        for a in s.service_areas.all()
    ]
    data["attributes"] = _attributes(s)
    return _clean(data)


def service_at_location(sal: ServiceAtLocation) -> dict:
    """A list item of ``/service_at_locations``: the link, its location and its service."""
    s = sal.service
    return {
        "id": str(sal.id), "service_id": str(s.id), "location_id": str(sal.location_id),
        "location": location(sal.location, hidden=s.hide_exact_location),
        "service": service_summary(s),
    }


def with_relations(qs: QuerySet[Service]) -> QuerySet[Service]:
    """``qs`` reading everything :func:`service`, :func:`service_summary` and
    :func:`rescomm.web.assets.services.snapshot` use, in a fixed number of queries.

    The organisation and each link's location are joined (``select_related``), not prefetched:
    Django writes the prefetch of a forward key as one ``OR`` term per object on SQLite, which
    fails past 1,000 objects (:mod:`rescomm.web.core.batches`). Taxonomy terms are prefetched
    (at most the size of the shipped taxonomies). Links are ordered by id (the order a join
    returns them in may vary between runs on PostgreSQL, and the stored documents must not).
    Read unbounded sets through :func:`rescomm.web.core.batches.in_batches`.
    """
    return qs.select_related("organization").prefetch_related(
        "schedules", "phones", "cost_options", "service_areas",
        "attributes__taxonomy_term__taxonomy",
        Prefetch("service_at_locations",
                 queryset=ServiceAtLocation.objects.select_related("location").order_by("id")),
        "service_at_locations__location__addresses",
        "service_at_locations__location__accessibility",
    )
