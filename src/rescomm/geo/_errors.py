"""Exceptions raised by :mod:`rescomm.geo`.

Every exception is a :class:`ValueError` (the input value was wrong), carries a one-line message
that names the offending value and says what to do, and keeps the value as an attribute so callers
(for example the web layer) can build their own messages.

What to do is also kept as data: ``problem`` is the message without the advice, and ``hints`` the
pieces of advice as :class:`Hint` (a stable ``action`` name plus the library's own wording, which
names Python calls). The message is ``problem; hint, or hint``. Front ends that have other ways
to do the same thing (the command line's ``--onspd FILE``, an API parameter) word the hints
themselves from ``action`` (see :func:`hint_text`) instead of showing Python calls to their users.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

#: Hint actions (:attr:`Hint.action`) raised by :mod:`rescomm.geo`.
#: ``check_postcode``: look for a typo; ``current_postcode``: ask for the postcode in use now;
#: ``full_postcode_directory``: use the full ONS Postcode Directory instead of the bundled C&M
#: postcodes; ``newer_than_directory``: the postcode may be newer than the directory in use;
#: ``allow_terminated``: accept a terminated postcode's last known location.
HINT_ACTIONS = ("check_postcode", "current_postcode", "full_postcode_directory",
                "newer_than_directory", "allow_terminated")


@dataclass(frozen=True)
class Hint:
    """One piece of advice attached to an error.

    Attributes
    ----------
    action : str
        Stable name of what to do (one of :data:`HINT_ACTIONS`, or ``"other"``).
    text : str
        The library's wording, a clause such as ``"pass allow_terminated=True to use its last
        known location"``.
    """

    action: str
    text: str


class GeoError(ValueError):
    """Base class for every error raised by :mod:`rescomm.geo`.

    Parameters
    ----------
    message : str
        The whole one-line message (``problem; hints``). Without ``problem`` it is also the
        problem.
    problem : str, keyword-only, optional
        What is wrong, naming the value, without advice.
    hints : sequence of Hint, keyword-only
        What the user can do, in the library's wording.
    """

    def __init__(self, message: str, *, problem: str | None = None,
                 hints: Sequence[Hint] = ()) -> None:
        super().__init__(message)
        self.problem = message if problem is None else problem
        self.hints = tuple(hints)

    @classmethod
    def _with_hints(cls, problem: str, hints: Sequence[Hint], **attributes: object):
        """An error whose message is ``problem`` followed by the hints' library wording."""
        return cls(hint_text(problem, hints), problem=problem, hints=hints, **attributes)


def hint_text(problem: str, hints: Sequence[Hint],
              words: Mapping[str, str | Callable[[Hint], str] | None] | None = None) -> str:
    """``problem; hint, or hint``: the message of an error, worded for one front end.

    Parameters
    ----------
    problem : str
        The error's :attr:`GeoError.problem`.
    hints : sequence of Hint
        The error's :attr:`GeoError.hints`.
    words : mapping, optional
        The front end's wording per :attr:`Hint.action`: a string, a function of the hint, or
        ``None`` to leave that hint out. Actions not in the mapping keep the library's wording.

    Examples
    --------
    >>> hints = [Hint("check_postcode", "check it"),
    ...          Hint("allow_terminated", "pass allow_terminated=True")]
    >>> hint_text("postcode 'X' is bad", hints, {"allow_terminated": "add --allow-terminated"})
    "postcode 'X' is bad; check it, or add --allow-terminated"
    """
    words = words or {}
    texts = []
    for hint in hints:
        word = words.get(hint.action, hint.text)
        if callable(word):
            word = word(hint)
        if word:
            texts.append(word)
    return f"{problem}; {', or '.join(texts)}" if texts else problem


class InvalidPostcodeError(GeoError):
    """A postcode is not in a valid UK postcode format (e.g. ``"L1 8J"`` or ``"12345"``).

    Attributes
    ----------
    postcode : object
        The value exactly as it was given.
    """

    def __init__(self, message: str, *, postcode: object, problem: str | None = None,
                 hints: Sequence[Hint] = ()) -> None:
        super().__init__(message, problem=problem, hints=hints)
        self.postcode = postcode


class UnknownPostcodeError(GeoError):
    """A well-formed postcode that is not in the postcode index in use.

    Attributes
    ----------
    postcode : str
        The normalised postcode (e.g. ``"ZZ9 9ZZ"``).
    """

    def __init__(self, message: str, *, postcode: str, problem: str | None = None,
                 hints: Sequence[Hint] = ()) -> None:
        super().__init__(message, problem=problem, hints=hints)
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

    def __init__(self, message: str, *, postcode: str, terminated: str,
                 problem: str | None = None, hints: Sequence[Hint] = ()) -> None:
        super().__init__(message, problem=problem, hints=hints)
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
