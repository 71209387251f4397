"""WSGI entry point: ``gunicorn rescomm.web.wsgi`` (settings default to production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rescomm.web.settings.prod")

application = get_wsgi_application()
