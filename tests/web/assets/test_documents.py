"""Stored ORUK documents: every write path leaves them fresh, the check can fail, and the API
serves exactly what a live build gives."""

from __future__ import annotations

import json

import pytest

from rescomm.web.assets import documents, oruk
from rescomm.web.assets.importer import import_assets
from rescomm.web.assets.models import (
    AssetStatus,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from rescomm.web.assets.services import (
    decide,
    ensure_taxonomies,
    hide_overdue,
    mark_verified,
    revert,
    set_status,
    suggest,
)

from .conftest import record


def _live(service: Service) -> dict:
    s = oruk.with_relations(Service.objects).get(pk=service.pk)
    return oruk.service(s)


def _import(*records):
    return import_assets(list(records), source="tests")


def _revert(service, user):
    _import(record(service.source_id, name="Vandalised", capitals="natural"))
    revert(service, 1, actor=user, reason="undo")


def _approve_edit(service, user):
    suggestion = suggest(proposed={"name": "New name", "phone": "0151 111 1111"},
                         service=service)
    decide(suggestion, "approved", actor=user)


def _approve_new(service, user):
    suggestion = suggest(proposed={"name": "Brand new group", "postcode": "L1 8JQ",
                                   "capitals": ["social"], "needs": [], "opening_times": [],
                                   "accessibility": []})
    decide(suggestion, "approved", actor=user)


def _rename_organisation(service, user):
    _import(record("t:org1", organization="Old Trust", organization_id="org:trust"),
            record("t:org2", organization="Old Trust", organization_id="org:trust"))
    # a later import renames the organisation through one of its services only
    _import(record("t:org1", organization="New Trust", organization_id="org:trust",
                   description="changed"))


def _rename_term(service, user, monkeypatch):
    from rescomm.web.assets import services as module

    shipped = module.shipped_taxonomies()
    renamed = json.loads(json.dumps(shipped, default=str))
    for taxonomy in renamed["taxonomies"]:
        taxonomy["id"] = next(t["id"] for t in shipped["taxonomies"]
                              if t["code"] == taxonomy["code"])
        for term in taxonomy["terms"]:
            if term["code"] == "social":
                term["name"] = "Social capital (renamed)"
    monkeypatch.setattr(module, "shipped_taxonomies", lambda: renamed)
    ensure_taxonomies()


PATHS = {
    "import update": lambda s, u: _import(record(s.source_id, phone="0151 222 2222",
                                                 opening_times="SU 10:00-11:00")),
    "hide": lambda s, u: set_status(s, AssetStatus.HIDDEN, actor=u, reason="duplicate"),
    "hide then publish": lambda s, u: (
        set_status(s, AssetStatus.HIDDEN, actor=u, reason="x"),
        set_status(s, AssetStatus.PUBLISHED, actor=u, reason="y")),
    "hide the exact location": lambda s, u: _import(record(s.source_id,
                                                           hide_exact_location=True)),
    "verify": lambda s, u: mark_verified(s, actor=u),
    "revert": _revert,
    "approve an edit": _approve_edit,
    "approve a new asset": _approve_new,
    "overdue hidden": lambda s, u: (
        Service.objects.filter(pk=s.pk).update(review_due="2020-01-01"),
        hide_overdue(grace_days=30)),
    "organisation renamed": _rename_organisation,
}


@pytest.mark.parametrize("path", [*PATHS, "taxonomy term renamed"])
def test_every_write_path_leaves_every_stored_document_fresh(make_asset, django_user_model,
                                                             monkeypatch, path):
    user = django_user_model.objects.create(username="mod")
    service = make_asset("t:doc")
    assert documents.stale([service.id]) == []
    if path == "taxonomy term renamed":
        _rename_term(service, user, monkeypatch)
    else:
        PATHS[path](service, user)
    assert documents.stale() == []
    service.refresh_from_db()
    assert json.loads(service.oruk_document) == _live(service)


def test_the_staleness_check_finds_a_change_made_behind_the_writers_back(make_asset):
    service = make_asset("t:doc")
    Phone.objects.filter(service=service).update(number="0000")
    assert documents.stale() == [str(service.id)]
    documents.refresh([service.id])
    assert documents.stale() == []


def test_renaming_an_organisation_refreshes_its_other_services(db):
    _rename_organisation(None, None)
    other = Service.objects.get(source_id="t:org2")
    assert json.loads(other.oruk_document)["organization"]["name"] == "New Trust"
    assert Organization.objects.get(source_id="org:trust").name == "New Trust"


def test_a_taxonomy_rename_reaches_the_documents_of_tagged_services(make_asset, monkeypatch):
    service = make_asset("t:doc")
    _rename_term(service, None, monkeypatch)
    service.refresh_from_db()
    names = {a["taxonomy_term"]["name"] for a in json.loads(service.oruk_document)["attributes"]}
    assert "Social capital (renamed)" in names
    assert TaxonomyTerm.objects.filter(name="Social capital (renamed)").exists()


def test_saving_an_old_copy_of_a_service_never_writes_an_old_document_back(make_asset):
    service = make_asset("t:doc")
    old_copy = Service.objects.get(pk=service.pk)
    _import(record("t:doc", phone="0151 999 9999"))  # a change in another table
    old_copy.save()
    stored = json.loads(Service.objects.get(pk=service.pk).oruk_document)
    assert [p["number"] for p in stored["phones"]] == ["0151 999 9999"]
    documents.refresh([service.pk])  # the save itself changed last_modified


def test_only_published_assets_with_a_shown_location_have_search_coordinates(make_asset):
    shown = make_asset("t:shown")
    hidden = make_asset("t:hidden", hide_exact_location=True)
    draft = make_asset("t:draft", asset_status=AssetStatus.DRAFT)
    sal = {s.source_id: ServiceAtLocation.objects.get(service=s)
           for s in (shown, hidden, draft)}
    assert sal["t:shown"].search_easting is not None
    assert sal["t:shown"].search_northing is not None
    assert sal["t:hidden"].search_easting is None and sal["t:draft"].search_easting is None


def test_the_api_serves_what_a_live_build_gives(client, make_asset):
    service = make_asset("t:doc")
    body = client.get(f"/api/oruk/services/{service.id}").json()
    assert body == _live(service)
    sal = ServiceAtLocation.objects.get(service=service)
    near = client.get("/api/oruk/service_at_locations",
                      {"postcode": "L1 8JQ", "proximity": 50, "per_page": 1000}).json()
    item = next(i for i in near["contents"] if i["id"] == str(sal.id))
    sal = ServiceAtLocation.objects.select_related("service", "location").get(pk=sal.pk)
    assert item == oruk.service_at_location(sal)


def test_assets_without_stored_documents_are_built_on_the_fly_and_by_refresh_missing(
        client, make_asset):
    service = make_asset("t:doc")
    Service.objects.filter(pk=service.pk).update(oruk_document="", oruk_summary="")
    ServiceAtLocation.objects.filter(service=service).update(oruk_document="")
    assert client.get(f"/api/oruk/services/{service.id}").json() == _live(service)
    listed = client.get("/api/oruk/services", {"search": "Kensington Community"}).json()
    assert listed["contents"][0]["name"] == "Kensington Community Centre"
    assert documents.refresh_missing() >= 1
    assert documents.stale() == []
