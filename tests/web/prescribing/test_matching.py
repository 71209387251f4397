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


# Opening times, cost and capacity --------------------------------------------------------------

from django.http import QueryDict  # noqa: E402

from rescomm.web.prescribing.matching import MatchFilters  # noqa: E402

# 2026-11-30 is a Monday.
MONDAY_9AM = dt.datetime(2026, 11, 30, 9, 0)


def _by_name(suggestions):
    return {s.name: s for s in suggestions}


def test_opening_times_are_shown_and_people_free_when_it_is_closed_do_not_get_it(
        make_referral, map_service):
    map_service("Tuesday walks", opening_times="TU 10:00-12:00")
    map_service("Evening chat", opening_times="MO,WE 18:00-20:00")
    map_service("Drop-in")  # no opening times given
    referral = make_referral(needs=["loneliness"])
    every = _by_name(suggest_services(referral, limit=100, now=MONDAY_9AM))
    assert every["Tuesday walks"].opening == "Tue 10:00-12:00"
    assert every["Tuesday walks"].next_opening == "Opens tomorrow at 10:00"
    assert every["Evening chat"].next_opening == "Opens today at 18:00"
    assert every["Drop-in"].opening == ""

    mornings = suggest_services(referral, limit=100, now=MONDAY_9AM,
                                filters=MatchFilters(days=("TU",), parts=("morning",)))
    names = [s.name for s in mornings]
    assert "Tuesday walks" in names and "Evening chat" not in names
    assert "Drop-in" in names, "unknown hours are kept (check with the service)"
    unknown_hours = [s.fits_times is None for s in mornings]
    assert unknown_hours == sorted(unknown_hours), "known to fit first, unknown hours after"
    assert _by_name(mornings)["Tuesday walks"].fits_times is True


def test_free_only_leaves_out_services_that_charge(make_referral, map_service):
    from rescomm.web.assets.models import CostOption

    paid = map_service("Paid class")
    CostOption.objects.create(service=paid, amount=3, option="a session")
    map_service("Free group")
    referral = make_referral(needs=["loneliness"])
    every = _by_name(suggest_services(referral, limit=100))
    assert every["Paid class"].cost == "£3.00 a session" and not every["Paid class"].free
    free = _by_name(suggest_services(referral, limit=100, filters=MatchFilters(free_only=True)))
    assert "Paid class" not in free and "Free group" in free


def test_capacity_of_linked_services_is_shown_and_full_ones_come_last(
        make_referral, map_service, provider_org):
    from rescomm.web.prescribing import directory
    from rescomm.web.prescribing.models import ServiceCapacity

    full = map_service("Full group")
    weekly = map_service("Weekly group")
    waiting = map_service("Waiting group")
    for service in (full, weekly, waiting):
        directory.link(None, provider_org, service.organization_id)
    ServiceCapacity.objects.create(provider=provider_org, service=full,
                                   service_name="Full group", places=2, taken=2)
    ServiceCapacity.objects.create(provider=provider_org, service=weekly,
                                   service_name="Weekly group", places=5, mode="weekly")
    ServiceCapacity.objects.create(provider=provider_org, service=waiting,
                                   service_name="Waiting group", places=2, mode="waiting_list")
    map_service("Unlinked group")
    referral = make_referral(needs=["loneliness"])
    found = suggest_services(referral, limit=100)
    by_name = _by_name(found)
    assert by_name["Full group"].capacity == "Full (2 places)"
    assert not by_name["Full group"].can_take
    assert by_name["Weekly group"].capacity == "5 of 5 places left this week"
    assert by_name["Waiting group"].capacity == (
        "Waiting list: nobody waiting, expected wait about 1 week")
    assert by_name["Unlinked group"].takes_onward_referrals is False
    same_needs = [s.name for s in found if len(s.needs) == 1]
    assert same_needs[-1] == "Full group", "equally good matches that are full come last"

    with_places = _by_name(suggest_services(referral, limit=100,
                                            filters=MatchFilters(places_only=True)))
    assert set(with_places) == {"Weekly group", "Waiting group"}


def test_filters_from_the_query_string_drop_and_report_unknown_values():
    filters, errors = MatchFilters.from_query(QueryDict(
        "days=MO&days=XX&parts=evening&parts=night&radius=3000&free=1"))
    assert filters == MatchFilters(days=("MO",), parts=("evening",), free_only=True)
    assert set(errors) == {"days", "parts", "radius"}
    assert "Choose a distance of 1 km, 2 km, 5 km, 10 km, 20 km." in errors["radius"]
    assert MatchFilters.from_query(QueryDict("radius=10000"))[0].radius_m == 10_000


