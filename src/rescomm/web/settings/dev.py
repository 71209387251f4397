"""Development and demo settings: SQLite in ``$RESCOMM_HOME``, a persisted random secret key.

``DEBUG`` is off unless ``DEBUG=1``: the demo shows the service's own error pages; developers
turn it on for Django's debug pages and template reloading.
"""

from ._env import env_bool, persisted_secret_key
from .base import *  # noqa: F403
from .base import RESCOMM_HOME, STATIC_ROOT, finder_static_root

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = persisted_secret_key(RESCOMM_HOME)
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = finder_static_root(STATIC_ROOT)
WHITENOISE_AUTOREFRESH = DEBUG
#: E-mails (review reminders, escalations, decisions, problem reports) are printed, not sent.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
