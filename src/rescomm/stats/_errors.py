"""Named warnings for the degenerate cases of :mod:`rescomm.stats`.

Each degenerate case (a zero denominator, a count too small for a stable estimate, too few
values for the requested quantiles, an approximation outside its range, an incomplete
questionnaire) is handled by a policy parameter on the function that meets it. The default
policy, ``"warn"``, returns NaN for the affected element *and* emits one of the warnings below,
so a NaN in a result is never silent; ``"raise"`` turns the case into a :class:`ValueError`;
``"ignore"`` returns NaN without a warning for callers who have already decided.
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from rescomm.stats._checks import position

Policy = Literal["warn", "raise", "ignore"]
POLICIES: tuple[str, ...] = ("warn", "raise", "ignore")


class StatsWarning(UserWarning):
    """Base class of every warning raised by :mod:`rescomm.stats`."""


class ZeroDenominatorWarning(StatsWarning):
    """A denominator (sample size, population, expected count) is zero."""


class SmallCountWarning(StatsWarning):
    """A total count is below the minimum for a reliable estimate (e.g. DSR with < 10 events)."""


class TooFewValuesWarning(StatsWarning):
    """Too few values for the statistic (fewer areas than quantiles, fewer than 2 values)."""


class ApproximationWarning(StatsWarning):
    """An approximation is outside its range (e.g. Byar's lower limit below zero)."""


class IncompleteResponseWarning(StatsWarning):
    """A questionnaire response has missing items, so no total is computed for it."""


class DegenerateDataWarning(StatsWarning):
    """The data carry no variation (e.g. all paired differences are zero)."""


class MissingDataWarning(StatsWarning):
    """An input the estimate needs is missing (a value, a confidence limit, a standard error)."""


class InvalidDataWarning(StatsWarning):
    """An input is outside what the method accepts for one group (e.g. more deaths than
    population, a rate <= 0 under a log transform, a proportion of 0 or 1 under logit)."""


class UnreliableEstimateWarning(StatsWarning):
    """An estimate is too unstable to publish (e.g. a life expectancy whose 95% interval is
    wider than 20 years, or an SII over more than 10 quantiles)."""


def check_policy(name: str, value: str) -> None:
    """Raise a clear ValueError if a policy argument is not one of ``POLICIES``."""
    if value not in POLICIES:
        raise ValueError(f"{name} must be one of {POLICIES}; got {value!r}")


def apply_policy(
    mask: np.ndarray,
    policy: str,
    *,
    name: str,
    category: type[StatsWarning],
    what: str,
    consequence: str,
) -> None:
    """Act on the elements flagged by ``mask`` according to ``policy``.

    ``what`` describes the case (``"zero denominator"``), ``consequence`` what happens to the
    result (``"their intervals are NaN"``). The caller sets the flagged outputs to NaN itself.
    """
    if not np.any(mask):
        return
    positions = np.flatnonzero(mask)
    first = position(int(positions[0]), np.shape(mask)) if np.ndim(mask) else 0
    found = f"{what} in {positions.size} element(s) (first at position {first})"
    message = (
        f"{found}; {consequence}. "
        f"Pass {name}='raise' to make this an error or {name}='ignore' to silence it."
    )
    if policy == "raise":
        raise ValueError(f"{found}; pass {name}='warn' to return NaN for them instead")
    if policy == "warn":
        warnings.warn(message, category, stacklevel=3)
