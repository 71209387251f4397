"""rescomm.web: the Django project (settings, URLs) and one app per pillar.

The web layer imports the core library (``rescomm.geo``, ``rescomm.data``, ...); the core never
imports this package. See ``docs/web.md`` for URLs, settings and how static assets are served.
"""
