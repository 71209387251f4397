"""Web apps meet through one public module each (the import-linter contracts in
pyproject.toml, run by ``lint-imports``): these tests keep the contracts complete as apps are
added, and the public modules documented."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "src" / "rescomm" / "web"
APPS = sorted(p.name for p in WEB.iterdir() if (p / "apps.py").is_file())


def _contracts() -> list[dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_web_apps_are_the_ones_the_contracts_know():
    assert APPS == ["accounts", "areas", "assets", "core", "insight", "prescribing", "profiles"]


@pytest.mark.parametrize("app", APPS)
def test_every_other_web_app_is_forbidden_to_import_this_app_but_for_its_public_module(app):
    package = f"rescomm.web.{app}"
    contract = next(c for c in _contracts() if c["type"] == "forbidden"
                    and c["forbidden_modules"] == [package]
                    or (app == "core" and c.get("source_modules") == [package]))
    if app == "core":  # the shared base: everyone may use it; it uses none of them
        assert set(contract["forbidden_modules"]) == {f"rescomm.web.{a}" for a in APPS} - {
            package}
        return
    assert set(contract["source_modules"]) == {f"rescomm.web.{a}" for a in APPS} - {package}
    assert contract.get("allow_indirect_imports") is True
    ignored = contract.get("ignore_imports", [])
    assert ignored in ([], [f"rescomm.web.** -> {package}.public"])
    if ignored:
        public = importlib.import_module(f"{package}.public")
        assert public.__doc__ and "only" in public.__doc__
        assert public.__all__ and all(hasattr(public, name) for name in public.__all__)


def test_no_package_lends_its_private_modules():
    assert any(c["type"] == "private_modules" for c in _contracts())
