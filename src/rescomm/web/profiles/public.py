"""The profiles app's public interface: what other web apps use of it. Other apps import this
module only (an import-linter contract in ``pyproject.toml``).

- :func:`load_demo_indicators`: load the bundled real time series into the indicator store
  (called by the areas app's ``load_demo``; idempotent).
"""

from __future__ import annotations

from .demo import load_demo_indicators

__all__ = ["load_demo_indicators"]
