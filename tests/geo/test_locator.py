"""Point in LSOA: representative points, postcodes, brute-force agreement, CRS handling."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from rescomm.data import load_postcodes
from rescomm.geo import (
    EXACT_LSOA21_METHODS,
    GeoError,
    LsoaLocator,
    OutsideGreatBritainError,
    read_boundaries,
)


@pytest.fixture(scope="module", params=[2021, 2011])
def boundaries(request):
    return request.param, *read_boundaries(None, year=request.param)


def test_each_lsoa_representative_point_is_located_in_itself(boundaries):
    year, codes, _, geoms = boundaries
    points = shapely.point_on_surface(geoms)
    got = LsoaLocator.bundled(year).locate(shapely.get_x(points), shapely.get_y(points))
    assert got.tolist() == codes.tolist()


def test_both_strategies_agree_with_brute_force_on_random_points(boundaries):
    year, codes, _, geoms = boundaries
    locator = LsoaLocator.bundled(year)
    rng = np.random.default_rng(year)
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    x, y = rng.uniform(xmin, xmax, 400), rng.uniform(ymin, ymax, 400)
    brute = []  # every polygon tested for every point: no tree, no stripes
    for a, b in zip(x, y, strict=True):
        inside = np.flatnonzero(shapely.intersects_xy(geoms, a, b))
        brute.append(codes[inside[0]] if len(inside) else None)
    brute = np.array(brute, dtype=object)
    assert locator.locate(x, y).tolist() == brute.tolist()  # few points: STRtree
    many_x, many_y = np.tile(x, 60), np.tile(y, 60)           # many points: stripe sweep
    assert locator.locate(many_x, many_y).tolist() == np.tile(brute, 60).tolist()


def test_postcodes_with_an_exact_lsoa21_are_located_in_it():
    """Super-generalised boundaries: most, not all, postcode centroids fall in their own LSOA."""
    pc = load_postcodes()
    pc = pc[pc["lsoa21_method"].isin(EXACT_LSOA21_METHODS) & pc["terminated"].isna()]
    got = LsoaLocator.bundled(2021).locate(pc["easting"].to_numpy(float),
                                           pc["northing"].to_numpy(float))
    agreement = (got == pc["lsoa21_code"].to_numpy(dtype=object)).mean()
    assert agreement > 0.85  # SOURCES.md: PIP on BSC boundaries is about 89% right


def test_wgs84_input_gives_the_same_answer():
    locator = LsoaLocator.bundled()
    assert locator.locate(-2.987154, 53.40455, crs="EPSG:4326") == "E01033756"  # L1 8JQ
    assert locator.locate([334469.0], [390202.0]).tolist() == ["E01033756"]


def test_points_outside_the_area_covered_or_without_coordinates_give_none():
    got = LsoaLocator.bundled().locate([530_000.0, np.nan, 334469.0], [180_000.0, 1.0, 390202.0])
    assert got.tolist() == [None, None, "E01033756"]  # central London, no coordinates, L1 8JQ


def test_output_keeps_the_input_shape():
    got = LsoaLocator.bundled().locate(np.full((2, 3), 334469.0), np.full((2, 3), 390202.0))
    assert got.shape == (2, 3) and (got == "E01033756").all()


def test_points_outside_great_britain_are_an_error_not_none():
    with pytest.raises(OutsideGreatBritainError, match=r"\(easting=-2.98, northing=53.4\)"):
        LsoaLocator.bundled().locate([-2.98], [53.4])


def test_unsupported_crs_is_refused():
    with pytest.raises(GeoError, match=r"'EPSG:3857' is not supported"):
        LsoaLocator.bundled().locate([0.0], [0.0], crs="EPSG:3857")


def test_a_locator_can_be_built_from_wgs84_geometries():
    codes, _, geoms = read_boundaries(None, crs="EPSG:4326")
    locator = LsoaLocator(codes[:10], geoms[:10], crs="EPSG:4326", year=2021)
    points = shapely.point_on_surface(read_boundaries()[2][:10])
    assert locator.locate(shapely.get_x(points), shapely.get_y(points)).tolist() == list(codes[:10])


def test_a_point_on_a_shared_edge_goes_to_the_lsoa_whose_code_sorts_first():
    codes, _, geoms = read_boundaries()
    locator = LsoaLocator.bundled()
    shared = shapely.intersection(geoms[0], geoms[1])
    if shared.is_empty:
        tree = shapely.STRtree(geoms)
        j = next(j for j in tree.query(geoms[0], predicate="touches") if j != 0)
        shared = shapely.intersection(geoms[0], geoms[j])
    x, y = shapely.get_coordinates(shared)[0]
    assert locator.locate([x], [y])[0] == codes[0]
    assert locator.locate(np.full(40_000, x), np.full(40_000, y))[0] == codes[0]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(320_000, 402_000), st.floats(339_000, 423_000)),
                min_size=1, max_size=50))
def test_locate_agrees_with_shapely_contains_for_interior_points(points):
    codes, _, geoms = read_boundaries()
    x, y = np.array(points).T
    got = LsoaLocator.bundled().locate(x, y)
    for code, px, py in zip(got, x, y, strict=True):
        if code is None:
            assert not shapely.intersects_xy(geoms, px, py).any()
        else:
            assert shapely.intersects_xy(geoms[list(codes).index(code)], px, py)
