"""Service levels: met, breached (with references) and pending, per month."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from rescomm.web.accounts.roles import Role
from rescomm.web.prescribing import services
from rescomm.web.prescribing.models import Referral, ReferralEvent
from rescomm.web.prescribing.sla import compliance

from .conftest import make_user


def _age(referral, days: int) -> None:
    """Pretend the referral was received ``days`` ago (events keep their real times)."""
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days))


def test_late_and_missing_steps_are_breaches_and_recent_ones_pending(make_referral,
                                                                     link_worker):
    on_time = make_referral(given_name="OnTime")
    on_time = services.accept(link_worker, on_time.pk, on_time.version)
    late = make_referral(given_name="Late")
    _age(late, 10)
    services.accept(link_worker, late.pk, late.version)  # 10 days after: target is 2
    untouched = make_referral(given_name="Untouched")
    _age(untouched, 3)
    fresh = make_referral(given_name="Fresh")

    months = compliance(Referral.objects.all())
    accepted = [r for month in months for r in month["targets"] if r.target.key == "accepted"]
    late_ref = Referral.objects.get(pk=late.pk).reference
    untouched_ref = Referral.objects.get(pk=untouched.pk).reference
    assert sum(r.met for r in accepted) == 1
    assert sorted(ref for r in accepted for ref in r.breached) == sorted([late_ref,
                                                                          untouched_ref])
    assert sum(r.pending for r in accepted) == 1
    assert ReferralEvent.objects.filter(referral=fresh).count() == 1


def test_the_service_manager_sees_the_report(client, scheme, make_referral, link_worker):
    referral = make_referral()
    _age(referral, 5)
    manager = make_user("rx-manager", scheme, Role.SERVICE_MANAGER)
    client.force_login(manager)
    page = client.get("/prescribing/service-levels/").content.decode()
    assert "Accepted or declined within 2 days" in page
    assert Referral.objects.get(pk=referral.pk).reference in page
    assert referral.given_name not in page


def test_the_manager_sees_capacity_against_onward_referrals(client, scheme, make_referral,
                                                            link_worker, provider_org):
    from rescomm.web.prescribing.models import ServiceCapacity

    from .test_pathway import walk_to

    walk_to(make_referral(), link_worker, provider_org, "connected")
    ServiceCapacity.objects.create(provider=provider_org, service_name="Tuesday walks",
                                   places=8, taken=3)
    client.force_login(make_user("rx-manager-2", scheme, Role.SERVICE_MANAGER))
    page = client.get("/prescribing/service-levels/").content.decode()
    table = re.sub(r' data-label="[^"]*"', "", page[page.index("data-capacity"):])
    # total places: 8 places, 5 free, no waiting list; 1 waiting for an answer
    assert ("<td>Places in total</td><td>8</td><td>5</td><td>-</td><td>-</td><td>1</td>"
            "<td>0</td><td>0</td><td>-</td>") in table
