"""Single sign-on through OpenID Connect, configured only by environment variables.

Off unless ``RESCOMM_OIDC_ISSUER`` is set. Then every other variable of :data:`REQUIRED` must
be set too, and every endpoint must be ``https://`` (``http://`` only for 127.0.0.1 or
localhost, as a test provider on the same machine), or start-up stops with one
``ImproperlyConfigured`` line naming them. The values come from the provider's discovery
document, ``<issuer>/.well-known/openid-configuration`` (docs/accounts.md gives Microsoft Entra
ID's and NHS Care Identity Service 2's).

:func:`oidc_settings` turns the variables into the Django settings that mozilla-django-oidc and
``rescomm.web.accounts.sso`` read; ``base.py`` applies them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

BACKEND = "rescomm.web.accounts.sso.SingleSignOnBackend"

#: Variable -> what it holds (the error message names them).
REQUIRED = {
    "RESCOMM_OIDC_CLIENT_ID": "the client (application) id the provider gave this service",
    "RESCOMM_OIDC_CLIENT_SECRET": "its client secret",
    "RESCOMM_OIDC_AUTHORIZATION_ENDPOINT": "the provider's authorization_endpoint",
    "RESCOMM_OIDC_TOKEN_ENDPOINT": "its token_endpoint",
    "RESCOMM_OIDC_USERINFO_ENDPOINT": "its userinfo_endpoint",
    "RESCOMM_OIDC_JWKS_ENDPOINT": "its jwks_uri",
}
#: Optional variables (defaults in :func:`oidc_settings`).
OPTIONAL = ("RESCOMM_OIDC_PROVIDER_NAME", "RESCOMM_OIDC_SCOPES", "RESCOMM_OIDC_SIGN_ALGO",
            "RESCOMM_OIDC_PROVIDER_MFA")
ENDPOINTS = ("RESCOMM_OIDC_AUTHORIZATION_ENDPOINT", "RESCOMM_OIDC_TOKEN_ENDPOINT",
             "RESCOMM_OIDC_USERINFO_ENDPOINT", "RESCOMM_OIDC_JWKS_ENDPOINT")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _secure(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme == "https" or (parsed.scheme == "http"
                                        and parsed.hostname in LOCAL_HOSTS)


def oidc_settings(environ: Mapping[str, str] = os.environ) -> dict[str, object]:
    """The Django settings for single sign-on from ``environ``; ``{}`` when it is off.

    ``SINGLE_SIGN_ON`` holds what rescomm itself reads (``provider_name``, ``issuer``,
    ``provider_mfa``); the ``OIDC_*`` settings are mozilla-django-oidc's. People are never
    created from the provider and get no roles from it.
    """
    def get(name: str, default: str = "") -> str:
        return (environ.get(name) or "").strip() or default

    issuer = get("RESCOMM_OIDC_ISSUER")
    if not issuer:
        return {}
    missing = [f"{name} ({meaning})" for name, meaning in REQUIRED.items() if not get(name)]
    if missing:
        raise ImproperlyConfigured(
            "RESCOMM_OIDC_ISSUER is set, so single sign-on also needs: " + "; ".join(missing))
    insecure = [name for name in ENDPOINTS if not _secure(get(name))]
    if insecure:
        raise ImproperlyConfigured(
            "single sign-on endpoints must be https:// URLs: " + ", ".join(insecure))
    algorithm = get("RESCOMM_OIDC_SIGN_ALGO", "RS256")
    if algorithm not in {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"}:
        raise ImproperlyConfigured(
            f"RESCOMM_OIDC_SIGN_ALGO must be an asymmetric algorithm such as RS256, not "
            f"{algorithm!r}")
    mfa = get("RESCOMM_OIDC_PROVIDER_MFA", "0").lower() in {"1", "true", "yes", "on"}
    return {
        "SINGLE_SIGN_ON": {
            "provider_name": get("RESCOMM_OIDC_PROVIDER_NAME", "your organisation's account"),
            "issuer": issuer,
            "provider_mfa": mfa,
        },
        "OIDC_RP_CLIENT_ID": get("RESCOMM_OIDC_CLIENT_ID"),
        "OIDC_RP_CLIENT_SECRET": get("RESCOMM_OIDC_CLIENT_SECRET"),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": get("RESCOMM_OIDC_AUTHORIZATION_ENDPOINT"),
        "OIDC_OP_TOKEN_ENDPOINT": get("RESCOMM_OIDC_TOKEN_ENDPOINT"),
        "OIDC_OP_USER_ENDPOINT": get("RESCOMM_OIDC_USERINFO_ENDPOINT"),
        "OIDC_OP_JWKS_ENDPOINT": get("RESCOMM_OIDC_JWKS_ENDPOINT"),
        "OIDC_RP_SIGN_ALGO": algorithm,
        "OIDC_RP_SCOPES": get("RESCOMM_OIDC_SCOPES", "openid email profile"),
        "OIDC_USE_PKCE": True,
        "OIDC_CREATE_USER": False,
        "OIDC_TIMEOUT": 10,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso-callback",
    }


def backends(base: list[str], oidc: Mapping[str, object]) -> list[str]:
    """``AUTHENTICATION_BACKENDS``: ``base``, plus the single sign-on backend when it is on."""
    return [*base, BACKEND] if oidc else list(base)
