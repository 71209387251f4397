"""Factory functions for accounts tests: organisations, users and memberships."""

from __future__ import annotations

from itertools import count

from rescomm.web.accounts.models import Membership, Organisation, User
from rescomm.web.accounts.roles import OrganisationKind, Profession, Role

PASSWORD = "correct horse battery staple"  # noqa: S105 - tests only
_numbers = count(1)


def make_organisation(**fields) -> Organisation:
    defaults = {"name": f"Test Organisation {next(_numbers)}", "kind": OrganisationKind.OTHER}
    return Organisation.objects.create(**{**defaults, **fields})


def make_user(username: str | None = None, *, password: str = PASSWORD, **fields) -> User:
    user = User(username=username or f"user{next(_numbers)}", **fields)
    user.set_password(password)
    user.save()
    return user


def make_member(
    role: str,
    *,
    user: User | None = None,
    organisation: Organisation | None = None,
    profession: str | None = None,
    active: bool = True,
) -> Membership:
    if profession is None:
        profession = Profession.GP if role == Role.REFERRER else ""
    return Membership.objects.create(
        user=user or make_user(),
        organisation=organisation or make_organisation(),
        role=role,
        profession=profession,
        active=active,
    )
