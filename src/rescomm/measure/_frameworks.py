"""Built-in frameworks shipped as YAML in ``rescomm/measure/frameworks/``."""

from __future__ import annotations

from pathlib import Path

import yaml

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"


def frameworks() -> list[str]:
    """Names of the built-in frameworks (e.g. ``imd2019``, ``imd2025``)."""
    return sorted(p.stem for p in FRAMEWORKS_DIR.glob("*.yaml"))


def is_framework(name: str) -> bool:
    """True if ``name`` is a built-in framework."""
    return name in frameworks()


def framework_path(name: str) -> Path:
    """Path of the YAML file of a built-in framework."""
    return FRAMEWORKS_DIR / f"{name}.yaml"


def framework_info() -> list[dict[str, str]]:
    """``id``, ``name``, ``version`` and ``description`` of each built-in framework."""
    out = []
    for name in frameworks():
        raw = yaml.safe_load(framework_path(name).read_text(encoding="utf-8"))
        out.append({"id": name, "name": str(raw.get("name", name)),
                    "version": str(raw.get("version", "")),
                    "description": " ".join(str(raw.get("description", "")).split())})
    return out
