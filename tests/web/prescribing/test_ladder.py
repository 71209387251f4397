"""Permission ladders for every social prescribing page and endpoint (see the app README).

The ladder users (``tests/web/ladder.py``) belong to "Ladder Organisation", which is not a
scheme and made no referral, so where a role passes the role check the object-level check
still answers 404 for a referral they may not see. Object-level access for the right people is
tested below the ladders.
"""

from __future__ import annotations

import uuid

import pytest
from tests.web.ladder import ACCOUNT_ROLES, Access, assert_ladder, case_id, cases, restricted

from rescomm.web.prescribing import services

from .conftest import valid_payload

REFERRAL_ID = uuid.UUID("6f1c3a52-0d4e-4b8a-9c57-2b1e8f4d9a10")
DETAIL = f"/prescribing/referrals/{REFERRAL_ID}/"


def _object_level(url: str, allowed: tuple[str, ...], *, method: str = "get") -> Access:
    """Role check first (403 for other roles), then 404: the ladder users cannot see it."""
    access = restricted(url, allowed, method=method)
    expected = {role: (404 if status == 200 else status) for role, status in
                access.expected.items()}
    return Access(url, expected, method, login_redirect=True)


def _api_object_level(url: str) -> Access:
    expected = {"anonymous": 401, "bad_token": 401, "signed_in": 404, "token:signed_in": 404}
    for role_code in ACCOUNT_ROLES:
        expected[role_code] = 404
        expected[f"token:{role_code}"] = 404
    return Access(url, expected)


LADDER = [
    restricted("/prescribing/", ("referrer", "link_worker", "provider_staff", "service_manager",
                                 "commissioner"), ok=302),
    restricted("/prescribing/onward/", ("provider_staff",)),
    restricted("/prescribing/service-levels/", ("service_manager",)),
    restricted("/prescribing/agreements/", ("service_manager",)),
    restricted("/prescribing/outcomes/", ("link_worker", "service_manager")),
    restricted("/prescribing/flow/", ("service_manager",)),
    restricted("/prescribing/agreements/new/", ("service_manager",)),
    restricted("/prescribing/agreements/new/", ("service_manager",), method="post", ok=400),
    _object_level("/prescribing/agreements/999999/", ("service_manager",)),
    _object_level("/prescribing/agreements/999999/", ("service_manager",), method="post"),
    restricted("/prescribing/capacity/", ("provider_staff",), method="post", ok=400),
    restricted("/prescribing/capacity/areas/", ("commissioner", "service_manager")),
    restricted("/prescribing/providers/", ("service_manager", "administrator")),
    restricted("/prescribing/providers/link/", ("service_manager", "administrator"),
               method="post", ok=400),
    restricted("/prescribing/providers/unlink/", ("service_manager", "administrator"),
               method="post", ok=400),
    _object_level("/prescribing/onward/0b7e9a52-51c4-4f0e-8f0a-6d2c1e3b4a55/start/",
                  ("provider_staff",), method="post"),
    _object_level("/prescribing/onward/0b7e9a52-51c4-4f0e-8f0a-6d2c1e3b4a55/respond/",
                  ("provider_staff",),
                  method="post"),
    restricted("/prescribing/referrals/new/", ("referrer",)),
    restricted("/prescribing/referrals/new/", ("referrer",), method="post", ok=400),
    restricted("/prescribing/referrals/", ("referrer",)),
    restricted("/prescribing/self-referrals/new/", ("link_worker",)),
    restricted("/prescribing/self-referrals/new/", ("link_worker",), method="post", ok=400),
    restricted("/prescribing/caseload/", ("link_worker",)),
    restricted("/prescribing/dashboard/", ("commissioner", "service_manager")),
    restricted("/prescribing/dashboard.csv", ("commissioner", "service_manager")),
    _object_level(DETAIL, ("referrer", "link_worker")),
    _object_level(f"{DETAIL}actions/accept/", ("link_worker",), method="post"),
    _object_level(f"{DETAIL}outcomes/swemwbs/", ("link_worker",)),
    restricted("/api/referrals", ("referrer",), api=True, method="post", ok=400),
    _api_object_level(f"/api/referrals/{REFERRAL_ID}"),
    _api_object_level(f"/api/referrals/{REFERRAL_ID}/message"),
]


@pytest.fixture
def existing_referral(gp, scheme, monkeypatch):
    """A referral by ``gp`` with the fixed id the ladder URLs use."""
    monkeypatch.setattr(services.Referral._meta.get_field("id"), "_get_default",
                        lambda: REFERRAL_ID)
    clean = services.validate_referral(valid_payload())
    referral, _ = services.create_referral(gp, gp, clean)
    assert referral.pk == REFERRAL_ID
    return REFERRAL_ID


@pytest.mark.django_db
@pytest.mark.parametrize(("access", "role_name", "expected"), list(cases(LADDER)), ids=case_id)
def test_permission_ladder(access, role_name, expected, existing_referral):
    assert_ladder(access, role_name, expected)


# Object level --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("gp", 200), ("link_worker", 200), ("other_gp", 404), ("other_link_worker", 404)],
)
def test_only_the_referrer_and_the_schemes_link_workers_open_a_referral(
    client, request, existing_referral, who, status
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(DETAIL).status_code == status


def test_another_schemes_link_worker_cannot_act_on_it(client, existing_referral,
                                                       other_link_worker):
    client.force_login(other_link_worker)
    response = client.post(f"{DETAIL}actions/accept/", {"version": "1"})
    assert response.status_code == 404
    assert services.Referral.objects.get(pk=REFERRAL_ID).status == "received"


def test_the_referrer_sees_status_but_cannot_act(client, existing_referral, gp):
    client.force_login(gp)
    page = client.get(DETAIL).content.decode()
    assert "data-action=" not in page
    response = client.post(f"{DETAIL}actions/accept/", {"version": "1"})
    assert response.status_code == 403
