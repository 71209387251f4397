"""The reference data the golden tests read in place, and what happens when it is missing.

Reference files (the real open data of ``../shared/data``, published reference tables, the ORUK
schema) are never copied into this repository. On a newcomer's clone without them, a test that
needs one is skipped with the path it looked for. In CI that would hide a broken check, so
``.ci/run`` sets ``RESCOMM_REQUIRE_REFERENCE_DATA=1`` and every such skip becomes a failure that
names the missing file (or test-only package).

Where the data is: ``$RESCOMM_SHARED_DATA`` if set, else ``$RESCOMM_SHARED/data``, else
``shared/data`` beside the repository (``../shared/data``).

Use :func:`reference_file` / :func:`reference_dir` in fixtures, ``@requires("relative/path")`` on
tests (checked by the root ``conftest.py``), and :func:`require_module` for a package a reference
test needs. ``tests/test_reference_data.py`` fails if a test skips on missing data any other way.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]
#: set to 1 (``.ci/run`` does) to make a missing reference file fail instead of skip
REQUIRE_ENV = "RESCOMM_REQUIRE_REFERENCE_DATA"


def shared_data_dir() -> Path:
    """The folder of the shared open data (see the module notes for the order looked at)."""
    if os.environ.get("RESCOMM_SHARED_DATA"):
        return Path(os.environ["RESCOMM_SHARED_DATA"])
    if os.environ.get("RESCOMM_SHARED"):
        return Path(os.environ["RESCOMM_SHARED"]) / "data"
    return REPO.parent / "shared" / "data"


def required() -> bool:
    """True where reference data must be present (``RESCOMM_REQUIRE_REFERENCE_DATA=1``)."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def missing(what: str) -> NoReturn:
    """Skip the current test because ``what`` is missing, or fail if reference data is required."""
    if required():
        pytest.fail(f"{what} ({REQUIRE_ENV}=1: the reference data must be present)",
                    pytrace=False)
    pytest.skip(what)


def reference_file(relative: str) -> Path:
    """Path of the file ``relative`` to the shared data folder, or :func:`missing`."""
    path = shared_data_dir() / relative
    if not path.is_file():
        missing(f"reference file not found: {path}")
    return path


def reference_dir(relative: str = "") -> Path:
    """Path of the folder ``relative`` to the shared data folder (the folder itself if empty)."""
    path = shared_data_dir() / relative
    if not path.is_dir():
        missing(f"reference folder not found: {path}")
    return path


def require_module(name: str) -> ModuleType:
    """Import a test-only package (``[dev]``/``[geopackage]`` extras), or :func:`missing`."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"package {name!r} is not installed ({exc}); pip install -e '.[dev,geopackage]'")


def requires(*relative: str) -> pytest.MarkDecorator:
    """Mark a test as needing these shared-data paths (files or folders); checked before it runs."""
    return pytest.mark.reference_data(*relative)


def check_marker(item: pytest.Item) -> None:
    """Called by the root ``conftest.py`` before each test: apply :func:`requires` marks."""
    for mark in item.iter_markers("reference_data"):
        for relative in mark.args:
            path = shared_data_dir() / relative
            if not path.exists():
                missing(f"reference data not found: {path}")
