"""The statistical and administrative area hierarchy: LSOA -> MSOA -> LA -> ICB -> region.

Two vintages are kept apart because LSOA codes were redrawn after each census:

* **2021**: LSOA 2021 -> MSOA 2021 -> local authority (LAD 2024) -> ICB (2024) -> region, from the
  ONS best-fit lookups (bundled ``lookup_lsoa21``, England and Wales, 35,672 LSOAs).
* **2011**: LSOA 2011 -> MSOA 2011 -> local authority (LAD May 2022), with ICB and region taken from
  the local authority where it lies wholly in one ICB (bundled ``lookup_lsoa11``, 34,753 LSOAs).

Codes are checked at the boundary: a code of the wrong year raises :class:`AreaCodeError` saying
which year it belongs to and how to convert.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray
from pandas.api.extensions import take

from ._arrow import positions_in, read_bundled, string_array, to_arrow_strings
from ._errors import AreaCodeError, GeoError

YEARS = (2011, 2021)
_LSOA_CODE = re.compile(r"[EW]01\d{6}")
_LA_PREFIXES = ("E06", "E07", "E08", "E09", "W06")
_PARENTS = ("lad_code", "lad_name", "icb_code", "icb_name", "region_code", "region_name")
_SHOWN = 5


def check_year(year: int) -> int:
    """Return ``year`` if it is an LSOA vintage (2011 or 2021); raise :class:`GeoError` if not."""
    if year not in YEARS:
        raise GeoError(f"LSOA year {year!r} is not supported; use year=2011 or year=2021")
    return int(year)


class AreaHierarchy:
    """Parents and children of LSOAs for the 2011 and 2021 geographies.

    Parameters
    ----------
    lsoa21 : pandas.DataFrame or callable
        Columns ``lsoa21_code, lsoa21_name, msoa21_code, msoa21_name`` and
        ``lad_code, lad_name, icb_code, icb_name, region_code, region_name`` (as
        :func:`rescomm.data.load_lsoa21_lookup`), or a zero-argument function returning it (read
        on first use).
    lsoa11 : pandas.DataFrame or callable
        The same with ``lsoa11_*``/``msoa11_*`` (as :func:`rescomm.data.load_lsoa11_lookup`).

    Examples
    --------
    >>> h = AreaHierarchy.bundled()
    >>> h.parents(["E01033756"])["lad_name"].tolist()
    ['Liverpool']
    >>> len(h.lsoas_in("E06000006", year=2021))   # Halton
    80
    """

    def __init__(
        self,
        lsoa21: pd.DataFrame | Callable[[], pd.DataFrame],
        lsoa11: pd.DataFrame | Callable[[], pd.DataFrame],
    ) -> None:
        # Either table may be given as a zero-argument loader, called on first use.
        self._sources = {2021: lsoa21, 2011: lsoa11}
        self._prepared: dict[int, tuple[pd.DataFrame, pa.Array]] = {}
        self._las: dict[int, pd.DataFrame] = {}

    def _table(self, year: int) -> pd.DataFrame:
        return self._prepare(year)[0]

    def _codes(self, year: int) -> pa.Array:
        return self._prepare(year)[1]

    def _prepare(self, year: int) -> tuple[pd.DataFrame, pa.Array]:
        if year not in self._prepared:
            source = self._sources[year]
            table = _indexed_lookup(source() if callable(source) else source, year)
            self._prepared[year] = (table, to_arrow_strings(table.index))
        return self._prepared[year]

    @classmethod
    def bundled(cls) -> AreaHierarchy:
        """The hierarchy from the lookups bundled with rescomm (cached; England and Wales)."""
        return _bundled_hierarchy()

    def table(self, year: int = 2021) -> pd.DataFrame:
        """The full lookup for ``year``, one row per LSOA (a copy)."""
        return self._table(check_year(year)).reset_index().copy()

    def codes(self, year: int = 2021) -> NDArray[np.object_]:
        """All LSOA codes of ``year``, sorted."""
        return np.sort(self._table(check_year(year)).index.to_numpy(dtype=object))

    def parents(
        self,
        codes: Iterable[str],
        *,
        year: int = 2021,
        errors: Literal["raise", "coerce"] = "raise",
    ) -> pd.DataFrame:
        """MSOA, local authority, ICB and region of each LSOA.

        Parameters
        ----------
        codes : iterable of str
            LSOA codes of ``year`` (duplicates allowed).
        year : {2021, 2011}
            Which LSOA definitions the codes use.
        errors : {"raise", "coerce"}
            ``"raise"``: raise :class:`AreaCodeError` for any unknown or wrong-year code.
            ``"coerce"``: return ``<NA>`` parents for those rows instead.

        Returns
        -------
        pandas.DataFrame
            One row per input code, in order: ``lsoa{yy}_code, lsoa{yy}_name, msoa{yy}_code,
            msoa{yy}_name, lad_code, lad_name, icb_code, icb_name, region_code, region_name``
            (``yy`` = 21 or 11). ICB and region are null in Wales.
        """
        year = check_year(year)
        codes = _as_codes(codes)
        if errors == "raise":
            self.check_codes(codes, year)
        elif errors != "coerce":
            raise GeoError(f"errors={errors!r} is not supported; use 'raise' or 'coerce'")
        values = to_arrow_strings(codes)
        positions = positions_in(values, self._codes(year))
        table = self._table(year)
        out = {f"lsoa{year % 100}_code": string_array(values)}
        for column in table.columns:
            out[column] = take(table[column].array, positions, allow_fill=True)
        return pd.DataFrame(out)

    def lsoas_in(self, area_code: str, *, year: int = 2021) -> NDArray[np.object_]:
        """Sorted LSOA codes of ``year`` inside a local authority (or MSOA, ICB or region).

        Parameters
        ----------
        area_code : str
            A local authority code (``E06``/``E07``/``E08``/``E09``/``W06``), or an MSOA, ICB
            (``E54``) or region (``E12``) code of the same vintage as the LSOAs.
        year : {2021, 2011}

        Raises
        ------
        AreaCodeError
            If no LSOA of ``year`` lies in ``area_code``.
        """
        year = check_year(year)
        table = self._table(year)
        for column in (f"msoa{year % 100}_code", "lad_code", "icb_code", "region_code"):
            hit = table.index[(table[column] == area_code).fillna(False).to_numpy(dtype=bool)]
            if len(hit):
                return np.sort(hit.to_numpy(dtype=object))
        raise AreaCodeError(
            f"area code {area_code!r} is not a local authority, MSOA, ICB or region of the {year} "
            "LSOA lookup; check the code (local authorities look like 'E08000012') and the year",
            codes=[str(area_code)],
        )

    def local_authorities(self, year: int = 2021) -> pd.DataFrame:
        """One row per local authority (index ``lad_code``): name, ICB and region.

        ICB or region is null where the local authority's LSOAs lie in more than one.
        """
        year = check_year(year)
        if year not in self._las:
            table = self._table(year)[list(_PARENTS)]
            las = table.drop_duplicates("lad_code").set_index("lad_code").sort_index()
            for column in _PARENTS[2:]:
                spread = table.groupby("lad_code")[column].nunique(dropna=False)
                las.loc[spread.index[spread.to_numpy() > 1], column] = pd.NA
            self._las[year] = las
        return self._las[year].copy()

    def check_codes(self, codes: Iterable[str], year: int = 2021) -> None:
        """Check that every code is an LSOA code of ``year``.

        Parameters
        ----------
        codes : iterable of str
        year : {2021, 2011}

        Raises
        ------
        AreaCodeError
            Naming the bad codes (first five), saying for each whether it is malformed, missing,
            unknown or an LSOA code of the other year, and what to do (for wrong-year codes: the
            conversion function to use). ``.codes`` holds every bad code.
        """
        year = check_year(year)
        values = _as_codes(codes)
        known = self._table(year).index
        bad = pd.unique(values[~pd.Index(values).isin(known)])
        if len(bad) == 0:
            return
        other = 2011 if year == 2021 else 2021
        other_codes = self._table(other).index
        reasons = []
        for code in bad[:_SHOWN]:
            if code is None or (isinstance(code, float) and np.isnan(code)):
                reasons.append("a missing value")
            elif not isinstance(code, str) or not _LSOA_CODE.fullmatch(code):
                reasons.append(f"{code!r} is not an LSOA code")
            elif code in other_codes:
                change = "replaced in 2021" if other == 2011 else "new in 2021"
                reasons.append(f"{code!r} is a {other} LSOA code ({change})")
            else:
                reasons.append(f"{code!r} is not a known LSOA code")
        is_other = pd.Index(bad).isin(other_codes)
        advice = []
        if is_other.any():
            advice.append(f"convert {other}-based data to {year} LSOAs with "
                          f"rescomm.geo.lsoa{other % 100}_to_lsoa{year % 100}")
        if not is_other.all():
            advice.append("check the codes (LSOA codes are 'E01' or 'W01' followed by 6 digits)")
        more = f" and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else ""
        head = (f"1 code is not a {year} LSOA code" if len(bad) == 1
                else f"{len(bad)} codes are not {year} LSOA codes")
        raise AreaCodeError(
            f"{head}: {', '.join(reasons)}{more}; {'; '.join(advice)}",
            codes=[str(c) for c in bad],
        )


def _columns(year: int) -> list[str]:
    yy = year % 100
    return [f"lsoa{yy}_code", f"lsoa{yy}_name", f"msoa{yy}_code", f"msoa{yy}_name", *_PARENTS]


def _indexed_lookup(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The lookup for ``year``: the needed columns, one row per LSOA, indexed by its code."""
    yy = year % 100
    columns = _columns(year)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise GeoError(f"LSOA {year} lookup lacks column(s) {missing}; pass a table shaped like "
                       f"rescomm.data.load_lsoa{yy}_lookup()")
    out = table[columns].drop_duplicates(f"lsoa{yy}_code").set_index(f"lsoa{yy}_code")
    return out.astype("string[pyarrow]")


