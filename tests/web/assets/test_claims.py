"""Claiming a listing: a one-time link to the listed e-mail address makes the person who asked
the listing's editor; their changes stay suggestions for moderators."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from tests.web.ladder import ROLES, Access, assert_ladder

from rescomm.web.accounts.roles import Role


@pytest.fixture
def listed(make_asset):
    return make_asset("t:claim", email="hello@example.org", name="Test Fixture Knit Club")


def signed_in(username: str) -> tuple[Client, object]:
    user, _ = get_user_model().objects.get_or_create(username=username,
                                                     defaults={"email": f"{username}@x.test"})
    client = Client()
    client.force_login(user)
    return client, user


def ask(client: Client, service, **extra) -> str:
    """Ask to manage ``service``; return the link's token from the e-mail."""
    response = client.post(f"/assets/{service.id}/claim/", extra)
    assert response.status_code == 302, response.content[:500]
    return re.search(r"/assets/claim/([^/\s]+)/", mail.outbox[-1].body)[1]


def test_the_link_goes_to_the_listed_address_and_makes_the_asker_the_editor(listed):
    from rescomm.web.accounts.models import AuditEvent
    from rescomm.web.assets.models import ListingClaim, ListingEditor

    alice, user = signed_in("alice")
    token = ask(alice, listed, email="attacker@evil.test")  # a typed address is ignored
    message = mail.outbox[-1]
    assert message.to == ["hello@example.org"]
    assert "alice (alice@x.test) has asked to manage the listing 'Test Fixture Knit Club'" in (
        message.body)
    claim = ListingClaim.objects.get()
    assert token not in (claim.token_hash, str(claim.id)) and len(claim.token_hash) == 64
    assert alice.get(f"/assets/claim/{token}/").status_code == 200
    assert not ListingEditor.objects.exists()  # GET changes nothing (link scanners)
    response = alice.post(f"/assets/claim/{token}/")
    assert response.status_code == 302
    assert ListingEditor.objects.get().user == user
    page = alice.get(f"/assets/{listed.id}/").content.decode()
    assert "You manage this listing" in page and "Manage this listing</a>" not in page
    assert "Test Fixture Knit Club" in alice.get("/assets/listings/mine/").content.decode()
    assert alice.post(f"/assets/claim/{token}/").status_code == 404  # used once
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"listing_claim_requested", "listing_claim_confirmed"} <= actions


def test_someone_else_following_the_link_is_refused_and_the_link_still_works(listed):
    from rescomm.web.assets.models import ListingEditor

    alice, _ = signed_in("alice")
    token = ask(alice, listed)
    bob, _ = signed_in("bob")
    assert bob.get(f"/assets/claim/{token}/").status_code == 403
    assert bob.post(f"/assets/claim/{token}/").status_code == 403
    assert not ListingEditor.objects.exists()
    anonymous = Client().get(f"/assets/claim/{token}/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert alice.post(f"/assets/claim/{token}/").status_code == 302


def test_an_expired_or_unknown_link_is_not_found(listed):
    from rescomm.web.assets.models import ListingClaim

    alice, _ = signed_in("alice")
    token = ask(alice, listed)
    ListingClaim.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert alice.post(f"/assets/claim/{token}/").status_code == 404
    assert alice.get("/assets/claim/not-a-token/").status_code == 404


def test_a_listing_without_an_email_address_cannot_be_claimed(make_asset):
    service = make_asset("t:no-mail", email="")
    alice, _ = signed_in("alice")
    page = alice.get(f"/assets/{service.id}/claim/").content.decode()
    assert "has no e-mail address" in page
    assert alice.post(f"/assets/{service.id}/claim/").status_code == 409
    assert mail.outbox == []
    assert "Manage this listing" not in Client().get(f"/assets/{service.id}/").content.decode()


def test_the_listed_mailbox_gets_at_most_three_claims_a_day(listed):
    for name in ("a", "b", "c"):
        ask(signed_in(name)[0], listed)
    fourth = signed_in("d")[0].post(f"/assets/{listed.id}/claim/")
    assert fourth.status_code == 409
    assert "claimed several times today" in fourth.content.decode()
    assert len(mail.outbox) == 3


def test_an_editor_cannot_claim_again_or_moderate(listed):
    alice, _ = signed_in("alice")
    alice.post(f"/assets/claim/{ask(alice, listed)}/")
    assert alice.post(f"/assets/{listed.id}/claim/").status_code == 409
    assert alice.get("/assets/moderation/").status_code == 403
    assert alice.get(f"/assets/{listed.id}/history/").status_code == 403
    # Their changes go through the same suggestion form as anyone's.
    assert alice.get(f"/assets/{listed.id}/suggest/").status_code == 200


# Permission ladder ------------------------------------------------------------------------------

SIGNED_IN = ["signed_in", *Role.values]


@pytest.mark.parametrize("path", ["/assets/{id}/claim/", "/assets/listings/mine/"])
@pytest.mark.parametrize("role_name", ["anonymous", *SIGNED_IN])
def test_claim_pages_are_for_anyone_signed_in(listed, path, role_name):
    access = Access(path.format(id=listed.id), {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 200)},
                    login_redirect=True)
    assert_ladder(access, role_name, access.expected[role_name])


@pytest.mark.parametrize("role_name", ["anonymous", *SIGNED_IN])
def test_the_claim_link_is_for_the_person_who_asked_only(listed, role_name):
    asker, _ = signed_in("asker")
    token = ask(asker, listed)
    access = Access(f"/assets/claim/{token}/",
                    {"anonymous": 302, **dict.fromkeys(SIGNED_IN, 403)}, login_redirect=True)
    assert_ladder(access, role_name, access.expected[role_name])
    # the right person, whatever their roles
    assert asker.get(f"/assets/claim/{token}/").status_code == 200
    if role_name != "anonymous":
        assert ROLES[role_name](Client()).post(f"/assets/claim/{token}/").status_code == 403
