"""The public surface of rescomm.geo: names other code relies on, no Django, documented."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rescomm.geo as geo

REPO = Path(__file__).resolve().parents[2]

#: Names other engineers code against (the agreed API); more may be added, none removed.
AGREED = {
    "GeoError", "InvalidPostcodeError", "UnknownPostcodeError", "TerminatedPostcodeError",
    "OutsideGreatBritainError", "AreaCodeError", "normalise_postcode", "normalise_postcodes",
    "PostcodeIndex", "PostcodeRecord", "lookup_postcode", "lookup_postcodes", "bng_to_wgs84",
    "wgs84_to_bng", "AreaHierarchy", "lsoa11_to_lsoa21", "lsoa21_to_lsoa11", "read_boundaries",
    "LsoaLocator", "PointIndex",
}


def test_the_agreed_names_are_exported():
    assert AGREED <= set(geo.__all__)
    for name in geo.__all__:
        assert hasattr(geo, name), name


def test_every_error_is_a_value_error_and_a_geo_error():
    for name in ("InvalidPostcodeError", "UnknownPostcodeError", "TerminatedPostcodeError",
                 "OutsideGreatBritainError", "AreaCodeError"):
        error = getattr(geo, name)
        assert issubclass(error, geo.GeoError) and issubclass(error, ValueError)


@pytest.mark.parametrize(
    ("name", "parameters"),
    [
        ("lookup_postcode", ["postcode", "allow_terminated"]),
        ("lookup_postcodes", ["postcodes"]),
        ("bng_to_wgs84", ["easting", "northing"]),
        ("wgs84_to_bng", ["longitude", "latitude"]),
        ("read_boundaries", ["path", "year", "crs", "code_field", "name_field", "layer",
                             "source_crs"]),
    ],
)
def test_signatures_keep_data_positional_and_options_keyword_only(name, parameters):
    signature = inspect.signature(getattr(geo, name))
    assert list(signature.parameters) == parameters
    for option in parameters[2 if name.endswith(("wgs84", "bng")) else 1:]:
        assert signature.parameters[option].kind is inspect.Parameter.KEYWORD_ONLY, option


def test_importing_geo_does_not_import_django():
    code = "import sys, rescomm.geo, rescomm.data; print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=REPO)
    assert result.stdout.strip() == "False"


def test_every_public_name_is_documented_in_docs_geo_md():
    text = (REPO / "docs" / "geo.md").read_text(encoding="utf-8")
    missing = [name for name in geo.__all__ if not re.search(rf"\b{re.escape(name)}\b", text)]
    assert not missing


def test_every_public_function_and_class_has_a_docstring():
    for name in geo.__all__:
        obj = getattr(geo, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), name


def test_private_modules_stay_small():
    for path in (REPO / "src" / "rescomm" / "geo").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 800, path.name
