"""Fixtures for the data-layer tests: shared data (optional) and ONSPD files in tmp_path.

``write_onspd`` writes an extract (see ``onspd_extract.py``) in the formats ONS distributes (a zip
holding ``Data/ONSPD_<MON>_<YEAR>_UK.csv``) and the ones users make from it (the extracted CSV,
gzipped CSV, extracted folder). Nothing large is committed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from tests.reference_data import reference_file

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` next to the repository (or ``$RESCOMM_SHARED_DATA``); skip if absent,
    fail in CI (``tests/reference_data.py``)."""
    return reference_file("README.md").parent


@pytest.fixture
def write_onspd(tmp_path):
    """Factory: ``write_onspd(frame, fmt)`` with ``fmt`` csv, gz, zip or dir -> path to pass."""

    def write(frame: pd.DataFrame, fmt: str = "csv") -> Path:
        csv = tmp_path / "ONSPD_NOV_2025_UK.csv"
        frame.to_csv(csv, index=False)
        if fmt == "csv":
            return csv
        if fmt == "gz":
            gz = tmp_path / "ONSPD_NOV_2025_UK.csv.gz"
            frame.to_csv(gz, index=False, compression="gzip")
            return gz
        if fmt == "zip":
            archive = tmp_path / "ONSPD_NOV_2025.zip"
            with zipfile.ZipFile(archive, "w") as z:
                z.write(csv, "Data/ONSPD_NOV_2025_UK.csv")
                z.writestr("Data/multi_csv/ONSPD_NOV_2025_UK_L.csv", "pcd,pcds\n")
                z.writestr("Documents/LA_UA names and codes UK as at 04_25.csv", "LAD25CD\n")
                z.writestr("User Guide/ONSPD User Guide Nov 2025.pdf", b"%PDF")
            return archive
        if fmt == "dir":
            folder = tmp_path / "ONSPD_NOV_2025"
            (folder / "Data").mkdir(parents=True)
            csv.rename(folder / "Data" / csv.name)
            return folder
        raise ValueError(fmt)

    return write
