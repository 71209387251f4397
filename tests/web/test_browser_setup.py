"""The browser fixture fails with install instructions when Chromium or node_modules is missing."""

from __future__ import annotations

from pathlib import Path

from . import conftest


def test_missing_chromium_and_node_modules_name_the_install_commands(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(conftest, "AXE", tmp_path / "node_modules" / "axe-core" / "axe.min.js")
    problems = " ".join(conftest._missing_browser_tools())
    assert "apt-get install -y chromium" in problems
    assert "npm ci" in problems


def test_nothing_is_missing_when_both_are_installed(monkeypatch, tmp_path):
    for name in ("chromium", "axe.min.js", "leaflet.js"):
        (tmp_path / name).write_text("")
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(conftest, "AXE", tmp_path / "axe.min.js")
    monkeypatch.setattr(conftest, "LEAFLET", Path(tmp_path / "leaflet.js"))
    assert conftest._missing_browser_tools() == []
