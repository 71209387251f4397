"""Settings shared by every environment.

Environment variables (all documented in ``docs/web.md``):

``RESCOMM_HOME``
    Writable state folder (default ``./var``, created if missing): SQLite database, the dev secret
    key file and, in production, ``staticfiles/`` unless ``STATIC_ROOT`` says otherwise.
``DATABASE_URL``
    A dj-database-url URL (``postgres://user@host:5432/name``) that replaces the SQLite database.
``RESCOMM_NODE_MODULES``
    Where ``npm ci`` put third-party browser assets (default ``<repo>/node_modules``).
``TRUSTED_PROXY_COUNT``
    How many proxies in front of the server append to ``X-Forwarded-For`` (default 0: the
    header is ignored and the client address is ``REMOTE_ADDR``); 0-5, anything else stops
    start-up.
``RESCOMM_MAP_TILES_URL``, ``RESCOMM_MAP_TILES_KEY``, ``RESCOMM_MAP_TILES_ATTRIBUTION``, ...
    The base map's tile layer (default OpenStreetMap; ``off`` for the offline layer only); see
    ``_maps.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from ._env import env_bool, env_int, env_list, rescomm_home
from ._maps import map_tiles
from ._oidc import backends, oidc_settings

WEB_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = WEB_DIR.parent.parent.parent
RESCOMM_HOME = rescomm_home()

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
#: Proxies whose ``X-Forwarded-For`` entries are believed (rescomm.web.accounts.audit.client_ip):
#: the client address used in the audit log and by the per-address limits.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, low=0, high=5)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves its bundled Swagger UI assets locally (no CDN)
    "django_otp",  # two-factor sign-in: authenticator apps and recovery codes (decision 29)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rescomm.web.core",
    "rescomm.web.accounts",
    "rescomm.web.areas",
    "rescomm.web.insight",
    "rescomm.web.profiles",
    "rescomm.web.assets",
    "rescomm.web.prescribing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rescomm.web.core.middleware.SecurityHeadersMiddleware",
    "rescomm.web.core.middleware.ErrorShapeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rescomm.web.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "rescomm.web.urls"
WSGI_APPLICATION = "rescomm.web.wsgi.application"
CSRF_FAILURE_VIEW = "rescomm.web.core.views.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rescomm.web.core.context_processors.site",
                "rescomm.web.prescribing.context_processors.navigation",
                "rescomm.web.assets.context_processors.navigation",
            ],
        },
    },
]


def sqlite_database(path: Path) -> dict:
    """SQLite in WAL mode (readers do not block the writer) with IMMEDIATE write transactions."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def database_from_env(default: dict | None) -> dict:
    """``DATABASE_URL`` parsed by dj-database-url (persistent connections), else ``default``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if default is None:
        raise ValueError("no DATABASE_URL and no default database")
    return default


DATABASES = {"default": database_from_env(sqlite_database(RESCOMM_HOME / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rescomm",
        "TIMEOUT": 24 * 3600,
    },
    # Aggregate reports (social prescribing dashboard) shared by every server process, in the
    # database: `rescomm migrate` creates the table; `rescomm referrals refresh-reports` (cron)
    # recomputes them so that no page view pays for a report over a million referrals.
    "reports": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "rescomm_report_cache",
        "TIMEOUT": 15 * 60,
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# Static files: our own under each app's static/, third-party ones from npm's node_modules
# (never copied into the repository). A missing node_modules only removes the enhancements.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or RESCOMM_HOME / "staticfiles")


def finder_static_root(root: Path) -> Path | None:
    """``STATIC_ROOT`` for settings that serve static files straight from the apps and
    node_modules (WhiteNoise finders: dev, test): the collected folder only once it exists, or
    when ``STATIC_ROOT`` is set in the environment, else none, so WhiteNoise does not warn about
    a folder that nothing needs. Production collects into ``STATIC_ROOT`` and keeps it."""
    return root if os.environ.get("STATIC_ROOT") or root.is_dir() else None

NODE_MODULES = Path(os.environ.get("RESCOMM_NODE_MODULES") or REPO_DIR / "node_modules")
#: npm package folder -> static prefix, e.g. ``node_modules/leaflet/dist`` -> ``vendor/leaflet``.
NPM_STATIC = {"leaflet/dist": "vendor/leaflet",
              "leaflet.markercluster/dist": "vendor/leaflet.markercluster"}
STATICFILES_DIRS = [
    (prefix, str(NODE_MODULES / package))
    for package, prefix in NPM_STATIC.items()
    if (NODE_MODULES / package).is_dir()
]
#: The base map's tile layer (``_maps.map_tiles``), or None: the offline layer only.
MAP_TILES = map_tiles()

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Accounts (docs/accounts.md): sign-in pages, password hashing (Argon2 first; older hashes are
# upgraded on the next sign-in), and sessions that end after 30 minutes without a request.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = None
# Single sign-on through OpenID Connect, when RESCOMM_OIDC_ISSUER and its companions are set
# (settings/_oidc.py): mozilla-django-oidc's OIDC_* settings and SINGLE_SIGN_ON (None when off).
SINGLE_SIGN_ON = None
_OIDC = oidc_settings()
globals().update(_OIDC)
AUTHENTICATION_BACKENDS = backends(["rescomm.web.accounts.backends.AccountsBackend"], _OIDC)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Two-factor sign-in (docs/accounts.md): every real account holding a role that can see personal
# data must use an authenticator app; demo accounts never do. On unless RESCOMM_REQUIRE_2FA=0.
RESCOMM_REQUIRE_2FA = env_bool("RESCOMM_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Resilient Communities"  # the name people see in their authenticator app
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RESCOMM_LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
