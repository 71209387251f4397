"""NHS number validation: ten digits with a Modulus 11 check digit (no Django).

The algorithm is the one in the NHS Data Dictionary ("NHS Number" attribute, format
``n10``, check digit "Modulus 11"):

1. multiply each of the first nine digits by a weight, 10 for the first down to 2 for the ninth;
2. add the nine products;
3. divide the sum by 11 and take the remainder;
4. subtract the remainder from 11: that is the check digit, except that 11 becomes 0 and 10 means
   the number is not valid (no NHS number is ever issued with it).

Messages never contain the whole number: it is personal data, and messages end up in logs.
:func:`mask_nhs_number` shows only the last three digits.
"""

from __future__ import annotations

import re

__all__ = [
    "InvalidNhsNumberError",
    "is_valid_nhs_number",
    "mask_nhs_number",
    "nhs_check_digit",
    "validate_nhs_number",
]

#: Characters people use to group the digits ("943 476 5919", "943-476-5919"); removed.
_SEPARATORS = re.compile(r"[\s-]+")
_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


class InvalidNhsNumberError(ValueError):
    """An NHS number that is not valid. The message says what is wrong in one line and never
    contains the number itself (see :func:`mask_nhs_number`).

    Attributes
    ----------
    reason : str
        ``"empty"``, ``"length"``, ``"not_digits"``, ``"check_digit_10"`` or ``"mismatch"``.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def mask_nhs_number(text: object) -> str:
    """A form of ``text`` safe for messages and logs: every character but the last three
    replaced by ``*`` (separators dropped), e.g. ``"*******919"``."""
    compact = _SEPARATORS.sub("", str(text))
    if len(compact) <= 3:
        return "*" * len(compact)
    return "*" * (len(compact) - 3) + compact[-3:]


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for the first nine digits, or ``None`` when it would be 10
    (such a number is never issued).

    Raises
    ------
    ValueError
        If ``first_nine`` is not exactly nine ASCII digits.
    """
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("nhs_check_digit needs exactly nine digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(text: str) -> str:
    """The NHS number in ``text`` as ten digits, if it is valid.

    Spaces and hyphens between digits are allowed (``"943 476 5919"``, ``"943-476-5919"``).

    Parameters
    ----------
    text : str
        The number as typed.

    Returns
    -------
    str
        Ten digits, no separators.

    Raises
    ------
    InvalidNhsNumberError
        With a one-line message: empty, wrong length, not only digits, a check digit that would
        be 10, or a check digit that does not match. The number is never in the message.

    References
    ----------
    NHS England, NHS Data Dictionary: "NHS Number" (attribute), Modulus 11 check digit.
    https://www.datadictionary.nhs.uk/attributes/nhs_number.html
    """
    if not isinstance(text, str):
        raise InvalidNhsNumberError("An NHS number must be given as text.", reason="not_digits")
    compact = _SEPARATORS.sub("", text.strip())
    if not compact:
        raise InvalidNhsNumberError("Enter an NHS number.", reason="empty")
    if not compact.isascii() or not compact.isdigit():
        raise InvalidNhsNumberError(
            "An NHS number must contain only digits (spaces are allowed between them).",
            reason="not_digits",
        )
    if len(compact) != 10:
        raise InvalidNhsNumberError(
            f"An NHS number has 10 digits; this one has {len(compact)}.", reason="length"
        )
    check = nhs_check_digit(compact[:9])
    if check is None:
        raise InvalidNhsNumberError(
            f"NHS number {mask_nhs_number(compact)} is not valid: its first nine digits give "
            "a check digit of 10, which is never issued.",
            reason="check_digit_10",
        )
    if check != int(compact[9]):
        raise InvalidNhsNumberError(
            f"NHS number {mask_nhs_number(compact)} is not valid: the last digit does not match "
            "the check digit (check for a mistyped digit).",
            reason="mismatch",
        )
    return compact


def is_valid_nhs_number(text: str) -> bool:
    """Whether :func:`validate_nhs_number` accepts ``text``."""
    try:
        validate_nhs_number(text)
    except InvalidNhsNumberError:
        return False
    return True
