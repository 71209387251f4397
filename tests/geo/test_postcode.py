"""Postcode normalisation: rules, error messages, and scalar/vectorised agreement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rescomm.geo import InvalidPostcodeError, normalise_postcode, normalise_postcodes
from rescomm.geo._arrow import to_arrow_strings
from rescomm.geo._postcode import postcode_key, postcode_keys


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("L1 8JQ", "L1 8JQ"),
        ("l18jq", "L1 8JQ"),
        (" l1  8jq ", "L1 8JQ"),
        ("ch643rt", "CH64 3RT"),
        ("EC1A1BB", "EC1A 1BB"),
        ("w1a 1aa", "W1A 1AA"),
        ("M601NW", "M60 1NW"),
        ("L1\t8JQ", "L1 8JQ"),
        ("L1\u00a08JQ", "L1 8JQ"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_normalised_to_the_ons_pcds_format(raw, expected):
    assert normalise_postcode(raw) == expected
    assert normalise_postcodes([raw]).tolist() == [expected]


@pytest.mark.parametrize(
    "raw", ["", "L1", "L1 8J", "8JQ", "L1 8JQQ", "LLL1 8JQ", "L1 JQ8", "12345", "L1-8JQ", "Ł1 8JQ"]
)
def test_malformed_postcodes_are_rejected(raw):
    with pytest.raises(InvalidPostcodeError):
        normalise_postcode(raw)
    assert normalise_postcodes([raw]).isna().all()


def test_malformed_postcode_error_names_the_input_and_gives_an_example():
    with pytest.raises(InvalidPostcodeError) as info:
        normalise_postcode("L1 8J")
    assert str(info.value) == (
        "postcode 'L1 8J' is not a valid UK postcode (expected an outward and an inward code, "
        "e.g. 'L1 8JQ' or 'CH64 3RT'); check it for typos"
    )
    assert info.value.postcode == "L1 8J"
    assert isinstance(info.value, ValueError)


def test_non_string_postcode_is_invalid_not_a_crash():
    with pytest.raises(InvalidPostcodeError, match=r"^postcode None is not a valid UK postcode"):
        normalise_postcode(None)  # type: ignore[arg-type]


def test_vectorised_normalisation_keeps_order_index_and_marks_invalid_as_na():
    s = pd.Series(["l18jq", "nonsense", None, np.nan, 12, "wa7 1aa"], index=list("abcdef"))
    out = normalise_postcodes(s)
    assert out.index.tolist() == list("abcdef")
    assert out.tolist() == ["L1 8JQ", pd.NA, pd.NA, pd.NA, pd.NA, "WA7 1AA"]
    assert out.dtype == "string"


def test_vectorised_normalisation_accepts_lists_arrays_and_string_series():
    expected = ["L1 8JQ", pd.NA]
    assert normalise_postcodes(["l18jq", "x"]).tolist() == expected
    assert normalise_postcodes(np.array(["l18jq", "x"])).tolist() == expected
    assert normalise_postcodes(pd.Series(["l18jq", None], dtype="string")).tolist() == expected
    assert normalise_postcodes(iter(["l18jq", "x"])).tolist() == expected


def test_vectorised_normalisation_refuses_a_single_string():
    with pytest.raises(TypeError, match="use normalise_postcode for one"):
        normalise_postcodes("L1 8JQ")


_letters = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_digits = st.sampled_from("0123456789")
_space = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])
_postcode_like = st.builds(
    lambda sp0, a, b, d, e, sp1, f, g, h, sp2: sp0 + a + b + d + e + sp1 + f + g + h + sp2,
    _space, _letters, st.one_of(st.just(""), _letters), _digits,
    st.one_of(st.just(""), _letters, _digits), _space, _digits, _letters, _letters, _space,
)


@given(st.lists(st.one_of(_postcode_like, st.text(max_size=10)), max_size=30))
def test_vectorised_and_scalar_normalisation_agree(values):
    vectorised = normalise_postcodes(values).tolist()
    for value, got in zip(values, vectorised, strict=True):
        try:
            expected = normalise_postcode(value)
        except InvalidPostcodeError:
            expected = pd.NA
        assert got is expected or got == expected, (value, got, expected)


@given(_postcode_like)
def test_normalisation_is_idempotent(value):
    once = normalise_postcode(value)
    assert normalise_postcode(once) == once
    assert once == once.upper() and once.count(" ") == 1


@given(st.lists(_postcode_like, max_size=40))
def test_postcode_keys_are_unique_per_postcode(values):
    normalised = normalise_postcodes(values)
    keys = postcode_keys(to_arrow_strings(normalised))
    distinct = {v: k for v, k in zip(normalised.tolist(), keys.tolist(), strict=True)}
    assert len(set(distinct.values())) == len(distinct)
    assert (keys >= 0).all()


@given(st.lists(_postcode_like, max_size=40))
def test_the_scalar_postcode_key_equals_the_vectorised_one(values):
    normalised = normalise_postcodes(values).dropna()
    keys = postcode_keys(to_arrow_strings(normalised))
    assert [postcode_key(v) for v in normalised] == keys.tolist()


def test_postcode_keys_of_missing_values_are_minus_one():
    keys = postcode_keys(to_arrow_strings(normalise_postcodes(["L1 8JQ", None, "x", "GIR 0AA"])))
    assert keys[1] == keys[2] == -1 and keys[0] >= 0 and keys[3] >= 0
