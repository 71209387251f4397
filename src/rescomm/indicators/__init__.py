"""The indicator store's core: indicator metadata, file readers, content hashes and diffs.

Reads indicator files (the Fingertips "all data" download, the FingertipsNext extract layout,
ONS Explore Local Statistics, or any table described by a metadata YAML file) into one tidy
table, checks them (one clear error naming file, line and column), hashes their normalised
content (a release's identity) and compares two releases. Storage is the web app's
(``rescomm.web.profiles``); this package never imports Django. See ``docs/profiles.md``.
"""

from ._benchmark import (
    LEVELS,
    NOT_COMPARED,
    OUTCOME_STYLES,
    OutcomeStyle,
    SpineScale,
    benchmark,
    outcome_style,
    quintiles,
    spine_scale,
)
from ._diff import ReleaseDiff, diff_values
from ._errors import IndicatorFileError, IndicatorWarning
from ._meta import (
    FINGERTIPS_VALUE_TYPES,
    TABLE_COLUMNS,
    IndicatorMeta,
    Polarity,
    ValueType,
    parse_polarity,
    parse_value_type,
    read_metadata,
)
from ._readers import (
    ELS_COLUMNS,
    FINGERTIPS_COLUMNS,
    FINGERTIPS_NEXT_COLUMNS,
    KEY_COLUMNS,
    LAYOUT_PUBLISHERS,
    LAYOUTS,
    NUMBER_COLUMNS,
    VALUE_COLUMNS,
    IndicatorTable,
    content_hash,
    detect_layout,
    els_indicator_id,
    read_indicator_file,
)
from ._spine import (
    ProfileDefinition,
    ProfileIndicator,
    SpineRow,
    format_value,
    load_profiles,
    marker_svg,
    spine_chart_svg,
    spine_row_svg,
)

__all__ = [
    "ELS_COLUMNS", "FINGERTIPS_COLUMNS", "FINGERTIPS_NEXT_COLUMNS", "FINGERTIPS_VALUE_TYPES",
    "KEY_COLUMNS", "LAYOUT_PUBLISHERS", "LAYOUTS", "NUMBER_COLUMNS", "TABLE_COLUMNS",
    "VALUE_COLUMNS",
    "IndicatorFileError", "IndicatorMeta", "IndicatorTable", "IndicatorWarning", "Polarity",
    "ReleaseDiff", "ValueType", "content_hash", "detect_layout", "diff_values",
    "els_indicator_id", "parse_polarity", "parse_value_type", "read_indicator_file",
    "read_metadata",
    "LEVELS", "NOT_COMPARED", "OUTCOME_STYLES", "OutcomeStyle", "SpineScale", "benchmark",
    "outcome_style", "quintiles", "spine_scale",
    "ProfileDefinition", "ProfileIndicator", "SpineRow", "format_value", "load_profiles",
    "marker_svg",
    "spine_chart_svg", "spine_row_svg",
]
