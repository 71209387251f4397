"""Middleware that keeps every error in the one shape, and sets security headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse

from .errors import SHAPED_ATTRIBUTE, error_response, wants_json
from .maptiles import image_origins


@cache
def content_security_policy(image_sources: tuple[str, ...] = ()) -> str:
    """The policy sent with every response: only our own origin may provide scripts, styles,
    images, fonts and answer requests; ``image_sources`` (the map's tile service) may provide
    images and nothing else."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["img-src 'self' data:", *image_sources]),
            "style-src 'self' 'unsafe-inline'",
            "script-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


#: The policy with no tile service (tiles off): our own origin only.
CONTENT_SECURITY_POLICY = content_security_policy()


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
    """Add a Content-Security-Policy unless a view set one: no third-party origins, except the
    map's tile service for images (``settings.MAP_TILES``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy",
                                    content_security_policy(image_origins()))
        return response
