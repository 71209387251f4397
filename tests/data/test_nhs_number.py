"""NHS number validation (Modulus 11).

Where the expected values come from (the algorithm: NHS Data Dictionary, "NHS Number",
https://www.datadictionary.nhs.uk/attributes/nhs_number.html, Modulus 11):

- ``9434765919`` ("943 476 5919") is the example NHS number most widely published as a valid
  test number (NHS examples and many open-source validators). Checked by hand: weights 10..2
  give 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 mod 11 = 2; 11 - 2 = 9.
- ``4010232137``: sum 4*10 + 1*8 + 2*6 + 3*5 + 2*4 + 1*3 + 3*2 = 92, 92 mod 11 = 4,
  11 - 4 = 7 (checked by hand).
- ``9990000026`` is in the 999 range NHS England keeps for test data (never issued to people):
  9*10 + 9*9 + 9*8 + 2*2 = 247, 247 mod 11 = 5, 11 - 5 = 6.
- Invalid ones are those examples with the last digit changed, and ``1234567890``, whose check
  digit would be 10 (1*10 + 2*9 + ... + 9*2 = 210, 210 mod 11 = 1, 11 - 1 = 10).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rescomm.data._nhs_number import (
    InvalidNhsNumberError,
    is_valid_nhs_number,
    mask_nhs_number,
    nhs_check_digit,
    validate_nhs_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        (" 943 476 5919 ", "9434765919"),
        ("4010232137", "4010232137"),
        ("9990000026", "9990000026"),
    ],
)
def test_valid_nhs_numbers_are_normalised_to_ten_digits(text, expected):
    assert validate_nhs_number(text) == expected


@pytest.mark.parametrize(
    ("text", "reason", "message"),
    [
        ("", "empty", "Enter an NHS number."),
        ("   ", "empty", "Enter an NHS number."),
        ("943476591", "length", "An NHS number has 10 digits; this one has 9."),
        ("94347659190", "length", "An NHS number has 10 digits; this one has 11."),
        (
            "943476591X",
            "not_digits",
            "An NHS number must contain only digits (spaces are allowed between them).",
        ),
        (
            "９４３４７６５９１９",  # full-width digits: isdigit() is true, isascii() is not
            "not_digits",
            "An NHS number must contain only digits (spaces are allowed between them).",
        ),
        (
            "9434765918",
            "mismatch",
            "NHS number *******918 is not valid: the last digit does not match the check digit "
            "(check for a mistyped digit).",
        ),
        (
            "4010232138",
            "mismatch",
            "NHS number *******138 is not valid: the last digit does not match the check digit "
            "(check for a mistyped digit).",
        ),
        (
            "1234567890",
            "check_digit_10",
            "NHS number *******890 is not valid: its first nine digits give a check digit of "
            "10, which is never issued.",
        ),
    ],
)
def test_invalid_nhs_numbers_are_refused_with_a_one_line_message(text, reason, message):
    with pytest.raises(InvalidNhsNumberError) as caught:
        validate_nhs_number(text)
    assert str(caught.value) == message
    assert caught.value.reason == reason
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_the_message_never_contains_the_whole_number():
    with pytest.raises(InvalidNhsNumberError) as caught:
        validate_nhs_number("9434765918")
    assert "9434765918" not in str(caught.value)
    assert "943 476" not in str(caught.value)


def test_check_digit_of_the_published_example():
    assert nhs_check_digit("943476591") == 9
    assert nhs_check_digit("123456789") is None


def test_a_remainder_of_zero_gives_check_digit_zero():
    # 000000014: 1*3 + 4*2 = 11, 11 mod 11 = 0, 11 - 0 = 11 -> check digit 0
    assert nhs_check_digit("000000014") == 0
    assert validate_nhs_number("0000000140") == "0000000140"


def test_masking_keeps_only_the_last_three_digits():
    assert mask_nhs_number("943 476 5919") == "*******919"
    assert mask_nhs_number("12") == "**"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_nine_digits_either_have_a_check_digit_or_cannot_be_issued(first_nine):
    check = nhs_check_digit(first_nine)
    if check is None:
        assert not any(is_valid_nhs_number(first_nine + str(d)) for d in range(10))
    else:
        valid = [d for d in range(10) if is_valid_nhs_number(first_nine + str(d))]
        assert valid == [check]


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 9),
       st.integers(1, 9))
def test_changing_any_one_digit_of_a_valid_number_makes_it_invalid(number, position, delta):
    if not is_valid_nhs_number(number):
        return
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not is_valid_nhs_number("".join(digits))
