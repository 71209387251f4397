"""Public asset pages: list with filters and postcode search, asset page, report a problem;
moderators' history and revert. Everything users type is escaped."""

from __future__ import annotations

import math
import re

import pytest
from django.core.cache import cache

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.assets.models import AssetStatus, ProblemReport, Service

from ..factories import HOSTILE

XSS = [
    HOSTILE,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</script><script>alert(1)</script>",
    "<svg/onload=alert(1)>",
]


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


def test_the_list_shows_published_assets_only(client, make_asset):
    make_asset("t:pub", name="Zzz Published Hall")
    make_asset("t:draft", name="Zzz Draft Hall", asset_status=AssetStatus.DRAFT)
    response = client.get("/assets/", {"q": "Zzz"})
    assert response.status_code == 200
    assert b"Zzz Published Hall" in response.content
    assert b"Zzz Draft Hall" not in response.content


def test_filters_by_capital_category_and_need(client, db):
    def names(**params):
        response = client.get("/assets/", params)
        assert response.status_code == 200
        return response.context["total"], {s.category for s, _ in response.context["page"]}

    total, categories = names(capital="natural")
    assert total > 0 and categories == {"green_space"}
    total, categories = names(need="carer_support")
    assert categories == {"gp_practice"}
    total, categories = names(category="library")
    assert total > 0 and categories == {"library"}


def test_postcode_search_is_sorted_by_distance_within_the_radius(client, db):
    response = client.get("/assets/", {"postcode": "l1 8jq", "radius": "1000"})
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    distances = [d for _, d in rows]
    assert rows and distances == sorted(distances) and max(distances) <= 1000
    assert b"within 1 km of L1 8JQ, nearest first" in response.content
    assert b'id="asset-markers"' in response.content


@pytest.mark.parametrize(("postcode", "message"), [
    ("NOT A CODE", "Enter a real postcode in Cheshire and Merseyside"),
    ("SW1A 1AA", "Enter a real postcode in Cheshire and Merseyside"),
])
def test_a_bad_postcode_is_a_clear_field_error(client, db, postcode, message):
    response = client.get("/assets/", {"postcode": postcode})
    assert response.status_code == 400
    assert message.encode() in response.content
    assert b'href="#id_postcode"' in response.content


def test_a_place_name_search_is_sorted_by_distance_from_the_place_centre(client, db):
    from rescomm.geo import Gazetteer

    speke = Gazetteer.bundled().search("Speke")[0]
    response = client.get("/assets/", {"place": "speke", "radius": "2000"})
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    distances = [d for _, d in rows]
    assert rows and distances == sorted(distances) and max(distances) <= 2000
    service, distance = rows[0]
    loc = service.service_at_locations.all()[0].location
    assert distance == pytest.approx(math.hypot(loc.easting - speke.easting,
                                                loc.northing - speke.northing))
    assert "within 2 km of Speke (ward, Liverpool), nearest first" in \
        response.content.decode()


