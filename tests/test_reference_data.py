"""Reference checks cannot skip silently in CI: a missing reference file skips on a newcomer's
clone and fails under ``RESCOMM_REQUIRE_REFERENCE_DATA=1``, which ``.ci/run`` sets; and no test
skips on missing data except through ``tests/reference_data.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests import reference_data
from tests.reference_data import (
    REQUIRE_ENV,
    reference_dir,
    reference_file,
    require_module,
    requires,
)

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SKIPS = re.compile(r"pytest\.skip\(|importorskip\(|skipif\(")
#: the skips that are not about reference data, each with why it may stay a skip
ALLOWED_SKIPS = {
    "tests/reference_data.py": "the one place that skips on missing reference data",
    "tests/web/conftest.py": "browser tests: fail unless RESCOMM_SKIP_BROWSER=1 asks to skip",
    "tests/web/prescribing/test_report_cache.py": "a PostgreSQL-only setting (CI runs both)",
    "tests/web/prescribing/test_concurrency.py": "PostgreSQL-only row locking (CI runs both)",
    "tests/web/accounts/test_throttle.py": "PostgreSQL-only parallel transactions (CI runs "
                                           "both; SQLite across processes: "
                                           "test_limits_across_workers.py)",
    "tests/cli/test_cli.py": "an empty PostgreSQL database for load-demo (CI runs both)",
    "tests/web/core/test_backup.py": "SQLite's backup API inside a transaction (CI runs both)",
}


def test_no_test_skips_on_missing_data_except_through_reference_data():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if relative in ALLOWED_SKIPS or path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SKIPS.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, (
        "skip on missing reference data with tests/reference_data.py (reference_file, "
        "reference_dir, requires, require_module) so that CI fails instead:\n"
        + "\n".join(offenders))


def test_ci_requires_the_reference_data():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(rf"^export {REQUIRE_ENV}=1$", script, re.MULTILINE)


def test_the_readme_documents_the_variable():
    assert REQUIRE_ENV in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("look_up", [
    lambda: reference_file("no/such/file.csv"),
    lambda: reference_dir("no/such/folder"),
    lambda: require_module("no_such_package_for_rescomm_tests"),
])
def test_missing_reference_data_skips_on_a_newcomers_clone(monkeypatch, look_up):
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception):
        look_up()


@pytest.mark.parametrize("look_up", [
    lambda: reference_file("no/such/file.csv"),
    lambda: reference_dir("no/such/folder"),
    lambda: require_module("no_such_package_for_rescomm_tests"),
])
def test_missing_reference_data_fails_where_it_is_required(monkeypatch, look_up):
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=REQUIRE_ENV):
        look_up()


def test_a_requires_mark_on_missing_data_fails_where_it_is_required(monkeypatch):
    monkeypatch.setenv(REQUIRE_ENV, "1")

    @requires("no/such/folder")
    def needs_data():
        pass

    class Item:  # the part of pytest.Item that check_marker reads
        def iter_markers(self, name):
            return [m for m in needs_data.pytestmark if m.name == name]

    item = Item()
    with pytest.raises(pytest.fail.Exception, match="no/such/folder"):
        reference_data.check_marker(item)


def test_the_shared_data_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("RESCOMM_SHARED_DATA", raising=False)
    monkeypatch.setenv("RESCOMM_SHARED", str(tmp_path))
    assert reference_data.shared_data_dir() == tmp_path / "data"
    monkeypatch.setenv("RESCOMM_SHARED_DATA", str(tmp_path / "elsewhere"))
    assert reference_data.shared_data_dir() == tmp_path / "elsewhere"
