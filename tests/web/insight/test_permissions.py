"""Permission ladder for every URL of the insight app (all public): see ``ladder.py``.

The index pages and ``/api/index/`` publish open aggregate statistics (no personal data), so
every role, signed in or not, gets 200; the ladder keeps that a declared, tested decision."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.roles import Role

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


#: Published indices are open aggregate statistics (no personal data): everyone gets 200,
#: anonymous, signed in without permissions, in any role, and with an API token.
EVERYONE = ["anonymous", "signed_in", *Role.values, "token:signed_in"]
INDEX_LADDER = [
    Access(url, dict.fromkeys(EVERYONE, 200))
    for url in [
        "/index/",
        "/index/imd2025/",
        "/index/imd2025/?node=income&sort=score&order=desc&page=2",
        "/index/imd2025/results.csv",
        f"/index/imd2025/{LIVE_POSTCODE_LSOA21}/",
        "/api/index/runs",
        "/api/index/runs/imd2025",
        "/api/index/runs/imd2025/results?page=2",
        "/api/index/runs/imd2025/deciles?node=income",
        f"/api/index/runs/imd2025/areas/{LIVE_POSTCODE_LSOA21}",
    ]
]


@pytest.mark.django_db
@pytest.mark.parametrize(("access", "role", "expected"), list(cases(INDEX_LADDER)), ids=case_id)
def test_index_pages_and_api_answer_everyone(access, role, expected):
    assert_ladder(access, role, expected)
