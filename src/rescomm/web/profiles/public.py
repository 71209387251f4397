"""The profiles app's public interface: what other web apps use of it. Other apps import this
module only (an import-linter contract in ``pyproject.toml``).

- :func:`load_demo_indicators`: load the bundled real time series into the indicator store
  (called by the areas app's ``load_demo``; idempotent).
"""

from __future__ import annotations

from django.urls import reverse

from .demo import load_demo_indicators

__all__ = ["load_demo_indicators", "local_authority_profiles"]


def local_authority_profiles(code: str) -> list[tuple[str, str]]:
    """(profile name, URL) of every profile page of local authority ``code``; empty when the
    indicator store holds no local-authority values for it."""
    from . import store
    from .profile_views import profiles

    kind = store.AREA_TYPES["la"]
    if not code or store.area_name(kind, code) is None:
        return []
    return [(p.name, reverse("profiles:area", args=[p.slug, kind.slug, code]))
            for p in profiles().values()]
