"""``GET /api/accounts/me``: who a token or session belongs to."""

from __future__ import annotations

import pytest
from django.test import Client

from rescomm.web.accounts.roles import Role
from rescomm.web.accounts.tokens import create_token

from .factories import make_member

pytestmark = pytest.mark.django_db
API_URLS = __name__.rsplit(".", 1)[0] + ".api_urls"


@pytest.mark.urls(API_URLS)
def test_me_with_a_token_names_the_user_roles_and_the_token_used():
    member = make_member(Role.REFERRER, profession="pharmacist")
    plaintext = create_token(member.user, "pharmacy script")
    body = Client(headers={"Authorization": f"Bearer {plaintext}"}).get(
        "/api/test/accounts/me"
    ).json()
    assert body["username"] == member.user.username
    assert body["roles"] == [
        {
            "role": "referrer",
            "label": "Referrer",
            "profession": "pharmacist",
            "organisation": {
                "id": member.organisation.pk,
                "name": member.organisation.name,
                "kind": "other",
                "is_demo": False,
            },
        }
    ]
    assert body["token"]["name"] == "pharmacy script"
    assert body["token"]["prefix"] == "rct_" + plaintext.split("_")[1]
    assert plaintext not in str(body)


@pytest.mark.urls(API_URLS)
def test_me_with_a_session_has_no_token():
    member = make_member(Role.LINK_WORKER)
    client = Client()
    client.force_login(member.user)
    body = client.get("/api/test/accounts/me").json()
    assert body["token"] is None
    assert [r["role"] for r in body["roles"]] == ["link_worker"]


def test_the_accounts_router_is_mounted_on_the_project_api():
    response = Client().get("/api/accounts/me")
    assert response.status_code == 401
