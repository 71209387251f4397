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
