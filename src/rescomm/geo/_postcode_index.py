"""Postcode -> location and areas, one at a time or a hundred thousand at once.

A :class:`PostcodeIndex` holds one row per postcode (live and terminated) with its centroid and
areas, joined once at construction to the LSOA 2021 hierarchy (MSOA 2021, local authority, ICB,
region). Each postcode is also encoded as a unique int64 key (base 37, see
:func:`~rescomm.geo._postcode.postcode_keys`) and the keys are kept sorted, so a look-up is:
normalise with Arrow's string kernels, encode, binary-search (``numpy.searchsorted``), take. No
per-row Python and no per-call hash table, so small batches are as cheap as large ones.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray, take

from rescomm.data import CM_LOCAL_AUTHORITIES, read_onspd

from ._areas import AreaHierarchy, bundled_hierarchy_part
from ._arrow import categorical, read_bundled, string_array, to_arrow_strings
from ._errors import GeoError, Hint, TerminatedPostcodeError, UnknownPostcodeError
from ._postcode import (
    already_normalised,
    normalise_postcode,
    normalise_postcodes,
    postcode_key,
    postcode_keys,
)
from ._postcode_record import RECORD_FIELDS, PostcodeRecord

#: Values of the ``status`` column of :meth:`PostcodeIndex.lookup`.
STATUSES = ("ok", "invalid", "unknown", "terminated")
BUNDLED_SOURCE = "bundled Cheshire & Merseyside postcodes, ONSPD Nov 2025"
_INPUT_COLUMNS = ("postcode", "easting", "northing", "latitude", "longitude", "terminated",
                  "lad_code", "lsoa11_code", "msoa11_code", "lsoa21_code", "lsoa21_method")
_FROM_LSOA21 = ("lad_code", "lad_name", "icb_code", "icb_name", "region_code", "region_name")
_UNKNOWN_HINTS = (
    Hint("check_postcode", "check it"),
    Hint("full_postcode_directory",
         "load the full ONS Postcode Directory with PostcodeIndex.from_onspd(...)"),
)
_ONSPD_UNKNOWN_HINTS = (
    Hint("newer_than_directory", "check it (postcodes newer than the directory are not in it)"),
)
_TERMINATED_HINTS = (
    Hint("current_postcode", "ask for the current postcode"),
    Hint("allow_terminated", "pass allow_terminated=True to use its last known location"),
)
_TEXT_FIELDS = tuple(f for f in RECORD_FIELDS if f not in (
    "postcode", "easting", "northing", "latitude", "longitude"))


class PostcodeIndex:
    """Postcodes with their centroids (BNG and WGS84) and statistical/administrative areas.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per postcode with the columns of :func:`rescomm.data.load_postcodes` (at least
        ``postcode, easting, northing, latitude, longitude, terminated, lad_code, lsoa11_code,
        msoa11_code, lsoa21_code, lsoa21_method``); ``postcode`` in ``pcds`` format.
    source : str
        Human description of the data, used in error messages.
    hierarchy : AreaHierarchy, optional
        Where MSOA 2021, local authority, ICB and region come from (default: bundled lookups).
    unknown_hint : str or sequence of Hint, optional
        What the :class:`UnknownPostcodeError` tells the user to do (its ``hints``; a string is
        one hint with action ``"other"``). Default: check the postcode, or load the full ONSPD
        with :meth:`from_onspd`.

    Notes
    -----
    Names and parents come from the LSOA 2021 lookup joined on ``lsoa21_code``; where a postcode
    has no 2021 LSOA (or one the lookup does not know), from its own ONSPD local authority. So
    ``lad_code`` is the local authority of the postcode's LSOA (ONS best fit, LAD 2024), which for
    a handful of postcodes on a boundary (23 of the bundled 108,012) differs from the ONSPD
    ``oslaua`` of the postcode itself.

    Examples
    --------
    >>> index = PostcodeIndex.bundled()
    >>> index.get("l18jq").lad_name
    'Liverpool'
    >>> index.lookup(["L1 8JQ", "nope"])["status"].tolist()
    ['ok', 'invalid']
    """

    def __init__(self, table: pd.DataFrame, *, source: str,
                 hierarchy: AreaHierarchy | None = None,
                 unknown_hint: str | Sequence[Hint] | None = None) -> None:
        missing = [c for c in _INPUT_COLUMNS if c not in table.columns]
        if missing:
            raise GeoError(f"postcode table lacks column(s) {missing}; build it with "
                           "rescomm.data.load_postcodes() or rescomm.data.read_onspd(...)")
        self.source = source
        self._unknown_hints = _UNKNOWN_HINTS if unknown_hint is None else (
            (Hint("other", unknown_hint),) if isinstance(unknown_hint, str) else
            tuple(unknown_hint))
        table = table.reset_index(drop=True)
        normalised = to_arrow_strings(table["postcode"])
        if not already_normalised(normalised):
            normalised = to_arrow_strings(normalise_postcodes(table["postcode"]))
        bad = np.flatnonzero(pc.is_null(normalised).to_numpy(zero_copy_only=False))
        if len(bad):
            raise GeoError(f"postcode {table['postcode'].iloc[bad[0]]!r} in the postcode table is "
                           "not a valid UK postcode; fix or drop it before building the index")
        self._postcodes = normalised
        keys = postcode_keys(normalised)
        self._order = np.argsort(keys, kind="stable")
        self._keys = keys[self._order]
        repeated = np.flatnonzero(self._keys[1:] == self._keys[:-1])
        if len(repeated):
            dup = normalised[int(self._order[repeated[0]])].as_py()
            raise GeoError(f"postcode {dup!r} appears more than once in the postcode table; drop "
                           "duplicates before building a PostcodeIndex")
        self._columns = _build_columns(table, hierarchy or AreaHierarchy.bundled())

    @classmethod
    def bundled(cls, *, only: Iterable[object] | None = None) -> PostcodeIndex:
        """The bundled Cheshire & Merseyside index (108,012 postcodes; built once, cached).

        Parameters
        ----------
        only : iterable of str, keyword-only, optional
            Build a small index of just these postcodes (any spelling; malformed ones are
            skipped), reading only their rows: for a few look-ups in a short-lived process such
            as the command line, about a fifth of the work of the whole index. Any other
            postcode is then "unknown" to it. Not cached.
        """
        if only is None:
            return _bundled_index()
        wanted = normalise_postcodes(list(only)).dropna().unique().tolist()
        table = read_bundled("postcodes_cm", list(_INPUT_COLUMNS),
                             filters=pc.field("postcode").isin(pa.array(wanted, pa.string())))
        hierarchy = bundled_hierarchy_part(table["lsoa21_code"].dropna().tolist(),
                                           table["lad_code"].dropna().tolist())
        return cls(table, source=BUNDLED_SOURCE, hierarchy=hierarchy)

    @classmethod
    def from_onspd(cls, path: str | Path, *, lads: Iterable[str] | None = None) -> PostcodeIndex:
        """Build an index from the full ONS Postcode Directory file.

        Parameters
        ----------
        path : str or Path
            The ONSPD zip, its ``Data/ONSPD_*.csv`` (``.csv.gz`` too) or the extracted folder;
            see :func:`rescomm.data.read_onspd`.
        lads : iterable of str, optional
            Keep only these local authorities (e.g. ``CM_LOCAL_AUTHORITIES``); ``None`` keeps
            the whole UK (about 2.7 million postcodes, which needs several GB of memory).

        Raises
        ------
        rescomm.data.DataFileMissingError
            If the file does not exist.
        """
        lads = None if lads is None else sorted(lads)
        table = read_onspd(path, lads=lads)
        where = "" if lads is None else f", local authorities {', '.join(lads)}"
        if lads == sorted(CM_LOCAL_AUTHORITIES):
            where = ", Cheshire & Merseyside"
        return cls(table, source=f"ONS Postcode Directory {Path(path).name}{where}",
                   unknown_hint=_ONSPD_UNKNOWN_HINTS)

    def __len__(self) -> int:
        return len(self._postcodes)

    def __contains__(self, postcode: object) -> bool:
        return bool(self._rows(to_arrow_strings(normalise_postcodes([postcode])))[0] >= 0)

    def _rows(self, normalised: pa.Array) -> np.ndarray:
        """Row of each normalised postcode in the table (-1 where absent or null)."""
        keys = postcode_keys(normalised)
        if not len(self._keys):
            return np.full(len(keys), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return np.where((self._keys[at] == keys) & (keys >= 0), self._order[at], -1)

    def __repr__(self) -> str:
        return f"<PostcodeIndex {len(self):,} postcodes: {self.source}>"

    @property
    def table(self) -> pd.DataFrame:
        """Every postcode with the :class:`PostcodeRecord` fields as columns (a new frame)."""
        return pd.DataFrame({"postcode": string_array(self._postcodes), **self._columns})

    def lookup(self, postcodes: pd.Series | Iterable[object]) -> pd.DataFrame:
        """Look up many postcodes at once (vectorised).

        Parameters
        ----------
        postcodes : pandas.Series or array-like
            Postcodes in any spelling; non-strings count as invalid.

        Returns
        -------
        pandas.DataFrame
            One row per input, in input order (and with the input's index if it is a Series):
            ``input`` (the value given), ``postcode`` (normalised; ``<NA>`` if invalid),
            ``status`` (categorical: ``ok``, ``invalid`` = not a postcode format, ``unknown`` =
            not in this index, ``terminated`` = in the index but terminated: its fields are filled
            with the last known values), then the remaining :class:`PostcodeRecord` fields.
            ``easting``/``northing`` are nullable ``Int32`` (EPSG:27700 metres),
            ``latitude``/``longitude`` float (EPSG:4326 degrees, NaN if missing), text columns
            use the ``string`` dtype.
        """
        if isinstance(postcodes, str):
            raise TypeError("lookup takes many postcodes; use get (or lookup_postcode) for one")
        index = postcodes.index if isinstance(postcodes, pd.Series) else None
        raw = postcodes.to_numpy(dtype=object) if isinstance(postcodes, pd.Series) else (
            np.asarray(list(postcodes), dtype=object))
        normalised = normalise_postcodes(raw)
        positions = self._rows(to_arrow_strings(normalised))
        found = positions >= 0
        terminated = np.zeros(len(positions), dtype=bool)
        terminated[found] = self._columns["terminated"].codes[positions[found]] >= 0
        status = np.select(
            [normalised.isna().to_numpy(), ~found, terminated], [1, 2, 3], default=0)
        out = {"input": raw, "postcode": normalised.array,
               "status": pd.Categorical.from_codes(status, categories=STATUSES)}
        for field in RECORD_FIELDS[1:]:
            out[field] = take(self._columns[field], positions, allow_fill=True)  # -1 -> NA
        return pd.DataFrame(out, index=index)

    def get(self, postcode: str, *, allow_terminated: bool = False) -> PostcodeRecord:
        """Look up one postcode.

        Parameters
        ----------
        postcode : str
            Any spelling, e.g. ``"l18jq"``.
        allow_terminated : bool, default False
            Return terminated postcodes (with their last known location) instead of raising.

        Raises
        ------
        InvalidPostcodeError
            If it is not in postcode format.
        UnknownPostcodeError
            If it is not in this index (the message names the index's data source).
        TerminatedPostcodeError
            If it was terminated and ``allow_terminated`` is false (the message says when).
        """
        normalised = normalise_postcode(postcode)
        key = postcode_key(normalised)
        at = min(int(np.searchsorted(self._keys, key)), len(self._keys) - 1)
        position = int(self._order[at]) if len(self._keys) and self._keys[at] == key else -1
        if position < 0:
            raise UnknownPostcodeError._with_hints(
                f"postcode {normalised!r} is not in the postcode index ({self.source})",
                self._unknown_hints, postcode=normalised)
        values = {f: _scalar(self._columns[f][position]) for f in RECORD_FIELDS[1:]}
        record = PostcodeRecord(postcode=normalised, **values)
        if record.terminated is not None and not allow_terminated:
            raise TerminatedPostcodeError._with_hints(
                f"postcode {normalised!r} was terminated in {_month(record.terminated)} and is no "
                "longer in use", _TERMINATED_HINTS,
                postcode=normalised, terminated=record.terminated)
        return record


def lookup_postcode(postcode: str, *, allow_terminated: bool = False) -> PostcodeRecord:
    """Look up one postcode in the bundled index; see :meth:`PostcodeIndex.get`.

    Examples
    --------
    >>> lookup_postcode("L1 8JQ").lsoa21_code
    'E01033756'
    """
    return PostcodeIndex.bundled().get(postcode, allow_terminated=allow_terminated)


def lookup_postcodes(postcodes: pd.Series | Iterable[object]) -> pd.DataFrame:
    """Look up many postcodes in the bundled index; see :meth:`PostcodeIndex.lookup`."""
    return PostcodeIndex.bundled().lookup(postcodes)


def _build_columns(table: pd.DataFrame,
                   hierarchy: AreaHierarchy) -> dict[str, ExtensionArray | np.ndarray]:
    """Record-field columns but ``postcode``: the table joined to the LSOA 2021 hierarchy.

    Text columns are categoricals, so look-ups only move integer codes. The join is done on the
    distinct LSOAs (~1,700 for C&M) and expanded to rows with integer indexing.
    """
    lsoa = categorical(table["lsoa21_code"])
    lad = categorical(table["lad_code"])
    parents = hierarchy.parents(lsoa.categories, year=2021, errors="coerce")
    las = hierarchy.local_authorities(2021).reindex(lad.categories)
    n_lsoa, n_lad = len(lsoa.categories), len(lad.categories)
    # Row -> position in the stacked table [LSOA parents..., own-LA fallbacks..., all-missing].
    lsoa_codes, lad_codes = lsoa.codes.astype(np.int64), lad.codes.astype(np.int64)
    has_lsoa = np.append(parents["lad_code"].notna().to_numpy(), False)[lsoa_codes]
    key = np.where(has_lsoa, lsoa_codes, n_lsoa + np.where(lad_codes >= 0, lad_codes, n_lad))
    columns: dict[str, ExtensionArray | np.ndarray] = {
        "easting": pd.array(pd.to_numeric(table["easting"]), dtype="Int32"),
        "northing": pd.array(pd.to_numeric(table["northing"]), dtype="Int32"),
        "latitude": table["latitude"].to_numpy(dtype="float64", na_value=np.nan),
        "longitude": table["longitude"].to_numpy(dtype="float64", na_value=np.nan),
    }
    for field in _TEXT_FIELDS:
        if field == "msoa21_code" or field in _FROM_LSOA21:
            own = (np.asarray(lad.categories, dtype=object) if field == "lad_code"
                   else las[field].to_numpy(dtype=object, na_value=None) if field in _FROM_LSOA21
                   else np.full(n_lad, None, dtype=object))
            stacked = np.concatenate(
                [parents[field].to_numpy(dtype=object, na_value=None), own, [None]])
            small = categorical(stacked)
            columns[field] = pd.Categorical.from_codes(small.codes[key], small.categories)
        else:
            columns[field] = categorical(table[field])
    return columns


def _scalar(value: object) -> object:
    """Plain Python value for a record field (NA -> None, numpy numbers -> int/float)."""
    if value is pd.NA or value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _month(yyyymm: str) -> str:
    """``"202006"`` -> ``"June 2020 (202006)"`` (falls back to the raw value)."""
    if len(yyyymm) == 6 and yyyymm.isdigit() and 1 <= int(yyyymm[4:]) <= 12:
        return f"{calendar.month_name[int(yyyymm[4:])]} {yyyymm[:4]} ({yyyymm})"
    return repr(yyyymm)


@cache
def _bundled_index() -> PostcodeIndex:
    return PostcodeIndex(read_bundled("postcodes_cm", list(_INPUT_COLUMNS)),
                         source=BUNDLED_SOURCE)
