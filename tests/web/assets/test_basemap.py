"""The asset map's offline base layer: ``/assets/basemap.json`` for Leaflet (a box's outlines
and names, compact, cached) and the SVG drawn without JavaScript (outlines, names, the radius
circle, the searched point and the page's assets numbered as in the list); their size."""

from __future__ import annotations

import json
import re

import pytest

from rescomm.geo import lookup_postcode, wgs84_to_bng

# Liverpool city centre around L1 8JQ, about 5 km by 3 km
CENTRE_BOX = "-3.01,53.39,-2.94,53.42"


def decode(body: dict, layer: str) -> list[list[tuple[float, float]]]:
    """The rings of a layer as (longitude, latitude) points, as the map script reads them."""
    out = []
    for flat in body[layer]:
        lon = lat = 0
        points = []
        for i in range(0, len(flat), 2):
            lon, lat = lon + flat[i], lat + flat[i + 1]
            points.append((lon * body["step"], lat * body["step"]))
        out.append(points)
    return out


def test_the_offline_layer_of_a_small_box_has_outlines_and_names(client, db):
    response = client.get("/assets/basemap.json", {"bbox": CENTRE_BOX})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age=86400" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["step"] == 1e-05
    assert {"lad", "ward", "lsoa"} <= set(body) and all(body[k] for k in ("lad", "ward", "lsoa"))
    names = {label["name"] for label in body["labels"]}
    assert {"City Centre South", "City Centre North", "Canning"} <= names
    assert {label["kind"] for label in body["labels"]} <= {"lad", "ward"}
    # decoded rings are real places in Liverpool: their points fall near the box
    for ring in decode(body, "ward"):
        assert len(ring) >= 3
        for lon, lat in ring:
            assert -3.2 < lon < -2.7 and 53.3 < lat < 53.5


def test_the_offline_layer_of_the_region_leaves_out_lsoas_and_is_small(client, db):
    response = client.get("/assets/basemap.json", {"bbox": "-3.3,52.9,-1.9,53.75"})
    body = json.loads(response.content)
    assert body["lsoa"] == body["ward"] == [] and len(body["lad"]) >= 9
    assert body["step"] == 1e-04
    assert {"Liverpool", "Wirral", "Cheshire East"} <= {lab["name"] for lab in body["labels"]}
    assert len(response.content) < 20_000


def test_the_labels_are_those_of_the_gazetteer_in_wgs84(client, db):
    from rescomm.geo import Gazetteer

    body = json.loads(client.get("/assets/basemap.json", {"bbox": CENTRE_BOX}).content)
    label = next(lab for lab in body["labels"] if lab["name"] == "City Centre South")
    place = next(p for p in Gazetteer.bundled().search("City Centre South")
                 if p.lad_name == "Liverpool")
    easting, northing = wgs84_to_bng(label["lon"], label["lat"])
    assert abs(float(easting) - place.easting) < 2 and abs(float(northing) - place.northing) < 2


@pytest.mark.parametrize(("bbox", "words"), [
    ("", "four numbers"),
    ("1,2,3", "four numbers"),
    ("a,b,c,d", "four numbers"),
    ("nan,53,-2,54", "four numbers"),
    ("-2,53,-3,54", "west < east"),
    ("10,53,11,54", "lie in Great Britain"),
    ("-6,50,-1,56", "at most 3 degrees"),
])
def test_a_bad_box_is_a_clear_error(client, db, bbox, words):
    response = client.get("/assets/basemap.json", {"bbox": bbox})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert words in error["fields"]["bbox"][0]


def svg_of(html: str) -> str:
    return re.search(r'<svg class="basemap-svg".*?</svg>', html, re.S)[0]


