"""Boundary reading: bundled, GeoJSON and GeoPackage files made in tmp_path from the bundle."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
import shapely
from tests.reference_data import require_module

from rescomm.data import DataFileMissingError
from rescomm.geo import (
    AreaCodeError,
    GeoError,
    OutsideGreatBritainError,
    bng_to_wgs84,
    read_boundaries,
)


def _write_geojson(path, codes, names, geoms, *, code="LSOA21CD", name="LSOA21NM", crs=None):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {code: c, name: n, "GlobalID": i},
             "geometry": json.loads(shapely.to_geojson(g))}
            for i, (c, n, g) in enumerate(zip(codes, names, geoms, strict=True))
        ],
    }
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection))
    return path


@pytest.fixture(scope="module")
def bundled_bng():
    return read_boundaries(None, year=2021)


def test_bundled_boundaries_have_every_cm_lsoa_sorted_by_code(bundled_bng):
    codes, names, geoms = bundled_bng
    assert len(codes) == len(names) == len(geoms) == 1601
    assert list(codes) == sorted(codes)
    assert names[list(codes).index("E01033756")] == "Liverpool 061C"
    assert shapely.is_valid(geoms).all()
    assert len(read_boundaries(None, year=2011)[0]) == 1562


def test_bundled_boundaries_are_in_bng_metres_by_default_and_wgs84_on_request(bundled_bng):
    xmin, ymin, xmax, ymax = shapely.total_bounds(bundled_bng[2])
    assert 300_000 < xmin < xmax < 420_000 and 330_000 < ymin < ymax < 430_000
    lon_min, lat_min, lon_max, lat_max = shapely.total_bounds(
        read_boundaries(None, crs="EPSG:4326")[2])
    # SOURCES.md: C&M bounds are -3.20, 52.95 to -1.97, 53.70
    assert (round(lon_min, 2), round(lat_min, 2), round(lon_max, 2), round(lat_max, 2)) == (
        -3.2, 52.95, -1.97, 53.7)


def test_lsoa_areas_add_up_to_their_local_authority_boundary(shared_data, bundled_bng):
    """Independent check: LSOAs (BSC) per LA against the ONS LAD May 2024 BUC boundary."""
    import gzip

    from rescomm.data import CM_LOCAL_AUTHORITIES
    from rescomm.geo import AreaHierarchy, wgs84_to_bng

    with gzip.open(shared_data / "geography/lad24_buc_uk.geojson.gz", "rt") as f:
        lads = {ft["properties"]["ltla24_code"]: shapely.geometry.shape(ft["geometry"])
                for ft in json.load(f)["features"]}
    codes, _, geoms = bundled_bng
    parents = AreaHierarchy.bundled().parents(codes)["lad_code"].to_numpy()
    for lad in CM_LOCAL_AUTHORITIES:
        lad_bng = shapely.transform(lads[lad], lambda xy: np.column_stack(wgs84_to_bng(*xy.T)))
        lsoa_area = shapely.area(geoms[parents == lad]).sum()
        assert lsoa_area == pytest.approx(shapely.area(lad_bng), rel=0.05), lad


def test_reading_returns_copies(bundled_bng):
    codes, _, _ = read_boundaries()
    codes[0] = "changed"
    assert read_boundaries()[0][0] == "E01006412"


def test_geojson_in_wgs84_with_ons_field_names(tmp_path, bundled_bng):
    codes, names, geoms = read_boundaries(None, crs="EPSG:4326")
    path = _write_geojson(tmp_path / "lsoa.geojson", codes[::-1], names[::-1], geoms[::-1])
    got_codes, got_names, got_geoms = read_boundaries(path)
    assert got_codes.tolist() == bundled_bng[0].tolist()
    assert got_names.tolist() == bundled_bng[1].tolist()
    np.testing.assert_allclose(shapely.area(got_geoms), shapely.area(bundled_bng[2]), rtol=1e-9)


def test_geojson_declaring_bng_is_not_reprojected(tmp_path, bundled_bng):
    codes, names, geoms = bundled_bng
    path = _write_geojson(tmp_path / "bng.json", codes[:5], names[:5], geoms[:5],
                          code="lsoa21_code", name="lsoa21_name",
                          crs="urn:ogc:def:crs:EPSG::27700")
    got = read_boundaries(path)
    assert shapely.equals_exact(got[2], geoms[:5], tolerance=1e-6).all()


def test_bng_geojson_without_a_crs_member_is_refused_with_a_hint(tmp_path, bundled_bng):
    codes, names, geoms = bundled_bng
    path = _write_geojson(tmp_path / "nocrs.geojson", codes[:2], names[:2], geoms[:2])
    with pytest.raises(OutsideGreatBritainError, match=r"read as EPSG:4326: .*pass source_crs="):
        read_boundaries(path)
    got = read_boundaries(path, source_crs="EPSG:27700")
    assert got[0].tolist() == codes[:2].tolist()


def test_geopackage_in_bng_as_published_by_ons(tmp_path, bundled_bng):
    pyogrio = require_module("pyogrio")
    codes, names, geoms = bundled_bng
    path = tmp_path / "LSOA_2021_EW_BFC.gpkg"
    pyogrio.raw.write(
        path, shapely.to_wkb(geoms), [codes.astype(str), names.astype(str)],
        fields=["LSOA21CD", "LSOA21NM"], geometry_type="MultiPolygon", crs="EPSG:27700",
        driver="GPKG", promote_to_multi=True,
    )
    got_codes, got_names, got_geoms = read_boundaries(path)
    assert got_codes.tolist() == codes.tolist() and got_names.tolist() == names.tolist()
    np.testing.assert_allclose(shapely.area(got_geoms), shapely.area(geoms), rtol=1e-9)
    wgs = read_boundaries(path, crs="EPSG:4326")[2]
    lon, lat = bng_to_wgs84(*shapely.get_coordinates(geoms[:1]).T)
    np.testing.assert_allclose(shapely.get_coordinates(wgs[:1]), np.column_stack([lon, lat]))


def test_missing_pyogrio_gives_an_install_hint(tmp_path, monkeypatch):
    path = tmp_path / "x.gpkg"
    path.write_bytes(b"not really")
    monkeypatch.setitem(sys.modules, "pyogrio", None)
    with pytest.raises(GeoError) as info:
        read_boundaries(path)
    assert str(info.value) == (
        "reading GeoPackage and Shapefile boundaries needs pyogrio; install it with: pip install "
        "rescomm[geopackage] (or use a GeoJSON file)"
    )


def test_missing_boundary_file_names_the_ons_product(tmp_path):
    with pytest.raises(DataFileMissingError) as info:
        read_boundaries(tmp_path / "LSOA_2021.gpkg")
    assert str(info.value) == (
        f"boundary file '{tmp_path / 'LSOA_2021.gpkg'}' does not exist; download 'Lower layer "
        "Super Output Areas (December 2021) Boundaries EW BFC' (GeoPackage or GeoJSON) from the "
        "ONS Open Geography Portal (https://geoportal.statistics.gov.uk), or pass None for the "
        "bundled boundaries"
    )


def test_2011_boundaries_read_as_2021_say_which_year_to_pass(tmp_path):
    codes, names, geoms = read_boundaries(None, year=2011, crs="EPSG:4326")
    path = _write_geojson(tmp_path / "lsoa11.geojson", codes[:3], names[:3], geoms[:3],
                          code="LSOA11CD", name="LSOA11NM")
    with pytest.raises(AreaCodeError) as info:
        read_boundaries(path, year=2021)
    assert str(info.value) == (
        f"'{path}' holds LSOA 2011 boundaries (field LSOA11CD) but year=2021 was asked; pass "
        "year=2011"
    )
    assert read_boundaries(path, year=2011)[0].tolist() == sorted(codes[:3])


def test_unknown_field_names_are_listed(tmp_path):
    codes, names, geoms = read_boundaries(None, crs="EPSG:4326")
    path = _write_geojson(tmp_path / "odd.geojson", codes[:1], names[:1], geoms[:1],
                          code="CODE", name="NAME")
    with pytest.raises(GeoError, match=r"no LSOA 2021 code field .*'CODE', 'NAME', 'GlobalID'"):
        read_boundaries(path)
    got = read_boundaries(path, code_field="code", name_field="name")
    assert got[0].tolist() == [codes[0]] and got[1].tolist() == [names[0]]


def test_the_shared_geojson_matches_the_bundle(shared_data, bundled_bng):
    codes, names, geoms = read_boundaries(
        shared_data / "geography/lsoa21_bsc_v4_cheshire_merseyside.geojson")
    assert codes.tolist() == bundled_bng[0].tolist()
    np.testing.assert_allclose(shapely.area(geoms), shapely.area(bundled_bng[2]), rtol=1e-6)


@pytest.mark.parametrize(("content", "message"), [
    ('{"type": "FeatureCollection", "name": "Caf\xe9", "features": []}'.encode("cp1252"),
     r"is not UTF-8 text \(line 1: byte 0xe9 at offset 42\); save it as UTF-8 \(GeoJSON"),
    (b'{"type": "FeatureCollection", "features": [', r"is not valid JSON: Expecting value at "
                                                    r"line 1, column 44"),
])
def test_a_geojson_that_is_not_utf8_or_not_json_is_one_line(tmp_path, content, message):
    path = tmp_path / "lsoa.geojson"
    path.write_bytes(content)
    with pytest.raises(GeoError, match=message):
        read_boundaries(path)
