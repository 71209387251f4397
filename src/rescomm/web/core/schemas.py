"""OpenAPI schemas shared by every JSON API: the one error shape of ``core/errors.py``."""

from __future__ import annotations

from ninja import Schema


class ErrorBody(Schema):
    """``status`` (HTTP), machine-readable ``code``, human ``message``; ``fields`` names each
    bad field with its messages (validation errors only)."""

    status: int
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ErrorOut(Schema):
    """``{"error": {...}}``: the body of every 4xx/5xx JSON answer."""

    error: ErrorBody


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error statuses an operation can return, for its ``response=`` declaration:
    ``response={200: ThingOut, **errors(400, 404)}``. Every operation declares each status it
    can answer with (``tests/web/core/test_openapi.py`` checks the document against the rules
    and against real requests): 400 if it takes parameters or a body, 401 if it needs
    credentials, 403 if it needs a role or a CSRF token, 404 if a path names a record, 409 for
    conflicts."""
    return dict.fromkeys(statuses, ErrorOut)
