r"""A place-name gazetteer of Cheshire & Merseyside built from bundled open data.

OS Open Names is not bundled, so the places are the named statistical and administrative areas
of the bundled ONS lookup (LSOA 2021 -> MSOA 2021 -> ward 2024 -> local authority 2024):

- **wards** (2024 electoral wards, e.g. "Speke", "Woolton Village", "Macclesfield South");
- **local authorities** (e.g. "Wirral", "Cheshire West and Chester");
- **MSOAs** by their ONS names ("Liverpool 058"), which analysts use; they are not place names.

Towns, villages and neighbourhoods that are not a ward name (e.g. "Toxteth", "Frodsham" where
the ward has another name) are not in it; search by postcode for those.

Centre of a place (population-weighted)
---------------------------------------
Each LSOA has an approximate population-weighted centre
(:func:`rescomm.geo.population_weighted_centres`, British National Grid metres) and
a Census 2021 population :math:`p_i`. A place :math:`P` made of LSOAs :math:`i \in P` is centred
at

.. math:: c_P = \frac{\sum_{i \in P} p_i c_i}{\sum_{i \in P} p_i}

(the plain mean when every population is zero or missing). Wards and MSOAs are built from whole
LSOAs with the ONS best-fit lookup, so a ward centre is that of the LSOAs best fitted to it.

Matching
--------
Names and queries are normalised (:func:`normalise_place_name`: case folded, ``&`` read as
"and", "saint" as "st", punctuation dropped, spaces collapsed). A query matching one or more
names exactly returns those; otherwise the names whose words start with the query's words in
order ("maccles south" finds "Macclesfield South"). More than one result is ambiguous and the
caller offers a choice (each :class:`Place` has a unique ``code``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

KINDS = {"ward": "ward", "lad": "local authority", "msoa": "MSOA"}
_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def normalise_place_name(text: str) -> str:
    """Case-folded, ``&`` -> "and", "saint" -> "st", punctuation dropped, single spaces."""
    text = str(text).casefold().replace("&", " and ").replace("-", " ")
    text = _PUNCTUATION.sub("", text)
    words = ["st" if w == "saint" else w for w in _SPACES.split(text.strip()) if w]
    return " ".join(words)


@dataclass(frozen=True)
class Place:
    """A named area and its population-weighted centre (British National Grid metres)."""

    code: str
    name: str
    kind: str
    lad_name: str
    easting: float
    northing: float
    population: int

    @property
    def label(self) -> str:
        """``"Speke (ward, Liverpool)"``; a local authority is ``"Wirral (local authority)"``."""
        if self.kind == "lad":
            return f"{self.name} (local authority)"
        return f"{self.name} ({KINDS[self.kind]}, {self.lad_name})"


def place_centres(lookup: pd.DataFrame, centres: pd.DataFrame,
                  population: pd.DataFrame) -> pd.DataFrame:
    """Population-weighted centres of the wards, MSOAs and local authorities of the LSOAs in
    ``centres``.

    Parameters
    ----------
    lookup
        ``lsoa21_code, msoa21_code, msoa21_name, ward_code, ward_name, lad_code, lad_name``.
    centres
        ``area_code`` (LSOA 2021), ``easting, northing`` (BNG metres).
    population
        ``lsoa21_code, population`` (people).

    Returns
    -------
    DataFrame
        ``code, name, kind`` (``ward``, ``msoa``, ``lad``), ``lad_name, easting, northing``
        (BNG metres), ``population``, ``n_lsoas``; one row per place.
    """
    frame = (centres.rename(columns={"area_code": "lsoa21_code"})
             [["lsoa21_code", "easting", "northing"]]
             .merge(lookup, on="lsoa21_code", how="inner", validate="one_to_one")
             .merge(population[["lsoa21_code", "population"]], on="lsoa21_code", how="left"))
    frame["population"] = frame["population"].fillna(0).astype(float)
    rows = []
    for kind, code, name in (("ward", "ward_code", "ward_name"),
                             ("msoa", "msoa21_code", "msoa21_name"),
                             ("lad", "lad_code", "lad_name")):
        for (area, label, lad_name), group in frame.groupby([code, name, "lad_name"],
                                                           sort=True):
            weights = group["population"].to_numpy(float)
            if weights.sum() <= 0:
                weights = np.ones(len(group))
            rows.append({
                "code": area, "name": label, "kind": kind, "lad_name": lad_name,
                "easting": float(np.average(group["easting"], weights=weights)),
                "northing": float(np.average(group["northing"], weights=weights)),
                "population": int(group["population"].sum()), "n_lsoas": len(group),
            })
    return pd.DataFrame(rows)


class Gazetteer:
    """Look up places by name (see the module notes for what is covered and how)."""

    def __init__(self, places: pd.DataFrame):
        self._places = {
            r.code: Place(r.code, r.name, r.kind, r.lad_name, float(r.easting),
                          float(r.northing), int(r.population))
            for r in places.itertuples(index=False)
        }
        self._names = [(normalise_place_name(p.name), p) for p in self._places.values()]

    @classmethod
    @cache
    def bundled(cls) -> Gazetteer:
        """The C&M gazetteer from the bundled lookup, postcodes, boundaries and Census 2021."""
        from rescomm.data import load_lsoa21_lookup, load_population

        from ._coverage import population_weighted_centres

        centres = population_weighted_centres(2021)
        return cls(place_centres(load_lsoa21_lookup(), centres, load_population(2021)))

    def __len__(self) -> int:
        return len(self._places)

    def places(self, kind: str | None = None) -> list[Place]:
        """Every place, or those of one ``kind`` (``ward``, ``lad``, ``msoa``), by code."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown place kind {kind!r}; use one of {sorted(KINDS)}")
        return [p for code, p in sorted(self._places.items())
                if kind is None or p.kind == kind]

    def get(self, code: str) -> Place | None:
        """The place with this ONS code, or None."""
        return self._places.get(code)

    def search(self, text: str, *, limit: int = 20) -> list[Place]:
        """Places named ``text``: exact (normalised) matches if any, else names whose words
        start with the query's words in order; local authorities first, then wards, then
        MSOAs, each by name. Empty for an empty query."""
        query = normalise_place_name(text)
        if not query:
            return []
        exact = [p for name, p in self._names if name == query]
        found = exact or [p for name, p in self._names if _words_start(name, query.split())]
        order = {"lad": 0, "ward": 1, "msoa": 2}
        return sorted(found, key=lambda p: (order[p.kind], p.name, p.lad_name))[:limit]


def _words_start(name: str, query: list[str]) -> bool:
    """True if each query word starts a word of ``name``, in order."""
    words = name.split()
    i = 0
    for q in query:
        while i < len(words) and not words[i].startswith(q):
            i += 1
        if i == len(words):
            return False
        i += 1
    return True
