"""Insight pages: the home map, the LSOA table, the LSOA page, the sources page."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from ..factories import (
    APPROX_POSTCODE,
    APPROX_POSTCODE_LSOA21,
    HALTON,
    LIVE_POSTCODE,
    LIVE_POSTCODE_LSOA21,
    LIVE_POSTCODE_LSOA21_NAME,
    SPLIT_LSOA11,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_home_page_has_landmarks_skip_link_and_attribution(client):
    page = html(client.get("/"))
    assert '<a href="#main-content" class="skip-link">' in page
    for landmark in ("<header", "<nav", '<main class="main" id="main-content"', "<footer"):
        assert landmark in page
    assert "Contains OS data © Crown copyright and database right 2025." in page
    assert 'href="/about/data/"' in page


def test_home_map_links_every_lsoa_with_a_title_and_a_decile_class(client):
    page = html(client.get("/"))
    svg = page.split('<svg class="choropleth"', 1)[1].split("</svg>", 1)[0]
    links = re.findall(r'<a href="/areas/lsoa21/(E01\d{6})/"><title>([^<]+)</title>', svg)
    assert len(links) == 80 + 302
    assert all("decile" in title for _, title in links)
    assert len(re.findall(r'class="d(?:10|[1-9])"', svg)) == 80 + 302


def test_home_page_has_legend_and_la_summary_table(client):
    page = html(client.get("/"))
    assert "1 (most deprived)" in page and "10 (least deprived)" in page
    assert f'href="/areas/lsoa21/?lad={HALTON}">Halton</a>' in page
    assert '<th scope="col" class="numeric">Total</th>' in page


def test_home_page_includes_leaflet_only_from_local_static_files(client, settings):
    page = html(client.get("/"))
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    assert re.search(r'<(script|link)[^>]+(src|href)="https?://', page) is None


def test_home_page_stays_small_for_the_whole_region(client):
    from rescomm.web.areas.services import load_demo

    load_demo()  # all nine authorities, inside this test's transaction
    cache.clear()
    response = client.get("/")
    svg = html(response).split('<svg class="choropleth"')[1].split("</svg>")[0]
    assert svg.count("<a href=") == 1601
    assert len(response.content) < 400_000


def test_home_map_is_rendered_once_per_data_version(client, django_assert_max_num_queries):
    cache.clear()
    client.get("/")
    with django_assert_max_num_queries(4):
        client.get("/")


def test_lsoa_table_lists_filters_and_sorts(client):
    page = html(client.get(f"/areas/lsoa21/?lad={HALTON}&sort=name&order=desc"))
    assert "80 areas" in page
    names = re.findall(r"<td>(Halton \d{3}[A-Z])</td>", page)
    assert names == sorted(names, reverse=True)
    assert 'aria-sort="descending"' in page


def test_lsoa_table_rejects_an_unknown_authority_with_an_error_summary(client):
    response = client.get("/areas/lsoa21/?lad=E09000001")
    assert response.status_code == 400
    page = html(response)
    assert "There is a problem" in page
    assert "<title>Error: " in page


def test_lsoa_table_paginates(client):
    page = html(client.get("/areas/lsoa21/"))
    assert "Page 1 of 4" in page
    assert 'rel="next"' in page


def test_lsoa_page_shows_parents_population_and_every_domain(client):
    page = html(client.get(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/"))
    assert f'<h1 class="heading-l">{LIVE_POSTCODE_LSOA21_NAME}</h1>' in page
    for text in (
        "Liverpool (E08000012)",
        "NHS Cheshire and Merseyside Integrated Care Board",
        "North West",
        "Census 2021",
        "33,755",
        "1 = most deprived",
        "Health deprivation and disability",
        "Outdoors living environment",
        "85+",
    ):
        assert text in page, text
    assert '<svg class="outline"' in page


def test_lsoa_page_for_an_unknown_code_is_a_404_page(client):
    response = client.get("/areas/lsoa21/E01999999/")
    assert response.status_code == 404
    assert "Area not found" in html(response)


def test_lsoa_page_for_a_2011_code_says_so_and_links_the_2021_areas(client):
    response = client.get(f"/areas/lsoa21/{SPLIT_LSOA11}/")
    assert response.status_code == 404
    page = html(response)
    assert f"{SPLIT_LSOA11} is a 2011 area code" in page
    assert 'href="/areas/lsoa21/E01035382/"' in page


def test_lsoa_page_confirms_the_postcode_it_was_found_by(client):
    page = html(client.get(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/?postcode={LIVE_POSTCODE}"))
    assert f"The postcode <strong>{LIVE_POSTCODE}</strong> is in this area." in page
    assert "approximate" not in page


def test_lsoa_page_says_when_the_postcode_match_is_approximate(client):
    url = f"/areas/lsoa21/{APPROX_POSTCODE_LSOA21}/?postcode={APPROX_POSTCODE}"
    assert "approximate match" in html(client.get(url))


def test_lsoa_page_ignores_a_postcode_that_is_not_in_the_area(client):
    page = html(client.get(f"/areas/lsoa21/{APPROX_POSTCODE_LSOA21}/?postcode={LIVE_POSTCODE}"))
    assert "is in this area" not in page


def test_sources_page_lists_every_bundled_table_with_attribution(client):
    page = html(client.get("/about/data/"))
    assert "boundaries_lsoa21_cm" in page
    assert "iod2025_lsoa21_cm" in page
    assert "Open Government Licence" in page


def test_home_page_without_data_tells_how_to_load_it(client):
    from rescomm.web.areas.models import DataLoad, Lsoa21

    DataLoad.objects.all().delete()
    Lsoa21.objects.all().delete()
    page = html(client.get("/"))
    assert "No data has been loaded yet" in page


def test_pages_work_without_node_modules(client, monkeypatch):
    from rescomm.web.core.templatetags import vendor

    monkeypatch.setattr(vendor, "_available", lambda path: False)
    page = html(client.get("/"))
    assert "leaflet" not in page
    assert '<svg class="choropleth"' in page


def test_a_lower_case_lsoa_code_redirects_to_the_canonical_page(client):
    response = client.get(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/"
