"""Production settings: fail fast without ``SECRET_KEY``, ``DATABASE_URL`` and ``ALLOWED_HOSTS``.

Static files are collected with ``collectstatic`` into ``STATIC_ROOT`` and served by WhiteNoise
with compressed, content-hashed names. HTTPS only: secure cookies, HSTS, SSL redirect.
"""

import os

from ._env import env_bool, env_list, require_env
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