def test_an_ambiguous_place_name_offers_a_choice_that_works_without_javascript(client, db):
    response = client.get("/assets/", {"place": "St Michaels", "radius": "1000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Which &ldquo;St Michaels&rdquo; do you mean?" in html
    assert response.context["total"] == 0
    links = re.findall(r'href="/assets/\?([^"]+)">St Michaels \(ward, (\w+)\)', html)
    assert [lad for _, lad in links] == ["Knowsley", "Liverpool"]
    query = links[1][0].replace("&amp;", "&")
    assert "radius=1000" in query and "place_code=E05" in query
    chosen = client.get("/assets/?" + query)
    assert chosen.status_code == 200
    assert b"within 1 km of St Michaels (ward, Liverpool), nearest first" in chosen.content


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"place": "Atlantis"}, "place",
     'No ward or local authority in Cheshire and Merseyside is called &quot;Atlantis&quot;'),
    ({"place": "Speke", "postcode": "L1 8JQ"}, "place",
     "Enter a postcode or a place name, not both"),
])
def test_an_unknown_place_name_is_a_clear_field_error(client, db, params, field, message):
    response = client.get("/assets/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'href="#id_{field}"'.encode() in response.content


def test_hidden_locations_are_not_in_distance_searches_nor_shown(client, make_asset):
    service = make_asset("t:refuge", name="Safe House", hide_exact_location=True)
    response = client.get("/assets/", {"postcode": "L1 8JQ", "radius": "5000", "q": "Safe"})
    assert response.context["total"] == 0
    page = client.get(f"/assets/{service.id}/")
    assert b"1 Example Street" not in page.content
    assert b"The exact location is not shown" in page.content
    assert b"openstreetmap.org/directions" not in page.content


def test_the_asset_page_has_times_access_travel_source_licence(client, make_asset):
    service = make_asset("t:1")
    response = client.get(f"/assets/{service.id}/")
    assert response.status_code == 200
    text = response.content.decode()
    for expected in ("Monday, Tuesday, Wednesday: 09:00 to 17:00", "Step-free entrance",
                     "Bus 17 stops outside", "Test fixture", "OGL-UK-3.0", "L1 8JQ",
                     "Example:", "Report a problem"):
        assert expected in text, expected


@pytest.mark.parametrize("status", [AssetStatus.DRAFT, AssetStatus.HIDDEN, AssetStatus.CLOSED])
def test_unpublished_asset_pages_are_404(client, make_asset, status):
    service = make_asset("t:x", asset_status=status)
    assert client.get(f"/assets/{service.id}/").status_code == 404


@pytest.mark.parametrize("payload", XSS)
def test_everything_typed_is_escaped_on_the_pages(client, make_asset, payload):
    service = make_asset("t:xss", name=f"Hall {payload}", description=payload, address=payload,
                         transportation=payload, accessibility=payload, source=payload,
                         attribution=payload, licence="OGL", city=payload)
    detail = client.get(f"/assets/{service.id}/").content.decode()
    listing = client.get("/assets/", {"q": "Hall"}).content.decode()
    search = client.get("/assets/", {"q": payload, "postcode": payload}).content.decode()
    place = client.get("/assets/", {"place": payload}).content.decode()
    for html in (detail, listing, search, place):
        if "<" in payload:
            assert payload not in html
        assert 'href="javascript:' not in html and "src=x" not in html.replace("src=x o", "")
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html and "<svg/onload" not in html


def test_report_a_problem_is_saved_audited_and_thanked(client, make_asset):
    service = make_asset("t:1")
    response = client.post(f"/assets/{service.id}/report/", {
        "kind": "wrong_times", "details": "Closed on Tuesdays now", "email": ""}, follow=True)
    assert response.status_code == 200
    assert b"Thank you" in response.content
    report = ProblemReport.objects.get(service=service)
    assert report.details == "Closed on Tuesdays now"
    assert AuditEvent.objects.filter(action="create", object_type="assets.problemreport").exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "", "details": "x"}, "This field is required"),
    ({"kind": "closed", "details": ""}, "This field is required"),
    ({"kind": "closed", "details": "x", "email": "nope"}, "Enter a valid email address"),
    ({"kind": "closed", "details": "x", "website": "http://spam"}, "must be left empty"),
])
def test_bad_reports_say_which_field_is_wrong_and_save_nothing(client, make_asset, data,
                                                               message):
    service = make_asset("t:1")
    response = client.post(f"/assets/{service.id}/report/", data)
    assert response.status_code == 400
    assert message.encode() in response.content
    assert not ProblemReport.objects.exists()


