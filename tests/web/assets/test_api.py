"""The Open Referral UK API: every endpoint validates against the ORUK profile schemas (first,
middle and last pages, each {id}), filters, postcode search, privacy and bad input."""

from __future__ import annotations

import json
import math

import pytest

from rescomm.web.assets.models import AssetStatus, Service, TaxonomyTerm

from . import oruk_schemas as schemas
from .conftest import record

API = "/api/oruk"


def get(client, path, **params):
    response = client.get(API + path, params)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def pages_to_check(client, path, per_page, **params):
    first = get(client, path, per_page=per_page, **params).json()
    last = first["total_pages"]
    return sorted({1, max(1, (last + 1) // 2), last})


LISTS = [
    ("/services", "/services", 100),
    ("/service_at_locations", "/service_at_locations", 100),
    ("/taxonomies", "/taxonomies", 1),
    ("/taxonomy_terms", "/taxonomy_terms", 5),
]


@schemas.needs_schemas
@pytest.mark.parametrize(("path", "schema_path", "per_page"), LISTS)
def test_list_endpoints_validate_on_first_middle_and_last_pages(client, db, path, schema_path,
                                                                per_page):
    validator = schemas.for_path(schema_path)
    numbers = pages_to_check(client, path, per_page)
    assert len(numbers) >= 2, f"{path}: too few pages to test first/middle/last"
    for number in numbers:
        response = get(client, path, page=number, per_page=per_page)
        assert response.status_code == 200
        body = response.json()
        assert set(body) == schemas.PAGE_KEYS
        schemas.assert_valid(validator, body)
        assert body["page_number"] == number
        assert body["first_page"] == (number == 1)
        assert body["last_page"] == (number == numbers[-1])
        assert body["size"] == len(body["contents"]) > 0


@schemas.needs_schemas
def test_organizations_validate_on_first_middle_and_last_pages_and_each_id(client, db):
    validator = schemas.organization_page()
    detail = schemas.organization()
    for number in pages_to_check(client, "/organizations", 50):
        body = get(client, "/organizations", page=number, per_page=50).json()
        schemas.assert_valid(validator, body)
        for item in body["contents"][:5]:
            one = get(client, f"/organizations/{item['id']}")
            assert one.status_code == 200
            schemas.assert_valid(detail, one.json())


@schemas.needs_schemas
def test_each_id_endpoint_validates(client, db, make_asset):
    make_asset("t:nested", minimum_age=16, maximum_age=99)
    make_asset("t:hidden", hide_exact_location=True)
    checks = [
        ("/services", "/services/{id}"),
        ("/service_at_locations", "/service_at_locations/{id}"),
        ("/taxonomies", "/taxonomies/{id}"),
        ("/taxonomy_terms", "/taxonomy_terms/{id}"),
    ]
    for list_path, detail_path in checks:
        validator = schemas.for_path(detail_path)
        ids = [item["id"] for item in get(client, list_path, per_page=20).json()["contents"]]
        if list_path == "/services":
            ids += [str(Service.objects.get(source_id=s).id) for s in ("t:nested", "t:hidden")]
        for item_id in ids:
            response = get(client, detail_path.replace("{id}", item_id))
            assert response.status_code == 200, (detail_path, item_id)
            schemas.assert_valid(validator, response.json())


@schemas.needs_schemas
def test_service_info_validates(client, db):
    body = get(client, "/").json()
    schemas.assert_valid(schemas.for_path("/"), body)
    assert body["version"] == "HSDS-UK-3.0"


def test_a_nested_service_carries_times_location_capitals_and_needs(client, make_asset):
    service = make_asset("t:1")
    body = get(client, f"/services/{service.id}").json()
    assert body["status"] == "active"
    assert {(s["byday"], s["opens_at"]) for s in body["schedules"]} == {
        ("MO,TU,WE", "09:00"), ("SA", "10:00")}
    location = body["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "L1 8JQ"
    assert location["accessibility"][0]["description"] == "Step-free entrance"
    terms = {a["taxonomy_term"]["term"] for a in body["attributes"]}
    assert terms == {"social", "built", "loneliness"}


@pytest.mark.parametrize("status", [AssetStatus.DRAFT, AssetStatus.PENDING, AssetStatus.HIDDEN,
                                    AssetStatus.CLOSED])
def test_only_published_assets_are_served(client, make_asset, status):
    service = make_asset("t:x", name="Unpublished Thing", asset_status=status)
    assert get(client, f"/services/{service.id}").status_code == 404
    assert get(client, "/services", search="Unpublished Thing").json()["total_items"] == 0
    sal = service.service_at_locations.get()
    assert get(client, f"/service_at_locations/{sal.id}").status_code == 404


def test_hidden_locations_never_expose_coordinates_or_address(client, make_asset):
    service = make_asset("t:refuge", name="Safe House", hide_exact_location=True)
    body = get(client, f"/services/{service.id}").json()
    location = body["service_at_locations"][0]["location"]
    assert set(location) == {"id", "location_type", "description"}
    text = str(get(client, "/service_at_locations", search="Safe House").json())
    assert "latitude" not in text and "L1 8JQ" not in text
    near = get(client, "/service_at_locations", postcode="L1 8JQ", proximity=5000,
               per_page=1000).json()
    assert str(service.id) not in str(near)


def test_postcode_search_is_sorted_by_distance_within_the_proximity(client, db):
    from rescomm.geo import lookup_postcode

    centre = lookup_postcode("L1 8JQ")
    body = get(client, "/service_at_locations", postcode="l18jq", proximity=1500,
               per_page=1000).json()
    assert body["total_items"] > 5
    ids = [item["location_id"] for item in body["contents"]]
    from rescomm.web.assets.models import Location

    locations = Location.objects.in_bulk(ids)
    distances = [math.hypot(locations[_uuid(i)].easting - centre.easting,
                            locations[_uuid(i)].northing - centre.northing) for i in ids]
    assert distances == sorted(distances)
    assert max(distances) <= 1500


def _uuid(text):
    import uuid

    return uuid.UUID(text)


def test_filters_combine_with_and(client, make_asset):
    make_asset("t:a", name="Youth Boxing", needs="physical_activity", minimum_age=11,
               maximum_age=18, opening_times="TU 18:00-20:00")
    make_asset("t:b", name="Adult Boxing", needs="physical_activity", minimum_age=18,
               opening_times="SA 10:00-12:00")
    term = TaxonomyTerm.objects.get(taxonomy__code="social_prescribing_needs",
                                    code="physical_activity")

    def names(**params):
        return {s["name"] for s in get(client, "/services", per_page=1000, **params)
                .json()["contents"] if "Boxing" in s["name"]}

    assert names(search="boxing") == {"Youth Boxing", "Adult Boxing"}
    assert names(text="BOXING") == {"Youth Boxing", "Adult Boxing"}
    assert names(search="boxing", taxonomy_term_id=str(term.id)) == {"Youth Boxing",
                                                                      "Adult Boxing"}
    assert names(search="boxing", maximum_age=15) == {"Youth Boxing"}
    assert names(search="boxing", minimum_age=40) == {"Adult Boxing"}
    assert names(search="boxing", day="tuesday") == {"Youth Boxing"}
    assert names(search="boxing", day="SA", start_time="10:30", end_time="11:30") == {
        "Adult Boxing"}
    assert names(search="boxing", start_time="19:00") == {"Youth Boxing"}
    assert names(search="boxing", modified_after="2000-01-01T00:00:00Z") == {
        "Youth Boxing", "Adult Boxing"}
    assert names(search="boxing", modified_after="2999-01-01T00:00:00Z") == set()
    capital = TaxonomyTerm.objects.get(code="natural").taxonomy_id
    assert names(search="boxing", taxonomy_id=str(capital)) == {"Youth Boxing", "Adult Boxing"}


def test_organization_filter(client, make_asset):
    service = make_asset("t:org", organization="Boxing Trust")
    body = get(client, "/services", organization_id=str(service.organization_id)).json()
    assert [s["name"] for s in body["contents"]] == [service.name]


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/service_at_locations", {"postcode": "NOT A CODE"}, "postcode", "postcode"),
        ("/service_at_locations", {"postcode": "SW1A 1AA"}, "postcode", "not in the postcode"),
        ("/service_at_locations", {"proximity": 100}, "proximity", "needs a postcode"),
        ("/service_at_locations", {"postcode": "L1 8JQ", "proximity": -5}, "proximity",
         "more than 0"),
        ("/services", {"day": "Funday"}, "day", "is not a day"),
        ("/services", {"start_time": "25:00"}, "start_time", "is not a time of day"),
        ("/services", {"start_time": "12:00", "end_time": "09:00"}, "end_time",
         "after start_time"),
        ("/services", {"modified_after": "yesterday"}, "modified_after", "ISO 8601"),
        ("/services", {"taxonomy_id": "x"}, "taxonomy_id", "is not a UUID"),
        ("/services", {"page": 0}, "page", "1 or more"),
        ("/services", {"per_page": 5000}, "per_page", "from 1 to 1000"),
        ("/services", {"minimum_age": "old"}, "minimum_age", ""),
    ],
)
def test_bad_parameters_get_400_naming_the_field(client, db, path, params, field, message):
    response = client.get(API + path, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert message in " ".join(error["fields"][field])


@pytest.mark.parametrize("params", [{}, {"taxonomy_term_id": "capital"}, {"search": "Library"}])
def test_ndjson_streams_every_matching_service_one_a_line_without_paging(client, db, params):
    if params.get("taxonomy_term_id"):
        term = TaxonomyTerm.objects.get(taxonomy__code="community_capitals", code="natural")
        params = {"taxonomy_term_id": str(term.id)}
    response = get(client, "/services", format="ndjson", per_page=1, page=3, **params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    items = [json.loads(line) for line in lines]
    paged, number = [], 1
    while True:
        body = get(client, "/services", page=number, per_page=1000, **params).json()
        paged += body["contents"]
        if body["last_page"]:
            break
        number += 1
    assert items == paged and len(items) == body["total_items"] > 0


@pytest.mark.parametrize(("postcode", "message"), [
    ("SW1A 1AA", "postcode 'SW1A 1AA' is not in the postcode index (bundled Cheshire & "
                 "Merseyside postcodes, ONSPD Nov 2025); check it, or send a Cheshire and "
                 "Merseyside postcode in postcode"),
    ("CH1 1AA", "postcode 'CH1 1AA' was terminated in June 2020 (202006) and is no longer in "
                "use; send the current postcode in postcode"),
])
def test_a_postcode_not_found_is_a_400_whose_advice_names_the_api_parameter(client, db, postcode,
                                                                            message):
    response = get(client, "/service_at_locations", postcode=postcode)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["postcode"] == [message]


def test_an_unknown_format_is_a_400_naming_it(client, db):
    response = get(client, "/services", format="xml")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["format"] == [
        "'xml' is not a format: use json or ndjson"]


@pytest.mark.parametrize("path", ["/services/", "/organizations/", "/taxonomies/",
                                  "/taxonomy_terms/", "/service_at_locations/"])
@pytest.mark.parametrize("item", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_unknown_ids_are_404_in_the_error_shape(client, db, path, item):
    response = get(client, path + item)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_api_needs_no_key_and_imports_and_exports_the_same_records(client, make_asset):
    from rescomm.web.assets.files import record_from_oruk

    service = make_asset("t:rt")
    exported = get(client, f"/services/{service.id}").json()
    back = record_from_oruk(exported)
    assert back["name"] == service.name
    assert back["opening_times"] == "MO,TU,WE 09:00-17:00; SA 10:00-12:00"
    assert back["postcode"] == "L1 8JQ"
    assert record("x")["name"] == service.name


@schemas.needs_schemas
def test_the_schema_check_is_not_vacuous():
    """The validators resolve the profile's web $refs locally and do reject bad answers."""
    import jsonschema

    bad_page = {"total_items": "many", "contents": [{"id": "x", "name": "A", "status": "open"}]}
    errors = list(schemas.for_path("/services").iter_errors(bad_page))
    messages = " ".join(e.message for e in errors)
    assert "'many' is not of type 'integer'" in messages
    assert "'open' is not one of" in messages
    with pytest.raises(jsonschema.ValidationError):
        schemas.for_path("/services/{id}").validate({"id": "x", "name": "A"})


@pytest.mark.parametrize(("postcode", "radius", "page", "per_page"), [
    ("L1 8JQ", 1500.0, 1, 50), ("L1 8JQ", 1500.0, 2, 7), ("L1 8JQ", None, 3, 100),
    ("WA7 2ES", 3000.0, 1, 1000), ("L1 8JQ", 10.0, 1, 50), ("L1 8JQ", 1500.0, 999, 50),
])
def test_the_hand_written_nearest_query_matches_the_orm_query(db, postcode, radius, page,
                                                              per_page):
    from rescomm.web.assets import api, public

    point = api.postcode_point(postcode)
    fast, fast_total = public.nearest_page(point, radius, page=page, per_page=per_page)
    # with ``among`` the ORM builds the query (every published service: the same rows)
    orm, orm_total = public.nearest_page(point, radius, page=page, per_page=per_page,
                                         among=public.published())
    assert fast_total == orm_total
    assert [doc for doc, _ in fast] == [doc for doc, _ in orm]
    assert all(doc for doc, _ in fast)
    if page == 1 and radius and radius > 100:
        assert fast_total > len(fast) or fast_total == len(fast) > 0
