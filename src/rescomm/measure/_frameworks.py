"""Built-in frameworks shipped as YAML in ``rescomm/measure/frameworks/``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from ._spec import IndexSpec

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


#: Built-in frameworks whose inputs are bundled: id -> (bundled loader, folder reader) as
#: ``"module:function"`` names in :mod:`rescomm.data`, so the engine imports them lazily.
_INPUTS: dict[str, tuple[str, str | None]] = {
    "imd2019": ("load_imd:2019", None),
    "imd2025": ("load_imd:2025", None),
    "warm": ("load_indicators", "read_indicators"),
    "capitals": ("load_indicators", "read_indicators"),
}


def _is_builtin(spec: IndexSpec) -> bool:
    """The spec is a built-in framework as shipped (same id and the same YAML text)."""
    if spec.id not in _INPUTS or spec.text is None:
        return False
    return spec.text == framework_path(spec.id).read_text(encoding="utf-8")


def has_bundled_inputs(spec: IndexSpec) -> bool:
    """True if ``spec`` is a built-in framework whose inputs ship with the package."""
    return _is_builtin(spec)


def framework_data(spec: IndexSpec, data: object) -> object:
    """The data to build ``spec`` on: bundled inputs when ``data`` is None, the indicator table
    assembled from a folder of official files when ``data`` is a folder, else ``data``.

    Raises
    ------
    IndexDataError
        ``data`` is None for a spec without bundled inputs, or a folder for a framework that
        does not read folders.
    """
    from rescomm import data as rdata

    from ._errors import IndexDataError

    if data is None:
        if not _is_builtin(spec):
            raise IndexDataError(f"framework {spec.id!r} has no bundled inputs: give the data "
                                 "(a CSV/Parquet table with one row per area)")
        name, _, arg = _INPUTS[spec.id][0].partition(":")
        loader = getattr(rdata, name)
        return loader(int(arg)) if arg else loader()
    if isinstance(data, str | Path) and Path(data).is_dir():
        reader = _INPUTS.get(spec.id, (None, None))[1] if _is_builtin(spec) else None
        if reader is None:
            raise IndexDataError(f"{data} is a folder; framework {spec.id!r} needs a data "
                                 "file (CSV, CSV.gz, Parquet or Excel)")
        try:
            return getattr(rdata, reader)(data)
        except rdata.IndicatorFileError as exc:
            raise IndexDataError(str(exc)) from None
    return data
