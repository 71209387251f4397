"""Build the compact data bundled inside the package from the real open data in ../shared/data.

Run from the repository root:

    .venv/bin/python scripts/build_bundled_data.py [--shared ../shared/data] [--only TABLE ...]

It writes Parquet files (zstd-compressed) to ``src/rescomm/data/bundled/`` and a ``MANIFEST.json``
recording, for each file, its source file(s) in ``shared/data``, the SHA-256 of each source, the
row count, and the licence/attribution. Nothing is invented: every value comes from a source file;
the only transformations are subsetting to Cheshire & Merseyside, renaming columns, normalising
postcodes to the ONS ``pcds`` format and storing geometries as WKB.

``--greenspace-names CSV`` adds the names and kinds of OS Open Greenspace sites (the
``GreenspaceSite`` layer's ``id, function, distName1`` saved as CSV, e.g. with
``ogr2ogr -f CSV``) to ``assets_greenspace_sites_cm``; the staged access-point file carries no
names, so without it green spaces get descriptive names (``rescomm.data.greenspace_names``).

``--only`` rebuilds the named tables (e.g. ``--only postcodes_cm``) and updates their entries in
``MANIFEST.json``, leaving every other file as it is. The ``assets_*`` tables are read through
the installed ``rescomm.data`` loaders, so they use the bundled postcode, lookup and boundary
tables as they are on disk.

The bundle is committed to the repository so that rescomm runs on machines without ``../shared``.
Library opening times (``assets/libraries_uk_librarieshacked_schema.csv``) are deliberately not
bundled: that file states no licence (``docs/assets-data.md`` section 3a, decision 22); rescomm
reads it at run time with ``load_assets(library_hours=FILE)`` / ``load-demo --library-hours``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "rescomm" / "data" / "bundled"

#: Cheshire & Merseyside local authorities (codes are the same in LAD19 .. LAD25).
CM_LADS = {
    "E06000006": "Halton",
    "E06000007": "Warrington",
    "E06000049": "Cheshire East",
    "E06000050": "Cheshire West and Chester",
    "E08000011": "Knowsley",
    "E08000012": "Liverpool",
    "E08000013": "St Helens",
    "E08000014": "Sefton",
    "E08000015": "Wirral",
}

OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OS = "Contains OS data © Crown copyright and database right 2025."
RM = "Contains Royal Mail data © Royal Mail copyright and database right 2025."
GP = (
    "Contains GeoPlace data © Local Government Information House Limited copyright and "
    "database right 2025."
)
#: Provenance and area columns of the asset tables, stored as categoricals.
PROVENANCE_AREA_COLUMNS = ("source", "licence", "attribution", "lsoa21_method", "lad_code")


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def as_category(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``df`` with ``columns`` stored as pandas categoricals (smaller Parquet files)."""
    return df.astype({c: "category" for c in columns})


def normalise_pcds(s: pd.Series) -> pd.Series:
    """ONSPD ``pcd`` (7-character, padded) -> ``pcds`` ("outward inward", one space)."""
    compact = s.str.upper().str.replace(r"\s+", "", regex=True)
    return compact.str[:-3] + " " + compact.str[-3:]


#: The tables each build step writes, in build order.
STEPS: dict[str, tuple[str, ...]] = {
    "postcodes": ("postcodes_cm",),
    "lookups": ("lookup_lsoa21", "lookup_lsoa11", "lookup_lsoa11_lsoa21"),
    "boundaries": ("boundaries_lsoa11_cm", "boundaries_lsoa21_cm"),
    "deprivation": ("iod2025_lsoa21_cm", "iod2019_lsoa11_cm"),
    "population": ("population_census2021_lsoa21_cm", "population_mid2020_lsoa11_cm"),
    "assets": ("assets_gp_practices_cm", "assets_libraries_cm", "assets_schools_cm",
               "assets_greenspace_sites_cm", "assets_greenspace_access_points_cm"),
    "indicators": ("indicators_lsoa21_cm",),
    "timeseries": ("timeseries_fingertips_next_cm", "timeseries_ons_els_cm",
                   "timeseries_sape_lsoa11_cm"),
}

