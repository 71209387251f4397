"""Fixtures for the asset-map tests: records built by factory functions."""

from __future__ import annotations

import pytest


def record(source_id: str = "test:1", **fields) -> dict:
    """A valid import record (a Liverpool place) with ``fields`` overriding the defaults."""
    base = {
        "source_id": source_id,
        "name": "Kensington Community Centre",
        "description": "Community centre with a cafe and weekly groups.",
        "category": "community_centre",
        "asset_kind": "place",
        "capitals": "social;built",
        "needs": "loneliness",
        "address": "1 Example Street",
        "city": "Liverpool",
        "postcode": "L1 8JQ",
        "phone": "0151 000 0000",
        "email": "hello@example.org",
        "url": "https://example.org/",
        "opening_times": "MO,TU,WE 09:00-17:00; SA 10:00-12:00",
        "accessibility": "Step-free entrance",
        "transportation": "Bus 17 stops outside",
        "source": "Test fixture",
        "licence": "OGL-UK-3.0",
        "is_example": True,
    }
    base.update(fields)
    return base


@pytest.fixture
def make_asset(db):
    """``make_asset(source_id, **fields)`` imports one record and returns its Service."""
    from rescomm.web.assets.importer import import_assets
    from rescomm.web.assets.models import Service

    def make(source_id: str = "test:1", **fields):
        import_assets([record(source_id, **fields)], source="tests")
        return Service.objects.get(source_id=source_id)

    return make



@pytest.fixture(autouse=True)
def _stored_documents_are_fresh(request):
    """After every asset test that used the database, no stored ORUK document is stale: each
    path that changed an asset (import, revert, status, verification, moderation, ...) rebuilt
    them (``rescomm.web.assets.documents``)."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in names or "demo_data" in names or (
            marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker:
        request.getfixturevalue("db")
    else:
        yield
        return
    from django.db.models import Q
    from django.utils import timezone

    from rescomm.web.assets.documents import stale
    from rescomm.web.assets.models import Service

    start = timezone.now()
    yield
    # Every write path saves the service (or, for a renamed organisation, the organisation), so
    # checking what changed since the test began covers what the test did, at a fraction of
    # the cost of checking every asset (``test_documents.py`` checks them all).
    changed = Service.objects.filter(Q(last_modified__gte=start)
                                     | Q(organization__last_modified__gte=start))
    assert stale(changed.values_list("id", flat=True)) == [], \
        "stored ORUK documents are stale after this test"