def test_the_map_without_javascript_draws_the_offline_layer_under_the_search(client, db):
    response = client.get("/assets/", {"postcode": "L1 8JQ"})
    html = response.content.decode()
    svg = svg_of(html)
    for part in ("bm-water", "bm-land", "bm-lsoa-line", "bm-ward-line", "bm-lad-line",
                 "bm-radius", "bm-here"):
        assert f'class="{part}"' in svg
    assert re.search(r'<path class="bm-ward-line" d="M-?\d+ -?\d+l-?\d', svg)
    names = set(re.findall(r'<text class="bm-(?:ward|lad)"[^>]*>([^<]+)</text>', svg))
    assert {"City Centre South", "City Centre North"} <= names
    assert ">L1 8JQ</text>" in svg
    assert 'aria-labelledby="asset-map-title"' in svg and 'id="asset-map-title"' in html


def test_the_radius_circle_is_drawn_at_the_radius_searched(client, db):
    html = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "1000"}).content.decode()
    svg = svg_of(html)
    width = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)[1])
    circle = re.search(r'<circle class="bm-radius" cx="(\d+)" cy="(\d+)" r="(\d+)"/>', svg)
    # the frame is 3.45 radii wide, so the radius is width / 3.45 units
    assert int(circle[3]) == pytest.approx(width / 3.45, abs=1)
    assert int(circle[1]) == pytest.approx(width / 2, abs=1)


def test_the_page_assets_are_numbered_as_in_the_list(client, db):
    response = client.get("/assets/", {"postcode": "L1 8JQ", "page": "2"})
    html = response.content.decode()
    svg = svg_of(html)
    numbers = [int(n) for n in re.findall(r'<g class="bm-marker"[^>]*><circle/><text[^>]*>(\d+)'
                                          r"</text>", svg)]
    page = response.context["page"]
    assert numbers == list(range(26, 26 + len(page.object_list)))
    assert '<ol class="asset-list" aria-labelledby="results" start="26">' in html
    assert re.search(r'<span class="asset-number" aria-hidden="true">26</span>', html)


def test_marker_positions_follow_the_assets(client, db):
    response = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "500"})
    svg = svg_of(response.content.decode())
    record = lookup_postcode("L1 8JQ")
    width, height = (int(v) for v in re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    unit = 500 * 3.45 / width
    service, distance = response.context["page"].object_list[0]
    loc = service.service_at_locations.all()[0].location
    x, y = (int(v) for v in re.search(r'<g class="bm-marker" transform="translate\((\d+) (\d+)\)"'
                                      r"><circle/><text[^>]*>1</text>", svg).groups())
    expected_x = width / 2 + (loc.easting - float(record.easting)) / unit
    expected_y = height / 2 - (loc.northing - float(record.northing)) / unit
    assert x == pytest.approx(expected_x, abs=3) and y == pytest.approx(expected_y, abs=3)


def test_hidden_locations_are_not_drawn(client, make_asset):
    make_asset("t:refuge", name="Safe House", hide_exact_location=True, postcode="L1 8JQ")
    response = client.get("/assets/", {"q": "Safe House"})
    assert response.context["total"] == 1
    assert "bm-marker" not in response.content.decode()


@pytest.mark.parametrize("params", [
    {"postcode": "L1 8JQ"},
    {"postcode": "L1 8JQ", "radius": "10000"},
    {"place": "Speke", "radius": "5000"},
    {},
])
def test_the_drawing_keeps_the_page_small(client, db, params):
    svg = svg_of(client.get("/assets/", params).content.decode())
    assert len(svg) < 25_000, len(svg)


def test_a_choice_of_places_draws_no_map(client, db):
    html = client.get("/assets/", {"place": "St Michaels"}).content.decode()
    assert "basemap-svg" not in html and "asset-map-config" not in html


def test_place_names_in_the_drawing_are_escaped(client, db, monkeypatch):
    from rescomm.geo import BaseMap
    from rescomm.geo._basemap import BaseMapLabel

    base = BaseMap.bundled()
    hostile = BaseMapLabel("ward", "E05999999", "<script>x</script>", 335_100.0, 389_900.0,
                           10**9)
    monkeypatch.setattr(BaseMap, "bundled", classmethod(
        lambda cls: BaseMap(base.areas, (*base.labels, hostile))))
    html = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "500"}).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