#: Areas of the bundled time series besides the nine C&M authorities: England, the North West
#: region and the Cheshire and Merseyside ICB (its sub-ICB locations, PCNs and practices are
#: chosen from the files and the practice -> PCN map).
TIMESERIES_AREAS = ("E92000001", "E12000002", "E54000008")
CM_STP = "QYG"  # Cheshire and Merseyside STP/ICB in NHS Digital's practice -> PCN map


class Builder:
    def __init__(self, shared: Path, only: set[str] | None = None,
                 greenspace_names: Path | None = None) -> None:
        self.shared = shared
        self.only = only
        self.greenspace_names = greenspace_names
        self.manifest: dict[str, dict] = {}

    def src(self, rel: str) -> Path:
        p = self.shared / rel
        if not p.exists():
            raise SystemExit(f"missing source file {p}: is --shared pointing at shared/data?")
        return p

    def write(self, name: str, df: pd.DataFrame, sources: list[str], licence: list[str],
              description: str) -> None:
        if self.only is not None and name not in self.only:
            return
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{name}.parquet"
        df.to_parquet(path, index=False, compression="zstd", compression_level=19)
        self.manifest[name] = {
            "file": path.name,
            "description": description,
            "rows": int(len(df)),
            "columns": list(df.columns),
            "sources": {s: sha256(self.src(s)) for s in sources},
            "attribution": licence,
        }
        print(f"{path.relative_to(REPO)}: {len(df):,} rows, {path.stat().st_size / 1024:,.0f} KiB")

    # ------------------------------------------------------------------ postcodes
    def postcodes(self) -> None:
        rel = "lookups/postcodes_cheshire_merseyside.csv.gz"
        p = pd.read_csv(self.src(rel), dtype=str)
        out = pd.DataFrame({
            "postcode": normalise_pcds(p["postcode"]),
            "easting": p["oseast1m"].astype("float64").round().astype("int32"),
            "northing": p["osnrth1m"].astype("float64").round().astype("int32"),
            "latitude": p["latitude"].astype("float64"),
            "longitude": p["longitude"].astype("float64"),
            "introduced": p["dointr"],
            "terminated": p["doterm"],
            # ONSPD user type: 0 small user (mostly residential), 1 large user (one address
            # receiving 25+ items a day); blank for the postcodes newer than the May-2022 lookup.
            "usertype": pd.to_numeric(p["usertype"], errors="raise").astype("Int8"),
            "lad_code": p["lad25cd_nspd"],
            "oa11_code": p["oa11cd"],
            "lsoa11_code": p["lsoa11cd"],
            "msoa11_code": p["msoa11cd"],
            "lsoa21_code": p["lsoa21cd"],
            "lsoa21_method": p["lsoa21_method"],
        })
        if out["postcode"].duplicated().any():
            dups = out.loc[out["postcode"].duplicated(), "postcode"].head().tolist()
            raise SystemExit(f"duplicate postcodes after normalisation: {dups}")
        for c in ("lad_code", "lsoa21_method"):
            out[c] = out[c].astype("category")
        out = out.sort_values("postcode", kind="stable").reset_index(drop=True)
        self.write(
            "postcodes_cm", out, [rel], [OGL, OS, RM, GP],
            "Cheshire & Merseyside postcodes (live and terminated) from the ONS Postcode Directory "
            "Nov 2025 and the ONS May-2022 postcode lookup; usertype (0 small user, 1 large user) "
            "from the May-2022 lookup, null for newer postcodes; lsoa21_code derived as described "
            "in lsoa21_method.",
        )

    # ------------------------------------------------------------------ area lookups
    def lookups(self) -> None:
        rel21 = "lookups/lookup_lsoa21_msoa21_ward24_lad24_icb24_ew.csv.gz"
        l21 = pd.read_csv(self.src(rel21), dtype=str)
        l21 = l21.rename(columns={
            "ltla24_code": "lad_code", "ltla24_name": "lad_name",
            "icb24_code": "icb_code", "icb24_name": "icb_name",
            "region24_code": "region_code", "region24_name": "region_name",
            "ward24_code": "ward_code", "ward24_name": "ward_name",
            "ruc21_urban_rural": "urban_rural",
        })
        cols = ["lsoa21_code", "lsoa21_name", "msoa21_code", "msoa21_name", "ward_code",
                "ward_name", "lad_code", "lad_name", "icb_code", "icb_name", "region_code",
                "region_name", "urban_rural"]
        self.write(
            "lookup_lsoa21", l21[cols], [rel21], [OGL],
            "LSOA 2021 -> MSOA 2021 -> ward 2024 -> LAD 2024 -> ICB 2024 -> region, England and "
            "Wales (ONS best-fit lookups; MSOA derived from LSOA names, see shared SOURCES.md).",
        )

        rel11 = "lookups/lookup_lsoa11_msoa11_lad_ew.csv.gz"
        l11 = pd.read_csv(self.src(rel11), dtype=str).rename(columns={
            "lsoa11cd": "lsoa11_code", "lsoa11nm": "lsoa11_name", "msoa11cd": "msoa11_code",
            "msoa11nm": "msoa11_name", "ladcd": "lad_code", "ladnm": "lad_name",
        })
        # ICB and region for 2011 LSOAs follow their LA (LA codes are stable across C&M vintages;
        # elsewhere a 2022 LA is mapped via the 2021 lookup's LA -> ICB/region where unambiguous).
        la_parent = (l21.groupby("lad_code")[["icb_code", "icb_name", "region_code",
                                             "region_name"]]
                     .agg(lambda s: s.iloc[0] if s.nunique(dropna=False) == 1 else None)
                     .reset_index())
        l11 = l11.merge(la_parent, on="lad_code", how="left")
        self.write(
            "lookup_lsoa11", l11, [rel11, rel21], [OGL],
            "LSOA 2011 -> MSOA 2011 -> LAD (May 2022), England and Wales, with ICB 2024 and region "
            "taken from the LA where the LA lies wholly in one ICB.",
        )

        relb = "lookups/lookup_lsoa11_lsoa21_lad22_ew.csv.gz"
        b = pd.read_csv(self.src(relb), dtype=str)
        b = b[["lsoa11_code", "lsoa21_code", "change_code", "ltla22_code"]].rename(
            columns={"ltla22_code": "lad_code"})
        b["change_code"] = b["change_code"].astype("category")
        self.write(
            "lookup_lsoa11_lsoa21", b, [relb], [OGL],
            "ONS LSOA 2011 -> LSOA 2021 best-fit lookup with change codes U (unchanged), "
            "S (split), M (merged), X (complex).",
        )

    # ------------------------------------------------------------------ boundaries
    def boundaries(self) -> None:
        for year, rel, code, name in (
            (2011, "geography/lsoa11_bsc_v3_cheshire_merseyside.geojson", "LSOA11CD", "LSOA11NM"),
            (2021, "geography/lsoa21_bsc_v4_cheshire_merseyside.geojson", "lsoa21_code",
             "lsoa21_name"),
        ):
            gj = json.loads(self.src(rel).read_text())
            codes = [f["properties"][code] for f in gj["features"]]
            names = [f["properties"][name] for f in gj["features"]]
            geoms = [shapely.geometry.shape(f["geometry"]) for f in gj["features"]]
            geoms = shapely.make_valid(np.array(geoms, dtype=object))
            df = pd.DataFrame({
                f"lsoa{str(year)[2:]}_code": codes,
                f"lsoa{str(year)[2:]}_name": names,
                "geometry_wkb": shapely.to_wkb(geoms),
            }).sort_values(f"lsoa{str(year)[2:]}_code").reset_index(drop=True)
            self.write(
                f"boundaries_lsoa{str(year)[2:]}_cm", df, [rel], [OGL, OS],
                f"LSOA {year} super-generalised clipped boundaries (ONS BSC), Cheshire & "
                "Merseyside, WGS84 (EPSG:4326) as WKB.",
            )

    # ------------------------------------------------------------------ deprivation
    def deprivation(self) -> None:
        rel25 = "deprivation/iod2025_lsoa21_england.csv.gz"
        d25 = pd.read_csv(self.src(rel25), dtype={"lsoa21_code": str, "ltla24_code": str})
        d25 = d25[d25["ltla24_code"].isin(CM_LADS)].drop(columns=["lsoa21_name", "ltla24_name"])
        d25 = d25.rename(columns={"ltla24_code": "lad_code"}).reset_index(drop=True)
        self.write(
            "iod2025_lsoa21_cm", d25, [rel25], [OGL],
            "English Indices of Deprivation 2025 (MHCLG): scores, ranks (1 = most deprived of "
            "33,755 in England) and deciles for domains and sub-domains, Cheshire & Merseyside.",
        )
        rel19 = "deprivation/iod2019_lsoa11_england.csv.gz"
        d19 = pd.read_csv(self.src(rel19), dtype={"lsoa11cd": str, "lad19cd": str})
        d19 = d19[d19["lad19cd"].isin(CM_LADS)].drop(columns=["lsoa11nm", "lad19nm"])
        d19 = d19.rename(columns={"lsoa11cd": "lsoa11_code", "lad19cd": "lad_code"})
        self.write(
            "iod2019_lsoa11_cm", d19.reset_index(drop=True), [rel19], [OGL],
            "English Indices of Deprivation 2019 (MHCLG), File 7 equivalent: scores, ranks "
            "(1 = most deprived of 32,844), deciles and mid-2015 population denominators, C&M.",
        )

    # ------------------------------------------------------------------ population
    def population(self, lsoa21_cm: set[str], lsoa11_cm: set[str]) -> None:
        rel = "population/census2021_ts007a_age5yr_lsoa21_ew.csv.gz"
        c = pd.read_csv(self.src(rel))
        c = c[c["geography code"].isin(lsoa21_cm)]
        bands = [col for col in c.columns if col.startswith("Age: ") and col != "Age: Total"]
        out = pd.DataFrame({"lsoa21_code": c["geography code"],
                            "population": c["Age: Total"].astype("int32")})
        for col in bands:
            label = (col.removeprefix("Age: Aged ").replace(" years and under", "_under")
                     .replace(" years and over", "_plus").replace(" to ", "_")
                     .replace(" years", ""))
            out[f"age_{label}"] = c[col].astype("int32")
        if not (out[[f for f in out.columns if f.startswith("age_")]].sum(axis=1)
                == out["population"]).all():
            raise SystemExit("Census 2021 TS007A: bands do not sum to the total")
        out = out.sort_values("lsoa21_code").reset_index(drop=True)
        self.write(
            "population_census2021_lsoa21_cm", out, [rel], [OGL],
            "Census 2021 usual residents by 5-year age band (ONS TS007A), LSOA 2021, C&M.",
        )
        rel20 = "population/sape23_mid2020_lsoa11_syoa_ew.csv.gz"
        m = pd.read_csv(self.src(rel20))
        m = m[m["lsoa11_code"].isin(lsoa11_cm)].drop(columns=["lsoa11_name"])
        m = m.rename(columns={"total_population": "population"})
        num = [c for c in m.columns if c != "lsoa11_code"]
        m[num] = m[num].astype("int32")
        self.write(
            "population_mid2020_lsoa11_cm", m.sort_values("lsoa11_code").reset_index(drop=True),
            [rel20], [OGL],
            "ONS mid-2020 small area population estimates (SAPE23) by single year of age, "
            "LSOA 2011, C&M.",
        )

    # ------------------------------------------------------------------ community assets
    def assets(self) -> None:
        """GP practices, libraries, schools and green space in C&M (``assets_*`` tables).

        Uses the ``rescomm.data`` readers (the same ones users run on the full official files),
        so it must run after the postcode, lookup and boundary tables exist.
        """
        sys.path.insert(0, str(REPO / "src"))
        from rescomm import data as A  # needs the tables written above
        from rescomm.data._greenspace import _GREENSPACE_ATTRIBUTION

        cm = list(CM_LADS)
        geo = ("geocoded by postcode with the ONS Postcode Directory November 2025")

        rel = "assets/gp_practices_epraccur_2025-09.csv.gz"
        gp = A.read_gp_practices(
            self.src(rel), lads=cm,
            source=f"NHS England ODS GP practices (epraccur), September 2025; {geo}")
        gp = as_category(gp, PROVENANCE_AREA_COLUMNS)
        self.write(
            "assets_gp_practices_cm", gp.sort_values("source_id").reset_index(drop=True), [rel],
            [OGL, "Source: NHS England Organisation Data Service.", OS, RM, GP],
            "Active GP practices (status A, prescribing setting 4) whose postcode lies in C&M, "
            "from the NHS ODS epraccur file (Sept 2025), with postcode-centroid coordinates and "
            "LSOA 2021 from the bundled postcode table.",
        )

        rel = "assets/libraries_england_ace_basic_dataset_2023.csv"
        lib = A.read_ace_libraries(
            self.src(rel), lads=cm,
            source="Arts Council England basic dataset for libraries 2023 (cleaned by "
                   f"Libraries Hacked); {geo}")
        lib = as_category(lib, PROVENANCE_AREA_COLUMNS)
        self.write(
            "assets_libraries_cm", lib.sort_values("source_id").reset_index(drop=True), [rel],
            [OGL, "Source: Arts Council England.", OS, RM, GP],
            "Open static public libraries in C&M (no closure year, 2023 operation not 'Closed'; "
            "mobile libraries and archives excluded) from the ACE basic dataset for libraries "
            "2023; source_id = ace: + SHA-256(name|postcode)[:16].",
        )

        rel = "assets/schools_gias_open_2025-05-24_england.csv.gz"
        sch = A.read_gias(self.src(rel), lads=cm,
                          source="DfE Get Information About Schools, open establishments, "
                                 "24 May 2025")
        sch = as_category(sch, (*PROVENANCE_AREA_COLUMNS, "establishment_type",
                                "establishment_type_group", "education_phase", "la_name"))
        sch = sch.drop(columns=[c for c in ("address", "postcode", "phone", "url")
                                if sch[c].isna().all()])
        self.write(
            "assets_schools_cm", sch.sort_values("source_id").reset_index(drop=True), [rel],
            [OGL, "Source: Department for Education, Get Information About Schools."],
            "Open establishments (schools, colleges, universities) located in C&M (LSOA 2021 as "
            "given by GIAS) from DfE Get Information About Schools, 24 May 2025.",
        )

        rel = "assets/greenspace_access_points_cheshire_merseyside.csv.gz"
        ap = A.read_greenspace_access_points(
            self.src(rel),
            source="OS Open Greenspace (June 2024) and Natural England CRoW access land "
                   "(2023) access points, C&M + 2 km, processed by the Groundswell project")
        names = sources = None
        if self.greenspace_names is not None:
            # OS GreenspaceSite attributes (id, function, distName1): the sites' own names.
            names = A.read_greenspace_site_names(self.greenspace_names)
            sources = [str(self.greenspace_names.resolve())]
        sites = A.greenspace_sites(ap, names)
        ap = as_category(ap, PROVENANCE_AREA_COLUMNS[:3])
        sites = as_category(sites, PROVENANCE_AREA_COLUMNS[:4])
        # OS access-point ids (263 KiB of GUIDs) and lat/lon are left out to keep the bundle
        # small: distances use BNG, and the ids are in the source file.
        ap = ap.drop(columns=["point_id", "latitude", "longitude"])
        for c in ("easting", "northing"):
            ap[c] = ap[c].round(2)
        self.write(
            "assets_greenspace_sites_cm", sites, [rel, *(sources or [])],
            list(_GREENSPACE_ATTRIBUTION),
            "Green-space sites (OS Open Greenspace sites and CRoW access land) with any access "
            "point in C&M + 2 km, every size class; positioned at the mean of their access "
            "points; in_cm marks sites with a point inside C&M.",
        )
        self.write(
            "assets_greenspace_access_points_cm",
            ap.sort_values(["site_id", "easting", "northing"]).reset_index(drop=True), [rel],
            list(_GREENSPACE_ATTRIBUTION),
            "Green-space access points (OS formal access points plus estimated N/S/E/W "
            "bounding-box points of sites and access land) in C&M + 2 km, with the site each "
            "belongs to (formal points linked by bounding-box containment, see site_link).",
        )

    # ------------------------------------------------------------------ framework indicators
    def indicators(self) -> None:
        """Inputs of the ``warm`` and ``capitals`` frameworks for the 1,601 C&M LSOAs 2021.

        Read with :func:`rescomm.data.read_indicators` (the same reader users run on the full
        files), so it needs the lookup and asset tables written above. OGL sources only: the
        Community Needs Index is never read.
        """
        sys.path.insert(0, str(REPO / "src"))
        from rescomm.data import read_indicators
        from rescomm.data._greenspace import _GREENSPACE_ATTRIBUTION

        table = read_indicators(self.shared, las=list(CM_LADS))
        if len(table) != 1601:
            raise SystemExit(f"indicators: expected 1,601 C&M LSOAs 2021, got {len(table)}")
        for c in ("lsoa21_name", "lad_code", "lad_name", "region_code", "region_name"):
            table[c] = table[c].astype("category")
        sources = [str(Path(p).relative_to(self.shared))
                   for p in table.attrs["sources"].values()]
        self.write(
            "indicators_lsoa21_cm", table, sources,
            [OGL, "Source: Office for National Statistics.",
             "Source: Department for Culture, Media and Sport, Community Life Survey 2020/21.",
             *_GREENSPACE_ATTRIBUTION[1:], OS, RM, GP],
            "Inputs of the warm and capitals frameworks, one row per C&M LSOA 2021: Census 2021 "
            "counts and denominators (TS007A, TS011, TS037, TS038, TS039, TS040, TS052, TS054), "
            "DCMS modelled loneliness 2020/21, IoD2025 domain and sub-domain scores, LA-level ONS "
            "personal wellbeing 2020/21 and ONS Health Index 2021 (la_* columns), road-network "
            "distance to green space (Groundswell), and asset-map coverage computed from the "
            "bundled assets (asset_*). Column meanings: rescomm.data.INDICATOR_COLUMNS.",
        )

    # ------------------------------------------------------------------ time series
    def write_csv(self, name: str, df: pd.DataFrame, sources: list[str], licence: list[str],
                  description: str) -> None:
        """Write ``df`` as gzip CSV in its source's own layout (so the indicator store reads
        it with the same reader as the full file); gzip without a timestamp, reproducible."""
        if self.only is not None and name not in self.only:
            return
        import gzip

        path = OUT / f"{name}.csv.gz"
        with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as handle:
            handle.write(df.to_csv(index=False).encode("utf-8"))
        self.manifest[name] = {
            "file": path.name,
            "description": description,
            "rows": int(len(df)),
            "columns": list(df.columns),
            "sources": {s: sha256(self.src(s)) for s in sources},
            "attribution": licence,
        }
        print(f"{path.relative_to(REPO)}: {len(df):,} rows, {path.stat().st_size / 1024:,.0f} KiB")

    def timeseries(self) -> None:
        """The real time series of ``timeseries/`` for C&M, England, the North West and the
        C&M ICB (and the C&M sub-ICB locations, PCNs and practices the Fingertips extract
        holds), rows kept exactly as published (text, not re-parsed)."""
        areas = set(CM_LADS) | set(TIMESERIES_AREAS)
        rel = "timeseries/ohid_fingertips_extract_northwest_england_2018_2024_fingertipsnext.csv.gz"
        pcn_rel = "lookups/nhsd_gp_practice_pcn_ccg_stp_map_england_2022-01.csv.gz"
        fingertips = pd.read_csv(self.src(rel), dtype=str, keep_default_na=False)
        practices = pd.read_csv(self.src(pcn_rel), dtype=str, keep_default_na=False)
        cm = practices[practices["STP_CODE"] == CM_STP]
        nhs = set(cm["PRACTICE_CODE"]) | set(cm["PCN_CODE"])
        sub_icb = fingertips["AreaName"].str.startswith("Cheshire and Merseyside ICB - ")
        keep = fingertips["AreaCode"].isin(areas | nhs) | sub_icb
        self.write_csv(
            "timeseries_fingertips_next_cm", fingertips[keep], [rel, pcn_rel],
            [OGL, "Source: Office for Health Improvement and Disparities, Fingertips."],
            "OHID Fingertips extract (DHSC FingertipsNext DataCreator, 31 indicators, 2018-2024) "
            "for England, the nine C&M local authorities, the C&M ICB and its sub-ICB "
            "locations, and the C&M PCNs and GP practices in the extract (chosen with NHS "
            "Digital's practice -> PCN map, January 2022); counts, denominators, values and "
            "95% limits as published, in the extract's own layout (rescomm indicators load "
            "--layout fingertips-next).",
        )
        rel = "timeseries/ons_els_indicators_england.csv.gz"
        els = pd.read_csv(self.src(rel), dtype=str, keep_default_na=False)
        self.write_csv(
            "timeseries_ons_els_cm", els[els["areacd"].isin(areas)], [rel],
            [OGL, "Source: Office for National Statistics, Explore Local Statistics."],
            "ONS Explore Local Statistics indicator time series (53 datasets, 1997-2025) for "
            "England, the North West and the nine C&M local authorities, as published (values, "
            "95% limits, status), in ELS's own layout (rescomm indicators load --layout "
            "ons-els).",
        )
        rel = "population/ons_sape_lsoa11_single_year_age_england_2017_2019_2020.csv.gz"
        sape = pd.read_csv(self.src(rel), dtype=str, keep_default_na=False)
        lsoa11 = pd.read_parquet(OUT / "lookup_lsoa11.parquet")
        cm11 = set(lsoa11.loc[lsoa11["lad_code"].isin(CM_LADS), "lsoa11_code"])
        self.write_csv(
            "timeseries_sape_lsoa11_cm", sape[sape["lsoa11_code"].isin(cm11)], [rel],
            [OGL, "Source: Office for National Statistics."],
            "ONS small-area population estimates (SAPE) for the 1,562 C&M LSOAs 2011, mid-2017, "
            "mid-2019 and mid-2020, persons by single year of age (0-89, 90+) and in total, as "
            "published; loaded into the indicator store as a generic table described by "
            "timeseries_sape_lsoa11_cm.yaml beside it.",
        )

    def wants(self, step: str) -> bool:
        return self.only is None or not self.only.isdisjoint(STEPS[step])

    def run(self) -> None:
        for step in ("postcodes", "lookups", "boundaries", "deprivation"):
            if self.wants(step):
                getattr(self, step)()
        if self.wants("population"):
            l21 = pd.read_parquet(OUT / "lookup_lsoa21.parquet")
            l11 = pd.read_parquet(OUT / "lookup_lsoa11.parquet")
            cm21 = set(l21.loc[l21["lad_code"].isin(CM_LADS), "lsoa21_code"])
            cm11 = set(l11.loc[l11["lad_code"].isin(CM_LADS), "lsoa11_code"])
            assert len(cm21) == 1601 and len(cm11) == 1562, (len(cm21), len(cm11))
            self.population(cm21, cm11)
        if self.wants("assets"):
            self.assets()
        if self.wants("indicators"):
            self.indicators()
        if self.wants("timeseries"):
            self.timeseries()
        files = self.manifest
        if self.only is not None:  # keep the other tables' entries, in their order
            old = json.loads((OUT / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
            files = {name: self.manifest.get(name, entry) for name, entry in old.items()}
            files |= {k: v for k, v in self.manifest.items() if k not in files}
        (OUT / "MANIFEST.json").write_text(json.dumps(
            {"local_authorities": CM_LADS, "files": files}, indent=2) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--only", nargs="+", metavar="TABLE",
                    help="rebuild only these tables and their MANIFEST.json entries")
    ap.add_argument("--greenspace-names", type=Path, metavar="CSV",
                    help="the GreenspaceSite layer of OS Open Greenspace saved as CSV (id, "
                         "function, distName1): adds each site's own name and kind to "
                         "assets_greenspace_sites_cm (the staged access-point file has none)")
    args = ap.parse_args()
    only = None if args.only is None else set(args.only)
    known = {t for tables in STEPS.values() for t in tables}
    if only is not None and not only <= known:
        ap.error(f"unknown table(s) {sorted(only - known)}; choose from {sorted(known)}")
    Builder(args.shared, only, args.greenspace_names).run()


if __name__ == "__main__":
    main()
