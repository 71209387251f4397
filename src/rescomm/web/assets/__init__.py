"""The community asset map: Open Referral UK (HSDS 3.0) models, importer, API and public pages.

See ``README.md`` in this folder for URLs and who may use them, and ``docs/assets.md``.
"""
