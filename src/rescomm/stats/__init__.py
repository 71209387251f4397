"""Public-health statistics for rescomm: PHE / Fingertips methods and outcome measures.

Each method is a pure numpy kernel (arrays in, arrays out; scalars in, scalars out) with a
thin pandas wrapper whose output columns describe themselves (``value``, ``lowercl``,
``uppercl``, ``confidence``, ``statistic``, ``method``), following PHEindicatormethods.
Options are keyword-only; confidence is a fraction (0.95, 0.998). Degenerate cases are
policies with named warnings (see :class:`StatsWarning`). This package never imports Django.
See ``docs/stats.md`` for formulas and references.
"""

import lazy_loader

#: Public names by the private module that defines them; each module is imported on first
#: use (PEP 562, via lazy_loader), so importing this package stays cheap.
_SUBMODULE_NAMES = {
    "_compare": ["benchmark_comparison", "compare_to_benchmark"],
    "_dsr": ["dsr", "phe_dsr"],
    "_errors": [
        "ApproximationWarning", "DegenerateDataWarning", "IncompleteResponseWarning",
        "InvalidDataWarning", "MissingDataWarning", "SmallCountWarning", "StatsWarning",
        "TooFewValuesWarning", "UnreliableEstimateWarning", "ZeroDenominatorWarning",
    ],
    "_esp2013": ["ESP2013", "ESP2013_BANDS", "ESP2013_SOURCE"],
    "_funnel": [
        "funnel_limits", "funnel_points", "funnel_significance", "poisson_control_limits",
        "proportion_control_limits",
    ],
    "_life_expectancy": ["AGE_BANDS", "life_expectancy", "phe_life_expectancy"],
    "_isr": ["expected_events", "isr", "phe_israte", "phe_isratio", "smr"],
    "_mean": ["mean_ci", "phe_mean", "t_interval"],
    "_outcomes": [
        "ONS4_ITEMS", "SWEMWBS_RELIABLE_CHANGE", "ons4_band", "swemwbs_metric", "swemwbs_total",
        "ucla3_lonely", "ucla3_total",
    ],
    "_overdispersion": ["funnel_overdispersion", "overdispersed_limits", "overdispersion"],
    "_paired": ["PairedChange", "paired_change"],
    "_proportion": ["proportion", "wilson_ci"],
    "_quantiles": ["phe_quantile", "quantile_of"],
    "_rate": ["byars_ci", "exact_poisson_ci", "rate"],
    "_sii": ["phe_sii", "sii"],
    "_suppress": [
        "SharedTotalSuppression", "SuppressedCounts", "suppress_shared_total", "suppress_small",
    ],
    "_trend": ["proportion_trend_chi_squared", "recent_trend", "trend_chi_squared"],
}

__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs=_SUBMODULE_NAMES)
