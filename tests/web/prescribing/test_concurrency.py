"""Idempotency and capacity under concurrency (PostgreSQL: real parallel transactions)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence

import pytest
from django.db import connection, connections
from django.test import Client
from tests.web.factories import LIVERPOOL

from rescomm.web.accounts.models import Organisation, User
from rescomm.web.accounts.roles import OrganisationKind, Profession, Role
from rescomm.web.accounts.tokens import create_token
from rescomm.web.prescribing import services
from rescomm.web.prescribing.capacity import accepted_this_week
from rescomm.web.prescribing.models import OnwardReferral, Referral, ServiceCapacity

from .conftest import make_user, valid_payload

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES,
                       reason="needs PostgreSQL (DATABASE_URL) for parallel writes"),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(target: Callable[..., None], calls: Sequence[tuple]) -> None:
    """Call ``target(*args)`` for each ``args`` in ``calls``, each in its own thread, all
    released together by a barrier; each thread closes its own database connections."""
    barrier = threading.Barrier(len(calls))

    def run(*args) -> None:
        try:
            barrier.wait()
            target(*args)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def onward_referrals_to_walks(prefix: str, count: int,
                              **capacity) -> tuple[Organisation, User, list[int]]:
    """``count`` onward referrals to a group's "Walks" service, which has 5 places
    (``capacity`` sets the other ``ServiceCapacity`` fields); returns the group, its staff
    member and the onward referral ids."""
    scheme = Organisation.objects.create(name="Liverpool Scheme", lad_code=LIVERPOOL,
                                         kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    practice = Organisation.objects.create(name="P", kind=OrganisationKind.GP_PRACTICE)
    group = Organisation.objects.create(name="G", kind=OrganisationKind.VOLUNTARY_ORGANISATION)
    gp = make_user(f"{prefix}-gp", practice, Role.REFERRER, Profession.GP)
    worker = make_user(f"{prefix}-lw", scheme, Role.LINK_WORKER)
    staff = make_user(f"{prefix}-staff", group, Role.PROVIDER_STAFF)
    ServiceCapacity.objects.create(provider=group, service_name="Walks", places=5, **capacity)
    clean = services.validate_referral(valid_payload())
    onward_ids = []
    for _ in range(count):
        referral, _ = services.create_referral(gp, gp, clean)
        onward_ids.append(OnwardReferral.objects.create(
            referral=referral, provider=group, service_name="Walks", sent_by=worker).pk)
    return group, staff, onward_ids


def accept_at_once(staff: User, onward_ids: list[int]) -> list[str]:
    """``staff`` accepts every onward referral at the same moment; "accepted" or "full" each."""
    outcomes: list[str] = []

    def accept(onward_id: int) -> None:
        try:
            services.respond_onward(staff, onward_id, accept_it=True)
            outcomes.append("accepted")
        except services.CapacityFull:
            outcomes.append("full")

    run_at_once(accept, [(i,) for i in onward_ids])
    return outcomes


def test_concurrent_retries_with_one_key_make_one_referral(demo_data):
    assert connection.vendor == "postgresql"
    Organisation.objects.create(name="Liverpool Scheme", lad_code=LIVERPOOL,
                                kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    practice = Organisation.objects.create(name="P", kind=OrganisationKind.GP_PRACTICE)
    gp = make_user("rx-race-gp", practice, Role.REFERRER, Profession.GP)
    token = create_token(gp, "race")
    body = json.dumps(valid_payload())
    results: list[tuple[int, str]] = []

    def send() -> None:
        response = Client().post(
            "/api/referrals", data=body, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="race-key",
        )
        results.append((response.status_code, response.json().get("id", "")))

    run_at_once(send, [()] * 8)
    assert [status for status, _ in results] == [201] * 8, results
    assert len({ref for _, ref in results}) == 1
    assert Referral.objects.count() == 1


def test_concurrent_accepts_never_exceed_capacity(demo_data):
    assert connection.vendor == "postgresql"
    _, staff, onward_ids = onward_referrals_to_walks("rx-cap", 20)
    outcomes = accept_at_once(staff, onward_ids)
    assert sorted(outcomes) == ["accepted"] * 5 + ["full"] * 15
    assert ServiceCapacity.objects.get().taken == 5
    assert OnwardReferral.objects.filter(status="accepted").count() == 5


def test_concurrent_accepts_never_exceed_places_per_week(demo_data):
    """20 simultaneous accepts against 5 places a week: exactly 5 are accepted this week."""
    group, staff, onward_ids = onward_referrals_to_walks("rx-week", 20, mode="weekly")
    outcomes = accept_at_once(staff, onward_ids)
    assert sorted(outcomes) == ["accepted"] * 5 + ["full"] * 15
    capacity = ServiceCapacity.objects.get(provider=group, service_name="Walks")
    assert accepted_this_week(capacity) == 5
    assert OnwardReferral.objects.filter(status="accepted").count() == 5
