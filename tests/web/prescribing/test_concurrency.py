"""Idempotency under concurrency (PostgreSQL: real parallel transactions)."""

from __future__ import annotations

import json
import os
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from tests.web.factories import LIVERPOOL

from rescomm.web.accounts.models import Organisation
from rescomm.web.accounts.roles import OrganisationKind, Profession, Role
from rescomm.web.accounts.tokens import create_token
from rescomm.web.prescribing.models import Referral

from .conftest import make_user, valid_payload

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL) for parallel writes")
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_referral(demo_data):
    assert connection.vendor == "postgresql"
    Organisation.objects.create(name="Liverpool Scheme", lad_code=LIVERPOOL,
                                kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    practice = Organisation.objects.create(name="P", kind=OrganisationKind.GP_PRACTICE)
    gp = make_user("rx-race-gp", practice, Role.REFERRER, Profession.GP)
    token = create_token(gp, "race")
    body = json.dumps(valid_payload())
    barrier = threading.Barrier(8)
    results: list[tuple[int, str]] = []

    def send():
        try:
            barrier.wait()
            response = Client().post(
                "/api/referrals", data=body, content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="race-key",
            )
            results.append((response.status_code, response.json().get("id", "")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in results] == [201] * 8, results
    assert len({ref for _, ref in results}) == 1
    assert Referral.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL) for parallel writes")
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_exceed_capacity(demo_data):
    from django.db import connection as conn

    from rescomm.web.prescribing import services
    from rescomm.web.prescribing.models import OnwardReferral, ServiceCapacity

    assert conn.vendor == "postgresql"
    scheme = Organisation.objects.create(name="Liverpool Scheme", lad_code=LIVERPOOL,
                                         kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    practice = Organisation.objects.create(name="P", kind=OrganisationKind.GP_PRACTICE)
    group = Organisation.objects.create(name="G", kind=OrganisationKind.VOLUNTARY_ORGANISATION)
    gp = make_user("rx-cap-gp", practice, Role.REFERRER, Profession.GP)
    worker = make_user("rx-cap-lw", scheme, Role.LINK_WORKER)
    staff = make_user("rx-cap-staff", group, Role.PROVIDER_STAFF)
    ServiceCapacity.objects.create(provider=group, service_name="Walks", places=5)
    clean = services.validate_referral(valid_payload())
    onward_ids = []
    for _ in range(20):
        referral, _ = services.create_referral(gp, gp, clean)
        onward_ids.append(OnwardReferral.objects.create(
            referral=referral, provider=group, service_name="Walks", sent_by=worker).pk)
    barrier = threading.Barrier(len(onward_ids))
    outcomes: list[str] = []

    def accept(onward_id):
        try:
            barrier.wait()
            services.respond_onward(staff, onward_id, accept_it=True)
            outcomes.append("accepted")
        except services.CapacityFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(i,)) for i in onward_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] * 5 + ["full"] * 15
    assert ServiceCapacity.objects.get().taken == 5
    assert OnwardReferral.objects.filter(status="accepted").count() == 5


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL) for parallel writes")
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_exceed_places_per_week(demo_data):
    """20 simultaneous accepts against 5 places a week: exactly 5 are accepted this week."""
    from rescomm.web.prescribing import services
    from rescomm.web.prescribing.capacity import accepted_this_week
    from rescomm.web.prescribing.models import OnwardReferral, ServiceCapacity

    scheme = Organisation.objects.create(name="Liverpool Scheme", lad_code=LIVERPOOL,
                                         kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    practice = Organisation.objects.create(name="P", kind=OrganisationKind.GP_PRACTICE)
    group = Organisation.objects.create(name="G", kind=OrganisationKind.VOLUNTARY_ORGANISATION)
    gp = make_user("rx-week-gp", practice, Role.REFERRER, Profession.GP)
    worker = make_user("rx-week-lw", scheme, Role.LINK_WORKER)
    staff = make_user("rx-week-staff", group, Role.PROVIDER_STAFF)
    ServiceCapacity.objects.create(provider=group, service_name="Walks", places=5,
                                   mode="weekly")
    clean = services.validate_referral(valid_payload())
    onward_ids = []
    for _ in range(20):
        referral, _ = services.create_referral(gp, gp, clean)
        onward_ids.append(OnwardReferral.objects.create(
            referral=referral, provider=group, service_name="Walks", sent_by=worker).pk)
    barrier = threading.Barrier(len(onward_ids))
    outcomes: list[str] = []

    def accept(onward_id):
        try:
            barrier.wait()
            services.respond_onward(staff, onward_id, accept_it=True)
            outcomes.append("accepted")
        except services.CapacityFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(i,)) for i in onward_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] * 5 + ["full"] * 15
    assert accepted_this_week(group.pk, "Walks") == 5
    assert OnwardReferral.objects.filter(status="accepted").count() == 5
