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

import lazy_loader

#: Public names by the private module that defines them; each module is imported on first
#: use (PEP 562, via lazy_loader), so importing this package stays cheap.
_SUBMODULE_NAMES = {
    "_aggregate": [
        "aggregate", "aggregate_table", "arithmetic", "copeland", "generalised", "geometric",
        "harmonic",
    ],
    "_audit": ["audit", "cronbach_alpha", "indicator_stats", "leave_one_out"],
    "_build": ["Build", "build"],
    "_data": ["read_table"],
    "_comparators": [
        "COMPARATORS", "DEFAULT_NEIGHBOUR_VARIABLES", "comparator_labels", "coverage",
        "statistical_neighbours",
    ],
    "_denominate": ["denominate", "denominate_table"],
    "_errors": [
        "ImputationWarning", "IndexDataError", "IndexSpecError", "MeasureWarning",
        "MissingScoreWarning", "NegativeWeightWarning", "NonPositiveValueWarning",
        "PopulationMissingWarning", "ScreeningWarning", "ShrinkageWarning", "TreatmentWarning",
        "WeightsNotNormalisedWarning", "ZeroDenominatorWarning", "ZeroVarianceWarning",
    ],
    "_frameworks": ["framework_info", "framework_path", "frameworks"],
    "_impute": ["impute_grouped", "impute_overall", "impute_table"],
    "_normalise": [
        "exponential", "exponential_from_ranks", "normalise", "normalise_table",
        "rank_inverse_normal",
    ],
    "_pipeline": ["StepRecord"],
    "_profile": ["assets_vulnerabilities", "wellbeing_resilience_quadrant"],
    "_report": ["render_report", "write_report"],
    "_results": ["extent_weight", "la_summary", "quantile_from_rank", "worst_first_rank"],
    "_screen": ["availability", "screen_rows", "screen_table"],
    "_sensitivity": ["SensitivityResult", "design_size", "sensitivity", "sobol_indices"],
    "_shrink": ["eb_logit_shrink", "eb_logit_shrink_table"],
    "_spec": ["IndexSpec", "load_spec", "parse_yaml", "read_spec_text"],
    "_treat": ["check_skew_kurt", "kurt", "skew", "treat", "treat_table", "winsorise"],
    "_uncertainty": ["UncertaintyResult", "uncertainty"],
    "_weights": ["effective_weights", "factor_loadings", "pca_loadings", "weights_from_loadings"],
}

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_SUBMODULE_NAMES)
