"""Production settings: fail fast without ``SECRET_KEY``, ``DATABASE_URL`` and ``ALLOWED_HOSTS``.

Static files are collected with ``collectstatic`` into ``STATIC_ROOT`` and served by WhiteNoise
with compressed, content-hashed names. HTTPS only: secure cookies, HSTS, SSL redirect. Outgoing
e-mail goes through an SMTP server named by ``EMAIL_*`` variables (docs/web.md).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from ._env import env_bool, env_int, env_list, require_env
from .base import *  # noqa: F403
from .base import STORAGES, database_from_env

require_env(
    {
        "SECRET_KEY": "a long random string, kept secret",
        "DATABASE_URL": "e.g. postgres://user:password@host:5432/rescomm",
        "ALLOWED_HOSTS": "comma-separated host names, e.g. rescomm.example.org",
    }
)

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"].strip()
DATABASES = {"default": database_from_env(None)}
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Outgoing e-mail (asset review reminders, suggestion decisions) through Django's SMTP backend.
# Unset variables keep Django's defaults: localhost port 25, no login, no encryption.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip() or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25, low=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "").strip()
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: set one (STARTTLS, usually port 587; or "
        "SSL from the start, usually port 465)")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, low=1, high=3600)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "webmaster@localhost"
