"""Suggestions from anyone (no account; honeypot; per-IP limit) and the moderation queue:
approve, reject with a reason, ask for changes; a diff of each edit; decisions audited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from tests.web.ladder import ladder_user

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.assets.models import AssetStatus, Service, Suggestion

from .test_views import XSS

NEW = {"name": "Tuesday Knit and Natter", "description": "Knitting and a cuppa.",
       "asset_kind": "group", "category": "craft_group", "capitals": ["social"],
       "needs": ["loneliness"], "address": "Church Hall, 2 Example Road", "city": "Liverpool",
       "postcode": "L1 8JQ", "opening_times": "TU 10:00-12:00", "submitter_email": ""}


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


def moderator(client):
    client.force_login(ladder_user("moderator"))
    return client


def test_anyone_can_suggest_a_new_asset_which_waits_for_a_moderator(client, db):
    response = client.post("/assets/suggest/", NEW)
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.status == "pending" and suggestion.service is None
    assert suggestion.proposed["opening_times"] == [
        {"byday": "TU", "opens_at": "10:00", "closes_at": "12:00"}]
    assert not Service.objects.filter(name=NEW["name"]).exists()
    assert AuditEvent.objects.filter(object_type="assets.suggestion", action="create").exists()


def test_approving_a_new_asset_publishes_it_with_its_place(client, db):
    client.post("/assets/suggest/", NEW)
    suggestion = Suggestion.objects.get()
    page = moderator(client).get(f"/assets/moderation/{suggestion.id}/")
    assert page.status_code == 200 and b"Tuesday Knit and Natter" in page.content
    response = client.post(f"/assets/moderation/{suggestion.id}/", {"decision": "approved"})
    assert response.status_code == 302
    service = Service.objects.get(name=NEW["name"])
    assert service.asset_status == AssetStatus.PUBLISHED
    assert service.source == "Community suggestion"
    location = service.service_at_locations.get().location
    assert location.lsoa21_code == "E01033756" and location.easting
    assert service.versions.get().action == "suggestion_approved"
    assert AuditEvent.objects.filter(object_id=str(suggestion.id), action="update",
                                     reason__startswith="approved").exists()


def test_an_edit_shows_a_diff_and_is_applied_as_a_new_version(client, make_asset):
    service = make_asset("t:edit")
    client.post(f"/assets/{service.id}/suggest/", {
        **NEW, "name": service.name, "opening_times": "MO 09:00-12:00", "capitals": ["social"],
        "needs": ["loneliness"], "description": service.description,
        "address": "1 Example Street", "city": "Liverpool", "category": "community_centre",
        "asset_kind": "place", "phone": "0151 000 0000", "email": "hello@example.org",
        "url": "https://example.org/", "accessibility": "Step-free entrance",
        "transportation": "Bus 17 stops outside"})
    suggestion = Suggestion.objects.get(service=service)
    page = moderator(client).get(f"/assets/moderation/{suggestion.id}/")
    fields = [row["field"] for row in page.context["diff"]]
    assert fields == ["capitals", "opening_times"]
    client.post(f"/assets/moderation/{suggestion.id}/", {"decision": "approved"})
    service.refresh_from_db()
    assert [s.byday for s in service.schedules.all()] == ["MO"]
    assert service.versions.first().action == "suggestion_approved"
    assert service.versions.count() == 2


@pytest.mark.parametrize("decision", ["rejected", "changes_requested"])
def test_reject_or_ask_for_changes_needs_a_reason(client, db, decision):
    client.post("/assets/suggest/", NEW)
    suggestion = Suggestion.objects.get()
    moderator(client)
    response = client.post(f"/assets/moderation/{suggestion.id}/", {"decision": decision})
    assert response.status_code == 400 and b"Say why" in response.content
    response = client.post(f"/assets/moderation/{suggestion.id}/",
                           {"decision": decision, "reason": "Please add the hall's name"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == decision
    assert suggestion.decision_reason == "Please add the hall's name"
    assert not Service.objects.filter(name=NEW["name"]).exists()
    again = client.post(f"/assets/moderation/{suggestion.id}/", {"decision": "approved"})
    assert again.status_code == 409


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"postcode": "NOPE"}, "postcode", "is not a UK postcode"),
    ({"opening_times": "TU 12:00-10:00"}, "opening_times", "not after it opens"),
    ({"url": "javascript:alert(1)"}, "url", "is not a valid web address"),
    ({"email": "nope"}, "email", "is not a valid email address"),
    ({"name": ""}, "name", "This field is required"),
    ({"website": "http://spam.example"}, "website", "must be left empty"),
])
def test_bad_suggestions_name_the_field_and_save_nothing(client, db, fields, field, message):
    response = client.post("/assets/suggest/", {**NEW, **fields})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Suggestion.objects.exists()


def test_suggestions_are_rate_limited_per_ip(client, db):
    responses = [client.post("/assets/suggest/", NEW) for _ in range(6)]
    assert [r.status_code for r in responses] == [302] * 5 + [429]
    assert 3500 < int(responses[-1]["Retry-After"]) <= 3600
    assert Suggestion.objects.count() == 5


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def suggest(forwarded: str) -> int:
        return client.post("/assets/suggest/", NEW, REMOTE_ADDR="10.0.0.2",
                           HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [suggest(f"{n}.6.6.6, 198.51.100.1") for n in range(6)] == [302] * 5 + [429]
    assert suggest("198.51.100.2") == 302


def test_signed_in_contributors_can_track_their_suggestions(client, db):
    client.force_login(ladder_user("contributor"))
    client.post("/assets/suggest/", NEW)
    page = client.get("/assets/suggestions/mine/")
    assert page.status_code == 200
    assert b"Tuesday Knit and Natter" in page.content and b"Waiting for a moderator" in page.content


@pytest.mark.parametrize("payload", XSS)
def test_hostile_suggestions_are_escaped_for_moderators(client, db, payload):
    client.post("/assets/suggest/", {**NEW, "name": f"Club {payload}", "description": payload,
                                     "note": payload, "address": payload})
    suggestion = Suggestion.objects.get()
    html = moderator(client).get(f"/assets/moderation/{suggestion.id}/").content.decode()
    queue = client.get("/assets/moderation/").content.decode()
    for text in (html, queue):
        if "<" in payload:
            assert payload not in text
        assert "<script>alert(1)" not in text


@pytest.mark.parametrize(("typed", "stored"), [
    ("community centre", "community_centre"), ("Walking group", "walking_group"),
    ("Café & bar", "cafe_bar"), ("craft_group", "craft_group")])
def test_a_category_typed_in_words_is_stored_as_a_slug_and_approves(client, db, typed, stored):
    """Regression: the form's own hint says "community centre, walking group", but the words
    were stored as typed and approving failed (a server error), leaving the suggestion in the
    queue for good."""
    client.post("/assets/suggest/", {**NEW, "category": typed})
    suggestion = Suggestion.objects.get()
    assert suggestion.proposed["category"] == stored
    response = moderator(client).post(f"/assets/moderation/{suggestion.id}/",
                                      {"decision": "approved"})
    assert response.status_code == 302
    assert Service.objects.get(name=NEW["name"]).category == stored
    suggestion.refresh_from_db()
    assert suggestion.status == "approved"


def test_a_category_without_letters_is_a_field_error_on_the_form(client, db):
    response = client.post("/assets/suggest/", {**NEW, "category": "!!!"})
    assert response.status_code == 400
    assert "has no letters or digits" in response.context["form"].errors["category"][0]
    assert not Suggestion.objects.exists()


def _stored_raw(**proposed) -> Suggestion:
    """A suggestion saved before categories were normalised (as 71 in the issue were)."""
    from rescomm.web.assets.importer import normalise_record
    from rescomm.web.assets.services import SUGGESTIBLE

    record, _ = normalise_record({k: v for k, v in NEW.items() if k in SUGGESTIBLE}
                                 | {"source_id": "suggestion"}, source="Community suggestion")
    return Suggestion.objects.create(proposed={k: record[k] for k in SUGGESTIBLE} | proposed)


def test_an_old_suggestion_with_a_free_text_category_is_approved_with_its_slug(client, db):
    suggestion = _stored_raw(category="Community Centre")
    response = moderator(client).post(f"/assets/moderation/{suggestion.id}/",
                                      {"decision": "approved"})
    assert response.status_code == 302
    assert Service.objects.get(name=NEW["name"]).category == "community_centre"


def test_an_approval_that_cannot_be_applied_says_why_and_keeps_the_suggestion_decidable(
        client, db):
    suggestion = _stored_raw(category="???", email="not an address")
    response = moderator(client).post(f"/assets/moderation/{suggestion.id}/",
                                      {"decision": "approved"})
    assert response.status_code == 400
    message = response.context["form"].non_field_errors()[0]
    assert "cannot be published as it stands" in message
    assert "category: '???' has no letters or digits" in message
    assert "email: 'not an address' is not a valid email address" in message
    suggestion.refresh_from_db()
    assert suggestion.status == "pending" and suggestion.service is None
    assert not Service.objects.filter(name=NEW["name"]).exists()
    response = client.post(f"/assets/moderation/{suggestion.id}/",
                           {"decision": "changes_requested", "reason": "Say what it is."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "changes_requested"


def test_the_migration_gives_stored_free_text_categories_their_slug(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "rescomm.web.assets.migrations.0006_suggested_categories_as_slugs")
    typed = _stored_raw(category="community centre")
    hopeless = _stored_raw(category="???")
    fine = _stored_raw(category="library")
    migration.forwards(apps, None)
    for suggestion, category in ((typed, "community_centre"), (hopeless, "???"),
                                 (fine, "library")):
        suggestion.refresh_from_db()
        assert suggestion.proposed["category"] == category


def test_repeated_days_are_stored_once(client, db):
    """A day named over and over once overflowed the 30-character days column (PostgreSQL
    refused it: a server error on approval)."""
    times = "MO,MO,MO,MO,MO,MO,MO,MO,MO,MO,MO,TU 09:00-10:00"
    client.post("/assets/suggest/", {**NEW, "opening_times": times})
    suggestion = Suggestion.objects.get()
    assert suggestion.proposed["opening_times"][0]["byday"] == "MO,TU"
    moderator(client).post(f"/assets/moderation/{suggestion.id}/", {"decision": "approved"})
    assert Service.objects.get(name=NEW["name"]).schedules.get().byday == "MO,TU"
