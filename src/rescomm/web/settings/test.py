"""Test settings: fast password hashing; ``DATABASE_URL`` if set, else SQLite (in memory)."""

from .base import *  # noqa: F403
from .base import STATIC_ROOT, database_from_env, finder_static_root, sqlite_database

DEBUG = False
SECRET_KEY = "insecure-test-only-key"  # noqa: S105 (tests only)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DATABASES = {"default": database_from_env(sqlite_database(":memory:"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
RESCOMM_REQUIRE_2FA = True  # as in production, whatever the environment says
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = finder_static_root(STATIC_ROOT)
#: Tests never fetch map tiles from the internet: the offline layer, unless a test points the
#: map at its own local tile server.
MAP_TILES = None
WHITENOISE_AUTOREFRESH = True
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rescomm-test",
    },
    # in memory here (tests clear it without a database); the database cache of base.py is
    # exercised by tests/web/prescribing/test_report_cache.py
    "reports": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rescomm-test-reports",
    },
}
