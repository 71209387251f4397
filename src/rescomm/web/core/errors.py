"""The one error shape for every 4xx/5xx answer, JSON or HTML.

JSON (API paths, ``/healthz``, and any request that prefers ``application/json``)::

    {"error": {"status": 404, "code": "not_found", "message": "...", "fields": {"name": ["..."]}}}

``fields`` appears only for validation errors (one list of messages per field). HTML requests get
the ``core/error.html`` page carrying the same status, code and message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

#: Default machine-readable code per status.
DEFAULT_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    410: "gone",
    413: "payload_too_large",
    429: "too_many_requests",
    500: "server_error",
    503: "service_unavailable",
}

#: Marks a response built here, so the error-shape middleware leaves it alone.
SHAPED_ATTRIBUTE = "rescomm_error_shaped"

JSON_PATH_PREFIXES = ("/api/", "/healthz")


class ApiError(Exception):
    """Raised by API operations for an expected failure with its own status and code.

    >>> raise ApiError(404, "postcode_not_found", "No postcode L1 1XX in the data.")
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, Sequence[str]] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


def default_code(status: int) -> str:
    """The default ``code`` for an HTTP status (``error`` if none is defined)."""
    return DEFAULT_CODES.get(status, "client_error" if status < 500 else "server_error")


def default_message(status: int) -> str:
    """The standard reason phrase for ``status`` (e.g. "Not Found")."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_payload(
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: Mapping[str, Sequence[str]] | None = None,
) -> dict:
    """The error shape as a dict (see the module docstring)."""
    body: dict = {
        "status": status,
        "code": code or default_code(status),
        "message": message or default_message(status),
    }
    if fields:
        body["fields"] = {name: list(messages) for name, messages in fields.items()}
    return {"error": body}


def wants_json(request: HttpRequest) -> bool:
    """Whether an error for this request should be JSON rather than an HTML page."""
    if request.path.startswith(JSON_PATH_PREFIXES):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def json_error(
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: Mapping[str, Sequence[str]] | None = None,
) -> JsonResponse:
    """A JSON response in the error shape."""
    response = JsonResponse(error_payload(status, code, message, fields), status=status)
    setattr(response, SHAPED_ATTRIBUTE, True)
    return response


def error_response(
    request: HttpRequest,
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: Mapping[str, Sequence[str]] | None = None,
    *,
    template: str = "core/error.html",
    context: Mapping | None = None,
) -> HttpResponse:
    """The error as JSON or as an HTML page, whichever the request wants."""
    if wants_json(request):
        return json_error(status, code, message, fields)
    payload = error_payload(status, code, message, fields)["error"]
    try:
        html = render_to_string(template, {**payload, **(context or {})}, request=request)
    except Exception:  # noqa: BLE001 - an error page must never fail: fall back to plain HTML
        html = _plain_html(payload)
    response = HttpResponse(html, status=status)
    setattr(response, SHAPED_ATTRIBUTE, True)
    return response


def _plain_html(payload: Mapping) -> str:
    from django.utils.html import escape

    title = escape(default_message(payload["status"]))
    return (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1><p>{escape(payload['message'])}</p></main>"
        "</body></html>"
    )
