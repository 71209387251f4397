"""Load the bundled real time series into the indicator store (``rescomm load-demo``).

Each bundled file is read by the same reader a user's download goes through (its own
layout) and stored as a release; a release whose content is already stored is not written
again, so a second ``load-demo`` changes nothing.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Callable

import rescomm
from rescomm import data
from rescomm.indicators import LAYOUT_PUBLISHERS, IndicatorWarning, read_indicator_file

from . import store
from .models import Release

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
        started = time.monotonic()
        entry = files[name]
        path = data.BUNDLED_DIR / entry["file"]
        metadata = data.BUNDLED_DIR / f"{name}.yaml" if layout == "table" else None
        # the files' own SHA-256 (and rescomm's version, whose readers read them) in the source
        # text: a second load-demo finds its releases without reading the files again; a
        # changed file or version is read, and its content decides
        digest = hashlib.sha256(rescomm.__version__.encode())
        digest.update(path.read_bytes())
        if metadata is not None:
            digest.update(metadata.read_bytes())
        stamp = f"sha256 {digest.hexdigest()[:16]}"
        known = Release.objects.filter(source__endswith=f"; {stamp})").order_by("pk").first()
        if known is not None:
            say(f"{name}: already loaded as release {known.pk}")
            outcomes.append(store.LoadOutcome(known, False, time.monotonic() - started))
            continue
        with warnings.catch_warnings():  # what is left out is kept in the release's notes
            warnings.simplefilter("ignore", IndicatorWarning)
            table = read_indicator_file(path, layout=layout, metadata=metadata)
        publisher = LAYOUT_PUBLISHERS.get(layout) or next(
            iter(table.indicators.values())).source
        source = f"bundled {entry['file']} ({publisher}; {stamp})"
        outcome = store.load_table(table, source=source, loaded_by="rescomm load-demo",
                                   progress=lambda line, n=name: say(f"{n} {line}"))
        state = "loaded" if outcome.created else "already loaded"
        say(f"{name}: {state} as release {outcome.release.pk} "
            f"({outcome.release.row_count:,} values, {outcome.release.indicator_count} "
            f"indicators, {outcome.seconds:.1f} s)")
        outcomes.append(outcome)
    return outcomes
