"""One radius everywhere: the search, the "Within" box, the heading, the map's circle and the
"which place do you mean?" links all use the same number, the default when none is given."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest

from rescomm.web.assets.forms import DEFAULT_RADIUS, RADIUS_CHOICES, radius_label


def selected_radius(html: str) -> str:
    select = re.search(r'<select[^>]*name="radius"[^>]*>(.*?)</select>', html, re.S)[1]
    return re.findall(r'<option value="(\d+)"[^>]*selected', select)[0]


def heading(html: str) -> str:
    return " ".join(re.search(r'<h2 class="heading-m" id="results">(.*?)</h2>', html, re.S)[1]
                    .split())


def test_the_default_radius_is_one_of_the_choices():
    assert str(DEFAULT_RADIUS) in dict(RADIUS_CHOICES)
    assert radius_label(DEFAULT_RADIUS) == "2 km"


@pytest.mark.parametrize("params", [
    {"postcode": "L1 8JQ"},
    {"postcode": "L1 8JQ", "radius": ""},
    {"place": "Speke"},
])
def test_a_search_without_a_radius_uses_and_shows_the_default(client, db, params):
    response = client.get("/assets/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert selected_radius(html) == str(DEFAULT_RADIUS)
    assert "within 2 km of" in heading(html)
    assert response.context["near"]["radius"] == DEFAULT_RADIUS
    assert response.context["map_config"]["searched"]["radius"] == DEFAULT_RADIUS
    distances = [d for _, d in response.context["page"].object_list]
    assert distances and max(distances) <= DEFAULT_RADIUS


@pytest.mark.parametrize(("radius", "words"), [("500", "500 metres"), ("5000", "5 km")])
def test_the_box_the_heading_and_the_circle_agree_on_the_chosen_radius(client, db, radius,
                                                                      words):
    response = client.get("/assets/", {"postcode": "L1 8JQ", "radius": radius})
    html = response.content.decode()
    assert selected_radius(html) == radius
    assert f"within {words} of L1 8JQ" in heading(html)
    assert response.context["map_config"]["searched"]["radius"] == int(radius)
    distances = [d for _, d in response.context["page"].object_list]
    assert max(distances) <= int(radius)


@pytest.mark.parametrize(("params", "expected"), [
    ({"place": "Chester"}, str(DEFAULT_RADIUS)),
    ({"place": "Chester", "radius": ""}, str(DEFAULT_RADIUS)),
    ({"place": "Chester", "radius": "500"}, "500"),
    ({"place": "St Michaels", "radius": "10000", "category": "school"}, "10000"),
])
def test_which_place_links_carry_the_radius_the_box_shows(client, db, params, expected):
    response = client.get("/assets/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert selected_radius(html) == expected
    queries = [q.replace("&amp;", "&") for q in
               re.findall(r'<ul class="list place-choices">.*?</ul>', html, re.S)[0]
               .split('href="/assets/?')[1:]]
    assert len(queries) > 1
    for query in queries:
        fields = parse_qs(query.split('"')[0])
        assert fields["radius"] == [expected]
        if "category" in params:
            assert fields["category"] == [params["category"]]
    chosen = client.get("/assets/?" + queries[0].split('"')[0])
    chosen_html = chosen.content.decode()
    assert selected_radius(chosen_html) == expected
    assert f"within {radius_label(int(expected))} of" in heading(chosen_html)


def test_a_radius_that_is_not_offered_is_a_field_error(client, db):
    response = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "3000"})
    assert response.status_code == 400
    assert b'href="#id_radius"' in response.content


def test_the_map_knows_the_searched_point(client, db):
    from rescomm.geo import lookup_postcode

    record = lookup_postcode("L1 8JQ")
    searched = client.get("/assets/", {"postcode": "L1 8JQ"}).context["map_config"]["searched"]
    assert searched["label"] == "L1 8JQ"
    assert searched["lat"] == pytest.approx(float(record.latitude), abs=1e-4)
    assert searched["lon"] == pytest.approx(float(record.longitude), abs=1e-4)


def test_the_map_writes_a_place_by_its_name_and_the_heading_in_full(client, db):
    response = client.get("/assets/", {"place": "Speke"})
    assert response.context["map_config"]["searched"]["label"] == "Speke"
    assert "of Speke (ward, Liverpool), nearest first" in response.content.decode()
    assert ">Speke</text>" in response.content.decode()  # by the point in the SVG


def test_a_search_with_no_results_still_shows_the_map_of_the_place(client, db):
    # Chester's ward is in Cheshire West and Chester, which the test data does not load.
    response = client.get("/assets/", {"place": "Chester City"})
    assert response.status_code == 200
    assert response.context["total"] == 0
    html = response.content.decode()
    assert 'id="asset-map-config"' in html and "data-asset-map" in html
