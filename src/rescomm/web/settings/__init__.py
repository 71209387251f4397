"""Settings split by environment: ``base`` (shared), ``dev``, ``test`` and ``prod``.

Choose one with ``DJANGO_SETTINGS_MODULE=rescomm.web.settings.<name>``; see ``docs/web.md``.
"""
