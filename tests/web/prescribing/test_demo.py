"""Synthetic demo referrals: labelled, valid test-range NHS numbers, idempotent."""

from __future__ import annotations

import pytest

from rescomm.data._nhs_number import validate_nhs_number
from rescomm.web.accounts.demo import DemoAccountsRefused, create_demo_accounts
from rescomm.web.prescribing.demo import (
    DEMO_PEOPLE,
    FAMILY_NAME,
    create_demo_referrals,
    demo_nhs_numbers,
)
from rescomm.web.prescribing.models import OutcomeMeasure, Referral, ReferralEvent


def test_demo_nhs_numbers_are_in_the_999_test_range_and_valid():
    numbers = demo_nhs_numbers(20)
    assert len(set(numbers)) == 20
    for number in numbers:
        assert number.startswith("999") and validate_nhs_number(number) == number


def test_demo_referrals_need_the_demo_accounts(db):
    with pytest.raises(DemoAccountsRefused, match="create the demo accounts first"):
        create_demo_referrals()


def test_demo_referrals_are_synthetic_and_created_once(db, client):
    create_demo_accounts()
    first = create_demo_referrals()
    events = ReferralEvent.objects.count()
    second = create_demo_referrals()
    assert first.created == len(DEMO_PEOPLE) and second.created == 0
    assert second.unchanged == len(DEMO_PEOPLE)
    assert Referral.objects.count() == len(DEMO_PEOPLE)
    assert ReferralEvent.objects.count() == events
    assert all(r.is_synthetic and r.family_name == FAMILY_NAME for r in Referral.objects.all())
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {"received", "declined", "contacting", "planned", "connected", "follow_up",
            "closed"} <= statuses
    assert OutcomeMeasure.objects.filter(timepoint="follow_up").count() == 2

    from rescomm.web.accounts.models import User

    client.force_login(User.objects.get(username="demo-linkworker"))
    page = client.get("/prescribing/caseload/").content.decode()
    assert page.count("Synthetic demo record") >= len(DEMO_PEOPLE) - 2  # open ones
    client.force_login(User.objects.get(username="demo-gp"))
    page = client.get("/prescribing/referrals/").content.decode()
    assert "Synthetic demo record" in page


def test_the_demo_has_one_synthetic_service_level_agreement(db):
    from rescomm.web.prescribing.demo import DEMO_AGREEMENT
    from rescomm.web.prescribing.models import ServiceAgreement

    create_demo_accounts()
    create_demo_referrals()
    create_demo_referrals()
    agreement = ServiceAgreement.objects.get()
    assert agreement.name == DEMO_AGREEMENT and "(synthetic)" in agreement.name
    assert agreement.scheme.is_demo and agreement.party.is_demo
    assert (agreement.decision_days, agreement.baseline_percent) == (3, 80)


def test_the_demo_provider_runs_an_example_entry_of_the_asset_map(db):
    from rescomm.web.assets.models import Service
    from rescomm.web.prescribing.demo import DEMO_MAP_SOURCE_ID, DEMO_SERVICE
    from rescomm.web.prescribing.directory import provider_for_service

    create_demo_accounts()
    create_demo_referrals()
    create_demo_referrals()
    entry = Service.objects.get(source_id=DEMO_MAP_SOURCE_ID)
    assert entry.is_example and entry.name == DEMO_SERVICE
    assert [(s.byday, f"{s.opens_at:%H:%M}") for s in entry.schedules.all()] == [
        ("TU,TH", "10:00")]
    provider = provider_for_service(entry)
    assert provider.is_demo and "(synthetic)" in provider.name
    assert Service.objects.filter(source_id=DEMO_MAP_SOURCE_ID).count() == 1


def test_the_demo_service_capacity_is_kept_against_its_map_service(db):
    from rescomm.web.prescribing.demo import DEMO_MAP_SOURCE_ID, DEMO_SERVICE
    from rescomm.web.prescribing.models import OnwardReferral, ServiceCapacity

    create_demo_accounts()
    create_demo_referrals()
    create_demo_referrals()  # idempotent: still one capacity row
    capacity = ServiceCapacity.objects.get(service_name=DEMO_SERVICE)
    assert capacity.service.source_id == DEMO_MAP_SOURCE_ID and capacity.places == 10
    assert set(OnwardReferral.objects.values_list("service_id", flat=True)) == {
        capacity.service_id}
