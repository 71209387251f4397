"""Reasons for a social prescribing referral: stable codes with plain-words labels (no Django).

The codes are stored in databases and sent through the API (``"needs": ["loneliness"]``); never
rename one. The labels are what people read and may be reworded. The list is the one fixed by
issue 5 ("Connect: social prescribing from referral to outcome").
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["NEED_CODES", "NEED_LABELS", "UnknownNeedError", "need_label", "validate_needs"]

#: Need code -> plain-words label, in the order forms show them.
NEED_LABELS: dict[str, str] = {
    "loneliness": "Feeling lonely or cut off from other people",
    "low_mood": "Low mood, stress or anxiety",
    "long_term_condition": "Living with a long-term health condition",
    "finance": "Money worries or debt",
    "housing": "Housing problems",
    "employment": "Work, training or volunteering",
    "physical_activity": "Wanting to be more active",
    "carer_support": "Support as an unpaid carer",
    "bereavement": "Bereavement or loss",
    "other": "Something else",
}

#: The need codes, in display order.
NEED_CODES: tuple[str, ...] = tuple(NEED_LABELS)


class UnknownNeedError(ValueError):
    """A need code that is not in :data:`NEED_CODES`; ``codes`` lists the unknown ones."""

    def __init__(self, message: str, *, codes: list[str]) -> None:
        super().__init__(message)
        self.codes = codes


def need_label(code: str) -> str:
    """The plain-words label for a need code.

    Raises
    ------
    UnknownNeedError
        For a code not in :data:`NEED_CODES`.
    """
    try:
        return NEED_LABELS[code]
    except KeyError:
        raise UnknownNeedError(_unknown_message([code]), codes=[code]) from None


def validate_needs(codes: Iterable[str]) -> list[str]:
    """The need codes, checked, without duplicates, in :data:`NEED_CODES` order.

    Raises
    ------
    UnknownNeedError
        If any code is unknown (the message names them and the allowed codes), or none is given.
    """
    given = [str(code) for code in codes]
    unknown = [code for code in given if code not in NEED_LABELS]
    if unknown:
        raise UnknownNeedError(_unknown_message(unknown), codes=unknown)
    if not given:
        raise UnknownNeedError("Choose at least one reason for the referral.", codes=[])
    return [code for code in NEED_CODES if code in given]


def _unknown_message(unknown: list[str]) -> str:
    names = ", ".join(repr(code[:40]) for code in unknown)
    noun = "need" if len(unknown) == 1 else "needs"
    return f"Unknown {noun} {names}; choose from: {', '.join(NEED_CODES)}."
