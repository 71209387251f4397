"""Postcode look-up for the web layer: a thin adaptor over :func:`rescomm.geo.lookup_postcode`.

Geo errors (invalid, unknown, terminated postcode) pass through unchanged; callers turn them into
form errors or API errors. The core words its advice for Python callers
(``PostcodeIndex.from_onspd(...)``, ``allow_terminated=True``); :func:`api_message` words it for
API clients, naming the API's own parameter.
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


def api_message(exc: Exception, parameter: str = "postcode") -> str:
    """The one-line message for a geo error in an API answer: the core's problem with advice an
    API client can follow (it names the ``parameter`` the postcode came in, never a Python call).

    Examples: ``postcode 'ZZ9 9ZZ' is not in the postcode index (bundled Cheshire & Merseyside
    postcodes, ONSPD Nov 2025); check it, or send a Cheshire and Merseyside postcode in
    postcode``; ``postcode 'CH1 1AA' was terminated in June 2020 (202006) and is no longer in
    use; send the current postcode in postcode``.
    """
    from rescomm import geo

    problem, hints = getattr(exc, "problem", None), getattr(exc, "hints", None)
    if problem is None or hints is None:
        return str(exc)
    return geo.hint_text(problem, hints, {
        "full_postcode_directory": f"send a Cheshire and Merseyside postcode in {parameter}",
        "current_postcode": f"send the current postcode in {parameter}",
        "allow_terminated": None,  # the API has no such parameter
    })


def problem_of(exc: Exception) -> str:
    """What is wrong, without the core's advice (for a form, which gives its own)."""
    return getattr(exc, "problem", None) or str(exc)
