"""Postcode look-up for the web layer: a thin adaptor over :func:`rescomm.geo.lookup_postcode`.

Geo errors (invalid, unknown, terminated postcode) pass through unchanged; callers turn them into
form errors or API errors.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any


def lookup_postcode(text: str) -> Any:
    """The :class:`rescomm.geo.PostcodeRecord` for ``text`` (any spelling of a postcode).

    Raises
    ------
    rescomm.geo.InvalidPostcodeError, rescomm.geo.UnknownPostcodeError,
    rescomm.geo.TerminatedPostcodeError
        As :func:`rescomm.geo.lookup_postcode` does (all are :class:`rescomm.geo.GeoError`).
    """
    from rescomm import geo

    return geo.lookup_postcode(text)


def record_as_dict(record: Any) -> dict[str, Any]:
    """The record's fields as a plain dict (a dataclass or a named tuple)."""
    if is_dataclass(record):
        return asdict(record)
    if hasattr(record, "_asdict"):
        return dict(record._asdict())
    return dict(vars(record))


def geo_errors() -> tuple[type[Exception], ...]:
    """The geo error classes, in the order: invalid, unknown, terminated, any other GeoError."""
    from rescomm import geo

    return (
        geo.InvalidPostcodeError,
        geo.UnknownPostcodeError,
        geo.TerminatedPostcodeError,
        geo.GeoError,
    )


def terminated_when(exc: Exception) -> str:
    """`` in MM/YYYY`` for a TerminatedPostcodeError that says when, else ``""``."""
    when = getattr(exc, "terminated", None)
    if isinstance(when, str) and len(when) == 6 and when.isdigit():
        return f" in {when[4:]}/{when[:4]}"
    return ""
