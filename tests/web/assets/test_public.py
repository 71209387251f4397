"""The asset map's public interface (rescomm.web.assets.public): the one near-a-point search
every caller uses (ORUK API, asset pages, social prescribing), and the hidden-location rule."""

from __future__ import annotations

import math

import pytest

from rescomm.geo import lookup_postcode
from rescomm.web.assets import documents, public
from rescomm.web.assets.models import AssetStatus, ServiceAtLocation
from rescomm.web.assets.services import set_status

POINT = (334469.0, 390202.0)  # L1 8JQ, British National Grid metres


def _brute_force(radius_m: float, services=None) -> list[tuple[str, float]]:
    """Every published service with a shown location, nearest location, by a plain loop."""
    best: dict = {}
    for sal in ServiceAtLocation.objects.select_related("service", "location"):
        s, loc = sal.service, sal.location
        if (s.asset_status != AssetStatus.PUBLISHED or s.hide_exact_location
                or loc.easting is None or (services is not None and s.pk not in services)):
            continue
        d = math.hypot(loc.easting - POINT[0], loc.northing - POINT[1])
        if d <= radius_m and d < best.get(s.pk, (math.inf,))[0]:
            best[s.pk] = (d, s.name)
    return [(str(k), v[0]) for k, v in sorted(best.items(), key=lambda kv: (kv[1], str(kv[0])))]


@pytest.mark.parametrize("radius_m", [10.0, 800.0, 2500.0])
def test_services_near_matches_a_brute_force_search(db, radius_m):
    found = public.services_near(POINT, radius_m=radius_m)
    expected = _brute_force(radius_m)
    assert [str(n.service_id) for n in found] == [sid for sid, _ in expected]
    assert [n.distance_m for n in found] == pytest.approx([d for _, d in expected], abs=1e-6)
    if radius_m > 100:
        assert len(found) >= 3
        assert all(n.latitude and n.longitude for n in found)


def test_services_near_keeps_to_the_services_asked_for(db):
    among = public.published().filter(category="library")
    found = public.services_near(POINT, radius_m=3000, among=among)
    libraries = set(among.values_list("pk", flat=True))
    assert found and {n.service_id for n in found} <= libraries
    assert [str(n.service_id) for n in found] == [sid for sid, _ in
                                                  _brute_force(3000, libraries)]


def test_hidden_and_unpublished_services_never_get_a_distance(make_asset):
    hidden = make_asset("t:hidden", name="Hidden refuge", hide_exact_location=True)
    draft = make_asset("t:draft", name="Not yet checked")
    set_status(draft, AssetStatus.HIDDEN, actor=None, reason="test")
    shown = make_asset("t:shown", name="Open centre")
    ids = {n.service_id for n in public.services_near(POINT, radius_m=5000)}
    assert shown.pk in ids and hidden.pk not in ids and draft.pk not in ids
    assert hidden.pk not in set(public.links_near(POINT, 5000).values_list("service_id",
                                                                           flat=True))
    # asked for the hidden-location services of the area: listed after, never measured
    found = public.services_near(POINT, radius_m=5000, hidden_area="E08000012")
    listed = {n.service_id: n for n in found}
    assert listed[hidden.pk].distance_m is None and listed[hidden.pk].latitude is None
    assert listed[hidden.pk].location_hidden
    assert draft.pk not in listed
    assert found[-1].service_id == hidden.pk or found[-1].location_hidden
    assert hidden.pk not in {n.service_id for n in public.services_near(
        POINT, radius_m=5000, hidden_area="E06000006")}


def test_find_services_filters_by_needs_age_cost_and_opening_times(make_asset):
    from rescomm.web.assets.models import CostOption

    make_asset("t:young", name="Youth club", needs="loneliness", minimum_age=11,
               maximum_age=18, opening_times="MO 18:00-20:00")
    paid = make_asset("t:paid", name="Paid yoga", needs="physical_activity",
                      opening_times="TU 10:00-11:00")
    CostOption.objects.create(service=paid, amount=4, option="a class")
    documents.refresh([paid.pk])
    make_asset("t:any", name="Drop-in", needs="loneliness", opening_times="")

    def names(**options):
        return {s.name for s in public.find_services(POINT, radius_m=3000, **options)}

    assert {"Youth club", "Drop-in"} <= names(needs=["loneliness"])
    assert "Paid yoga" not in names(needs=["loneliness"])
    assert "Youth club" not in names(needs=["loneliness"], age=70)
    assert "Paid yoga" in names(needs=["physical_activity"])
    assert "Paid yoga" not in names(needs=["physical_activity"], free_only=True)
    evening = names(needs=["loneliness"], days=["MO"], parts=["evening"], age=15)
    assert {"Youth club", "Drop-in"} <= evening  # Drop-in: no hours given, kept
    assert "Youth club" not in names(needs=["loneliness"], days=["TU"], age=15)
    yoga = next(s for s in public.find_services(POINT, radius_m=3000,
                                                needs=["physical_activity"])
                if s.name == "Paid yoga")
    assert yoga.costs and not yoga.free and yoga.opening == "Tue 10:00-11:00"
    assert yoga.distance_m is not None


def test_the_api_the_pages_and_matching_agree_on_what_is_near(client, db):
    """The four searches that had drifted are one: the same services, in the same order."""
    point = lookup_postcode("L1 8JQ")
    expected = [str(n.service_id) for n in public.services_near(
        (float(point.easting), float(point.northing)), radius_m=1000)]
    api = client.get("/api/oruk/service_at_locations",
                     {"postcode": "L1 8JQ", "proximity": 1000, "per_page": 1000}).json()
    seen = list(dict.fromkeys(item["service_id"] for item in api["contents"]))
    assert seen == expected
    page = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "1000"})
    listed = [str(s.id) for s, _ in page.context["page"].object_list]
    assert listed == expected[:len(listed)]
