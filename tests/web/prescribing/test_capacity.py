"""Places per week and waiting lists: weekly allowances that renew, queues with positions and
expected waits, and demand against places per area with small counts suppressed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.accounts.roles import Role
from rescomm.web.prescribing import services
from rescomm.web.prescribing.capacity import (
    area_capacity,
    expected_wait_weeks,
    median_days,
    week_start,
)
from rescomm.web.prescribing.models import OnwardReferral, Referral, ServiceCapacity

from .conftest import make_user
from .test_pathway import walk_to

SERVICE = "Tuesday walks"


@pytest.fixture
def connect_many(make_referral, link_worker, provider_org):
    """``connect_many(n)`` -> n onward referrals to the Tuesday walks, oldest first."""

    def make(count: int) -> list[OnwardReferral]:
        for _ in range(count):
            walk_to(make_referral(), link_worker, provider_org, "connected")
        return list(OnwardReferral.objects.order_by("sent_at", "id"))

    return make


@pytest.mark.parametrize(
    ("position", "per_week", "weeks"),
    [(1, 1, 1), (1, 2, 1), (2, 2, 1), (3, 2, 2), (10, 3, 4), (12, 3, 4), (1, 0, None)],
)
def test_expected_wait_is_the_position_over_starts_per_week_rounded_up(position, per_week,
                                                                       weeks):
    assert expected_wait_weeks(position, per_week) == weeks


@pytest.mark.parametrize(("position", "per_week", "message"), [
    (0, 1, "position must be 1 or more, not 0"),
    (1, -1, "starts_per_week must be 0 or more, not -1"),
])
def test_expected_wait_refuses_impossible_input(position, per_week, message):
    with pytest.raises(ValueError, match=message):
        expected_wait_weeks(position, per_week)


def test_expected_wait_never_decreases_along_the_queue():
    for per_week in range(1, 8):
        waits = [expected_wait_weeks(p, per_week) for p in range(1, 60)]
        assert waits == sorted(waits)
        assert all(waits.count(w) <= per_week for w in set(waits))  # at most s start a week


def test_week_start_is_the_monday_of_the_iso_week():
    wednesday = timezone.make_aware(dt.datetime(2026, 11, 25, 15, 30))
    assert week_start(wednesday) == timezone.make_aware(dt.datetime(2026, 11, 23))
    sunday = timezone.make_aware(dt.datetime(2026, 11, 29, 23, 59))
    assert week_start(sunday) == week_start(wednesday)


def test_median_days():
    t = timezone.make_aware(dt.datetime(2026, 1, 1))
    pairs = [(t, t + dt.timedelta(days=d)) for d in (1, 2, 10)]
    assert median_days(pairs) == 2
    assert median_days([]) is None


def test_places_per_week_are_never_exceeded_and_renew_next_week(db, connect_many, provider,
                                                                provider_org):
    ServiceCapacity.objects.create(provider=provider_org, service_name=SERVICE, places=2,
                                   mode="weekly")
    first, second, third = connect_many(3)
    monday = timezone.make_aware(dt.datetime(2026, 11, 23, 10))
    services.respond_onward(provider, first.pk, accept_it=True, now=monday)
    services.respond_onward(provider, second.pk, accept_it=True,
                            now=monday + dt.timedelta(days=3))
    with pytest.raises(services.CapacityFull) as full:
        services.respond_onward(provider, third.pk, accept_it=True,
                                now=monday + dt.timedelta(days=6, hours=13))
    assert str(full.value) == (
        "No places left at Tuesday walks this week (2 a week, all taken): decline with a "
        "reason, add places, or accept from Monday 30 November.")
    assert OnwardReferral.objects.get(pk=third.pk).status == "sent"
    services.respond_onward(provider, third.pk, accept_it=True,
                            now=monday + dt.timedelta(days=7))
    assert OnwardReferral.objects.get(pk=third.pk).status == "accepted"


def test_a_waiting_list_queues_people_with_position_and_expected_wait(client, connect_many,
                                                                      provider, provider_org):
    ServiceCapacity.objects.create(provider=provider_org, service_name=SERVICE, places=2,
                                   mode="waiting_list")
    onward = connect_many(3)
    for item in onward:  # never refused for capacity
        services.respond_onward(provider, item.pk, accept_it=True)
    client.force_login(provider)
    page = client.get("/prescribing/onward/").content.decode()
    assert "Waiting list: number 1, expected to start within 1 week" in page
    assert "Waiting list: number 3, expected to start within 2 weeks" in page
    assert ServiceCapacity.objects.get().taken == 0

    response = client.post(f"/prescribing/onward/{onward[0].public_id}/start/")
    assert response.status_code == 302
    assert OnwardReferral.objects.get(pk=onward[0].pk).started_at is not None
    assert AuditEvent.objects.filter(object_type="prescribing.onwardreferral",
                                     reason="direct care: person started at the service").exists()
    page = client.get("/prescribing/onward/").content.decode()
    assert "Waiting list: number 2, expected to start within 1 week" in page
    assert "Waiting list: number 3" not in page

    again = client.post(f"/prescribing/onward/{onward[0].public_id}/start/")
    assert again.status_code == 400
    assert "Only a person you accepted who has not started yet" in again.content.decode()


def test_a_provider_sets_the_mode_and_bad_input_is_named(client, provider, provider_org):
    client.force_login(provider)
    bad = client.post("/prescribing/capacity/", {"organisation": provider_org.pk,
                                                 "service_name": SERVICE, "mode": "daily",
                                                 "places": "-1"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Choose total places, places per week or a waiting list." in page
    assert "Enter the number of places as a whole number, 0 or more." in page
    assert not ServiceCapacity.objects.exists()
    ok = client.post("/prescribing/capacity/", {"organisation": provider_org.pk,
                                                "service_name": SERVICE, "mode": "weekly",
                                                "places": "4"})
    assert ok.status_code == 302
    capacity = ServiceCapacity.objects.get()
    assert (capacity.mode, capacity.places) == ("weekly", 4)


def test_the_managers_capacity_view_shows_places_waits_and_time_to_acceptance(
        client, scheme, connect_many, provider, provider_org):
    ServiceCapacity.objects.create(provider=provider_org, service_name=SERVICE, places=3,
                                   mode="weekly")
    onward = connect_many(2)
    OnwardReferral.objects.filter(pk=onward[0].pk).update(
        sent_at=timezone.now() - dt.timedelta(days=4))
    services.respond_onward(provider, onward[0].pk, accept_it=True)
    client.force_login(make_user("rx-cap-manager", scheme, Role.SERVICE_MANAGER))
    page = client.get("/prescribing/service-levels/").content.decode()
    table = re.sub(r' data-label="[^"]*"', "", page[page.index("data-capacity"):])
    assert ("<td>Places per week (renews every Monday)</td><td>3</td><td>2</td><td>-</td>"
            "<td>-</td><td>1</td><td>1</td><td>0</td><td>4.0</td>") in table


def test_area_aggregates_hide_counts_under_5(db, connect_many, provider, provider_org,
                                             make_referral):
    ServiceCapacity.objects.create(provider=provider_org, service_name=SERVICE, places=6,
                                   mode="weekly")
    provider_org.lad_code = "E08000012"
    provider_org.save()
    onward = connect_many(6)
    for item in onward[:5]:
        services.respond_onward(provider, item.pk, accept_it=True)
    make_referral(needs=["housing"])
    report = area_capacity(Referral.objects.all())
    demand = report["demand"][0]
    by_need = {need: str(c) for need, c in zip(report["needs"], demand["counts"], strict=True)}
    assert by_need["Housing problems"] == "fewer than 5"
    # secondary suppression: one of the two 6s is hidden too, so the 1 cannot be worked out;
    # it is 6, so it is never called "fewer than 5"
    statuses = [c.status for c in demand["counts"]]
    assert statuses.count("primary") == 1 and statuses.count("secondary") == 1
    assert [c.value for c in demand["counts"] if c.status == "secondary"] == [None]
    assert list(by_need.values()).count("hidden to protect privacy") == 1
    assert "6" in by_need.values() and str(demand["total"]) == "13"
    supply = report["supply"][0]
    # 1 waiting is hidden; hiding the 5 accepted as well would not do (1 + 5 = 6 with one
    # of them 1-4 and the other 5 or more gives both away), so the 6 sent is hidden instead
    assert [str(supply[k]) for k in ("sent", "waiting", "accepted", "declined")] == [
        "hidden to protect privacy", "fewer than 5", "5", "0"]
    assert supply["places_per_week"] == 6
    assert supply["median_days_to_accept"] is not None
    assert "secondary suppression" in report["supply_note"]


def test_area_median_wait_is_withheld_under_5_accepted(db, connect_many, provider):
    onward = connect_many(2)
    services.respond_onward(provider, onward[0].pk, accept_it=True)
    supply = area_capacity(Referral.objects.all())["supply"][0]
    assert supply["median_days_to_accept"] is None
    assert str(supply["sent"]) == "fewer than 5" and supply["sent"].status == "primary"


def test_the_commissioner_sees_the_area_view_without_records(client, commissioner,
                                                             make_referral):
    referral = make_referral()
    client.force_login(commissioner)
    response = client.get("/prescribing/capacity/areas/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Demand against places by area" in page and "Liverpool" in page
    assert referral.given_name not in page and referral.reference not in page


# Capacity of asset-map services, by key ---------------------------------------------------------


def test_onward_referrals_to_a_map_service_count_against_its_capacity_whatever_the_name(
        db, make_referral, link_worker, provider_org, provider, map_service):
    """A typed onward referral whose name is a map service the provider runs is linked to it;
    its capacity (set by key) counts it; a rename of the service changes nothing."""
    from rescomm.web.prescribing import directory, onward

    walks = map_service(SERVICE)
    directory.link(None, provider_org, walks.organization_id)
    capacity = onward.set_capacity(None, provider_org, SERVICE, 1)
    assert capacity.service_id == walks.pk
    referral = walk_to(make_referral(), link_worker, provider_org, "connected")  # typed name
    sent = OnwardReferral.objects.get(referral=referral)
    assert sent.service_id == walks.pk
    ServiceCapacity.objects.filter(pk=capacity.pk).update(service_name="Old name")
    services.respond_onward(provider, sent.pk, accept_it=True)
    capacity.refresh_from_db()
    assert capacity.taken == 1
    second = walk_to(make_referral(), link_worker, provider_org, "connected")
    with pytest.raises(services.CapacityFull):
        services.respond_onward(provider, OnwardReferral.objects.get(referral=second).pk,
                                accept_it=True)


def test_the_migration_links_todays_capacity_and_onward_referrals_to_map_services(
        db, make_referral, link_worker, provider_org, map_service):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "rescomm.web.prescribing.migrations.0011_link_capacity_and_onward_to_map_services")
    from rescomm.web.prescribing import directory

    walks = map_service(SERVICE)
    directory.link(None, provider_org, walks.organization_id)
    by_name = ServiceCapacity.objects.create(provider=provider_org, service_name=SERVICE,
                                             places=3)
    off_map = ServiceCapacity.objects.create(provider=provider_org, service_name="Befriending",
                                             places=2)
    referral = walk_to(make_referral(), link_worker, provider_org, "connected")
    OnwardReferral.objects.filter(referral=referral).update(service=None)  # as sent before
    migration.forwards(apps, None)
    by_name.refresh_from_db()
    off_map.refresh_from_db()
    assert by_name.service_id == walks.pk and off_map.service_id is None
    assert OnwardReferral.objects.get(referral=referral).service_id == walks.pk
