"""Schools and colleges from DfE Get Information About Schools (GIAS).

``source_id`` is ``gias:<URN>``. GIAS gives each establishment's coordinates (British National
Grid) and its LSOA, so no geocoding is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ._asset_areas import (
    _LOCATION_COLUMNS,
    _attach_areas,
    _check_lads,
    _filter_lads,
    _lad_of_lsoa21,
)
from ._asset_io import (
    _OGL,
    _coords,
    _normalise_postcodes,
    _num,
    _provenance,
    _read_csv,
    _standardise,
)
from ._bundled import load_lsoa11_lookup

_GIAS_ALIASES = {
    "urn": ("URN",),
    "la_code": ("LA (code)",), "la_name": ("LA (name)",),
    "establishment_number": ("EstablishmentNumber",),
    "establishment_name": ("EstablishmentName",),
    "establishment_type": ("TypeOfEstablishment (name)",),
    "establishment_type_group": ("EstablishmentTypeGroup (name)",),
    "establishment_status": ("EstablishmentStatus (name)",),
    "education_phase": ("PhaseOfEducation (name)",),
    "number_of_pupils": ("NumberOfPupils",),
    "percentage_fsm": ("PercentageFSM",),
    "easting": ("Easting",), "northing": ("Northing",),
    "lsoa_code": ("LSOA (code)",),
    "pcon_code": ("ParliamentaryConstituency (code)",),
    "lad_code": ("DistrictAdministrative (code)",),
    "postcode": ("Postcode",), "street": ("Street",), "locality": ("Locality",),
    "address3": ("Address3",), "town": ("Town",),
    "phone": ("TelephoneNum",), "url": ("SchoolWebsite",),
}
_GIAS_REQUIRED = ("urn", "establishment_name", "establishment_type", "education_phase",
                  "easting", "northing")


def read_gias(path: str | Path, *, lads: Iterable[str] | None = None, open_only: bool = True,
              source: str | None = None) -> pd.DataFrame:
    """Read DfE Get Information About Schools (``edubasealldataYYYYMMDD.csv``) into a tidy table.

    The official file is Windows-1252 encoded; UTF-8 re-publications are detected and read as
    such (see ``_read_csv``). Both the official column names (``URN``, ``EstablishmentName``,
    ``TypeOfEstablishment (name)``, ``Easting`` ...) and snake_case ones are accepted.

    Parameters
    ----------
    path : str or Path
        The CSV (optionally gzipped).
    lads : iterable of str, optional
        Keep only establishments in these local authority districts (``DistrictAdministrative
        (code)`` when given, else from the LSOA via the bundled ONS lookups).
    open_only : bool, default True
        Keep establishments whose ``EstablishmentStatus (name)`` starts with "Open" (files
        without a status column are assumed to hold open establishments only).
    source : str, optional
        Text for the ``source`` column.

    Returns
    -------
    DataFrame
        ``source_id`` (``gias:<URN>``), ``urn``, ``name``, ``establishment_type``,
        ``establishment_type_group``, ``education_phase``, ``number_of_pupils`` (Int64),
        ``percentage_fsm``, ``la_code`` (DfE), ``la_name``, address and contact columns where the
        file has them, coordinates, ``lad_code``, ``lsoa21_code``, ``lsoa21_method``,
        provenance.
    """
    path = Path(path)
    df = _standardise(_read_csv(path), path, "GIAS establishments", _GIAS_ALIASES,
                      _GIAS_REQUIRED)
    if open_only and "establishment_status" in df.columns:
        df = df[df["establishment_status"].str.startswith("Open").fillna(False)]
    df = df.copy()
    if "postcode" in df.columns:
        df["postcode"] = _normalise_postcodes(df["postcode"])
    df = _coords(df, path, "urn")
    if "lsoa_code" in df.columns:
        df["lsoa21_source"] = df["lsoa_code"]
        if "lad_code" not in df.columns:
            via21 = _lad_of_lsoa21(df["lsoa_code"])
            via11 = df["lsoa_code"].map(load_lsoa11_lookup().set_index("lsoa11_code")["lad_code"])
            df["lad_code"] = via21.fillna(via11)
    df = _attach_areas(df, postcodes=None)
    df = _filter_lads(df, _check_lads(lads))
    address = None
    parts = [c for c in ("street", "locality", "address3", "town") if c in df.columns]
    if parts:
        address = df[parts].apply(lambda r: ", ".join(v for v in r if isinstance(v, str)), axis=1)
    out = pd.DataFrame({
        "source_id": "gias:" + df["urn"],
        "urn": df["urn"],
        "name": df["establishment_name"],
        "establishment_type": df["establishment_type"],
        "establishment_type_group": df.get("establishment_type_group"),
        "education_phase": df["education_phase"],
        "number_of_pupils": _num(df, "number_of_pupils").round().astype("Int64"),
        "percentage_fsm": _num(df, "percentage_fsm"),
        "la_code": df.get("la_code"), "la_name": df.get("la_name"),
        "address": address, "postcode": df.get("postcode"),
        "phone": df.get("phone"), "url": df.get("url"),
        **{c: df[c] for c in _LOCATION_COLUMNS},
    })
    return _provenance(out, source or f"DfE Get Information About Schools ({path.name})",
                       [_OGL, "Source: Department for Education, Get Information About Schools."])