def _as_codes(codes: Iterable[str]) -> NDArray[np.object_]:
    """Codes as a 1-D object array (a single string counts as one code)."""
    if isinstance(codes, str):
        return np.array([codes], dtype=object)
    if isinstance(codes, pd.Series | pd.Index):
        codes = codes.array
    if isinstance(codes, pd.api.extensions.ExtensionArray):
        return codes.to_numpy(dtype=object, na_value=None)
    if isinstance(codes, np.ndarray):
        return codes.astype(object).ravel()
    return np.asarray(list(codes), dtype=object).ravel()


def bundled_hierarchy_part(lsoa21_codes: Iterable[str], lad_codes: Iterable[str],
                           ) -> AreaHierarchy:
    """The bundled hierarchy reduced to what a few postcodes need: the 2021 rows of these LSOAs
    and of every LSOA of these local authorities (so their names, ICB and region, and whether
    those are unique, come out as from the whole lookup). 2011 is read whole, on first use."""
    import pyarrow.compute as pc

    wanted = (pc.field("lsoa21_code").isin(pa.array(sorted(set(lsoa21_codes)), pa.string()))
              | pc.field("lad_code").isin(pa.array(sorted(set(lad_codes)), pa.string())))
    return AreaHierarchy(lambda: read_bundled("lookup_lsoa21", _columns(2021), filters=wanted),
                         lambda: read_bundled("lookup_lsoa11", _columns(2011)))


@cache
def _bundled_hierarchy() -> AreaHierarchy:
    return AreaHierarchy(lambda: read_bundled("lookup_lsoa21", _columns(2021)),
                         lambda: read_bundled("lookup_lsoa11", _columns(2011)))