def test_reports_are_rate_limited_per_ip(client, make_asset):
    service = make_asset("t:1")
    data = {"kind": "other", "details": "hello"}
    statuses = [client.post(f"/assets/{service.id}/report/", data).status_code
                for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert ProblemReport.objects.count() == 5


@pytest.mark.parametrize("payload", XSS)
def test_a_hostile_report_is_escaped_when_shown_back(client, make_asset, payload):
    service = make_asset("t:1")
    response = client.post(f"/assets/{service.id}/report/", {
        "kind": "other", "details": payload, "email": payload})
    assert response.status_code == 400  # the email is invalid, so the form comes back
    html = response.content.decode()
    if "<" in payload:
        assert payload not in html
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html


def test_moderators_see_the_history_with_a_diff_and_can_revert(client, make_asset):
    from tests.web.ladder import ladder_user

    from rescomm.web.assets.importer import import_assets

    from .conftest import record

    service = make_asset("t:h")
    import_assets([record("t:h", name="Renamed <b>Hall</b>")], source="tests")
    client.force_login(ladder_user("moderator"))
    page = client.get(f"/assets/{service.id}/history/")
    assert page.status_code == 200
    assert b"Renamed &lt;b&gt;Hall&lt;/b&gt;" in page.content
    assert b"Version 2" in page.content
    response = client.post(f"/assets/{service.id}/history/1/revert/", {"reason": "undo"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Kensington Community Centre"
    assert service.versions.first().action == "revert"
    assert AuditEvent.objects.filter(object_id=str(service.id), action="update").exists()


def test_revert_needs_a_reason(client, make_asset):
    from tests.web.ladder import ladder_user

    service = make_asset("t:h")
    client.force_login(ladder_user("moderator"))
    client.post(f"/assets/{service.id}/history/1/revert/", {"reason": ""})
    assert service.versions.count() == 1
    assert Service.objects.get(id=service.id).name == "Kensington Community Centre"


def test_open_now_keeps_only_assets_open_at_this_moment(client, make_asset, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    make_asset("t:tue", name="Zzz Tuesday Club", opening_times="TU 10:00-12:00")
    make_asset("t:sat", name="Zzz Saturday Club", opening_times="SA 10:00-12:00")
    tuesday_11 = datetime(2025, 6, 3, 11, 0, tzinfo=ZoneInfo("Europe/London"))
    monkeypatch.setattr(timezone, "localtime", lambda *a, **k: tuesday_11)
    response = client.get("/assets/", {"q": "Zzz", "open_now": "on"})
    assert [s.name for s, _ in response.context["page"]] == ["Zzz Tuesday Club"]


def test_the_asset_page_says_when_it_is_next_open(client, make_asset, monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    service = make_asset("t:tue", name="Tuesday Club", opening_times="TU,TH 10:00-12:00")
    monday_9 = datetime(2025, 6, 2, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    monkeypatch.setattr(timezone, "localtime", lambda *a, **k: monday_9)
    html = client.get(f"/assets/{service.id}/").content.decode()
    assert "Opens tomorrow at 10:00" in html
    monkeypatch.setattr(timezone, "localtime", lambda *a, **k: monday_9.replace(day=3, hour=11))
    html = client.get(f"/assets/{service.id}/").content.decode()
    assert "Open now until 12:00" in html


def test_overdue_reviews_are_flagged_on_the_asset_page(client, make_asset):
    service = make_asset("t:old", review_due="2020-01-01")
    html = client.get(f"/assets/{service.id}/").content.decode()
    assert "Overdue" in html and "may be out of date" in html


def test_problem_reports_are_emailed_to_the_owner_and_moderators(
    client, make_asset, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.web.ladder import ladder_user

    mod = ladder_user("moderator")
    mod.email = "mod@example.org"
    mod.save()
    service = make_asset("t:1", email="owner@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/assets/{service.id}/report/", {"kind": "closed", "details": "Shut"})
    assert [m.to for m in mailoutbox] == [["mod@example.org", "owner@example.org"]]
    assert "It has closed" in mailoutbox[0].body and "Shut" in mailoutbox[0].body


def test_freshness_counts_checked_overdue_and_undated_assets(client, make_asset,
                                                             django_user_model):
    from rescomm.web.assets.services import mark_verified

    make_asset("t:overdue", category="zz_test", review_due="2020-01-01")
    mark_verified(make_asset("t:checked", category="zz_test"),
                  actor=django_user_model.objects.create(username="checker"))
    make_asset("t:undated", category="zz_test")
    response = client.get("/assets/freshness/")
    assert response.status_code == 200
    row = next(r for r in response.context["by_category"] if r["category"] == "zz_test")
    assert (row["total"], row["checked"], row["overdue"], row["no_date"]) == (3, 1, 1, 1)
    liverpool = next(r for r in response.context["by_area"]
                     if r["service_at_locations__location__lad_code"] == "E08000012")
    assert liverpool["label"] == "Liverpool" and liverpool["total"] > 3


def test_the_coverage_page_summarises_deserts_for_a_local_authority(client, db):
    response = client.get("/assets/coverage/", {"area": "E06000006"})
    assert response.status_code == 200
    rows = {r["group"]: r for r in response.context["rows"]}
    assert rows["GP practice"]["areas"] == 80
    assert 0 < rows["GP practice"]["median_m"] < 3000
    assert 0 <= rows["Green space"]["desert_population"] <= 130_000
    assert b"Halton" in response.content


def test_the_coverage_page_refuses_an_unknown_area(client, db):
    response = client.get("/assets/coverage/", {"area": "<script>"})
    assert response.status_code == 400
    assert b"Choose a local authority in Cheshire and Merseyside" in response.content


def test_the_unfiltered_list_pages_every_published_asset_by_name(client, db):
    # Regression: the unfiltered list once loaded every asset with its locations in one
    # prefetch, which SQLite refused ("Expression tree is too large") from about 1,000 assets
    # (the demo has 3,733); 1,200 more are imported here on top of the Halton and Liverpool ones.
    from rescomm.web.assets.importer import import_assets

    from .conftest import record

    import_assets([record(f"t:bulk{i}", name=f"Bulk hall {i:04d}") for i in range(1200)],
                  source="tests")
    published = Service.objects.filter(asset_status=AssetStatus.PUBLISHED)
    response = client.get("/assets/")
    assert response.status_code == 200
    assert response.context["total"] == published.count()
    names = [s.name for s, _ in response.context["page"].object_list]
    assert names == list(published.order_by("name", "id").values_list("name", flat=True)[:25])
    markers = response.context["markers"]
    if response.context["map_all"]:
        shown = published.filter(hide_exact_location=False,
                                 service_at_locations__location__latitude__isnull=False)
        assert len(markers) == shown.distinct().count()
    else:
        assert 0 < len(markers) <= 25
    last = client.get("/assets/", {"page": response.context["page"].paginator.num_pages})
    assert last.status_code == 200 and last.context["page"].object_list


def test_the_coverage_page_changes_when_an_asset_leaves_the_published_set(client, db):
    """The cached summary is keyed by the newest change to any asset and the number
    published, so hiding assets (which the published set alone would not show) recomputes it."""
    from rescomm.web.assets.models import AssetStatus, Service
    from rescomm.web.assets.services import set_status

    before = {r["group"]: r for r in client.get("/assets/coverage/",
                                                {"area": "E06000006"}).context["rows"]}
    gps = Service.objects.filter(asset_status=AssetStatus.PUBLISHED, category="gp_practice",
                                 service_at_locations__location__lad_code="E06000006")
    assert gps.count() > 5
    for service in gps:
        set_status(service, AssetStatus.HIDDEN, actor=None, reason="test")
    after = {r["group"]: r for r in client.get("/assets/coverage/",
                                               {"area": "E06000006"}).context["rows"]}
    assert after["GP practice"]["median_m"] > before["GP practice"]["median_m"]
