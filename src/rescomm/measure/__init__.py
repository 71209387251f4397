"""rescomm.measure: the composite-index (resilience / deprivation) engine. No Django.

Build an index from a declarative YAML spec and a table of areas::

    from rescomm.measure import build
    b = build("imd2019", "iod2019_lsoa11_england.csv.gz")
    b.results          # area_code, index_score/_rank/_decile, <node>_score/_rank/_decile ...
    b.explain("E01006412")
    b2 = b.rebuild(weights={"income": 0.3}, normalise={"method": "zscore"})
    w = build("warm")   # bundled C&M inputs; assets_vulnerabilities(w), statistical_neighbours

Conventions: rank 1 = most deprived / least resilient; decile 1 = most deprived 10%.
Every step is a pure array function (re-exported below) with a thin table wrapper.
See ``docs/measure.md`` for the method, formulas and references.
"""

from ._aggregate import (
    aggregate,
    aggregate_table,
    arithmetic,
    copeland,
    generalised,
    geometric,
    harmonic,
)
from ._audit import audit, cronbach_alpha, indicator_stats, leave_one_out
from ._build import Build, build
from ._comparators import (
    COMPARATORS,
    DEFAULT_NEIGHBOUR_VARIABLES,
    comparator_labels,
    statistical_neighbours,
)
from ._denominate import denominate, denominate_table
from ._errors import (
    ImputationWarning,
    IndexDataError,
    IndexSpecError,
    MeasureWarning,
    MissingScoreWarning,
    NegativeWeightWarning,
    NonPositiveValueWarning,
    PopulationMissingWarning,
    ScreeningWarning,
    ShrinkageWarning,
    TreatmentWarning,
    WeightsNotNormalisedWarning,
    ZeroDenominatorWarning,
    ZeroVarianceWarning,
)
from ._frameworks import framework_info, framework_path, frameworks
from ._impute import impute_grouped, impute_overall, impute_table
from ._normalise import (
    exponential,
    exponential_from_ranks,
    normalise,
    normalise_table,
    rank_inverse_normal,
)
from ._pipeline import StepRecord
from ._profile import assets_vulnerabilities, wellbeing_resilience_quadrant
from ._report import render_report, write_report
from ._results import extent_weight, la_summary, quantile_from_rank, worst_first_rank
from ._screen import availability, screen_rows, screen_table
from ._sensitivity import SensitivityResult, sensitivity, sobol_indices
from ._shrink import eb_logit_shrink, eb_logit_shrink_table
from ._spec import IndexSpec, load_spec
from ._treat import check_skew_kurt, kurt, skew, treat, treat_table, winsorise
from ._uncertainty import UncertaintyResult, uncertainty
from ._weights import effective_weights, factor_loadings, pca_loadings, weights_from_loadings

__all__ = [
    "COMPARATORS",
    "DEFAULT_NEIGHBOUR_VARIABLES",
    "Build",
    "ImputationWarning",
    "IndexDataError",
    "IndexSpec",
    "IndexSpecError",
    "MeasureWarning",
    "MissingScoreWarning",
    "NegativeWeightWarning",
    "NonPositiveValueWarning",
    "PopulationMissingWarning",
    "ScreeningWarning",
    "ShrinkageWarning",
    "StepRecord",
    "TreatmentWarning",
    "UncertaintyResult",
    "WeightsNotNormalisedWarning",
    "ZeroDenominatorWarning",
    "ZeroVarianceWarning",
    "aggregate",
    "aggregate_table",
    "arithmetic",
    "assets_vulnerabilities",
    "audit",
    "availability",
    "build",
    "check_skew_kurt",
    "comparator_labels",
    "copeland",
    "cronbach_alpha",
    "denominate",
    "denominate_table",
    "eb_logit_shrink",
    "eb_logit_shrink_table",
    "effective_weights",
    "exponential",
    "exponential_from_ranks",
    "extent_weight",
    "factor_loadings",
    "framework_info",
    "framework_path",
    "frameworks",
    "generalised",
    "geometric",
    "harmonic",
    "impute_grouped",
    "impute_overall",
    "impute_table",
    "indicator_stats",
    "kurt",
    "la_summary",
    "leave_one_out",
    "load_spec",
    "normalise",
    "normalise_table",
    "pca_loadings",
    "quantile_from_rank",
    "rank_inverse_normal",
    "screen_rows",
    "screen_table",
    "skew",
    "statistical_neighbours",
    "treat",
    "treat_table",
    "uncertainty",
    "sensitivity",
    "SensitivityResult",
    "sobol_indices",
    "write_report",
    "render_report",
    "weights_from_loadings",
    "wellbeing_resilience_quadrant",
    "winsorise",
    "worst_first_rank",
]
