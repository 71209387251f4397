"""WSGI entry point: ``gunicorn rescomm.web.wsgi`` (settings default to production)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rescomm.web.settings.prod")

application = get_wsgi_application()


def _warm() -> None:
    """Build what the first page views would otherwise wait for (a few seconds), once per
    process: the asset map's offline base map and the place-name gazetteer it uses. Under
    ``rescomm serve`` this runs before gunicorn forks, so every worker starts with them."""
    from rescomm.web.assets.basemap import warm

    warm()


_warm()
