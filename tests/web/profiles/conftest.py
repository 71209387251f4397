"""Fixtures of the indicator store's tests: real excerpts read once per session."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from rescomm import data
from rescomm.indicators import IndicatorWarning, read_indicator_file

EXCERPT = Path(__file__).parents[2] / "indicators" / "data" / "fingertips_all_data_excerpt.csv"
FINGERTIPS_NEXT = data.BUNDLED_DIR / "timeseries_fingertips_next_cm.csv.gz"
ELS = data.BUNDLED_DIR / "timeseries_ons_els_cm.csv.gz"


def read(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        return read_indicator_file(path, **options)


@pytest.fixture(scope="session")
def excerpt_table():
    return read(EXCERPT)


@pytest.fixture(scope="session")
def fingertips_next_table():
    return read(FINGERTIPS_NEXT)


@pytest.fixture(scope="session")
def profile_table(fingertips_next_table):
    """The bundled FingertipsNext extract's England and local-authority rows of the indicators
    the bundled profiles use (real values; fewer rows, so each test loads it quickly)."""
    from dataclasses import replace

    from rescomm.indicators import load_profiles

    ids = {i.indicator_id for p in load_profiles().values() for i in p.indicators}
    values = fingertips_next_table.values
    keep = values[values.indicator_id.isin(ids)
                  & values.area_type.isin(["England", "Counties and Unitary Authorities"])]
    return replace(fingertips_next_table, values=keep.reset_index(drop=True),
                   indicators={k: v for k, v in fingertips_next_table.indicators.items()
                               if k in ids})
