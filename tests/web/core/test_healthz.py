"""``/healthz``: 200 after a real SELECT 1; 503 in the error shape when the database fails."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from .test_errors import assert_error_shape


@pytest.mark.django_db
def test_healthz_reports_ok_after_querying_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_in_the_error_shape_when_the_database_fails(monkeypatch, client):
    from rescomm.web.core import health

    def broken():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "check_database", broken)
    error = assert_error_shape(client.get("/healthz"), 503, "database_unavailable")
    assert "connection refused" not in error["message"]
