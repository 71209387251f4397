"""Fixtures for the index-engine tests (reference data read from shared/, skipped when absent)."""

from __future__ import annotations

import pandas as pd
import pytest
from measure_helpers import shared_file
from tests.reference_data import require_module


@pytest.fixture(scope="session")
def iod2019() -> pd.DataFrame:
    return pd.read_csv(shared_file("deprivation/iod2019_lsoa11_england.csv.gz"))


@pytest.fixture(scope="session")
def iod2025() -> pd.DataFrame:
    return pd.read_csv(shared_file("deprivation/iod2025_lsoa21_england.csv.gz"))


@pytest.fixture(scope="session")
def asem_data() -> pd.DataFrame:
    rdata = require_module("rdata")
    path = shared_file("reference/coinr_asem/ASEM_iData.rda")
    return rdata.read_rda(str(path))["ASEM_iData"]
