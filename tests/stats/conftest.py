"""Fixtures for the stats tests: the PHEindicatormethods reference files, read in place.

The reference files are GPL-3 test data of PHEindicatormethods; they are read from
``shared/data/reference/phe_methods`` beside the repository and never copied into this
repository. Tests that need them skip cleanly when they are absent, and fail in CI (where
``tests/reference_data.py`` says the data must be present).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.reference_data import reference_file, require_module

REPO = Path(__file__).resolve().parents[2]


def phe_file(name: str) -> Path:
    return reference_file(f"reference/phe_methods/{name}")


def shared_file(*parts: str) -> Path:
    """A file under ``shared/data`` (e.g. ``"timeseries", "x.csv.gz"``): skip when absent, fail
    in CI (``tests/reference_data.py``)."""
    return reference_file("/".join(parts))


def read_sheet(workbook: str, sheet: str) -> pd.DataFrame:
    """One sheet of a PHE test workbook (header in row 1), with empty columns and rows dropped."""
    openpyxl = require_module("openpyxl")
    wb = openpyxl.load_workbook(phe_file(workbook), read_only=True, data_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    header = list(rows[0])
    keep = [i for i, h in enumerate(header) if h is not None]
    body = [[r[i] for i in keep] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=[header[i] for i in keep])
    return frame.dropna(how="all").reset_index(drop=True)


def read_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(phe_file(name), encoding="utf-8-sig")


class PheReference:
    """Access to the reference files: ``phe.sheet(workbook, sheet)``, ``phe.csv(name)``."""

    sheet = staticmethod(read_sheet)
    csv = staticmethod(read_csv)
    repo = REPO


@pytest.fixture
def phe() -> PheReference:
    return PheReference()
