"""BNG <-> WGS84 against Ordnance Survey reference points, round trips and bounds checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rescomm.geo import OutsideGreatBritainError, bng_to_wgs84, wgs84_to_bng


def _metres_between(lon1, lat1, lon2, lat2):
    """Small-distance approximation, good to millimetres over a few metres."""
    dy = (lat2 - lat1) * 111_320.0
    dx = (lon2 - lon1) * 111_320.0 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def test_wgs84_to_bng_matches_ordnance_survey_reference_points(golden):
    for _, row in golden["crs"].iterrows():
        e, n = wgs84_to_bng(float(row["longitude"]), float(row["latitude"]))
        error = math.hypot(float(e) - float(row["easting"]), float(n) - float(row["northing"]))
        assert error < float(row["tolerance_m"]), (row["name"], error)


def test_bng_to_wgs84_matches_ordnance_survey_reference_points(golden):
    for _, row in golden["crs"].iterrows():
        lon, lat = bng_to_wgs84(float(row["easting"]), float(row["northing"]))
        error = _metres_between(float(lon), float(lat), float(row["longitude"]),
                                float(row["latitude"]))
        assert error < float(row["tolerance_m"]), (row["name"], error)


def test_bundled_postcode_coordinates_agree_between_crs():
    """ONSPD publishes both; the bundle's lat/long came from the same grid reference."""
    lon, lat = bng_to_wgs84(334469, 390202)  # L1 8JQ
    assert _metres_between(float(lon), float(lat), -2.987154, 53.40455) < 1.0


def test_conversion_is_vectorised_and_keeps_shape():
    e = np.array([[334469.0, 360218.0], [353842.0, 329561.0]])
    n = np.array([[390202.0, 388263.0], [381209.0, 378598.0]])
    lon, lat = bng_to_wgs84(e, n)
    assert lon.shape == lat.shape == (2, 2)
    e2, n2 = wgs84_to_bng(lon, lat)
    np.testing.assert_allclose(e2, e, atol=1e-3)
    np.testing.assert_allclose(n2, n, atol=1e-3)


def test_nan_means_no_coordinates_and_passes_through():
    lon, lat = bng_to_wgs84([334469.0, np.nan], [390202.0, np.nan])
    assert np.isnan(lon[1]) and np.isnan(lat[1]) and not np.isnan(lon[0])


def test_longitude_latitude_given_as_bng_names_the_point_and_the_fix():
    with pytest.raises(OutsideGreatBritainError) as info:
        bng_to_wgs84([334469.0, -2.98], [390202.0, 53.4])
    assert str(info.value) == (
        "1 of 2 points is outside Great Britain: the first, (easting=-2.98, northing=53.4), is "
        "not within easting 0 to 700,000 and northing 0 to 1,300,000 m; check the coordinates "
        "are British National Grid metres (EPSG:27700), not longitude/latitude"
    )
    assert info.value.count == 1 and info.value.first == (-2.98, 53.4)


def test_swapped_latitude_longitude_is_rejected_with_a_hint():
    with pytest.raises(OutsideGreatBritainError) as info:
        wgs84_to_bng(53.40455, -2.987154)
    assert str(info.value) == (
        "1 of 1 point is outside Great Britain: the first, (longitude=53.40455, "
        "latitude=-2.987154), is not within longitude -9.01 to 2.01 and latitude 49.75 to 61.01 "
        "degrees; check that longitude comes first and both are WGS84 decimal degrees"
    )


def test_points_in_france_are_outside_great_britain():
    with pytest.raises(OutsideGreatBritainError):
        wgs84_to_bng(2.35, 48.85)  # Paris


def test_grid_corners_beyond_the_crs_area_of_use_are_rejected_both_ways():
    """The grid rectangle's North Sea corner is not in EPSG:27700's area of use."""
    with pytest.raises(OutsideGreatBritainError, match=r"maps outside EPSG:27700's area of use"):
        bng_to_wgs84(655_000, 1_200_000)
    with pytest.raises(OutsideGreatBritainError, match=r"maps outside the National Grid"):
        wgs84_to_bng(-9.0, 49.8)


def test_shapes_must_match():
    with pytest.raises(ValueError, match="same shape"):
        bng_to_wgs84([1.0, 2.0], [1.0])


# Onshore boxes (Midlands; North West incl. C&M; southern Scotland). Offshore, PROJ may choose a
# different Helmert transformation in each direction (see docs/geo.md), so round trips there are
# only good to tens of metres and are not tested.
_ONSHORE = st.sampled_from([
    (350_000, 550_000, 150_000, 450_000),
    (300_000, 420_000, 330_000, 430_000),
    (200_000, 400_000, 600_000, 900_000),
])


@given(_ONSHORE, st.floats(0, 1), st.floats(0, 1))
def test_round_trip_onshore_is_within_a_centimetre(box, fx, fy):
    easting = box[0] + fx * (box[1] - box[0])
    northing = box[2] + fy * (box[3] - box[2])
    lon, lat = bng_to_wgs84(easting, northing)
    e, n = wgs84_to_bng(lon, lat)
    assert abs(float(e) - easting) < 0.01 and abs(float(n) - northing) < 0.01
