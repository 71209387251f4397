"""Stored Open Referral UK documents: each asset's ORUK JSON, built when the asset changes.

An ORUK service is assembled from nine tables (service, organisation, schedules, phones, cost
options, service areas, attributes with their terms and taxonomies, service_at_location, location
with its addresses and accessibility). Building 50 of them for every API page was most of the
time of a proximity search, so they are built once, when an asset changes, and stored serialised:

- ``Service.oruk_document``: the fully nested service (``/services/{id}``);
- ``Service.oruk_summary``: the list item of ``/services``;
- ``ServiceAtLocation.oruk_document``: the list item of ``/service_at_locations``;
- ``ServiceAtLocation.search_easting`` / ``search_northing``: the location's British National
  Grid metres while the asset may appear in distance searches (published, location not hidden),
  else null, so a proximity search reads one indexed table.

:func:`refresh` is the only writer. Every path that changes an asset calls it inside its own
transaction (importer, revert, status changes, verification, moderation); ``Service.save`` never
writes these columns back from an older copy. :func:`stale` rebuilds the documents in memory and
lists the assets whose stored ones differ; the tests run it after every asset test, and
``rescomm assets documents --check`` runs it on a database. The JSON is produced by the same
functions (:mod:`.oruk`) the API used before, so the answers are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from rescomm.web.core.batches import chunked

from . import oruk
from .models import AssetStatus, Service, ServiceAtLocation

#: Services built per batch (one prefetch of every related table per batch).
CHUNK = 500


def dumps(data) -> str:
    """Compact JSON text, non-ASCII kept as is (what the API sends)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _searchable(service: Service, location) -> bool:
    return (service.asset_status == AssetStatus.PUBLISHED and not service.hide_exact_location
            and location.easting is not None and location.northing is not None)


def build(service: Service) -> tuple[tuple[str, str], list[tuple[object, str, float | None,
                                                                 float | None]]]:
    """The stored columns of one service (read with :func:`oruk.with_relations`):
    ``((document, summary), [(sal id, document, search_easting, search_northing), ...])``."""
    full, summary = oruk.service(service), oruk.service_summary(service)
    own = (dumps(full), dumps(summary))
    # Each /service_at_locations item is the nested service's link (id, service_id,
    # location_id, location) plus the service summary: what oruk.service_at_location gives
    # (tested), without building the location twice.
    nested = {item["id"]: item for item in full.get("service_at_locations", [])}
    links = []
    for sal in service.service_at_locations.all():
        loc = sal.location
        searchable = _searchable(service, loc)
        item = {**nested[str(sal.id)], "service": summary}
        links.append((sal.id, dumps(item),
                      loc.easting if searchable else None, loc.northing if searchable else None))
    return own, links


def _prefetched(ids: list) -> Iterator[Service]:
    for chunk in chunked(ids, CHUNK):
        yield from oruk.with_relations(Service.objects.filter(id__in=chunk)).order_by("id")


def refresh(service_ids: Iterable) -> int:
    """Rebuild and store the ORUK documents of these services and their service_at_locations.

    Call it inside the transaction that changed them, after the change. Unknown ids are
    ignored (a deleted asset has nothing to store). Returns the number of services written.
    """
    ids = list(dict.fromkeys(service_ids))
    if not ids:
        return 0
    pk = Service._meta.pk
    sal_pk = ServiceAtLocation._meta.pk
    own_sql = _update_sql(Service, ("oruk_document", "oruk_summary"))
    link_sql = _update_sql(ServiceAtLocation, ("oruk_document", "search_easting",
                                               "search_northing"))
    written = 0
    with transaction.atomic():
        batch_own, batch_links = [], []
        for service in _prefetched(ids):
            (document, summary), links = build(service)
            batch_own.append((document, summary, pk.get_db_prep_value(service.id, connection)))
            batch_links.extend((doc, east, north, sal_pk.get_db_prep_value(sal_id, connection))
                               for sal_id, doc, east, north in links)
            written += 1
            if len(batch_own) >= CHUNK:
                _write(own_sql, batch_own, link_sql, batch_links)
                batch_own, batch_links = [], []
        _write(own_sql, batch_own, link_sql, batch_links)
    return written


def _update_sql(model, columns: tuple[str, ...]) -> str:
    """``UPDATE <table> SET <column> = %s, ... WHERE id = %s`` (names from our models)."""
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = %s" for c in columns)
    return f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"  # noqa: S608


def _write(own_sql: str, own: list, link_sql: str, links: list) -> None:
    with connection.cursor() as cursor:
        if own:
            cursor.executemany(own_sql, own)
        if links:
            cursor.executemany(link_sql, links)


def refresh_all() -> int:
    """Rebuild every stored document (after an upgrade that changes the ORUK output)."""
    return refresh(Service.objects.order_by("id").values_list("id", flat=True))


def refresh_missing() -> int:
    """Build the documents of services that have none yet (rows from before they existed)."""
    return refresh(Service.objects.filter(oruk_document="").values_list("id", flat=True))


def stale(service_ids: Iterable | None = None) -> list[str]:
    """Ids of services (all, or ``service_ids``) whose stored documents, or whose
    service_at_locations' documents or search coordinates, differ from a fresh build."""
    if service_ids is None:
        ids = list(Service.objects.order_by("id").values_list("id", flat=True))
    else:
        ids = list(dict.fromkeys(service_ids))
    out = []
    for service in _prefetched(ids):
        own, links = build(service)
        stored_links = sorted(
            (sal.id, sal.oruk_document, sal.search_easting, sal.search_northing)
            for sal in service.service_at_locations.all()
        )
        if own != (service.oruk_document, service.oruk_summary) or \
                sorted(links) != stored_links:
            out.append(str(service.id))
    return out


def page_json(items: list[str], *, total: int, page_number: int, per_page: int) -> str:
    """An HSDS 3.0 page (:func:`.oruk.page`) around already serialised ``items``."""
    head = dumps(oruk.page([], total=total, page_number=page_number, per_page=per_page)
                 | {"size": len(items)})
    if not head.endswith('"contents":[]}'):  # pragma: no cover - oruk.page's key order
        raise AssertionError("oruk.page must end with contents")
    return head[: -len("[]}")] + "[" + ",".join(items) + "]}"
