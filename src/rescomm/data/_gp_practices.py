"""GP practices from the NHS England Organisation Data Service file ``epraccur.csv``.

``source_id`` is ``ods:<ODS organisation code>`` (ODS codes are permanent). The official file has
no coordinates: practices are placed at their postcode centroid (ONS Postcode Directory).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ._asset_areas import _LOCATION_COLUMNS, _locate
from ._asset_io import (
    _OGL,
    _PC_GEOCODE_ALIASES,
    _POSTCODE_ATTRIBUTION,
    _normalise_postcodes,
    _provenance,
    _read_csv,
    _standardise,
    _title_case_series,
)

#: Column order of the official, header-less ``epraccur.csv`` (27 fields, 6 of them null).
EPRACCUR_COLUMNS: tuple[str, ...] = (
    "organisation_code", "name", "national_grouping", "high_level_health_geography",
    "address_line_1", "address_line_2", "address_line_3", "address_line_4", "address_line_5",
    "postcode", "open_date", "close_date", "status_code", "organisation_sub_type_code",
    "commissioner", "join_provider_purchaser_date", "left_provider_purchaser_date",
    "contact_telephone_number", "null_1", "null_2", "null_3", "amended_record_indicator",
    "null_4", "provider_purchaser", "null_5", "prescribing_setting", "null_6",
)
_GP_ALIASES = {
    "organisation_code": ("Organisation Code", "PracticeOdsCode", "ods_code"),
    "name": ("Name", "PracticeName"),
    "postcode": ("Postcode",),
    "status_code": ("Status Code", "StatusCode"),
    "prescribing_setting": ("Prescribing Setting", "PracticeType"),
    "contact_telephone_number": ("Contact Telephone Number", "ContactTelephoneNumber"),
    "open_date": ("Open Date", "OpenDate"),
    **_PC_GEOCODE_ALIASES,
}
_GP_REQUIRED = ("organisation_code", "name", "address_line_1", "postcode", "open_date",
                "status_code", "prescribing_setting")


def read_gp_practices(path: str | Path, *, lads: Iterable[str] | None = None,
                      active_only: bool = True, postcodes: pd.DataFrame | None = None,
                      source: str | None = None) -> pd.DataFrame:
    """Read the NHS ODS GP practice file (``epraccur.csv``) into a tidy table.

    Parameters
    ----------
    path : str or Path
        The official header-less ``epraccur.csv`` (27 columns; optionally gzipped), or a copy
        with a header row (ODS names such as ``organisation_code``; ``pc_*`` geocode columns are
        used when present).
    lads : iterable of str, optional
        Keep only practices whose postcode lies in these local authorities (ONS LAD codes).
    active_only : bool, default True
        Keep only active (``status_code`` A) GP practices (``prescribing_setting`` 4); other
        settings are out-of-hours, walk-in, prison and similar services.
    postcodes : DataFrame, optional
        Postcode table to geocode with (columns ``postcode, easting, northing`` and optionally
        ``latitude, longitude, lad_code, lsoa21_code, lsoa21_method``); default: the bundled
        C&M postcodes, so practices elsewhere get no coordinates unless you pass the ONSPD.
    source : str, optional
        Text for the ``source`` column (default names the file).

    Returns
    -------
    DataFrame
        ``source_id`` (``ods:<code>``), ``ods_code``, ``name`` (title case), ``name_original``,
        ``address_line_1..5``, ``postcode`` (ONS ``pcds`` format), ``phone``, ``open_date``
        (datetime64), ``status_code``, ``prescribing_setting``, ``commissioner``, ``easting``,
        ``northing`` (BNG m; the postcode centroid), ``latitude``, ``longitude``, ``lad_code``,
        ``lsoa21_code``, ``lsoa21_method``, ``source``, ``licence``, ``attribution``.

    Raises
    ------
    AssetFileError
        If a required column is missing (names the column and the file).
    AssetCoordinateError
        If coordinates fall outside Great Britain.
    """
    path = Path(path)
    raw = _read_csv(path, header=None)
    first = [str(v).strip().casefold() for v in raw.iloc[0].tolist()] if len(raw) else []
    if "organisation_code" in first or "organisation code" in first or "practiceodscode" in first:
        raw.columns = raw.iloc[0].astype(str).str.strip()
        raw = raw.iloc[1:].reset_index(drop=True)
    elif raw.shape[1] == len(EPRACCUR_COLUMNS):
        raw.columns = list(EPRACCUR_COLUMNS)
    df = _standardise(raw, path, "GP practice (epraccur)", _GP_ALIASES, _GP_REQUIRED)
    if active_only:
        df = df[(df["status_code"] == "A") & (df["prescribing_setting"] == "4")]
    df = df.copy()
    df["postcode"] = _normalise_postcodes(df["postcode"])
    df = _locate(df, path, "organisation_code", postcodes=postcodes, lads=lads)
    addr = [f"address_line_{i}" for i in range(1, 6)]
    for c in addr:
        if c not in df.columns:
            df[c] = pd.NA
    out = pd.DataFrame({
        "source_id": "ods:" + df["organisation_code"],
        "ods_code": df["organisation_code"],
        "name": _title_case_series(df["name"]),
        "name_original": df["name"],
        **{c: df[c] for c in addr},
        "postcode": df["postcode"],
        "phone": df.get("contact_telephone_number"),
        "open_date": pd.to_datetime(df["open_date"], format="%Y%m%d", errors="coerce"),
        "status_code": df["status_code"],
        "prescribing_setting": df["prescribing_setting"],
        "commissioner": df.get("commissioner"),
        **{c: df[c] for c in _LOCATION_COLUMNS},
    })
    return _provenance(out, source or f"NHS England ODS GP practices ({path.name})",
                       [_OGL, "Source: NHS England Organisation Data Service.",
                        *_POSTCODE_ATTRIBUTION])
