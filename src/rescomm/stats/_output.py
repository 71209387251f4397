"""Self-describing output columns shared by the table wrappers (PHEindicatormethods style).

One confidence level gives ``lowercl``/``uppercl``; several give ``lower95_0cl``,
``upper95_0cl``, ``lower99_8cl``, ``upper99_8cl``; the ``confidence`` column reads ``"95%"`` or
``"95%, 99.8%"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def percent_label(confidence: float) -> str:
    """``0.95 -> "95%"``, ``0.998 -> "99.8%"``."""
    return f"{round(confidence * 100, 6):g}%"


def confidence_label(levels: Sequence[float]) -> str:
    """Label of the ``confidence`` column: ``"95%"`` or ``"95%, 99.8%"``."""
    return ", ".join(percent_label(c) for c in levels)


def ci_columns(levels: Sequence[float]) -> list[tuple[str, str]]:
    """Names of the (lower, upper) columns for each confidence level."""
    if len(levels) == 1:
        return [("lowercl", "uppercl")]
    names = []
    for c in levels:
        tag = f"{c * 100:.1f}".replace(".", "_")
        names.append((f"lower{tag}cl", f"upper{tag}cl"))
    return names


def per_label(multiplier: float) -> str:
    """``100000 -> "100,000"``; non-integer multipliers keep their decimals."""
    if float(multiplier).is_integer():
        return f"{int(multiplier):,}"
    return f"{multiplier:,g}"


def label_column(label: str, n: int) -> pd.Categorical:
    """A column holding ``label`` on every one of ``n`` rows, as a categorical.

    One byte per row instead of a reference to a Python string per row: on a million-row
    result an object column costs more to build and to free than the statistic itself.
    """
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[label])
