"""Permission ladder for every accounts page and endpoint (the table in the app's README)."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.roles import PERSONAL_DATA_ROLES, Role

from ..ladder import Access, assert_ladder, case_id, cases, restricted

API_URLS = __name__.rsplit(".", 1)[0] + ".api_urls"

PAGES = [
    restricted("/accounts/me/", None),
    restricted("/accounts/password/", None),
    restricted("/accounts/password/changed/", None),
    restricted("/accounts/people/", (Role.ADMINISTRATOR,)),
    restricted("/accounts/people/?q=demo&page=2", (Role.ADMINISTRATOR,)),
    restricted("/accounts/organisations/", (Role.ADMINISTRATOR,)),
    restricted("/accounts/people/invite/", (Role.ADMINISTRATOR,)),
    restricted("/accounts/people/invite/", (Role.ADMINISTRATOR,), method="post", ok=400),
    # The invitation link: anyone (a wrong or used link says it does not work).
    Access("/accounts/invite/MQ/wrong-token/", {"anonymous": 200, "signed_in": 200}),
    Access("/accounts/invite/done/", {"anonymous": 200, "signed_in": 200}),
    restricted("/accounts/audit/", (Role.ADMINISTRATOR,)),
    restricted("/accounts/audit/?action=login&since=2026-01-01", (Role.ADMINISTRATOR,)),
    # Sign-in page: anyone; signed-in people are sent on to their account.
    Access("/accounts/login/", {"anonymous": 200, "signed_in": 302, Role.REFERRER: 302}),
    # Two-factor sign-in (the ladder's force_login passes the second factor: nothing is owed,
    # so the code page sends people on; setting up is for people without an app, and the ladder
    # gives one to every role that needs it).
    Access("/accounts/two-factor/", {"anonymous": 302, "signed_in": 302,
                                     **dict.fromkeys(Role.values, 302)}, login_redirect=True),
    Access("/accounts/two-factor/setup/", {
        "anonymous": 302, "signed_in": 200,
        **{r: 302 if r in PERSONAL_DATA_ROLES else 200 for r in Role.values}},
        login_redirect=True),
    restricted("/accounts/two-factor/recovery-codes/", None),
    # Sign out is POST only.
    Access("/accounts/logout/", {"anonymous": 405, "signed_in": 405}),
    Access("/accounts/logout/", {"anonymous": 200, "signed_in": 200}, method="post"),
    # The accounts API as mounted on the project API.
    restricted("/api/accounts/me", None, api=True),
]

#: The accounts API, mounted by the test URLs under /api/test/ (see api_urls.py).
ENDPOINTS = [
    restricted("/api/test/accounts/me", None, api=True),
    restricted("/api/test/commissioners", (Role.COMMISSIONER,), api=True),
    restricted("/api/test/token-only", None, api=True, session=False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("access", "role", "expected"), list(cases(PAGES)), ids=case_id)
def test_accounts_pages_permission_ladder(access, role, expected):
    assert_ladder(access, role, expected)


@pytest.mark.django_db
@pytest.mark.urls(API_URLS)
@pytest.mark.parametrize(("access", "role", "expected"), list(cases(ENDPOINTS)), ids=case_id)
def test_accounts_api_permission_ladder(access, role, expected):
    assert_ladder(access, role, expected)


def test_restricted_builds_the_whole_ladder():
    access = restricted("/x/", (Role.MODERATOR,))
    assert access.expected["anonymous"] == 302 and access.login_redirect
    assert access.expected["signed_in"] == 403
    assert access.expected[Role.MODERATOR] == 200
    assert {access.expected[r] for r in Role.values if r != Role.MODERATOR} == {403}
    api = restricted("/api/x", (Role.MODERATOR,), api=True)
    assert api.expected["anonymous"] == api.expected["bad_token"] == 401
    assert api.expected[f"token:{Role.MODERATOR}"] == 200
    assert api.expected["token:signed_in"] == 403
