"""Asset services: versions, revert, status changes, verification; each audited."""

from __future__ import annotations

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.assets.models import AssetStatus, Taxonomy
from rescomm.web.assets.services import (
    ensure_taxonomies,
    mark_verified,
    revert,
    set_status,
    snapshot,
    term_codes,
)


def test_the_shipped_taxonomies_have_the_seven_capitals_and_the_ten_needs(db):
    ensure_taxonomies()
    assert term_codes("community_capitals") == (
        "natural", "cultural", "human", "social", "political", "financial", "built")
    assert len(term_codes("social_prescribing_needs")) == 10
    capitals = Taxonomy.objects.get(code="community_capitals")
    assert capitals.terms.count() == 7
    # ids are stable: the same in every installation
    assert str(capitals.id) == str(ensure_taxonomies()[("community_capitals", "natural")]
                                   .taxonomy_id)


def test_every_change_is_a_version_with_who_and_why(make_asset, django_user_model):
    moderator = django_user_model.objects.create(username="mod")
    service = make_asset()
    set_status(service, AssetStatus.HIDDEN, actor=moderator, reason="duplicate")
    versions = list(service.versions.all())
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].actor == moderator and "duplicate" in versions[0].reason
    assert versions[0].snapshot["asset_status"] == "hidden"
    assert AuditEvent.objects.filter(object_id=str(service.pk), action="update").exists()


def test_revert_restores_an_old_version_as_a_new_version(make_asset, django_user_model):
    from rescomm.web.assets.importer import import_assets

    from .conftest import record

    user = django_user_model.objects.create(username="mod")
    service = make_asset("t:r")
    original = snapshot(service)
    import_assets([record("t:r", name="Vandalised", opening_times="", capitals="natural")],
                  source="tests")
    service.refresh_from_db()
    assert service.name == "Vandalised"
    version = revert(service, 1, actor=user, reason="undo vandalism")
    service.refresh_from_db()
    assert version.number == 3 and version.action == "revert"
    assert service.name == "Kensington Community Centre"
    assert snapshot(service) == original
    assert service.versions.count() == 3


def test_mark_verified_sets_who_when_and_the_next_review(make_asset, django_user_model):
    user = django_user_model.objects.create(username="checker")
    service = mark_verified(make_asset(), actor=user, review_in_days=90)
    assert service.verified_by == user and service.verified_at is not None
    assert (service.review_due - service.verified_at.date()).days == 90


def test_review_reminders_email_owners_with_a_working_one_click_link(make_asset, client,
                                                                     mailoutbox):
    import re
    from datetime import date

    from rescomm.web.assets.services import send_review_reminders

    due = make_asset("t:due", review_due="2020-01-01", email="owner@example.org")
    make_asset("t:later", review_due="2999-01-01", email="other@example.org")
    make_asset("t:nobody", review_due="2020-01-01", email="")
    counts = send_review_reminders(base_url="https://rescomm.example", today=date(2025, 1, 1))
    assert counts == {"due": 2, "overdue": 2, "sent": 1, "no_address": 1}
    assert [m.to for m in mailoutbox] == [["owner@example.org"]]
    link = re.search(r"https://rescomm.example(\S+)", mailoutbox[0].body)[1]
    page = client.get(link)
    assert page.status_code == 200 and b"still correct" in page.content
    assert client.post(link).status_code == 302
    due.refresh_from_db()
    assert due.verified_at is not None and due.review_due > date(2025, 1, 1)
    assert due.versions.first().action == "verify"


def test_a_forged_or_other_assets_link_is_refused(make_asset, client):
    from rescomm.web.assets.services import confirm_token

    one, two = make_asset("t:1"), make_asset("t:2")
    assert client.get(f"/assets/{one.id}/still-correct/{confirm_token(two)}/").status_code == 404
    assert client.post(f"/assets/{one.id}/still-correct/forged/").status_code == 404
    one.refresh_from_db()
    assert one.verified_at is None


def test_assets_overdue_beyond_the_grace_period_are_hidden(make_asset):
    from datetime import date

    from rescomm.web.assets.services import hide_overdue

    old = make_asset("t:old", review_due="2024-01-01")
    recent = make_asset("t:recent", review_due="2024-12-20")
    hidden = hide_overdue(grace_days=90, today=date(2025, 1, 1))
    assert hidden == [old]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.asset_status == "hidden" and recent.asset_status == "published"
    assert "review overdue since 2024-01-01" in old.versions.first().reason
