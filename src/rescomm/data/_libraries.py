"""Public libraries from the Arts Council England basic dataset for libraries (2023).

Read in the cleaned layout published by Libraries Hacked. The data set has no identifier of its
own, so ``source_id`` is a hash of the library's name and postcode (:func:`library_source_id`).
Libraries are placed at their postcode centroid (ONS Postcode Directory).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ._asset_areas import _LOCATION_COLUMNS, _locate
from ._asset_io import (
    _OGL,
    _PC_GEOCODE_ALIASES,
    _POSTCODE_ATTRIBUTION,
    _normalise_postcodes,
    _num,
    _provenance,
    _read_csv,
    _standardise,
)
from ._asset_taxonomy import LIBRARY_OPERATION_MODELS

_LIB_ALIASES = {
    "name": ("Library name", "Library"),
    "address1": ("Address 1", "Address line 1"),
    "address2": ("Address 2", "Address line 2"),
    "address3": ("Address 3", "Address line 3"),
    "postcode": ("Postcode",),
    "type": ("Type", "Type of library", "Library type"),
    "closed": ("Closed", "Year closed"),
    "authority": ("Reporting service", "Reporting authority", "reporting"),
    "statutory_23": ("Statutory 2023",),
    "operation_23": ("Operation 2023",),
    **_PC_GEOCODE_ALIASES,
}
_LIB_REQUIRED = ("name", "address1", "postcode", "type", "closed", "statutory_23", "operation_23")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def library_source_id(name: pd.Series, postcode: pd.Series) -> pd.Series:
    """``ace:`` + first 16 hex digits of SHA-256 of ``casefold(name) + "|" + compact postcode``.

    The name is case-folded with runs of whitespace collapsed; the postcode is upper case without
    spaces. The ACE data set has no identifier of its own, and UPRNs are missing for about half of
    the libraries, so this is the most stable key available: it changes only if a library is
    renamed or moves.
    """
    n = name.astype("string").str.replace(r"\s+", " ", regex=True).str.strip().str.casefold()
    p = postcode.astype("string").str.upper().str.replace(r"\s+", "", regex=True).fillna("")
    keys = (n.fillna("") + "|" + p).tolist()
    return pd.Series(["ace:" + hashlib.sha256(k.encode("utf-8")).hexdigest()[:16] for k in keys],
                     index=name.index, dtype="string")


def read_ace_libraries(path: str | Path, *, lads: Iterable[str] | None = None,
                       open_only: bool = True, postcodes: pd.DataFrame | None = None,
                       source: str | None = None) -> pd.DataFrame:
    """Read the Arts Council England basic dataset for libraries (2023) into a tidy table.

    The layout read is the cleaned CSV published by Libraries Hacked
    (``libraries_england_2023.csv``: ``name, address1..3, postcode, type, statutory_23,
    operation_23, closed, monday..sunday, hours, email`` ...); ``pc_*`` geocode columns are used
    when present, otherwise libraries are geocoded by postcode.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    lads : iterable of str, optional
        Keep only libraries whose postcode lies in these local authorities.
    open_only : bool, default True
        Keep only open static libraries: ``type`` "Static Library", no ``closed`` year and a 2023
        operation model other than "Closed". Libraries temporarily closed in 2023 are kept and
        flagged in ``temporarily_closed_2023``. Mobile libraries and archives are dropped.
    postcodes, source
        As for :func:`read_gp_practices`.

    Returns
    -------
    DataFrame
        ``source_id`` (see :func:`library_source_id`), ``name``, ``library_type``,
        ``authority``, ``statutory_2023``, ``operation_2023`` (code), ``operation_model`` (its
        meaning), ``temporarily_closed_2023``, ``operating_organisation``, ``address_1..3``,
        ``postcode``, ``uprn``, ``email``, ``opened``, ``co_located``, ``monday..sunday``
        (opening pattern), ``hours`` and ``staffed_hours`` (per week), coordinates, area codes
        and provenance.

    Raises
    ------
    AssetFileError, AssetCoordinateError
        As for :func:`read_gp_practices`.
    """
    path = Path(path)
    df = _standardise(_read_csv(path), path, "libraries (ACE basic dataset)", _LIB_ALIASES,
                      _LIB_REQUIRED)
    if open_only:
        df = df[(df["type"] == "Static Library") & df["closed"].isna()
                & (df["operation_23"] != "Closed")]
    df = df.copy()
    df["postcode_original"] = df["postcode"]
    df["postcode"] = _normalise_postcodes(df["postcode"])
    df = _locate(df, path, "name", postcodes=postcodes, lads=lads)
    temp = ((df["statutory_23"] == "Temporary Closure")
            | (df["operation_23"] == "Temporary Closure"))
    out = pd.DataFrame({
        "source_id": library_source_id(df["name"], df["postcode_original"]),
        "name": df["name"],
        "library_type": df["type"],
        "authority": df.get("authority"),
        "statutory_2023": df["statutory_23"],
        "operation_2023": df["operation_23"],
        "operation_model": df["operation_23"].map(LIBRARY_OPERATION_MODELS).astype("string"),
        "temporarily_closed_2023": temp.astype(bool),
        "operating_organisation": df.get("operating_organisation"),
        "address_1": df["address1"], "address_2": df.get("address2"),
        "address_3": df.get("address3"),
        "postcode": df["postcode"],
        "uprn": df.get("uprn"),
        "email": df["email"].str.lower() if "email" in df.columns else pd.NA,
        "opened": df.get("opened"),
        "co_located": df.get("co_located"),
        **{d: df.get(d) for d in _DAYS},
        "hours": _num(df, "hours"),
        "staffed_hours": _num(df, "staffed_hours"),
        **{c: df[c] for c in _LOCATION_COLUMNS},
    })
    return _provenance(out, source or f"Arts Council England basic dataset for libraries "
                       f"({path.name})", [_OGL, "Source: Arts Council England.",
                                          *_POSTCODE_ATTRIBUTION])
