"""Providers: onward referrals to their services (minimum data), accept/decline, capacity that
is never exceeded."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.models import AuditEvent, Organisation
from rescomm.web.accounts.roles import OrganisationKind, Role
from rescomm.web.prescribing import services
from rescomm.web.prescribing.models import OnwardReferral, ServiceCapacity

from .conftest import make_user
from .test_pathway import walk_to


@pytest.fixture
def onward(make_referral, link_worker, provider_org):
    referral = walk_to(make_referral(phone="0151 000 0000"), link_worker, provider_org,
                       "connected")
    return referral.onward.get()


def test_a_provider_sees_only_the_minimum_needed(client, provider, onward, link_worker):
    client.force_login(provider)
    page = client.get("/prescribing/onward/").content.decode()
    referral = onward.referral
    assert referral.given_name in page
    assert "Feeling lonely" in page and "Tuesday walks" in page
    assert referral.nhs_number not in page
    assert "1950" not in page  # no date of birth
    assert referral.notes not in page
    # the person did not agree to be contacted by the service: whom to ask instead
    assert "0151 000 0000" not in page
    contact = page[page.index("data-contact"):page.index("</td>", page.index("data-contact"))]
    assert "has not agreed to be contacted by your service directly" in contact
    assert f"Ask the link worker: {link_worker}, Liverpool Scheme" in contact


@pytest.mark.parametrize(("preference", "first", "href"), [
    ("phone", "Telephone (preferred): ", 'href="tel:01510000000"'),
    ("text", "Text message (preferred): ", 'href="sms:01510000000"'),
    ("email", "Email (preferred): ", 'href="mailto:testy@example.com"')])
def test_a_provider_gets_the_persons_preferred_route_when_they_agreed(
        client, provider, make_referral, link_worker, provider_org, preference, first, href):
    referral = walk_to(make_referral(phone="0151 000 0000", email="testy@example.com",
                                     contact_preference=preference),
                       link_worker, provider_org, "planned")
    services.connect(link_worker, referral.pk, referral.version, provider=provider_org,
                     service_name="Tuesday walks", contact_agreed=True)
    client.force_login(provider)
    page = client.get("/prescribing/onward/").content.decode()
    contact = page[page.index("data-contact"):page.index("</td>", page.index("data-contact"))]
    assert "Agreed to be contacted by you." in contact
    assert contact.index(first) < contact.index("0151 000 0000" if preference != "email"
                                                else "testy@example.com")
    assert href in contact


def test_a_provider_is_told_whom_to_ask_when_no_detail_was_given(
        client, provider, make_referral, link_worker, provider_org):
    referral = walk_to(make_referral(contact_preference="letter"), link_worker, provider_org,
                       "planned")
    services.connect(link_worker, referral.pk, referral.version, provider=provider_org,
                     service_name="Tuesday walks", contact_agreed=True)
    client.force_login(provider)
    page = client.get("/prescribing/onward/").content.decode()
    assert "no telephone number or email address was given" in page
    assert f"Ask the link worker: {link_worker}" in page


def test_the_link_worker_records_whether_the_person_agreed_to_direct_contact(
        client, make_referral, link_worker, provider_org):
    referral = walk_to(make_referral(), link_worker, provider_org, "planned")
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    assert "agreed that the service may contact them directly" in page
    response = client.post(f"/prescribing/referrals/{referral.pk}/actions/connect/", {
        "version": referral.version, "provider": provider_org.pk,
        "service_name": "Tuesday walks", "contact_agreed": "yes"})
    assert response.status_code == 302
    assert OnwardReferral.objects.get().contact_agreed is True


def test_accepting_takes_a_place_and_a_full_service_refuses(client, provider, onward,
                                                             provider_org):
    ServiceCapacity.objects.create(provider=provider_org, service_name="Tuesday walks", places=1,
                                   taken=1)
    client.force_login(provider)
    url = f"/prescribing/onward/{onward.public_id}/respond/"
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 409
    assert AuditEvent.objects.filter(
        action="view", actor=provider, object_type="prescribing.onwardreferral",
        reason="direct care: provider list re-shown after a refused response (409)").exists()
    assert ("No places left at Tuesday walks: decline with a reason, or add places and accept "
            "again.") in response.content.decode()
    assert OnwardReferral.objects.get(pk=onward.pk).status == "sent"
    assert client.post("/prescribing/capacity/", {"organisation": provider_org.pk,
                                                   "service_name": "Tuesday walks",
                                                   "places": "2"}).status_code == 302
    assert client.post(url, {"decision": "accept"}).status_code == 302
    assert OnwardReferral.objects.get(pk=onward.pk).status == "accepted"
    assert ServiceCapacity.objects.get().taken == 2


def test_declining_needs_a_reason(client, provider, onward):
    client.force_login(provider)
    url = f"/prescribing/onward/{onward.public_id}/respond/"
    response = client.post(url, {"decision": "decline", "reason": ""})
    assert response.status_code == 400
    assert "Say why the service cannot take the person." in response.content.decode()
    assert client.post(url, {"decision": "decline", "reason": "Group is full until May"}
                       ).status_code == 302
    assert OnwardReferral.objects.get(pk=onward.pk).decline_reason == "Group is full until May"


def test_capacity_cannot_go_below_places_taken(provider, provider_org):
    ServiceCapacity.objects.create(provider=provider_org, service_name="Choir", places=3, taken=2)
    with pytest.raises(services.ReferralInvalid) as caught:
        services.set_capacity(provider, provider_org, "Choir", "1")
    assert caught.value.fields == {"places": ["2 places are already taken; enter 2 or more."]}
    assert ServiceCapacity.objects.get().places == 3


def test_another_providers_staff_get_404(client, onward):
    other = Organisation.objects.create(name="Other Group",
                                        kind=OrganisationKind.VOLUNTARY_ORGANISATION)
    client.force_login(make_user("rx-other-provider", other, Role.PROVIDER_STAFF))
    response = client.post(f"/prescribing/onward/{onward.public_id}/respond/",
                           {"decision": "accept"})
    assert response.status_code == 404
    assert "Tuesday walks" not in client.get("/prescribing/onward/").content.decode()
    assert OnwardReferral.objects.get(pk=onward.pk).status == "sent"


def test_unanswered_onward_referrals_are_escalated_after_the_response_time(onward,
                                                                           provider_org):
    import datetime as dt

    from django.utils import timezone

    from rescomm.web.accounts.models import AuditEvent

    ServiceCapacity.objects.create(provider=provider_org, service_name="Tuesday walks",
                                   places=3, response_days=7)
    now = timezone.now()
    assert services.escalate_overdue_onward(now=now + dt.timedelta(days=6)) == 0
    version = onward.referral.version
    assert services.escalate_overdue_onward(now=now + dt.timedelta(days=8)) == 1
    onward.refresh_from_db()
    assert onward.status == "declined"
    assert onward.decline_reason.startswith("No answer within 7 days")
    referral = onward.referral
    referral.refresh_from_db()
    assert referral.next_due == timezone.localdate() and referral.version == version + 1
    assert AuditEvent.objects.filter(action="escalate", object_id=str(onward.pk)).exists()
    assert services.escalate_overdue_onward(now=now + dt.timedelta(days=30)) == 0
