"""One JSON error shape for every 4xx/5xx, API and non-API JSON alike (see docs/web.md)."""

from __future__ import annotations

import pytest
from django.test import Client

from rescomm.web.core.errors import error_payload, wants_json


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) <= {"status", "code", "message", "fields"}
    assert {"status", "code", "message"} <= set(error)
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if "fields" in error:
        assert all(
            isinstance(msgs, list) and all(isinstance(m, str) for m in msgs)
            for msgs in error["fields"].values()
        )
    if code is not None:
        assert error["code"] == code
    return error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "status", "code"),
    [
        ("get", "/api/areas/lsoa21/not-a-code", 400, "invalid_request"),
        ("get", "/api/areas/lsoa21.geojson?lad=nonsense", 400, "invalid_request"),
        ("get", "/api/areas/lsoa21/E01999999", 404, "not_found"),
        ("get", "/api/no-such-endpoint", 404, "not_found"),
        ("post", "/api/areas/lsoa21/E01033756", 405, "method_not_allowed"),
        ("delete", "/healthz", 405, "method_not_allowed"),
    ],
)
def test_api_errors_have_the_one_shape(client, method, url, status, code):
    assert_error_shape(getattr(client, method)(url), status, code)


@pytest.mark.django_db
def test_validation_errors_name_the_field(client):
    error = assert_error_shape(client.get("/api/areas/lsoa21.geojson?lad=nonsense"), 400)
    assert list(error["fields"]) == ["lad"]


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_reference_and_schema_only_answer_get_and_head(client, url, method):
    response = getattr(client, method)(url)
    assert_error_shape(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD"
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200


@pytest.mark.django_db
def test_method_not_allowed_keeps_the_allow_header(client):
    response = client.post("/healthz")
    assert_error_shape(response, 405)
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_unhandled_api_exception_is_a_500_in_the_shape(monkeypatch, client):
    from rescomm.web.areas import queries

    def explode(code):
        raise RuntimeError("boom: secret internals")

    monkeypatch.setattr(queries, "get_lsoa", explode)
    error = assert_error_shape(client.get("/api/areas/lsoa21/E01033756"), 500, "server_error")
    assert "boom" not in error["message"]


@pytest.mark.django_db
def test_unhandled_page_exception_is_a_500_in_the_shape_for_json_clients(monkeypatch):
    from rescomm.web.insight import views

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_legend", explode)
    client = Client(raise_request_exception=False)
    json_response = client.get("/", HTTP_ACCEPT="application/json")
    assert_error_shape(json_response, 500, "server_error")
    html_response = client.get("/", HTTP_ACCEPT="text/html")
    assert html_response.status_code == 500
    assert b"Sorry, there is a problem with the service" in html_response.content


@pytest.mark.django_db
def test_page_not_found_is_json_for_json_clients_and_html_for_browsers(client):
    assert_error_shape(client.get("/no/such/page/", HTTP_ACCEPT="application/json"), 404)
    html = client.get("/no/such/page/", HTTP_ACCEPT="text/html")
    assert html.status_code == 404
    assert b"Page not found" in html.content


@pytest.mark.django_db
def test_permission_denied_in_the_api_is_a_403_in_the_shape(monkeypatch, client):
    from django.core.exceptions import PermissionDenied

    from rescomm.web.areas import queries

    def deny(code):
        raise PermissionDenied("Not for you.")

    monkeypatch.setattr(queries, "get_lsoa", deny)
    error = assert_error_shape(client.get("/api/areas/lsoa21/E01033756"), 403, "forbidden")
    assert error["message"] == "Not for you."


def test_error_payload_leaves_out_fields_when_there_are_none():
    assert error_payload(404) == {
        "error": {"status": 404, "code": "not_found", "message": "Not Found"}
    }
    assert error_payload(400, fields={"x": ("bad",)})["error"]["fields"] == {"x": ["bad"]}


@pytest.mark.parametrize(
    ("path", "accept", "expected"),
    [
        ("/api/anything", "text/html", True),
        ("/healthz", "", True),
        ("/", "application/json", True),
        ("/", "text/html,application/xhtml+xml,*/*;q=0.8", False),
        ("/", "*/*", False),
    ],
)
def test_wants_json_follows_path_and_accept_header(rf, path, accept, expected):
    assert wants_json(rf.get(path, HTTP_ACCEPT=accept)) is expected
