"""Who may do what: role checks, a view decorator for pages, and django-ninja auth classes.

Roles come only from active :class:`~.models.Membership` rows of active users. Django's
``is_superuser`` and ``is_staff`` grant no role here (need-to-know access, NDG standard 4).

Pages use :func:`role_required`; API operations use ``auth=TokenAuth()`` (bearer tokens only) or
``auth=RoleAuth(...)`` (bearer token, or the signed-in session with a CSRF check). Every refusal
is in the project's error shape: anonymous -> sign-in redirect (pages) or 401 (API); signed in
without the role -> 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from rescomm.web.core.errors import json_error, wants_json

from .models import Membership, Organisation
from .roles import Role, role_label
from .tokens import authenticate_bearer


def _active_memberships(user) -> QuerySet[Membership]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, active=True)


def has_role(user, role: str, organisation: Organisation | None = None) -> bool:
    """Whether ``user`` holds ``role`` (at ``organisation``, if given) in an active membership."""
    memberships = _active_memberships(user).filter(role=role)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships.exists()


def roles_of(user) -> set[str]:
    """Every role ``user`` holds in at least one organisation."""
    return set(_active_memberships(user).values_list("role", flat=True))


def organisations_for(user, role: str) -> QuerySet[Organisation]:
    """The organisations where ``user`` holds ``role`` (none for anonymous/inactive users)."""
    ids = _active_memberships(user).filter(role=role).values("organisation_id")
    return Organisation.objects.filter(pk__in=ids)


def _first_held(user, roles: Iterable[str]) -> str | None:
    held = roles_of(user)
    return next((role for role in roles if role in held), None)


def _refusal(roles: tuple[str, ...]) -> str:
    names = " or ".join(role_label(role).lower() for role in roles)
    return f"This is only for people with the role {names}. Ask an administrator if you need it."


def authorise(request: HttpRequest, user, roles: tuple[str, ...],
              memberships: list[tuple[str, int, str]] | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds one of ``roles`` (any role if empty).

    Records the role that allowed it as ``request.acting_role`` (the audit log's actor role)
    and the user's active memberships as ``request.memberships``: ``(role, organisation_id,
    profession)`` tuples, oldest first. ``memberships`` passes those when the caller has
    already read them (the bearer-token check does, in the same query as the token).
    """
    if not roles:
        if memberships is not None:
            request.memberships = memberships
        request.acting_role = ""
        return
    # One query for both the check and later use: (role, organisation id, profession) of each
    # active membership, oldest first, kept as ``request.memberships`` for this request.
    rows = memberships if memberships is not None else list(
        _active_memberships(user).order_by("pk")
        .values_list("role", "organisation_id", "profession"))
    request.memberships = rows
    held = {row[0] for row in rows}
    role = next((role for role in roles if role in held), None)
    if role is None:
        raise PermissionDenied(_refusal(roles))
    request.acting_role = role


def role_required(*roles: str) -> Callable:
    """View decorator: the signed-in user must hold one of ``roles`` (with no roles: any
    signed-in user).

    Anonymous requests are redirected to sign in (HTML) or get 401 (JSON, with
    ``WWW-Authenticate: Bearer``); signed-in users without the role get 403. The decorated view
    keeps the roles in ``view.required_roles`` so they can be listed and tested.
    """
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(unknown)}; choose from {Role.values}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                if wants_json(request):
                    response = json_error(401, "unauthorized", "Sign in or send an API token.")
                    response["WWW-Authenticate"] = "Bearer"
                    return response
                return redirect_to_login(request.get_full_path())
            authorise(request, request.user, roles)
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator


class TokenAuth(HttpBearer):
    """django-ninja auth: ``Authorization: Bearer rct_...`` for a usable API token.

    ``TokenAuth()`` accepts any usable token; ``TokenAuth(Role.COMMISSIONER, ...)`` also needs
    one of the roles (403 otherwise). On success ``request.user`` is the token's user,
    ``request.api_token`` the token and ``request.auth`` the user.
    """

    def __init__(self, *roles: str):
        super().__init__()
        unknown = [role for role in roles if role not in Role.values]
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(unknown)}")
        self.roles = tuple(roles)

    def authenticate(self, request: HttpRequest, token: str):
        bearer = authenticate_bearer(token)
        if bearer is None:
            return None
        user = bearer.token.user
        request.user = user
        request.api_token = bearer.token
        authorise(request, user, self.roles, bearer.memberships)
        return user


class RoleAuth(TokenAuth):
    """django-ninja auth for operations used both by scripts and by pages' JavaScript: a bearer
    token as :class:`TokenAuth`, else the signed-in session (unsafe methods need the CSRF token).

    A request that sends an ``Authorization`` header is judged on it alone.
    """

    def __call__(self, request: HttpRequest):
        if request.headers.get(self.header):
            return super().__call__(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "The CSRF token is missing or wrong. Reload the page and retry.")
        authorise(request, user, self.roles)
        return user
