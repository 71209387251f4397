"""Postcode normalisation: any reasonable spelling -> the ONS ``pcds`` format ``"L1 8JQ"``.

The scalar function (:func:`normalise_postcode`) raises on bad input; the vectorised one
(:func:`normalise_postcodes`) returns ``<NA>`` for it. Both apply exactly the same rules:

1. remove all whitespace (space, tab, newline, no-break spaces) anywhere in the value;
2. reject anything that is not plain ASCII;
3. upper-case;
4. require the UK postcode pattern: an outward code of one or two letters, a digit and an
   optional letter or digit (``L1``, ``L18``, ``CH64``, ``EC1A``, ``W1A``) followed by an inward
   code of a digit and two letters (``8JQ``); ``GIR 0AA`` is also accepted;
5. write it as outward code, one space, inward code.

The pattern checks the *format* only; whether a postcode exists is a question for the
:class:`~rescomm.geo.PostcodeIndex`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._arrow import string_array, to_arrow_strings
from ._errors import Hint, InvalidPostcodeError

_WHITESPACE = " \t\n\r\f\v\u00a0\u2007\u202f"
_COMPACT = r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[0-9][A-Z]{2}"

_PY_WHITESPACE = re.compile(f"[{re.escape(_WHITESPACE)}]+")
_PY_COMPACT = re.compile(_COMPACT)
# RE2 (Arrow) spelling of the same whitespace class.
_RE2_WHITESPACE = r"[ \t\n\r\f\v\x{00A0}\x{2007}\x{202F}]+"
_RE2_COMPACT = f"^{_COMPACT}$"
_RE2_NORMALISED = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}$"

#: Example shown in error messages.
POSTCODE_EXAMPLE = "e.g. 'L1 8JQ' or 'CH64 3RT'"


def normalise_postcode(postcode: str) -> str:
    """Normalise one postcode to the ONS ``pcds`` format (outward code, one space, inward code).

    Parameters
    ----------
    postcode : str
        A UK postcode in any case, with or without spaces, e.g. ``"l18jq"`` or ``" l1  8jq "``.

    Returns
    -------
    str
        The normalised postcode, e.g. ``"L1 8JQ"``.

    Raises
    ------
    InvalidPostcodeError
        If ``postcode`` is not a string in UK postcode format; the message names the value.

    Examples
    --------
    >>> normalise_postcode(" l1  8jq ")
    'L1 8JQ'
    """
    if isinstance(postcode, str):
        compact = _PY_WHITESPACE.sub("", postcode)
        if compact.isascii():
            compact = compact.upper()
            if _PY_COMPACT.fullmatch(compact):
                return f"{compact[:-3]} {compact[-3:]}"
    raise InvalidPostcodeError._with_hints(
        f"postcode {postcode!r} is not a valid UK postcode (expected an outward and an inward "
        f"code, {POSTCODE_EXAMPLE})",
        [Hint("check_postcode", "check it for typos")],
        postcode=postcode,
    )


def normalise_postcodes(postcodes: pd.Series | Iterable[object]) -> pd.Series:
    """Normalise many postcodes at once (Arrow string kernels, no per-row Python).

    Parameters
    ----------
    postcodes : pandas.Series or array-like
        Postcodes in any spelling. Non-string values (``None``, ``NaN``, numbers) count as invalid.

    Returns
    -------
    pandas.Series
        ``string`` dtype, same length and order as the input (and the same index when the input is
        a Series): the normalised postcode, or ``<NA>`` where the value is not a valid postcode.

    Examples
    --------
    >>> normalise_postcodes(["l18jq", "nonsense", None]).tolist()
    ['L1 8JQ', <NA>, <NA>]
    """
    if isinstance(postcodes, str):
        raise TypeError("normalise_postcodes takes many postcodes; use normalise_postcode for one")
    index = postcodes.index if isinstance(postcodes, pd.Series) else None
    strings = to_arrow_strings(postcodes)
    compact = pc.replace_substring_regex(strings, _RE2_WHITESPACE, "")
    compact = pc.if_else(pc.string_is_ascii(compact), compact, pa.scalar(None, pa.string()))
    compact = pc.utf8_upper(compact)
    valid = pc.match_substring_regex(compact, _RE2_COMPACT)
    spaced = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(compact, 0, -3), pc.utf8_slice_codeunits(compact, -3), " "
    )
    out = pc.if_else(valid, spaced, pa.scalar(None, pa.string()))
    return pd.Series(string_array(out), index=index, name=getattr(postcodes, "name", None))


def already_normalised(postcodes: pa.Array) -> bool:
    """Whether every value is non-null and already in normalised form (one regex pass)."""
    return len(postcodes) == 0 or bool(
        pc.all(pc.match_substring_regex(postcodes, _RE2_NORMALISED)).as_py())


# Postcode keys: a normalised postcode without its space has 5 to 7 characters from [0-9A-Z];
# right-padded to 7 with a character outside that set and read as a base-37 number, it becomes a
# unique int64 (37**7 < 2**63). Sorted keys + binary search replace a string hash table.
_KEY_DIGIT = np.zeros(256, dtype=np.int64)
_KEY_DIGIT[np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8)] = np.arange(1, 37)
_KEY_WEIGHTS = 37 ** np.arange(6, -1, -1, dtype=np.int64)


_KEY_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", start=1)}


def postcode_key(normalised: str) -> int:
    """The :func:`postcode_keys` key of one normalised postcode, in plain Python (a single
    look-up is ~50x faster this way than through Arrow)."""
    key = 0
    for char in normalised.replace(" ", "").ljust(7):
        key = key * 37 + _KEY_VALUE.get(char, 0)
    return key


def postcode_keys(normalised: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Unique ``int64`` key of each normalised postcode (``-1`` for null).

    ``normalised`` must hold output of :func:`normalise_postcodes` (or nulls).
    """
    if isinstance(normalised, pa.ChunkedArray):
        normalised = normalised.combine_chunks()
    compact = pc.replace_substring(normalised, " ", "")
    padded = pc.utf8_rpad(pc.fill_null(compact, ""), 7, " ")
    if len(padded) == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)
    offsets = offsets[padded.offset:padded.offset + len(padded) + 1]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
    keys = _KEY_DIGIT[data.reshape(len(padded), 7)] @ _KEY_WEIGHTS
    keys[pc.is_null(normalised).to_numpy(zero_copy_only=False)] = -1
    return keys
