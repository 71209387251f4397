"""Health check and the project's error handlers (all answer in the one error shape)."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health
from .errors import error_response, json_error

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """``GET /healthz``: 200 ``{"status": "ok", "database": "ok"}``, or 503 in the error shape."""
    try:
        health.check_database()
    except DatabaseError as exc:
        logger.error("health check: database unavailable: %s", exc)
        return json_error(503, "database_unavailable", "The database is not answering.")
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``GET /favicon.ico``: a permanent redirect to the site's own icon (``core/favicon.svg``,
    also linked from every page), for browsers and tools that ask for the old name."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("core/favicon.svg"))


def _message(exception: BaseException | None, default: str) -> str:
    # Only messages we raise on purpose (Http404("...") / PermissionDenied("...")) are shown;
    # Django's own resolver details (a dict) never reach the page.
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        return exception.args[0]
    return default


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return error_response(request, 400, message="The request could not be understood.")


def permission_denied(request: HttpRequest, exception: BaseException | None = None):
    message = _message(exception, "You do not have permission to see this page.")
    return error_response(request, 403, message=message)


def page_not_found(request: HttpRequest, exception: BaseException | None = None):
    message = _message(exception, "There is no page at this address.")
    return error_response(request, 404, message=message)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response(
        request, 500, message="Something went wrong on our side. Please try again later."
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(
        request,
        403,
        "csrf_failed",
        "The form had expired or was sent from another site. Go back, reload and try again.",
    )
