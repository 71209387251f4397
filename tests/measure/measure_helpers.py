"""Helpers shared by the index-engine tests: paths to reference data (skipping cleanly when
``shared/`` is absent) and factory functions for small synthetic specs and tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from tests.reference_data import reference_file, shared_data_dir

HERE = Path(__file__).resolve().parent
SPECS = HERE / "specs"
GOLDEN = HERE / "golden"
SHARED_DATA = shared_data_dir()


def shared_file(relative: str) -> Path:
    """Path of a file under shared/data, or skip the test cleanly if it is not there (fail in
    CI: ``tests/reference_data.py``)."""
    return reference_file(relative)


def make_spec(**overrides) -> dict:
    """A small valid spec: two groups of two indicators each under ``index``."""
    spec = {
        "spec_version": 1,
        "id": "toy",
        "name": "Toy resilience index",
        "polarity": "higher_is_better",
        "area": {"code": "code", "la": "la"},
        "groups": [
            {"id": "people", "weight": 0.5},
            {"id": "place", "weight": 0.5},
        ],
        "indicators": [
            {"id": "a", "column": "a", "parent": "people", "weight": 0.5},
            {"id": "b", "column": "b", "parent": "people", "direction": -1, "weight": 0.5},
            {"id": "c", "column": "c", "parent": "place", "weight": 0.5},
            {"id": "d", "column": "d", "parent": "place", "weight": 0.5},
        ],
        "steps": {"normalise": {"method": "minmax", "range": [0, 100]}},
    }
    spec.update(overrides)
    return spec


def make_data(n: int = 40, seed: int = 1) -> pd.DataFrame:
    """Synthetic areas ``X0000`` ... with four positive indicators and two LAs."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=n)
    return pd.DataFrame({
        "code": [f"X{i:04d}" for i in range(n)],
        "la": ["LA1" if i % 2 else "LA2" for i in range(n)],
        "a": 50 + 10 * base + rng.normal(size=n),
        "b": 20 - 3 * base + rng.normal(size=n),
        "c": 5 + base + rng.normal(size=n),
        "d": 100 + 20 * base + 5 * rng.normal(size=n),
        "pop": rng.integers(1000, 3000, size=n),
    })
