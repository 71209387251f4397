"""Template context shared by every page: data attributions for the footer."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from rescomm import data as bundled

#: Where the sources of the bundled data are described.
SOURCES_URL_NAME = "insight:sources"


@cache
def _attributions() -> tuple[str, ...]:
    return tuple(bundled.attributions())


def site(request: HttpRequest) -> dict:
    return {"data_attributions": _attributions(), "site_name": "Resilient Communities"}
