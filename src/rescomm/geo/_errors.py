"""Exceptions raised by :mod:`rescomm.geo`.

Every exception is a :class:`ValueError` (the input value was wrong), carries a one-line message
that names the offending value and says what to do, and keeps the value as an attribute so callers
(for example the web layer) can build their own messages.
"""

from __future__ import annotations


class GeoError(ValueError):
    """Base class for every error raised by :mod:`rescomm.geo`."""


class InvalidPostcodeError(GeoError):
    """A postcode is not in a valid UK postcode format (e.g. ``"L1 8J"`` or ``"12345"``).

    Attributes
    ----------
    postcode : object
        The value exactly as it was given.
    """

    def __init__(self, message: str, *, postcode: object) -> None:
        super().__init__(message)
        self.postcode = postcode


class UnknownPostcodeError(GeoError):
    """A well-formed postcode that is not in the postcode index in use.

    Attributes
    ----------
    postcode : str
        The normalised postcode (e.g. ``"ZZ9 9ZZ"``).
    """

    def __init__(self, message: str, *, postcode: str) -> None:
        super().__init__(message)
        self.postcode = postcode


class TerminatedPostcodeError(GeoError):
    """A postcode that is in the index but was terminated (is no longer in use).

    Attributes
    ----------
    postcode : str
        The normalised postcode.
    terminated : str
        Year and month of termination, ``"YYYYMM"`` (ONSPD ``doterm``).
    """

    def __init__(self, message: str, *, postcode: str, terminated: str) -> None:
        super().__init__(message)
        self.postcode = postcode
        self.terminated = terminated


class OutsideGreatBritainError(GeoError):
    """Coordinates that fall outside Great Britain (or are in the wrong coordinate system).

    Attributes
    ----------
    count : int
        How many of the points given are outside.
    first : tuple of float
        The first offending point ``(x, y)`` in the coordinate system it was given in.
    """

    def __init__(self, message: str, *, count: int, first: tuple[float, float]) -> None:
        super().__init__(message)
        self.count = count
        self.first = first


class AreaCodeError(GeoError):
    """Area codes that are unknown, malformed or of the wrong year (2011 vs 2021 LSOAs).

    Attributes
    ----------
    codes : list of str
        The offending codes, in the order first seen.
    """

    def __init__(self, message: str, *, codes: list[str]) -> None:
        super().__init__(message)
        self.codes = codes
