"""Template context for the site navigation: whether to show "Social prescribing".

The link goes to ``/prescribing/``, which sends each role to its own page; only the roles
that have one see the link (an administrator or a moderator would get a 403).
"""

from __future__ import annotations

from django.http import HttpRequest

from rescomm.web.accounts.public import roles_of

from .views import HOME_FOR_ROLE

#: The roles ``/prescribing/`` has a page for.
NAV_ROLES = frozenset(role for role, _ in HOME_FOR_ROLE)


def navigation(request: HttpRequest) -> dict:
    """``can_open_prescribing``: evaluated only if a template asks (one query, or none when
    the permission check already read the memberships)."""

    def can_open_prescribing() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        memberships = getattr(request, "memberships", None)
        held = {row[0] for row in memberships} if memberships is not None else roles_of(user)
        return bool(NAV_ROLES & held)

    return {"can_open_prescribing": can_open_prescribing}
