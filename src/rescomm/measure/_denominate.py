"""Denominate: turn counts into rates, ``x / denominator * scale``.

COINr's ``Denominate`` computes ``x / (d / ScaleFactor)``, which is the same number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def denominate(
    x: np.ndarray, denominator: np.ndarray, *, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Divide ``x`` by ``denominator`` and multiply by ``scale``.

    Parameters
    ----------
    x, denominator : numpy.ndarray
        Numerators and denominators, same shape; NaN marks missing values.
    scale : float, keyword-only
        Multiplier, e.g. 1000 for "per 1,000 population".

    Returns
    -------
    values : numpy.ndarray
        ``x / denominator * scale``; NaN where the denominator is zero or missing.
    bad : numpy.ndarray of bool
        True where ``x`` was present but the denominator was zero or missing (the caller
        applies the ``zero_denominator`` policy and names these rows).

    Notes
    -----
    .. math:: y_i = \\frac{x_i}{d_i} \\cdot s

    References
    ----------
    Becker W. et al. COINr: An R package for developing composite indicators. JOSS 2022,
    doi:10.21105/joss.04567 (``Denominate``).
    """
    x = np.asarray(x, dtype=float)
    d = np.asarray(denominator, dtype=float)
    bad = ~np.isnan(x) & ((d == 0) | np.isnan(d))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x / d * scale
    out[bad] = np.nan
    return out, bad


def denominate_table(
    data: pd.DataFrame, denominators: pd.DataFrame, *, scale: float | dict[str, float] = 1.0
) -> pd.DataFrame:
    """Table wrapper of :func:`denominate`: every column of ``data`` by the same-named column of
    ``denominators`` (columns absent from ``denominators`` are returned unchanged)."""
    out = data.copy()
    for col in data.columns:
        if col in denominators:
            s = scale[col] if isinstance(scale, dict) else scale
            out[col] = denominate(data[col].to_numpy(float), denominators[col].to_numpy(float),
                                  scale=s)[0]
    return out