def test_a_wider_distance_finds_services_further_away(make_referral):
    referral = make_referral(needs=["loneliness"])
    near = suggest_services(referral, limit=1000, filters=MatchFilters(radius_m=1_000))
    wide = suggest_services(referral, limit=1000, filters=MatchFilters(radius_m=20_000))
    assert all(s.distance_m <= 1_000 for s in near)
    assert len(wide) > len(near)


def test_the_link_worker_filters_suggestions_without_javascript(
        client, make_referral, link_worker, provider_org, map_service):
    from .test_pathway import walk_to

    map_service("Evening chat", opening_times="MO 18:00-20:00")
    referral = walk_to(make_referral(needs=["loneliness"]), link_worker, provider_org,
                       "first_conversation")
    client.force_login(link_worker)
    url = f"/prescribing/referrals/{referral.pk}/"
    assert "Evening chat" in client.get(url).content.decode()
    page = client.get(url, {"days": "MO", "parts": "morning"}).content.decode()
    assert "Evening chat" not in page
    assert 'id="match-day-MO" name="days" value="MO" checked' in page
    page = client.get(url, {"parts": "night"}).content.decode()
    assert "Choose morning, afternoon or evening." in page


# Hidden locations ------------------------------------------------------------------------------


def test_a_service_whose_location_is_hidden_never_gets_a_distance(make_referral, map_service):
    """Regression: matching had its own "within a radius" loop that measured the distance to
    services whose exact location is hidden (docs/assets.md: a distance would reveal it)."""
    map_service("Safe space", hide_exact_location=True)
    map_service("Open group")
    referral = make_referral(needs=["loneliness"])
    found = _by_name(suggest_services(referral, limit=200))
    hidden = found["Safe space"]
    assert hidden.distance_m is None and hidden.approximate_location
    assert "kept private" in hidden.distance_label and "m" not in hidden.distance_label.split()
    assert found["Open group"].distance_m is not None


def test_hidden_location_services_are_chosen_by_local_authority_not_by_distance(
        make_referral, map_service):
    from rescomm import geo

    halton = geo.lookup_postcode("WA7 2ES")  # about 21 km from the person's L1 postcode
    at_halton = {"postcode": "WA7 2ES", "easting": float(halton.easting),
                 "northing": float(halton.northing)}
    map_service("Halton hidden", hide_exact_location=True, **at_halton)
    map_service("Halton open", **at_halton)
    referral = make_referral(needs=["loneliness"])
    names = {s.name for s in suggest_services(referral, limit=500,
                                              filters=MatchFilters(radius_m=20_000))}
    assert "Halton hidden" not in names  # outside the person's local authority (Liverpool)
    wide = {s.name for s in suggest_services(referral, limit=2000, radius_m=30_000)}
    assert "Halton open" in wide and "Halton hidden" not in wide


def test_the_suggestions_page_shows_no_distance_for_a_hidden_location(
        client, make_referral, link_worker, provider_org, map_service):
    import html
    import re

    from .test_pathway import walk_to

    map_service("Safe space", hide_exact_location=True)
    referral = walk_to(make_referral(needs=["loneliness"]), link_worker, provider_org,
                       "first_conversation")
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    card = re.search(r'<li class="card"[^>]*>\s*<h3 class="heading-s">Safe space.*?</li>', page,
                     re.S)
    assert card, "the hidden-location service is suggested"
    distance = html.unescape(re.search(r"<dt>Distance</dt><dd>(.*?)</dd>", card[0])[1])
    assert "kept private" in distance
    assert not re.search(r"\d", distance)


def test_capacity_follows_the_map_service_by_key_not_by_its_name(
        make_referral, map_service, provider_org):
    """Capacity set under a map service's name is stored against the service itself: renaming
    the service keeps it, and a capacity row that only shares a name shows nowhere."""
    from rescomm.web.assets.models import Service
    from rescomm.web.assets.public import import_assets
    from rescomm.web.prescribing import directory, onward
    from rescomm.web.prescribing.models import ServiceCapacity

    walks = map_service("Tuesday walks")
    directory.link(None, provider_org, walks.organization_id)
    capacity = onward.set_capacity(None, provider_org, " Tuesday walks ", 4)
    assert capacity.service_id == walks.pk
    record = {"source_id": "test:Tuesday walks", "name": "Tuesday strolls",
              "asset_status": "published", "needs": ["loneliness"], "postcode": "L1 8JQ",
              "organization": "Tuesday walks Trust", "organization_id": "test-org:Tuesday walks",
              "source": "tests"}
    import_assets([record], source="tests", audited=False)
    assert Service.objects.get(pk=walks.pk).name == "Tuesday strolls"
    referral = make_referral(needs=["loneliness"])
    found = _by_name(suggest_services(referral, limit=100))
    assert found["Tuesday strolls"].capacity == "4 of 4 places left"
    # a name-only row (a service not on the map) never attaches to a map service
    ServiceCapacity.objects.filter(pk=capacity.pk).delete()
    ServiceCapacity.objects.create(provider=provider_org, service_name="Tuesday strolls",
                                   places=9)
    found = _by_name(suggest_services(referral, limit=100))
    assert found["Tuesday strolls"].capacity == (
        "Takes referrals through rescomm; capacity not stated")


