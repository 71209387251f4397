"""Errors and named warnings raised by the index engine.

Every degenerate case is a policy (see ``docs/measure.md``): either a clear error that names the
column, node or rows, or one of the named warnings below, never a silent NaN.
"""

from __future__ import annotations


class IndexSpecError(ValueError):
    """The index specification is invalid; the message names the key and, for YAML, the line."""


class IndexDataError(ValueError):
    """The input data cannot be used with the specification; the message names columns/rows."""


class MeasureWarning(UserWarning):
    """Base class of the named warnings the engine emits."""


class ZeroVarianceWarning(MeasureWarning):
    """An indicator has zero range/variance; it is set by the ``zero_variance`` policy."""


class ZeroDenominatorWarning(MeasureWarning):
    """A denominator is zero or missing for some rows; those values become missing."""


class ImputationWarning(MeasureWarning):
    """Some cells could not be imputed (e.g. a whole group is missing)."""


class ScreeningWarning(MeasureWarning):
    """Areas were dropped by the data-availability screen."""


class TreatmentWarning(MeasureWarning):
    """Outlier treatment could not bring an indicator within the skew/kurtosis limits."""


class NonPositiveValueWarning(MeasureWarning):
    """Zero values met a geometric/harmonic mean and were replaced by the ``zero_policy``."""


class WeightsNotNormalisedWarning(MeasureWarning):
    """Weights within a group did not sum to 1 and were rescaled."""


class NegativeWeightWarning(MeasureWarning):
    """Data-driven weights (PCA/factor) came out negative and were handled by ``on_negative``."""


class ShrinkageWarning(MeasureWarning):
    """Empirical-Bayes shrinkage met a degenerate parent (one area, zero between-area variance)."""


class MissingScoreWarning(MeasureWarning):
    """Some areas have no score for a node (all inputs missing or below ``min_coverage``)."""


class PopulationMissingWarning(MeasureWarning):
    """No population column: local-authority summaries are unweighted (each area counts 1)."""
