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


def test_a_provider_sees_only_the_minimum_needed(client, provider, onward):
    client.force_login(provider)
    page = client.get("/prescribing/onward/").content.decode()
    referral = onward.referral
    assert referral.given_name in page and "0151 000 0000" in page
    assert "Feeling lonely" in page and "Tuesday walks" in page
    assert referral.nhs_number not in page
    assert "1950" not in page  # no date of birth
    assert referral.notes not in page


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
