"""Permission ladders: who may do what, declared as data and checked the same way everywhere.

Each app's README lists its URLs and who may use them; its tests declare the same table as a
list of :class:`Access` rows and run :func:`assert_ladder` over every (row, role) pair. A role is
a named way of preparing a test client (anonymous, signed in without permissions, ...); later
apps add roles to :data:`ROLES` (e.g. a link worker, a moderator) and rows with their statuses:
anonymous -> 302 to login or 401, no permission -> 403, wrong permission -> 403, right -> 200.
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
