"""Public-health statistics for rescomm: PHE / Fingertips methods and outcome measures.

Each method is a pure numpy kernel (arrays in, arrays out; scalars in, scalars out) with a
thin pandas wrapper whose output columns describe themselves (``value``, ``lowercl``,
``uppercl``, ``confidence``, ``statistic``, ``method``), following PHEindicatormethods.
Options are keyword-only; confidence is a fraction (0.95, 0.998). Degenerate cases are
policies with named warnings (see :class:`StatsWarning`). This package never imports Django.
See ``docs/stats.md`` for formulas and references.
"""

from rescomm.stats._compare import benchmark_comparison, compare_to_benchmark
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
from rescomm.stats._funnel import (
    funnel_limits,
    funnel_significance,
    poisson_control_limits,
    proportion_control_limits,
)
from rescomm.stats._isr import expected_events, isr, phe_israte, phe_isratio, smr
from rescomm.stats._mean import mean_ci, phe_mean, t_interval
from rescomm.stats._outcomes import (
    ONS4_ITEMS,
    SWEMWBS_RELIABLE_CHANGE,
    ons4_band,
    swemwbs_metric,
    swemwbs_total,
    ucla3_lonely,
    ucla3_total,
)
from rescomm.stats._paired import PairedChange, paired_change
from rescomm.stats._proportion import proportion, wilson_ci
from rescomm.stats._quantiles import phe_quantile, quantile_of
from rescomm.stats._rate import byars_ci, exact_poisson_ci, rate
from rescomm.stats._suppress import (
    SharedTotalSuppression,
    SuppressedCounts,
    suppress_shared_total,
    suppress_small,
)

__all__ = [
    "ESP2013",
    "ESP2013_BANDS",
    "ESP2013_SOURCE",
    "ONS4_ITEMS",
    "SWEMWBS_RELIABLE_CHANGE",
    "ApproximationWarning",
    "DegenerateDataWarning",
    "IncompleteResponseWarning",
    "PairedChange",
    "SharedTotalSuppression",
    "SmallCountWarning",
    "StatsWarning",
    "SuppressedCounts",
    "TooFewValuesWarning",
    "ZeroDenominatorWarning",
    "benchmark_comparison",
    "byars_ci",
    "compare_to_benchmark",
    "dsr",
    "exact_poisson_ci",
    "expected_events",
    "funnel_limits",
    "funnel_significance",
    "isr",
    "mean_ci",
    "ons4_band",
    "paired_change",
    "phe_dsr",
    "phe_israte",
    "phe_isratio",
    "phe_mean",
    "phe_quantile",
    "poisson_control_limits",
    "proportion",
    "proportion_control_limits",
    "quantile_of",
    "rate",
    "smr",
    "suppress_shared_total",
    "suppress_small",
    "swemwbs_metric",
    "swemwbs_total",
    "t_interval",
    "ucla3_lonely",
    "ucla3_total",
    "wilson_ci",
]
