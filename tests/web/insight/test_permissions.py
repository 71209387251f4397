"""Permission ladder for every URL of the project (all public for now): see ``ladder.py``."""

from __future__ import annotations

import pytest

from ..factories import HALTON, LIVE_POSTCODE, LIVE_POSTCODE_LSOA21
from ..ladder import Access, assert_ladder, case_id, cases

LADDER = [
    Access("/"),
    Access("/search/"),
    Access(f"/search/?postcode={LIVE_POSTCODE}", {"anonymous": 302, "signed_in": 302}),
    Access("/areas/lsoa21/"),
    Access(f"/areas/lsoa21/?lad={HALTON}"),
    Access(f"/areas/lsoa21/{LIVE_POSTCODE_LSOA21}/"),
    Access("/about/data/"),
    Access("/healthz"),
    Access("/api/docs"),
    Access("/api/openapi.json"),
    Access(f"/api/areas/lsoa21/{LIVE_POSTCODE_LSOA21}"),
    Access(f"/api/areas/lsoa21.geojson?lad={HALTON}"),
    Access(f"/api/postcodes/{LIVE_POSTCODE}"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("access", "role", "expected"), list(cases(LADDER)), ids=case_id)
def test_permission_ladder(access, role, expected):
    assert_ladder(access, role, expected)
