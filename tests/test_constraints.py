"""constraints.txt pins what `make setup-dev` and CI install: it matches the installed
dependency tree of pyproject.toml, ruff is pinned, and the Makefile installs through it."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _lock_module():
    spec = importlib.util.spec_from_file_location("lock", REPO / "scripts" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lock = _lock_module()


def test_constraints_pin_every_package_of_the_installed_dependency_tree(capsys):
    status = lock.main(["--check"])
    problems = capsys.readouterr().err
    assert status == 0, "constraints.txt is out of date: run `make lock`\n" + problems


def test_constraints_pin_pip_and_the_build_backend_too():
    pinned = lock.pinned_in((REPO / "constraints.txt").read_text(encoding="utf-8"))
    assert {"pip", "setuptools", "wheel"} <= pinned.keys()
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+-]*", v) for v in pinned.values()), pinned


def test_ruff_is_pinned_to_one_version_in_the_dev_extras():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    ruff = [r for r in pyproject["project"]["optional-dependencies"]["dev"]
            if r.startswith("ruff")]
    assert len(ruff) == 1 and re.fullmatch(r"ruff==\d+\.\d+\.\d+", ruff[0]), ruff
    pinned = lock.pinned_in((REPO / "constraints.txt").read_text(encoding="utf-8"))
    assert pinned["ruff"] == ruff[0].split("==")[1]


def test_the_makefile_installs_through_the_constraints_and_reinstalls_when_they_change():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for marker in ("$(VENV)/.installed:", "$(VENV)/.installed-dev:"):
        rule = makefile.split(marker, 1)[1].split("\n\n", 1)[0]
        assert rule.split("\n", 1)[0].split("|")[0].split() == ["pyproject.toml",
                                                                 "constraints.txt"]
        assert "$(PIP_BUILD) -e" in rule
    assert "PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt" in makefile
    assert "--build-constraint constraints.txt" in makefile
    assert "scripts/lock.py" in makefile.split("\nlock:", 1)[1]


def test_a_required_package_that_is_not_installed_is_named():
    with pytest.raises(lock.LockError, match="not-installed-anywhere-xyz>=1 is needed but not "
                                             "installed here"):
        lock.dependency_tree(["not-installed-anywhere-xyz>=1"])


def test_extras_and_markers_are_followed():
    tree = lock.dependency_tree(["psycopg[binary]>=3.1"])
    assert {"psycopg", "psycopg-binary"} <= tree.keys()
    assert "tzdata" not in lock.dependency_tree(['tzdata; sys_platform == "nowhere"'])
