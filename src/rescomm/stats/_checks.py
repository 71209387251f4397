"""Argument checks shared by the kernels: confidence levels, array shapes, value ranges.

Messages name the argument, the offending value and its position, and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import ndtri


def check_confidence(confidence: Any) -> float:
    """Return ``confidence`` as a float fraction in (0, 1), or raise a ValueError.

    Percentages are refused rather than guessed: ``confidence=95`` raises with a message that
    names the fraction to pass instead.
    """
    if isinstance(confidence, bool) or not isinstance(confidence, int | float | np.floating):
        raise TypeError(
            f"confidence must be a number such as 0.95; got {type(confidence).__name__}"
        )
    c = float(confidence)
    if 1.0 < c <= 100.0:
        raise ValueError(
            f"confidence must be a fraction between 0 and 1 (e.g. 0.95 for 95%); got "
            f"{confidence!r}. Did you mean {c / 100:g}?"
        )
    if not 0.0 < c < 1.0:
        raise ValueError(
            f"confidence must be a fraction between 0 and 1 (e.g. 0.95 for 95%); got "
            f"{confidence!r}"
        )
    return c


def check_confidences(confidence: float | Sequence[float]) -> tuple[float, ...]:
    """Normalise a confidence level or a sequence of levels into a tuple of fractions."""
    if isinstance(confidence, Sequence) and not isinstance(confidence, str):
        levels = tuple(check_confidence(c) for c in confidence)
        if not levels:
            raise ValueError("confidence must hold at least one level, e.g. (0.95, 0.998)")
        if len(set(levels)) != len(levels):
            raise ValueError(f"confidence levels must be distinct; got {confidence!r}")
        return levels
    return (check_confidence(confidence),)


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: z such that P(|Z| <= z) = confidence."""
    return float(ndtri(0.5 + confidence / 2.0))


def as_float_array(values: Any, name: str) -> np.ndarray:
    """Convert to a float ndarray, with a clear error for non-numeric input."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric; could not convert it to numbers") from exc


def position(index: int, shape: tuple[int, ...]) -> str:
    """Human-readable position of flat ``index`` in an array of ``shape``."""
    if len(shape) <= 1:
        return str(index)
    return str(tuple(int(i) for i in np.unravel_index(index, shape)))


def first_bad(mask: np.ndarray, values: np.ndarray) -> tuple[str, float]:
    """Position and value of the first True element of ``mask``."""
    i = int(np.flatnonzero(mask)[0]) if mask.ndim else 0
    v = float(values.reshape(-1)[i]) if values.ndim else float(values)
    return position(i, mask.shape), v


def check_nonnegative(values: np.ndarray, name: str) -> None:
    """Raise if any value is negative (NaN is allowed and propagates)."""
    # fmin ignores NaN, and a reduction allocates no temporary array (fast on 1e6 rows)
    if values.size and np.fmin.reduce(values, axis=None) < 0:
        bad = values < 0
        where, v = first_bad(bad, values)
        raise ValueError(f"{name} must be >= 0; got {v:g} at position {where}")


def check_same_shape(**arrays: np.ndarray) -> tuple[int, ...]:
    """Broadcast the arrays; raise naming them if their lengths do not match."""
    try:
        return np.broadcast_shapes(*(a.shape for a in arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} has shape {v.shape}" for k, v in arrays.items())
        raise ValueError(f"mismatched lengths: {shapes}") from None


def scalar_or_array(value: np.ndarray, scalar: bool) -> Any:
    """Return a Python float when the inputs were scalars, else the array."""
    return float(value) if scalar else value
