"""The insight app's public interface: what other web apps use of it. Other apps import this
module only (an import-linter contract in ``pyproject.toml``).

- :func:`publish_demo`: publish the bundled index frameworks for the demo (called by the areas
  app's ``load_demo``).
"""

from __future__ import annotations

from .publish import publish_demo

__all__ = ["publish_demo"]
