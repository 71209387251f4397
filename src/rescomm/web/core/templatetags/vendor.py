"""``{% vendor_available "leaflet/leaflet.js" as has_leaflet %}``: is an npm asset installed?

Third-party assets are served from ``node_modules`` (see ``NPM_STATIC`` in settings); a pip-only
install has none, and pages then leave out the enhancements instead of linking missing files.
"""

from __future__ import annotations

from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

register = template.Library()


@cache
def _available(path: str) -> bool:
    # Development and tests serve straight from the finders; production only what collectstatic
    # put in STATIC_ROOT (a hashed-name manifest has no entry for anything else).
    if getattr(settings, "WHITENOISE_USE_FINDERS", False):
        return bool(finders.find(path))
    try:
        return staticfiles_storage.exists(path)
    except Exception:  # noqa: BLE001 - storage without STATIC_ROOT: treat as absent
        return False


@register.simple_tag
def vendor_available(path: str) -> bool:
    """True if static file ``vendor/<path>`` can be served."""
    return _available(f"vendor/{path}")
