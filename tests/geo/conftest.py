"""Fixtures for the rescomm.geo tests: the shared real data (optional) and small ONSPD extracts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.reference_data import reference_file

from rescomm.data import load_postcodes

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` next to the repository (or ``$RESCOMM_SHARED_DATA``); skip if absent,
    fail in CI (``tests/reference_data.py``)."""
    return reference_file("README.md").parent


@pytest.fixture(scope="session")
def golden() -> dict[str, pd.DataFrame]:
    """The golden CSVs in this folder (see README.md for where each value came from)."""
    return {
        name: pd.read_csv(HERE / f"golden_{name}.csv", dtype=str, keep_default_na=False)
        for name in ("postcodes", "crs", "bridge")
    }


def write_onspd_csv(path: Path, lads: list[str]) -> Path:
    """Write bundled postcodes of ``lads`` as an ONS Postcode Directory CSV (official field names).

    ``lsoa21`` is written where the bundle's 2021 LSOA is exact, so the extract looks like a real
    ONSPD (which assigns every postcode's LSOA itself).
    """
    pc = load_postcodes()
    pc = pc[pc["lad_code"].isin(lads)]
    outward, inward = pc["postcode"].str[:-4], pc["postcode"].str[-3:]
    exact = pc["lsoa21_method"] == "lsoa11_to_lsoa21_one_to_one_or_merge"
    pd.DataFrame({
        "pcd": outward.str.pad(4, side="right") + inward,
        "pcd2": outward.str.pad(4, side="right") + " " + inward,
        "pcds": pc["postcode"],
        "dointr": pc["introduced"],
        "doterm": pc["terminated"],
        "oscty": "E99999999",
        "oslaua": pc["lad_code"].astype(str),
        "oseast1m": pc["easting"],
        "osnrth1m": pc["northing"],
        "osgrdind": 1,
        "oa11": pc["oa11_code"],
        "lsoa11": pc["lsoa11_code"],
        "msoa11": pc["msoa11_code"],
        "lat": pc["latitude"],
        "long": pc["longitude"],
        "icb": "E54000008",
        "lsoa21": pc["lsoa21_code"].where(exact, None),
    }).to_csv(path, index=False)
    return path


@pytest.fixture
def make_onspd_csv(tmp_path):
    """Factory: ``make_onspd_csv(name, lads)`` writes an ONSPD extract in ``tmp_path``."""
    return lambda name, lads: write_onspd_csv(tmp_path / name, lads)
