"""The place-name gazetteer: population-weighted centres (hand-computed and property checks),
name matching, ambiguity, coverage of the bundled C&M data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescomm.geo import Gazetteer, normalise_place_name, place_centres

LOOKUP = pd.DataFrame({
    "lsoa21_code": ["A1", "A2", "A3", "B1"],
    "msoa21_code": ["M1", "M1", "M2", "M3"],
    "msoa21_name": ["Town 001", "Town 001", "Town 002", "Other 001"],
    "ward_code": ["W1", "W1", "W2", "W3"],
    "ward_name": ["St. Mary's & Abbey", "St. Mary's & Abbey", "Riverside", "Riverside"],
    "lad_code": ["L1", "L1", "L1", "L2"],
    "lad_name": ["Town", "Town", "Town", "Other"],
})
CENTRES = pd.DataFrame({"area_code": ["A1", "A2", "A3", "B1"],
                        "easting": [1000.0, 2000.0, 4000.0, 9000.0],
                        "northing": [500.0, 500.0, 1500.0, 9000.0]})
POPULATION = pd.DataFrame({"lsoa21_code": ["A1", "A2", "A3", "B1"],
                           "population": [1000, 3000, 0, 1500]})


def _table():
    return place_centres(LOOKUP, CENTRES, POPULATION).set_index("code")


def test_a_place_is_centred_at_the_population_weighted_mean_of_its_lsoas():
    table = _table()
    # W1 = A1 (1,000 people at x=1000) + A2 (3,000 at x=2000): (1000*1000 + 3000*2000) / 4000
    assert table.loc["W1", "easting"] == pytest.approx(1750.0)
    assert table.loc["W1", "population"] == 4000
    # L1 = A1, A2, A3 (A3 has nobody, so it does not move the centre)
    assert table.loc["L1", "easting"] == pytest.approx(1750.0)
    assert table.loc["L1", "n_lsoas"] == 3
    # a place whose LSOAs have no residents falls back to the plain mean
    assert table.loc["M2", "easting"] == pytest.approx(4000.0)
    assert set(table["kind"]) == {"ward", "msoa", "lad"}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 700_000), st.floats(0, 1_000_000),
                          st.integers(0, 5_000)), min_size=1, max_size=12))
def test_a_centre_lies_within_the_box_of_its_lsoa_centres(points):
    n = len(points)
    lookup = pd.DataFrame({
        "lsoa21_code": [f"E{i}" for i in range(n)], "msoa21_code": "M", "msoa21_name": "M 001",
        "ward_code": "W", "ward_name": "Ward", "lad_code": "L", "lad_name": "Lad"})
    centres = pd.DataFrame({"area_code": lookup["lsoa21_code"],
                            "easting": [p[0] for p in points],
                            "northing": [p[1] for p in points]})
    population = pd.DataFrame({"lsoa21_code": lookup["lsoa21_code"],
                               "population": [p[2] for p in points]})
    table = place_centres(lookup, centres, population)
    xs, ys = centres["easting"], centres["northing"]
    for row in table.itertuples():
        assert xs.min() - 1e-6 <= row.easting <= xs.max() + 1e-6
        assert ys.min() - 1e-6 <= row.northing <= ys.max() + 1e-6
        assert row.population == sum(p[2] for p in points)


@pytest.mark.parametrize(("text", "normal"), [
    ("St. Mary's & Abbey", "st marys and abbey"),
    ("saint marys and abbey", "st marys and abbey"),
    ("  Woolton   Village ", "woolton village"),
    ("Poynton West-and-Adlington", "poynton west and adlington"),
    ("", ""),
])
def test_names_and_queries_are_normalised_alike(text, normal):
    assert normalise_place_name(text) == normal


def test_exact_names_win_and_several_exact_matches_are_ambiguous():
    gazetteer = Gazetteer(place_centres(LOOKUP, CENTRES, POPULATION))
    assert [p.code for p in gazetteer.search("saint marys and abbey")] == ["W1"]
    riverside = gazetteer.search("RIVERSIDE")
    assert [p.label for p in riverside] == ["Riverside (ward, Other)", "Riverside (ward, Town)"]
    assert [p.label for p in gazetteer.search("town")] == ["Town (local authority)"]
    # no exact match: names whose words start with the query's words, in order
    assert [p.code for p in gazetteer.search("tow 00")] == ["M1", "M2"]
    assert gazetteer.search("nowhere") == [] and gazetteer.search("  ") == []
    assert gazetteer.get("W3").lad_name == "Other" and gazetteer.get("nope") is None


@pytest.fixture(scope="module")
def bundled():
    return Gazetteer.bundled()


def test_the_bundled_gazetteer_covers_the_wards_msoas_and_las_of_cheshire_and_merseyside(
        bundled):
    from rescomm.data import load_lsoa21_lookup, load_population

    cm = load_lsoa21_lookup()
    cm = cm[cm["lsoa21_code"].isin(load_population(2021)["lsoa21_code"])]
    kinds = {}
    for code in [*cm["ward_code"].unique(), *cm["msoa21_code"].unique(),
                 *cm["lad_code"].unique()]:
        place = bundled.get(code)
        assert place is not None, code
        kinds[place.kind] = kinds.get(place.kind, 0) + 1
    assert kinds["lad"] == 9
    assert len(bundled) == len(cm["ward_code"].unique()) + len(cm["msoa21_code"].unique()) + 9
    total = load_population(2021)["population"].sum()
    assert sum(bundled.get(c).population for c in cm["lad_code"].unique()) == total


@pytest.mark.parametrize(("query", "expected"), [
    ("Speke", ["Speke (ward, Liverpool)"]),
    ("woolton village", ["Woolton Village (ward, Liverpool)"]),
    ("Wirral", ["Wirral (local authority)"]),
    ("st michaels", ["St Michaels (ward, Knowsley)", "St Michaels (ward, Liverpool)"]),
])
def test_real_place_names_are_found(bundled, query, expected):
    assert [p.label for p in bundled.search(query)] == expected


def test_a_ward_centre_is_inside_its_local_authority(bundled):
    from rescomm.data import load_lsoa21_lookup
    from rescomm.geo import LsoaLocator

    speke = bundled.search("Speke")[0]
    lsoa = LsoaLocator.bundled(2021).locate(np.array([speke.easting]),
                                             np.array([speke.northing]))[0]
    lookup = load_lsoa21_lookup().set_index("lsoa21_code")
    assert lookup.loc[lsoa, "lad_name"] == "Liverpool"
