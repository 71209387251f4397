"""The European Standard Population 2013 (ESP2013), bundled as data with its source.

See ``data/README.md``: Eurostat (2013), *Revision of the European Standard Population*,
doi:10.2785/11470.
"""

from __future__ import annotations

import csv
from importlib.resources import files

import numpy as np


def _load() -> tuple[tuple[str, ...], np.ndarray]:
    text = files("rescomm.stats").joinpath("data/esp2013.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    bands = tuple(r["ageband"] for r in rows)
    pop = np.array([float(r["population"]) for r in rows])
    pop.setflags(write=False)
    return bands, pop


#: Labels of the 19 ESP2013 age bands, youngest first: ``"0-4"``, ``"5-9"``, ..., ``"90+"``.
ESP2013_BANDS: tuple[str, ...]
#: ESP2013 populations of the 19 bands (read-only float array, sums to 100,000).
ESP2013: np.ndarray
ESP2013_BANDS, ESP2013 = _load()

#: Citation of the bundled standard population.
ESP2013_SOURCE = (
    "Eurostat (2013). Revision of the European Standard Population: report of Eurostat's "
    "task force, 2013 edition. Luxembourg: Publications Office of the European Union. "
    "doi:10.2785/11470"
)
