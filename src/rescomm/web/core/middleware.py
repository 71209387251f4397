"""Middleware that keeps every error in the one shape, and sets security headers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .errors import SHAPED_ATTRIBUTE, error_response, wants_json

#: Sent with every response: only our own origin may provide scripts, styles, images, fonts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ErrorShapeMiddleware:
    """Replace bare 4xx/5xx responses (e.g. Django's empty 405) with the error shape.

    Responses already built by :mod:`rescomm.web.core.errors`, and HTML pages that carry their
    own content (a form re-rendered with errors), pass through unchanged. Headers such as
    ``Allow`` are kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or getattr(response, SHAPED_ATTRIBUTE, False):
            return response
        if getattr(response, "streaming", False):
            return response
        content_type = response.get("Content-Type", "")
        if wants_json(request):
            if content_type.startswith("application/json") and _is_shaped_json(response):
                return response
        elif response.content and content_type.startswith("text/html"):
            return response
        shaped = error_response(request, response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                shaped[header] = response[header]
        return shaped


def _is_shaped_json(response: HttpResponse) -> bool:
    import json

    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


class SecurityHeadersMiddleware:
    """Add a Content-Security-Policy (no third-party origins) unless a view set one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
