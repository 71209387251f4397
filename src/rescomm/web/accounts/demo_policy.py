"""Whether demo accounts may exist and sign in here: never under the production settings."""

from __future__ import annotations

from django.conf import settings

PRODUCTION_SETTINGS = "rescomm.web.settings.prod"


def is_production() -> bool:
    """True when Django runs with ``rescomm.web.settings.prod``."""
    return getattr(settings, "SETTINGS_MODULE", "") == PRODUCTION_SETTINGS


def demo_accounts_allowed() -> bool:
    """Demo accounts are refused (not created, cannot sign in, tokens rejected) in production."""
    return not is_production()
