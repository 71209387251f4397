"""The base map's tile layer as pages and the Content-Security-Policy see it.

``settings.MAP_TILES`` (read from ``RESCOMM_MAP_TILES_*`` by ``settings/_maps.py``) names an XYZ
tile service, or is None when tiles are off. :func:`tile_layer` is what a map script needs
(Leaflet option names); :func:`image_origins` is what the CSP's ``img-src`` adds: the tile
service's origin, and nothing for any other directive.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape, format_html

#: Sent with each tile request as its Referer: the site's origin, never the page's path or
#: query (which can hold a searched postcode). The OpenStreetMap tile policy asks for a valid
#: Referer, and the site's own ``Referrer-Policy: same-origin`` would send none.
TILE_REFERRER_POLICY = "strict-origin-when-cross-origin"


def tile_layer() -> dict | None:
    """``{"url", "attribution" (HTML), "minZoom", "maxZoom", "referrerPolicy"}`` for
    Leaflet's ``L.tileLayer``, or None when tiles are off."""
    tiles = getattr(settings, "MAP_TILES", None)
    if not tiles:
        return None
    if tiles.get("attribution_url"):
        attribution = format_html('<a href="{}">{}</a>', tiles["attribution_url"],
                                  tiles["attribution"])
    else:
        attribution = escape(tiles["attribution"])
    return {"url": tiles["url"], "attribution": str(attribution),
            "minZoom": tiles["min_zoom"], "maxZoom": tiles["max_zoom"],
            "referrerPolicy": TILE_REFERRER_POLICY}


def image_origins() -> tuple[str, ...]:
    """Origins besides our own that may serve images: the tile service's, if tiles are on."""
    tiles = getattr(settings, "MAP_TILES", None)
    return (tiles["origin"],) if tiles else ()
