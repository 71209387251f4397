"""Indicator inputs for the resilience frameworks: one row per LSOA 2021 from open files.

:func:`read_indicators` assembles, from the official/shared files in a folder, one row per
English LSOA 2021 (33,755) holding **counts and their denominators** (Census 2021), modelled
loneliness, IoD2025 domain scores, LA-level wellbeing and ONS Health Index values attached to
every LSOA of the LA (columns prefixed ``la_``), network distance to green space (Cheshire &
Merseyside only) and the asset-map coverage indicators of :func:`rescomm.geo.coverage`
(computed from the bundled C&M assets, so present for C&M LSOAs only). :func:`load_indicators`
reads the same table for the 1,601 C&M LSOAs from the package bundle.

Every column is described in :data:`INDICATOR_COLUMNS` (meaning, unit, source) and in
``docs/frameworks.md``. Counts are kept as counts (``*_n``) so that indicators are proportions
with a denominator in the index spec, and sampling error can be propagated from them.

Nothing is invented: each value is a source value, a sum of source counts, or a coverage
statistic computed by :mod:`rescomm.geo`. Bad input raises :class:`IndicatorFileError` naming
the file and the column.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._encoding import find_encoding_error
from ._errors import IndicatorFileError

#: Sub-folders of a shared/official data folder searched for each file (and the folder itself).
_SUBFOLDERS = ("", "indicators", "deprivation", "population", "lookups")

_CENSUS = "ONS Census 2021"
_APS = "ONS Annual Population Survey, Apr 2020-Mar 2021, LAD 2019"
_COV = "rescomm.geo coverage on the bundled asset map"
#: Output columns: name -> (meaning and unit, source). LA-level columns start with ``la_``.
INDICATOR_COLUMNS: dict[str, tuple[str, str]] = {
    "lsoa21_code": ("LSOA 2021 code", "ONS"),
    "lsoa21_name": ("LSOA 2021 name", "ONS"),
    "lad_code": ("local authority (LAD 2024) code", "ONS best-fit lookup"),
    "lad_name": ("local authority name", "ONS best-fit lookup"),
    "region_code": ("region code", "ONS"),
    "region_name": ("region name", "ONS"),
    "persons_n": ("usual residents (count)", f"{_CENSUS} TS037 total"),
    "bad_health_n": ("residents in bad or very bad general health (count)", f"{_CENSUS} TS037"),
    "persons_ts038_n": ("usual residents, disability table (count)", f"{_CENSUS} TS038 total"),
    "disabled_a_lot_n": ("residents disabled under the Equality Act, day-to-day activities "
                         "limited a lot (count)", f"{_CENSUS} TS038"),
    "persons_5plus_n": ("usual residents aged 5 and over (count)", f"{_CENSUS} TS039 total"),
    "unpaid_care_n": ("residents aged 5+ providing any unpaid care (count)",
                      f"{_CENSUS} TS039 (total minus 'provides no unpaid care')"),
    "unpaid_care_50h_n": ("residents aged 5+ providing 50 or more hours of unpaid care a week "
                          "(count)", f"{_CENSUS} TS039"),
    "households_n": ("households (count)", f"{_CENSUS} TS011 total"),
    "hh_deprived_2plus_n": ("households deprived in 2, 3 or 4 of the census dimensions "
                            "(employment, education, health and disability, housing) (count)",
                            f"{_CENSUS} TS011"),
    "households_ts040_n": ("households, disability table (count)", f"{_CENSUS} TS040 total"),
    "hh_with_disabled_n": ("households with at least one person disabled under the Equality "
                           "Act (count)", f"{_CENSUS} TS040"),
    "households_ts052_n": ("households, occupancy table (count)", f"{_CENSUS} TS052 total"),
    "overcrowded_hh_n": ("households with an occupancy rating for bedrooms of -1 or less "
                         "(overcrowded) (count)", f"{_CENSUS} TS052"),
    "households_ts054_n": ("households, tenure table (count)", f"{_CENSUS} TS054 total"),
    "owner_occupied_hh_n": ("households owning outright, with a mortgage or in shared "
                            "ownership (count)", f"{_CENSUS} TS054"),
    "social_rented_hh_n": ("households renting from a council or other social landlord (count)",
                           f"{_CENSUS} TS054"),
    "aged_65plus_n": ("usual residents aged 65 and over (count)", f"{_CENSUS} TS007A"),
    "persons_ts007_n": ("usual residents, age table (count)", f"{_CENSUS} TS007A total"),
    "lonely_pct": ("percentage of adults lonely often/always or some of the time (modelled "
                   "small-area estimate, percent 0-100)",
                   "DCMS Community Life Survey 2020/21, modelled to LSOA 2021"),
    "imd_score": ("IMD 2025 score (higher = more deprived)", "MHCLG IoD2025"),
    "imd_decile": ("IMD 2025 decile (1 = most deprived 10% in England)", "MHCLG IoD2025"),
    "income_score": ("Income Deprivation score (proportion of residents)", "MHCLG IoD2025"),
    "employment_score": ("Employment Deprivation score (proportion of working-age residents)",
                         "MHCLG IoD2025"),
    "education_score": ("Education, Skills and Training Deprivation score", "MHCLG IoD2025"),
    "health_score": ("Health Deprivation and Disability score (standardised, higher = worse)",
                     "MHCLG IoD2025"),
    "crime_score": ("Crime score (standardised, higher = more crime)", "MHCLG IoD2025"),
    "housing_and_services_score": ("Barriers to Housing and Services score", "MHCLG IoD2025"),
    "environment_score": ("Living Environment Deprivation score", "MHCLG IoD2025"),
    "geographical_barriers_score": ("Geographical Barriers sub-domain score (road distance to "
                                    "GP, school, shop, post office)", "MHCLG IoD2025"),
    "wider_barriers_score": ("Wider Barriers sub-domain score (overcrowding, homelessness, "
                             "housing affordability)", "MHCLG IoD2025"),
    "indoors_score": ("Indoors Living Environment sub-domain score (housing condition, central "
                      "heating)", "MHCLG IoD2025"),
    "outdoors_score": ("Outdoors Living Environment sub-domain score (air quality, road "
                       "traffic accidents)", "MHCLG IoD2025"),
    "la_life_satisfaction": ("LA-level mean life satisfaction, 0-10 (attached to every LSOA of "
                             "the LA)", _APS),
    "la_happiness": ("LA-level mean happiness yesterday, 0-10",
                     _APS),
    "la_worthwhile": ("LA-level mean 'things you do are worthwhile', 0-10",
                      _APS),
    "la_anxiety": ("LA-level mean anxiety yesterday, 0-10 (higher = worse)",
                   _APS),
    "la_health_index": ("LA-level ONS Health Index 2021, overall (100 = England 2015)",
                        "ONS Health Index for England, LTLA 2021"),
    "la_hi_mental_health": ("LA-level Health Index 2021 'Mental health' sub-domain "
                            "(100 = England 2015)", "ONS Health Index for England, LTLA 2021"),
    "la_hi_personal_wellbeing": ("LA-level Health Index 2021 'Personal well-being' sub-domain "
                                 "(100 = England 2015)", "ONS Health Index for England, LTLA 2021"),
    "greenspace_doorstop_network_m": ("mean road-network distance to the nearest green space of "
                                      "0.5 ha or more (metres; C&M only)",
                                      "OS Open Greenspace, Groundswell project network analysis"),
    "greenspace_local_network_m": ("mean road-network distance to the nearest green space of "
                                   "2 ha or more (metres; C&M only)",
                                   "OS Open Greenspace, Groundswell project network analysis"),
    "asset_gp_practice_nearest_m": ("mean straight-line distance from the LSOA's live "
                                    "postcodes to the nearest GP practice (metres; C&M only)",
                                    _COV),
    "asset_library_nearest_m": ("as above, nearest public library (metres; C&M only)",
                                _COV),
    "asset_school_nearest_m": ("as above, nearest school or college (metres; C&M only)",
                               _COV),
    "asset_green_space_nearest_m": ("as above, nearest access point of a green space of 0.5 ha "
                                    "or more (metres; C&M only)",
                                    _COV),
    "asset_any_per_1000": ("published assets within 1,600 m of the LSOA centre per 1,000 "
                           "residents within 1,600 m (C&M only)",
                           _COV),
    "asset_social_per_1000": ("assets tagged with social capital (libraries) within 1,600 m per "
                              "1,000 residents (C&M only)",
                              _COV),
    "asset_cultural_per_1000": ("assets tagged with cultural capital within 1,600 m per 1,000 "
                                "residents (C&M only)",
                                _COV),
    "asset_human_per_1000": ("assets tagged with human capital (GP practices, libraries, "
                             "schools) within 1,600 m per 1,000 residents (C&M only)",
                             _COV),
    "asset_built_per_1000": ("assets tagged with built capital within 1,600 m per 1,000 "
                             "residents (C&M only)", _COV),
    "asset_natural_per_1000": ("green-space sites (0.5 ha or more) within 1,600 m per 1,000 "
                               "residents (C&M only)",
                               _COV),
    "coverage_available": ("True where the asset-map coverage columns could be computed (the "
                           "bundled asset map covers C&M only)", "rescomm"),
}

#: The coverage groups taken from :func:`rescomm.geo.coverage` and their columns.
_COVERAGE_COLUMNS: dict[str, str] = {
    "gp_practice_nearest_m": "asset_gp_practice_nearest_m",
    "library_nearest_m": "asset_library_nearest_m",
    "school_nearest_m": "asset_school_nearest_m",
    "green_space_nearest_m": "asset_green_space_nearest_m",
    "any_per_1000": "asset_any_per_1000",
    "social_per_1000": "asset_social_per_1000",
    "cultural_per_1000": "asset_cultural_per_1000",
    "human_per_1000": "asset_human_per_1000",
    "built_per_1000": "asset_built_per_1000",
    "natural_per_1000": "asset_natural_per_1000",
}


@dataclass(frozen=True)
class _Source:
    """One input file: where to find it, its area-code column and geography, what it needs."""

    key: str
    filename: str
    code: str
    geography: str  # "lsoa21" | "lad"
    columns: tuple[str, ...]
    text: tuple[str, ...] = ()  # columns that hold text, not numbers
    year: int | None = None  # keep rows of this ``year`` only (long files with several years)


_TS = "General health: "
_D = "Disability: "
_C = "Provision of unpaid care: "
_H = "Number of disabled people in household: "
SOURCES: tuple[_Source, ...] = (
    _Source("ts037", "census2021_ts037_general_health_lsoa21_ew.csv.gz", "geography code",
            "lsoa21", (f"{_TS}Total: All usual residents", f"{_TS}Bad health",
                       f"{_TS}Very bad health")),
    _Source("ts038", "census2021_ts038_disability_lsoa21_ew.csv.gz", "geography code", "lsoa21",
            (f"{_D}Total: All usual residents",
             f"{_D}Disabled under the Equality Act: Day-to-day activities limited a lot")),
    _Source("ts039", "census2021_ts039_unpaid_care_lsoa21_ew.csv.gz", "geography code", "lsoa21",
            (f"{_C}Total: All usual residents aged 5 and over",
             f"{_C}Provides no unpaid care",
             f"{_C}Provides 50 or more hours unpaid care a week")),
    _Source("ts040", "census2021_ts040_disabled_people_in_household_lsoa21_ew.csv.gz",
            "geography code", "lsoa21",
            (f"{_H}Total: All households",
             f"{_H}No people disabled under the Equality Act in household")),
    _Source("ts011", "census2021_ts011_household_deprivation_dimensions_lsoa21_ew.csv.gz",
            "lsoa21_code", "lsoa21",
            ("total_households", "Household is deprived in two dimensions",
             "Household is deprived in three dimensions",
             "Household is deprived in four dimensions")),
    _Source("ts052", "census2021_ts052_occupancy_rating_bedrooms_lsoa21_ew.csv.gz",
            "lsoa21_code", "lsoa21",
            ("total_households", "-1 (overcrowded)", "-2 or less (overcrowded)")),
    _Source("ts054", "census2021_ts054_tenure_lsoa21_ew.csv.gz", "lsoa21_code", "lsoa21",
            ("total_households", "Owned: Owns outright", "Owned: Owns with a mortgage or loan",
             "Shared ownership: Shared ownership", "Social rented: Other social rented",
             "Social rented: Rents from council or Local Authority")),
    _Source("ts007", "census2021_ts007a_age5yr_lsoa21_ew.csv.gz", "geography code", "lsoa21",
            ("Age: Total", "Age: Aged 65 to 69 years", "Age: Aged 70 to 74 years",
             "Age: Aged 75 to 79 years", "Age: Aged 80 to 84 years",
             "Age: Aged 85 years and over")),
    _Source("loneliness", "loneliness_cls_2020_21_lsoa21_england.csv", "lsoa21_code", "lsoa21",
            ("pct_lonely_often_always_or_some_of_the_time",)),
    _Source("iod2025", "iod2025_lsoa21_england.csv.gz", "lsoa21_code", "lsoa21",
            ("imd_score", "imd_decile", "income_score", "employment_score", "education_score",
             "health_score", "crime_score", "housing_and_services_score", "environment_score",
             "geographical_barriers_score", "wider_barriers_score", "indoors_score",
             "outdoors_score")),
    _Source("wellbeing", "ons_personal_wellbeing_lad19_2020_21_uk.csv", "area_code", "lad",
            ("life_satisfaction_mean", "happiness_mean", "worthwhile_mean", "anxiety_mean")),
    _Source("health_index", "ons_health_index_lad21_2015_2021_england.csv", "ltla21_code", "lad",
            ("year", "overall_score", "Mental health", "Personal well-being"), year=2021),
    _Source("greenspace", "lsoa_greenspace_network_distance_cheshire_merseyside.csv",
            "LSOA21CD", "lsoa21",
            ("distance_doorstop_greenspace", "distance_local_greenspace")),
    _Source("iod2019", "iod2019_lsoa11_england.csv.gz", "lsoa11cd", "lsoa11", ("lad19cd",),
            text=("lad19cd",)),
)
_BY_KEY = {s.key: s for s in SOURCES}

#: ONS Health Index year attached (the latest in the file).
HEALTH_INDEX_YEAR = _BY_KEY["health_index"].year


# ----------------------------------------------------------------------------- reading

def find_source(folder: Path, filename: str) -> Path:
    """Path of ``filename`` in ``folder`` or its ``indicators/``, ``deprivation/``,
    ``population/`` or ``lookups/`` sub-folder (or those of the parent folder).

    Raises
    ------
    IndicatorFileError
        If the file is in none of them (names the file and the folders searched).
    """
    roots = [folder, folder.parent]
    tried = []
    for root in roots:
        for sub in _SUBFOLDERS:
            p = root / sub / filename if sub else root / filename
            tried.append(str(p.parent))
            if p.is_file():
                return p
    searched = ", ".join(dict.fromkeys(tried))
    raise IndicatorFileError(
        f"indicator file {filename} not found in {folder} (searched {searched});"
        " download it as described in shared/data/SOURCES.md or pass the folder that holds it",
        path=str(folder / filename))


def _read(path: Path, source: _Source) -> pd.DataFrame:
    """Read one source file and check its columns and area codes."""
    try:
        frame = pd.read_csv(path, dtype={source.code: str}, low_memory=False,
                            encoding="utf-8-sig")
    except UnicodeDecodeError:
        problem = find_encoding_error(path)
        raise IndicatorFileError(str(problem or f"{path} is not UTF-8 text"),
                                 path=str(path)) from None
    except (ValueError, OSError) as exc:
        raise IndicatorFileError(f"{path}: cannot read it as CSV: {exc}",
                                 path=str(path)) from None
    for column in (source.code, *source.columns):
        if column not in frame.columns:
            close = difflib.get_close_matches(column, [str(c) for c in frame.columns], n=2,
                                              cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise IndicatorFileError(f"{path}: column {column!r} not found{hint}",
                                     path=str(path), column=column)
    codes = frame[source.code].astype("string").str.strip()
    frame[source.code] = codes
    _check_geography(codes, source, path)
    for column in source.columns:
        if column in source.text:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        text = frame[column].astype("string").str.strip()
        bad = values.isna() & text.notna() & ~text.isin(["", "na", "NA", "nan"])
        if bad.any():
            rows = np.flatnonzero(bad.to_numpy())[:3]
            shown = ", ".join(f"row {i + 2} ({frame[column].iloc[i]!r})" for i in rows)
            raise IndicatorFileError(f"{path}: column {column!r} has non-numeric values in "
                                     f"{shown}", path=str(path), column=column)
        frame[column] = values
    return frame


def _check_geography(codes: pd.Series, source: _Source, path: Path) -> None:
    """LSOA files must hold LSOA codes of the right edition; LA files LA codes."""
    present = codes.dropna()
    if present.empty:
        raise IndicatorFileError(f"{path}: column {source.code!r} has no area codes",
                                 path=str(path), column=source.code)
    prefix = present.str[:3]
    if source.geography == "lad":
        ok = prefix.isin(["E06", "E07", "E08", "E09", "W06", "S12", "N09", "K02", "K03", "K04",
                          "E10", "E11", "E12", "E92", "W92", "S92", "N92"])
        if not ok.all():
            first = present[~ok].iloc[0]
            raise IndicatorFileError(
                f"{path}: column {source.code!r} should hold local authority codes (E06/E07/"
                f"E08/E09...) but has {first!r}", path=str(path), column=source.code)
        return
    ok = prefix.isin(["E01", "W01"])
    if not ok.all():
        first = present[~ok].iloc[0]
        raise IndicatorFileError(
            f"{path}: column {source.code!r} should hold LSOA codes (E01/W01) but has "
            f"{first!r}: is this the LSOA-level file?", path=str(path), column=source.code)
    if source.geography == "lsoa21":
        from ._bundled import load_lsoa11_lsoa21_lookup

        lk = load_lsoa11_lsoa21_lookup()
        s21 = pd.Index(lk["lsoa21_code"].unique())
        s11 = pd.Index(lk["lsoa11_code"].unique())
        in21 = s21.get_indexer(present) >= 0
        only11 = (~in21) & (s11.get_indexer(present) >= 0)
        if only11.any():
            first = present[only11].iloc[0]
            raise IndicatorFileError(
                f"{path}: column {source.code!r} holds LSOA 2011 codes ({int(only11.sum())}, "
                f"e.g. {first!r}) but LSOA 2021 codes are needed; use the Census 2021 / "
                "IoD2025 edition of the file", path=str(path), column=source.code)


def _index(frame: pd.DataFrame, source: _Source, path: Path) -> pd.DataFrame:
    """Index by area code; exact duplicate rows collapse, conflicting duplicates are an error."""
    frame = frame.drop_duplicates(subset=[source.code, *source.columns])
    dup = frame[source.code].duplicated(keep=False)
    if dup.any():
        first = frame.loc[dup, source.code].iloc[0]
        raise IndicatorFileError(
            f"{path}: column {source.code!r} lists area {first!r} more than once with "
            "different values", path=str(path), column=source.code)
    return frame.set_index(source.code)


# ----------------------------------------------------------------------------- assembly

def _census(get: Callable[[str], pd.DataFrame], out: pd.DataFrame) -> None:
    """Counts and denominators from the Census 2021 tables (sums of published cells)."""
    idx = out.index

    def col(key: str, name: str) -> pd.Series:
        return get(key)[name].reindex(idx)

    out["persons_n"] = col("ts037", f"{_TS}Total: All usual residents")
    out["bad_health_n"] = col("ts037", f"{_TS}Bad health") + col("ts037", f"{_TS}Very bad health")
    out["persons_ts038_n"] = col("ts038", f"{_D}Total: All usual residents")
    out["disabled_a_lot_n"] = col(
        "ts038", f"{_D}Disabled under the Equality Act: Day-to-day activities limited a lot")
    out["persons_5plus_n"] = col("ts039", f"{_C}Total: All usual residents aged 5 and over")
    out["unpaid_care_n"] = out["persons_5plus_n"] - col("ts039", f"{_C}Provides no unpaid care")
    out["unpaid_care_50h_n"] = col("ts039", f"{_C}Provides 50 or more hours unpaid care a week")
    t011 = get("ts011")
    out["households_n"] = t011["total_households"].reindex(idx)
    out["hh_deprived_2plus_n"] = (t011["Household is deprived in two dimensions"]
                                  + t011["Household is deprived in three dimensions"]
                                  + t011["Household is deprived in four dimensions"]).reindex(idx)
    out["households_ts040_n"] = col("ts040", f"{_H}Total: All households")
    out["hh_with_disabled_n"] = out["households_ts040_n"] - col(
        "ts040", f"{_H}No people disabled under the Equality Act in household")
    t052 = get("ts052")
    out["households_ts052_n"] = t052["total_households"].reindex(idx)
    out["overcrowded_hh_n"] = (t052["-1 (overcrowded)"]
                               + t052["-2 or less (overcrowded)"]).reindex(idx)
    t054 = get("ts054")
    out["households_ts054_n"] = t054["total_households"].reindex(idx)
    out["owner_occupied_hh_n"] = (t054["Owned: Owns outright"]
                                  + t054["Owned: Owns with a mortgage or loan"]
                                  + t054["Shared ownership: Shared ownership"]).reindex(idx)
    out["social_rented_hh_n"] = (t054["Social rented: Other social rented"]
                                 + t054["Social rented: Rents from council or Local Authority"]
                                 ).reindex(idx)
    t007 = get("ts007")
    old = [c for c in _BY_KEY["ts007"].columns if c != "Age: Total"]
    out["aged_65plus_n"] = t007[old].sum(axis=1, min_count=len(old)).reindex(idx)
    out["persons_ts007_n"] = t007["Age: Total"].reindex(idx)


def _la_values(get: Callable[[str], pd.DataFrame], out: pd.DataFrame,
               lad19: pd.Series, lad22: pd.Series) -> None:
    """LA-level wellbeing (LAD 2019) and Health Index (LTLA 2021) attached to each LSOA."""
    wb = get("wellbeing")
    for src, dst in (("life_satisfaction_mean", "la_life_satisfaction"),
                     ("happiness_mean", "la_happiness"), ("worthwhile_mean", "la_worthwhile"),
                     ("anxiety_mean", "la_anxiety")):
        out[dst] = lad19.map(wb[src]).to_numpy(dtype=float)
    hi = get("health_index")
    for src, dst in (("overall_score", "la_health_index"), ("Mental health", "la_hi_mental_health"),
                     ("Personal well-being", "la_hi_personal_wellbeing")):
        out[dst] = lad22.map(hi[src]).to_numpy(dtype=float)


def _coverage(out: pd.DataFrame) -> None:
    """Asset-map coverage (bundled C&M assets): present for C&M LSOAs, missing elsewhere."""
    import warnings

    from rescomm.geo import EmptyGroupWarning, coverage

    groups = ("gp_practice", "library", "school", "green_space", "any", "social", "cultural",
              "human", "built", "natural")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EmptyGroupWarning)
        cov = coverage(groups=groups).set_index("area_code")
    for src, dst in _COVERAGE_COLUMNS.items():
        out[dst] = cov[src].reindex(out.index).to_numpy(dtype=float)
    out["coverage_available"] = out.index.isin(cov.index)


def read_indicators(folder: str | Path, *, las: Iterable[str] | None = None,
                    coverage: bool = True) -> pd.DataFrame:
    """Assemble the indicator table, one row per English LSOA 2021, from the official files.

    Parameters
    ----------
    folder : path
        A folder holding the files named in :data:`SOURCES` (Census 2021 TS007A, TS011, TS037,
        TS038, TS039, TS040, TS052, TS054; DCMS loneliness; IoD2025 (and IoD2019, for the
        LSOA -> LAD 2019 bridge of the wellbeing file); ONS personal wellbeing; ONS Health
        Index; C&M network distance to green space), directly or in ``indicators/``,
        ``deprivation/``, ``population/`` sub-folders (the layout of ``shared/data``).
    las : iterable of str, optional
        Keep only LSOAs of these local authorities (LAD 2024 codes).
    coverage : bool, default True
        Add the asset-map coverage columns (``asset_*``), computed from the bundled C&M asset
        map: present for C&M LSOAs, missing (NaN) elsewhere; ``coverage_available`` says which.

    Returns
    -------
    DataFrame
        One row per LSOA 2021 in England (33,755) or in ``las``, columns as in
        :data:`INDICATOR_COLUMNS`, sorted by ``lsoa21_code``. ``attrs["sources"]`` lists the
        files read.

    Raises
    ------
    IndicatorFileError
        A file is missing, lacks a column (with "did you mean"), has non-numeric values, or
        holds the wrong geography (LSOA 2011 instead of 2021, LSOA instead of LA codes).

    Notes
    -----
    LA-level values (``la_*``) are the same for every LSOA of the LA: they say nothing about
    differences within an LA. Wellbeing is published for LAD 2019, so LSOAs are bridged
    LSOA 2021 -> LSOA 2011 -> LAD 2019 (IoD2019's LA column); the Health Index uses LTLA 2021,
    reached through the ONS LSOA 2011 -> 2021 lookup's LAD 2022 (identical in England).
    Network distance to green space is published for C&M only and so is missing elsewhere.
    """
    from ._bundled import load_lsoa11_lsoa21_lookup, load_lsoa21_lookup

    folder = Path(folder)
    if not folder.is_dir():
        raise IndicatorFileError(f"indicator folder {folder} does not exist", path=str(folder))
    cache: dict[str, pd.DataFrame] = {}
    used: dict[str, str] = {}

    def get(key: str) -> pd.DataFrame:
        if key not in cache:
            source = _BY_KEY[key]
            path = find_source(folder, source.filename)
            used[key] = str(path)
            frame = _read(path, source)
            if source.year is not None:
                frame = frame[frame["year"] == source.year]
                if frame.empty:
                    raise IndicatorFileError(f"{path}: no rows for year {source.year}",
                                             path=str(path), column="year")
            cache[key] = _index(frame, source, path)
        return cache[key]

    lk = load_lsoa21_lookup()
    lk = lk[lk["lsoa21_code"].str.startswith("E01")]
    if las is not None:
        wanted = set(las)
        lk = lk[lk["lad_code"].isin(wanted)]
        if lk.empty:
            raise IndicatorFileError(f"no English LSOA 2021 lies in the local authorities "
                                     f"{sorted(wanted)[:5]} (use LAD 2024 codes)",
                                     path=str(folder))
    lk = lk.sort_values("lsoa21_code")
    out = pd.DataFrame(index=pd.Index(lk["lsoa21_code"].to_numpy(), name="lsoa21_code"))
    for c in ("lsoa21_name", "lad_code", "lad_name", "region_code", "region_name"):
        out[c] = lk[c].to_numpy()
    _census(get, out)
    out["lonely_pct"] = get("loneliness")["pct_lonely_often_always_or_some_of_the_time"] \
        .reindex(out.index)
    iod = get("iod2025")
    for c in _BY_KEY["iod2025"].columns:
        out[c] = iod[c].reindex(out.index)
    bridge = load_lsoa11_lsoa21_lookup()
    first = bridge.drop_duplicates("lsoa21_code").set_index("lsoa21_code")
    lad22 = first["lad_code"].reindex(out.index)
    lad19 = first["lsoa11_code"].reindex(out.index).map(get("iod2019")["lad19cd"])
    _la_values(get, out, lad19, lad22)
    gs = get("greenspace")
    out["greenspace_doorstop_network_m"] = gs["distance_doorstop_greenspace"].reindex(out.index)
    out["greenspace_local_network_m"] = gs["distance_local_greenspace"].reindex(out.index)
    if coverage:
        _coverage(out)
    missing = out["persons_n"].isna()
    if missing.any():
        raise IndicatorFileError(
            f"{used['ts037']}: {int(missing.sum())} English LSOA 2021 code(s) have no Census "
            f"row, e.g. {out.index[missing][0]!r}: is the file complete?",
            path=used["ts037"], column=_BY_KEY["ts037"].code)
    out = out.reset_index()
    out.attrs["sources"] = dict(used)
    return out


def load_indicators() -> pd.DataFrame:
    """The indicator table for the 1,601 Cheshire & Merseyside LSOAs 2021 (bundled).

    Same columns as :func:`read_indicators` (see :data:`INDICATOR_COLUMNS`), built by
    ``scripts/build_bundled_data.py`` from the open files (OGL). Ranks computed on it are ranks
    *within C&M*, not in England.
    """
    from ._bundled import _read as read_bundled

    return read_bundled("indicators_lsoa21_cm")
