"""Core pages: API docs work offline, security headers are sent."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_api_docs_list_every_operation_without_javascript_or_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for path in (
        "/api/areas/lsoa21/{code}",
        "/api/areas/lsoa21.geojson",
        "/api/postcodes/{postcode}",
    ):
        assert path in html
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "https://" not in html.split("<body", 1)[1].split("</main>")[0].replace(
        "https://www.nationalarchives.gov.uk", ""
    )


@pytest.mark.django_db
def test_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert {
        "/api/areas/lsoa21/{code}",
        "/api/areas/lsoa21.geojson",
        "/api/postcodes/{postcode}",
    } <= set(schema["paths"])


@pytest.mark.django_db
def test_swagger_assets_are_served_locally(client):
    response = client.get("/static/ninja/swagger-ui-bundle.js")
    assert response.status_code == 200


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_third_party_origins(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy


@pytest.mark.django_db
def test_every_page_links_the_sites_own_icon_which_is_served_and_allowed_by_the_policy(client):
    page = client.get("/")
    html = page.content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">' in html
    assert "img-src 'self'" in page["Content-Security-Policy"]
    icon = client.get("/static/core/favicon.svg")
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body.startswith(b"<svg") and b"<script" not in body
    assert icon["Content-Type"].startswith("image/svg+xml")


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/core/favicon.svg"
