"""Public-health statistics: PHE/Fingertips methods as numpy kernels with table wrappers."""

from rescomm.stats._dsr import dsr, phe_dsr
from rescomm.stats._errors import (
    ApproximationWarning,
    DegenerateDataWarning,
    IncompleteResponseWarning,
    SmallCountWarning,
    StatsWarning,
    TooFewValuesWarning,
    ZeroDenominatorWarning,
)
from rescomm.stats._esp2013 import ESP2013, ESP2013_BANDS, ESP2013_SOURCE
from rescomm.stats._isr import expected_events, isr, phe_israte, phe_isratio, smr
from rescomm.stats._proportion import proportion, wilson_ci
from rescomm.stats._rate import byars_ci, exact_poisson_ci, rate

__all__ = [
    "ESP2013",
    "ESP2013_BANDS",
    "ESP2013_SOURCE",
    "ApproximationWarning",
    "DegenerateDataWarning",
    "IncompleteResponseWarning",
    "SmallCountWarning",
    "StatsWarning",
    "TooFewValuesWarning",
    "ZeroDenominatorWarning",
    "byars_ci",
    "dsr",
    "exact_poisson_ci",
    "expected_events",
    "isr",
    "phe_dsr",
    "phe_israte",
    "phe_isratio",
    "proportion",
    "rate",
    "smr",
    "wilson_ci",
]
