"""``/api/areas/...`` and ``/api/postcodes/...``."""

from __future__ import annotations

import pytest

from ..core.test_errors import assert_error_shape
from ..factories import (
    HALTON,
    LIVE_POSTCODE,
    LIVE_POSTCODE_LSOA21,
    LIVE_POSTCODE_LSOA21_NAME,
    LIVERPOOL,
    SPLIT_LSOA11,
    TERMINATED_POSTCODE,
    UNKNOWN_POSTCODE,
)

pytestmark = pytest.mark.django_db


def test_lsoa_detail_has_names_parents_population_and_all_imd_domains(client):
    body = client.get(f"/api/areas/lsoa21/{LIVE_POSTCODE_LSOA21}").json()
    assert body["code"] == LIVE_POSTCODE_LSOA21
    assert body["name"] == LIVE_POSTCODE_LSOA21_NAME
    assert body["local_authority"] == {"code": LIVERPOOL, "name": "Liverpool"}
    assert body["icb"]["name"].startswith("NHS Cheshire and Merseyside")
    assert body["population"]["total"] == sum(b["count"] for b in body["population"]["by_age"])
    deprivation = body["deprivation"]
    assert deprivation["edition"] == 2025 and deprivation["ranked_areas"] == 33_755
    domains = [d["domain"] for d in deprivation["domains"]]
    assert domains == [
        "imd",
        "income",
        "employment",
        "education",
        "children_and_young_people",
        "adult_skills",
        "health",
        "crime",
        "housing_and_services",
        "geographical_barriers",
        "wider_barriers",
        "environment",
        "indoors",
        "outdoors",
    ]
    assert len(domains) == 14
    assert body["url"].endswith(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/")


def test_lsoa_detail_accepts_lower_case_codes_only_if_they_match_the_pattern(client):
    assert_error_shape(client.get("/api/areas/lsoa21/e01033756"), 400, "invalid_request")


def test_a_2011_code_is_a_404_that_says_it_is_a_2011_code(client):
    error = assert_error_shape(client.get(f"/api/areas/lsoa21/{SPLIT_LSOA11}"), 404, "lsoa11_code")
    assert "2011" in error["message"]
    assert "E01035382" in error["message"]


def test_geojson_for_one_local_authority_has_decile_and_simplified_geometry(client):
    response = client.get(f"/api/areas/lsoa21.geojson?lad={HALTON}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 80
    feature = collection["features"][0]
    assert set(feature["properties"]) == {"code", "name", "lad_code", "imd_decile", "url"}
    assert feature["properties"]["lad_code"] == HALTON
    assert 1 <= feature["properties"]["imd_decile"] <= 10
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert -3.3 < lon < -1.9 and 52.9 < lat < 53.8
    assert len(str(lon).split(".")[1]) <= 5


def test_geojson_without_filter_has_every_loaded_lsoa(client):
    assert len(client.get("/api/areas/lsoa21.geojson").json()["features"]) == 80 + 302


def test_geojson_for_an_authority_that_is_not_loaded_is_a_404_naming_it(client):
    error = assert_error_shape(client.get("/api/areas/lsoa21.geojson?lad=E09000001"), 404)
    assert error["code"] == "not_found"
    assert "No local authority E09000001 in the loaded data" in error["message"]


def test_postcode_lookup_gives_coordinates_and_the_lsoa_page(client):
    body = client.get(f"/api/postcodes/{LIVE_POSTCODE}").json()
    assert body["postcode"] == LIVE_POSTCODE
    assert body["lsoa21_code"] == LIVE_POSTCODE_LSOA21
    assert body["lad_code"] == LIVERPOOL
    assert 53.3 < body["latitude"] < 53.5
    assert body["lsoa21_url"].endswith(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/")


def test_postcode_lookup_accepts_any_spelling(client):
    assert client.get("/api/postcodes/l18jq").json()["postcode"] == LIVE_POSTCODE


@pytest.mark.parametrize(
    ("postcode", "status", "code"),
    [
        ("not-a-postcode", 400, "invalid_postcode"),
        (UNKNOWN_POSTCODE, 404, "postcode_not_found"),
        (TERMINATED_POSTCODE, 404, "postcode_terminated"),
    ],
)
def test_postcode_errors_have_their_own_codes(client, postcode, status, code):
    error = assert_error_shape(client.get(f"/api/postcodes/{postcode}"), status, code)
    assert "allow_terminated" not in error["message"]