# Grouping near-identical generic places -------------------------------------------------------

def test_group_nearby_joins_same_key_places_within_the_distance_of_the_nearest():
    from rescomm.web.assets.public import group_nearby

    # (name, key, lat, lon, groupable); 0.001 degrees of latitude is about 111 m.
    items = [("a", "green", 53.400, -2.98, True), ("lib", "library", 53.400, -2.98, False),
             ("b", "green", 53.405, -2.98, True),   # 556 m from a: joins a
             ("c", "green", 53.410, -2.98, True),   # 1.1 km from a: a group of its own
             ("d", "school", 53.400, -2.98, True),  # another key
             ("e", "green", 53.4105, -2.98, True),  # 56 m from c: joins c
             ("f", "green", 53.401, -2.98, False)]  # may not be grouped
    groups = group_nearby(items, key=lambda i: i[1], position=lambda i: (i[2], i[3]),
                          groupable=lambda i: i[4])
    assert [(head[0], [o[0] for o in others]) for head, others in groups] == [
        ("a", ["b"]), ("lib", []), ("c", ["e"]), ("d", []), ("f", [])]


def test_low_mood_suggestions_group_green_spaces_and_show_variety(make_referral):
    from rescomm.geo import wgs84_to_bng
    from rescomm.web.assets.public import GROUP_WITHIN_M

    referral = make_referral(needs=["low_mood"])
    cards = suggest_services(referral, limit=10)
    grouped = [c for c in cards if c.also]
    assert grouped, "the bundled green spaces near the referral's postcode are grouped"
    for card in grouped:
        members = [card, *card.also]
        assert {m.category for m in members} == {"green_space"}
        assert len({m.service_id for m in members}) == len(members)
        east, north = wgs84_to_bng([m.position[1] for m in members],
                                   [m.position[0] for m in members])
        for e, n in zip(east[1:], north[1:], strict=True):
            assert ((e - east[0]) ** 2 + (n - north[0]) ** 2) ** 0.5 <= GROUP_WITHIN_M + 1
        assert card.group_heading.startswith(f"{len(members)} green spaces, ")
    # No two green-space cards could have been one: their nearest places are far apart.
    heads = [c for c in cards if c.category == "green_space"]
    east, north = wgs84_to_bng([c.position[1] for c in heads], [c.position[0] for c in heads])
    for i in range(len(heads)):
        for j in range(i + 1, len(heads)):
            if heads[i].needs == heads[j].needs:
                gap = ((east[i] - east[j]) ** 2 + (north[i] - north[j]) ** 2) ** 0.5
                assert gap > GROUP_WITHIN_M - 1
    # Every service is still offered: grouping hides none of them.
    everything = suggest_services(referral, limit=10_000)
    shown = {m.service_id for c in everything for m in [c, *c.also]}
    assert len(shown) == sum(1 + len(c.also) for c in everything)
    assert len({c.category for c in cards}) >= 2


def test_a_place_with_an_organisation_or_opening_times_is_never_grouped(make_referral):
    referral = make_referral(needs=["low_mood"])
    for card in suggest_services(referral, limit=10_000):
        for member in [card, *card.also] if card.also else []:
            assert member.organisation == "" and member.opening == ""
            assert member.provider_id is None and not member.approximate_location


def test_the_page_shows_a_group_as_one_card_listing_every_place(
    client, make_referral, link_worker, provider_org
):
    import re

    from .test_pathway import walk_to

    referral = walk_to(make_referral(needs=["low_mood"]), link_worker, provider_org,
                       "first_conversation")
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    card = suggest_services(referral, limit=10)
    grouped = next(c for c in card if c.also)
    assert grouped.group_heading in page
    members = re.search(r"<ul class=\"list\" data-group-members>(.*?)</ul>", page, re.S)[1]
    assert members.count("<li>") == len(grouped.also)
    assert grouped.also[0].name in members
