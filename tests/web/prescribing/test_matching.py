"""Suggestions from the community asset map (the bundled assets loaded with the test data)."""

from __future__ import annotations

import datetime as dt

from rescomm.web.prescribing import services
from rescomm.web.prescribing.matching import suggest_services


def test_suggestions_meet_a_need_and_come_nearest_first(make_referral):
    referral = make_referral(needs=["loneliness"])
    suggestions = suggest_services(referral, limit=50)
    assert suggestions, "the bundled libraries near Liverpool city centre meet loneliness"
    assert all("Feeling lonely or cut off from other people" in s.needs for s in suggestions)
    distances = [s.distance_m for s in suggestions]
    assert distances == sorted(distances)
    assert all(d <= 5_000 for d in distances)


def test_a_need_no_asset_meets_gives_no_suggestions(make_referral):
    assert suggest_services(make_referral(needs=["finance"])) == []


def test_services_outside_the_age_limits_are_left_out(make_referral):
    from rescomm.web.assets.models import Service

    referral = make_referral(needs=["loneliness"])
    first = suggest_services(referral, limit=1)[0]
    Service.objects.filter(pk=first.service_id).update(maximum_age=25)
    later = suggest_services(referral, limit=100, today=dt.date(2026, 1, 1))
    assert first.service_id not in {s.service_id for s in later}


def test_the_link_worker_sees_suggestions_after_the_first_conversation(
    client, make_referral, link_worker, provider_org
):
    from .test_pathway import walk_to

    referral = walk_to(make_referral(needs=["loneliness"]), link_worker, provider_org,
                       "first_conversation")
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    assert "data-suggestions" in page
    assert services.Referral.objects.get(pk=referral.pk).status == "first_conversation"
