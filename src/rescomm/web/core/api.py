"""The JSON API instance (django-ninja), mounted at ``/api/``; each app adds its own router.

Every error leaves in the one shape of :mod:`rescomm.web.core.errors`; validation errors are 400
with ``fields`` (one list of messages per parameter).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .docs import OfflineDocs
from .errors import ApiError, json_error

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="rescomm API",
    version="1",
    description=(
        "Open data for Cheshire & Merseyside small areas (LSOA 2021): geography, population and "
        "the English Indices of Deprivation 2025; published composite indices (`/api/index/`, "
        "open); the indicator store's time series with their releases (`/api/indicators/`, "
        "open); the Open Referral UK directory of community "
        "assets (`/api/oruk/`, open); and social-prescribing referrals (`/api/referrals`, "
        "`Authorization: Bearer TOKEN` required). Every error has the shape "
        '`{"error": {"status": 404, "code": "not_found", "message": "...", "fields": {...}}}` '
        "(`fields` only for invalid parameters)."
    ),
    urls_namespace="api",
    docs=OfflineDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    # /api/docs and /api/openapi.json answer GET and HEAD; any other method is 405 (with Allow)
    docs_decorator=require_safe,
)


def _field_name(location: tuple | list) -> str:
    # ("query", "lad") -> "lad"; ("path", "code") -> "code"; ("body", "item", "x") -> "item.x"
    parts = [str(p) for p in location if p not in ("query", "path", "body", "header", "cookie")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg")))
    return json_error(400, "invalid_request", "Some parameters are not valid.", fields)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else None
    return json_error(404, "not_found", message or "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = exc.args[0] if exc.args and isinstance(exc.args[0], str) else None
    return json_error(403, "forbidden", message or "You do not have permission to do this.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return json_error(401, "unauthorized", "Authentication is required.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return json_error(exc.status_code, None, str(exc))


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return json_error(exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in API %s %s", request.method, request.path, exc_info=exc)
    return json_error(500, "server_error", "Something went wrong on our side.")


api.add_router("/areas/", "rescomm.web.areas.api.areas_router")
api.add_router("/postcodes/", "rescomm.web.areas.api.postcodes_router")
api.add_router("/accounts/", "rescomm.web.accounts.api.router")
api.add_router("/referrals", "rescomm.web.prescribing.api.router")
api.add_router("/oruk/", "rescomm.web.assets.api.router")
api.add_router("/index/", "rescomm.web.insight.api.router")
api.add_router("/indicators/", "rescomm.web.profiles.api.router")
