"""Accounts API: ``GET /api/accounts/me`` (who a token or session belongs to, and their roles).

Mounted by ``rescomm.web.core.api`` with ``api.add_router("/accounts/", ...)``. :func:`build_router`
makes a fresh router (a django-ninja router can belong to only one API; tests mount their own).
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from rescomm.web.core.schemas import errors

from .permissions import RoleAuth
from .roles import role_label


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    is_demo: bool


class RoleOut(Schema):
    role: str
    label: str
    profession: str
    organisation: OrganisationOut


class TokenOut(Schema):
    name: str
    prefix: str
    expires_at: datetime | None


class MeOut(Schema):
    username: str
    display_name: str
    is_demo: bool
    roles: list[RoleOut]
    token: TokenOut | None = None


def me(request: HttpRequest) -> MeOut:
    """The signed-in user (session or ``Authorization: Bearer``), their active roles and, for a
    token, which token was used. 401 without credentials."""
    user = request.auth
    memberships = user.memberships.filter(active=True).select_related("organisation")
    token = getattr(request, "api_token", None)
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        is_demo=user.is_demo,
        roles=[
            RoleOut(
                role=m.role,
                label=role_label(m.role),
                profession=m.profession,
                organisation=OrganisationOut(
                    id=m.organisation.pk,
                    name=m.organisation.name,
                    kind=m.organisation.kind,
                    is_demo=m.organisation.is_demo,
                ),
            )
            for m in memberships
        ],
        token=TokenOut(name=token.name, prefix=token.display_prefix, expires_at=token.expires_at)
        if token is not None
        else None,
    )


def build_router() -> Router:
    """A new router with the accounts operations."""
    router = Router(tags=["accounts"])
    router.add_api_operation(
        "/me", ["GET"], me, auth=RoleAuth(), response={200: MeOut, **errors(401)},
        url_name="accounts_me",
        summary="Who am I",
    )
    return router


router = build_router()
