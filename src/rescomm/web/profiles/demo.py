"""Load the bundled real time series into the indicator store (``rescomm load-demo``).

Each bundled file is read by the same reader a user's download goes through (its own
layout) and stored as a release; a release whose content is already stored is not written
again, so a second ``load-demo`` changes nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from rescomm import data
from rescomm.indicators import LAYOUT_PUBLISHERS, IndicatorWarning, read_indicator_file

from . import store

#: Bundled table (``MANIFEST.json``) -> the layout it is in (a generic table's metadata YAML is
#: bundled beside it, ``<table>.yaml``).
DEMO_SERIES = {
    "timeseries_fingertips_next_cm": "fingertips-next",
    "timeseries_ons_els_cm": "ons-els",
    "timeseries_sape_lsoa11_cm": "table",
}


def load_demo_indicators(progress: Callable[[str], None] | None = None) -> list:
    """Load every bundled series (idempotent); returns the :class:`store.LoadOutcome` of each."""
    say = progress or (lambda line: None)
    outcomes = []
    files = data.manifest()["files"]
    for name, layout in DEMO_SERIES.items():
        entry = files[name]
        path = data.BUNDLED_DIR / entry["file"]
        with warnings.catch_warnings():  # what is left out is kept in the release's notes
            warnings.simplefilter("ignore", IndicatorWarning)
            metadata = data.BUNDLED_DIR / f"{name}.yaml" if layout == "table" else None
            table = read_indicator_file(path, layout=layout, metadata=metadata)
        publisher = LAYOUT_PUBLISHERS.get(layout) or next(
            iter(table.indicators.values())).source
        source = f"bundled {entry['file']} ({publisher})"
        outcome = store.load_table(table, source=source, loaded_by="rescomm load-demo",
                                   progress=lambda line, n=name: say(f"{n} {line}"))
        state = "loaded" if outcome.created else "already loaded"
        say(f"{name}: {state} as release {outcome.release.pk} "
            f"({outcome.release.row_count:,} values, {outcome.release.indicator_count} "
            f"indicators, {outcome.seconds:.1f} s)")
        outcomes.append(outcome)
    return outcomes
