"""The public surface of rescomm.data: the agreed names, documented, no Django, small modules."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import rescomm.data as data

REPO = Path(__file__).resolve().parents[2]

#: Names other code relies on; more may be added, none removed.
AGREED = {
    "load_gp_practices", "load_libraries", "load_schools", "load_greenspace_sites",
    "load_greenspace_access_points", "load_assets", "asset_tags", "read_gp_practices",
    "read_ace_libraries", "read_gias", "read_greenspace_access_points", "greenspace_sites",
    "AssetFileError", "AssetCoordinateError", "CAPITALS", "NEEDS", "CATEGORIES",
    "CATEGORY_CAPITALS", "CATEGORY_NEEDS", "GREENSPACE_CLASSES", "load_postcodes",
    "load_boundaries_table", "load_imd", "load_population", "read_onspd", "manifest",
    "attributions", "DataFileMissingError", "DataFormatError", "CM_LOCAL_AUTHORITIES",
}


def test_the_agreed_names_are_exported():
    assert AGREED <= set(data.__all__)
    for name in data.__all__:
        assert hasattr(data, name), name


def test_the_private_postcode_helper_is_not_exported_so_it_cannot_shadow_geos():
    assert "normalise_postcodes" not in data.__all__
    assert not hasattr(data, "normalise_postcodes")


def test_asset_errors_are_value_errors():
    assert issubclass(data.AssetFileError, ValueError)
    assert issubclass(data.AssetCoordinateError, ValueError)


def test_every_public_name_is_documented():
    text = "".join((REPO / "docs" / name).read_text(encoding="utf-8")
                   for name in ("data.md", "assets-data.md"))
    missing = [n for n in data.__all__ if not re.search(rf"\b{re.escape(n)}\b", text)]
    assert missing == []


def test_every_public_function_and_class_has_a_docstring():
    for name in data.__all__:
        obj = getattr(data, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), name


def test_importing_data_does_not_import_django():
    code = "import sys, rescomm.data; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert out.stdout.strip() == "False"


def test_modules_stay_under_800_lines():
    for path in (REPO / "src" / "rescomm" / "data").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 800, path.name


def test_notice_and_docs_carry_every_attribution_statement_of_the_manifest():
    def flat(text: str) -> str:
        return re.sub(r"\s+", " ", text)

    notice = flat((REPO / "NOTICE").read_text(encoding="utf-8"))
    docs = flat((REPO / "docs" / "data.md").read_text(encoding="utf-8"))
    for statement in data.attributions():
        assert statement in notice, statement
        assert statement in docs, statement
