"""Screen areas by data availability (COINr ``Screen(unit_screen = "byNA")``)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def availability(values: np.ndarray) -> np.ndarray:
    """Fraction of non-missing indicators per area (row).

    .. math:: a_i = \\frac{1}{k}\\sum_{j=1}^{k} [x_{ij} \\text{ present}]
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[1] == 0:
        raise ValueError("availability needs a 2-D array with at least one column")
    return 1.0 - np.isnan(values).mean(axis=1)


def screen_rows(values: np.ndarray, *, min_coverage: float) -> np.ndarray:
    """Boolean mask of rows kept: availability ``>= min_coverage`` (COINr ``dat_thresh``)."""
    if not 0.0 <= min_coverage <= 1.0:
        raise ValueError(f"min_coverage is a fraction in [0, 1], not {min_coverage!r}")
    return availability(values) >= min_coverage - 1e-12


def screen_table(data: pd.DataFrame, *, min_coverage: float) -> pd.DataFrame:
    """Table wrapper: the rows of ``data`` whose availability reaches ``min_coverage``."""
    return data.loc[screen_rows(data.to_numpy(float), min_coverage=min_coverage)]
