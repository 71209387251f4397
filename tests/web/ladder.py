"""Permission ladders: who may do what, declared as data and checked the same way everywhere.

Each app's README lists its URLs and who may use them; its tests declare the same table as a
list of :class:`Access` rows and run :func:`assert_ladder` over every (row, role) pair. A role is
a named way of preparing a test client (anonymous, signed in without permissions, ...); later
apps add roles to :data:`ROLES` (e.g. a link worker, a moderator) and rows with their statuses:
anonymous -> 302 to login or 401, no permission -> 403, wrong permission -> 403, right -> 200.

The accounts roles are registered below: one role name per ``rescomm.web.accounts.roles.Role``
code (a session signed in as a member of "Ladder Organisation" with that role), the same with
an API token (``token:<code>``, ``token:signed_in``) and ``bad_token``. :func:`restricted` builds
the whole ladder for a URL from the roles allowed to use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.test import Client

#: Role name -> function that signs a fresh client in as that role (or leaves it anonymous).
ROLES: dict[str, Callable[[Client], Client]] = {}


def role(name: str):
    """Register a role preparer under ``name``."""

    def register(prepare: Callable[[Client], Client]) -> Callable[[Client], Client]:
        ROLES[name] = prepare
        return prepare

    return register


@role("anonymous")
def _anonymous(client: Client) -> Client:
    return client


@role("signed_in")
def _signed_in(client: Client) -> Client:
    """A signed-in user with no permissions at all."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="ladder-no-permissions")
    client.force_login(user)
    return client


PUBLIC = {"anonymous": 200, "signed_in": 200}


@dataclass(frozen=True)
class Access:
    """One URL and method, and the status each role must get."""

    url: str
    expected: dict[str, int] = field(default_factory=lambda: dict(PUBLIC))
    method: str = "get"
    #: A 302 for ``anonymous`` must go to the sign-in page, with ``next`` set.
    login_redirect: bool = False

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.url}"


def cases(ladder: list[Access]) -> Iterator[tuple[Access, str, int]]:
    """(access, role, status) triples for ``pytest.mark.parametrize``."""
    for access in ladder:
        for name, status in access.expected.items():
            yield access, name, status


def case_id(value) -> str:
    return str(value)


def assert_ladder(access: Access, role_name: str, expected: int) -> None:
    """Request ``access`` as ``role_name`` and assert the status."""
    client = ROLES[role_name](Client())
    response = getattr(client, access.method)(access.url)
    assert response.status_code == expected, (
        f"{access} as {role_name}: expected {expected}, got {response.status_code}"
    )
    if access.login_redirect and role_name == "anonymous" and expected == 302:
        from django.conf import settings
        from django.shortcuts import resolve_url

        location = response["Location"]
        assert location.startswith(resolve_url(settings.LOGIN_URL) + "?next="), location
    if expected >= 400 and response.get("Content-Type", "").startswith("application/json"):
        error = response.json()["error"]
        assert error["status"] == expected, error


# Accounts roles -------------------------------------------------------------------------------

LADDER_ORGANISATION = "Ladder Organisation"


def ladder_user(role_code: str | None = None):
    """The ladder's user for ``role_code`` (``None``: signed in, no role), created if missing."""
    from django.contrib.auth import get_user_model

    if role_code is None:
        user, _ = get_user_model().objects.get_or_create(username="ladder-no-permissions")
        return user
    from rescomm.web.accounts.models import Membership, Organisation
    from rescomm.web.accounts.roles import Profession, Role

    organisation, _ = Organisation.objects.get_or_create(
        name=LADDER_ORGANISATION, defaults={"kind": "other"}
    )
    user, _ = get_user_model().objects.get_or_create(username=f"ladder-{role_code}")
    profession = Profession.OTHER if role_code == Role.REFERRER else ""
    Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role_code, defaults={"profession": profession}
    )
    return user


def _session_as(role_code: str):
    def prepare(client: Client) -> Client:
        client.force_login(ladder_user(role_code))
        return client

    return prepare


def _token_as(role_code: str | None):
    def prepare(client: Client) -> Client:
        from rescomm.web.accounts.tokens import create_token

        token = create_token(ladder_user(role_code), "ladder")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return prepare


@role("bad_token")
def _bad_token(client: Client) -> Client:
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer rct_0000000000_not-a-real-token"
    return client


def _account_roles() -> tuple[str, ...]:
    from rescomm.web.accounts.roles import Role

    return tuple(Role.values)


ACCOUNT_ROLES = _account_roles()
for _code in ACCOUNT_ROLES:
    role(_code)(_session_as(_code))
    role(f"token:{_code}")(_token_as(_code))
role("token:signed_in")(_token_as(None))


def restricted(
    url: str,
    allowed: tuple[str, ...] | None,
    *,
    api: bool = False,
    session: bool = True,
    method: str = "get",
    ok: int = 200,
) -> Access:
    """The full ladder for a URL that needs one of ``allowed`` (``None``: anyone signed in).

    Pages: anonymous -> 302 to sign in. API (``api=True``): anonymous and ``bad_token`` -> 401,
    and each role is tried with a token too; ``session=False`` for token-only operations (a
    session then counts as anonymous: 401). Signed in with no role, or the wrong role -> 403;
    an allowed role -> ``ok``.
    """

    def status(role_code: str | None) -> int:
        if allowed is None:
            return ok
        return ok if role_code in allowed else 403

    expected = {"anonymous": 401 if api else 302}
    session_statuses = {"signed_in": status(None), **{c: status(c) for c in ACCOUNT_ROLES}}
    if api and not session:
        session_statuses = dict.fromkeys(session_statuses, 401)
    expected.update(session_statuses)
    if api:
        expected["bad_token"] = 401
        expected["token:signed_in"] = status(None)
        expected.update({f"token:{c}": status(c) for c in ACCOUNT_ROLES})
    return Access(url, expected, method, login_redirect=not api)
