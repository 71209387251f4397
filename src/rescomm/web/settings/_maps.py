"""The base map's tile layer, read from environment variables (``docs/web.md``, "Map tiles").

By default the asset map draws OpenStreetMap's standard tiles, with their attribution, under
the OpenStreetMap Foundation's tile usage policy (https://operations.osmfoundation.org/policies/tiles/).
A council can name any other XYZ tile service (its own, or the OS Maps API with a key), or turn
tiles off; when tiles are off or cannot be loaded the map draws its offline layer from the
bundled boundaries instead (``rescomm.web.assets.basemap``). The Content-Security-Policy lets
images, and nothing else, come from the tile service's origin.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from django.core.exceptions import ImproperlyConfigured

OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
OSM_ATTRIBUTION_URL = "https://www.openstreetmap.org/copyright"
#: OpenStreetMap's standard tiles go to zoom 19.
OSM_MAX_ZOOM = 19
#: Words that turn the tile layer off (the offline layer only).
OFF = {"off", "none", "no", "0", "false"}
#: Placeholders a URL template may hold: Leaflet's own and ``{key}`` (the API key).
PLACEHOLDERS = {"z", "x", "y", "s", "r", "key"}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _zoom(environ: Mapping[str, str], name: str, default: int) -> int:
    value = (environ.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit() or not 0 <= int(value) <= 22:
        raise ImproperlyConfigured(f"{name} must be a whole number from 0 to 22, not {value!r}")
    return int(value)


def tile_origin(template: str) -> str:
    """The CSP source of a tile URL template: ``https://tile.openstreetmap.org``; a ``{s}``
    subdomain becomes a wildcard (``https://*.tile.example.org``)."""
    parts = urlsplit(template.replace("{s}", "subdomain"))
    host = parts.netloc.rsplit("@", 1)[-1]
    if "{s}" in template:
        host = host.replace("subdomain", "*", 1)
    return f"{parts.scheme}://{host}"


def map_tiles(environ: Mapping[str, str] | None = None) -> dict | None:
    """The tile layer as ``{"url", "attribution", "attribution_url", "min_zoom", "max_zoom",
    "origin"}``, or None when ``RESCOMM_MAP_TILES_URL`` turns tiles off.

    ``url`` has the API key filled in (``{key}``). Anything wrong stops start-up with one
    ``ImproperlyConfigured`` line naming the variable.
    """
    environ = os.environ if environ is None else environ
    given = (environ.get("RESCOMM_MAP_TILES_URL") or "").strip()
    if given.lower() in OFF:
        return None
    url = given or OSM_TILES_URL
    name = "RESCOMM_MAP_TILES_URL"
    parts = urlsplit(url.replace("{s}", "subdomain"))
    host = (parts.hostname or "").strip("[]")
    if parts.scheme != "https" and not (parts.scheme == "http" and host in LOOPBACK):
        raise ImproperlyConfigured(
            f"{name} must be an https:// URL (http:// only for a tile server on this machine), "
            f"not {url!r}")
    placeholders = set(re.findall(r"\{(\w+)\}", url))
    missing = {"z", "x", "y"} - placeholders
    if missing or not host:
        raise ImproperlyConfigured(
            f"{name} must be a tile URL template with {{z}}, {{x}} and {{y}}, e.g. "
            f"{OSM_TILES_URL}, not {url!r}")
    unknown = placeholders - PLACEHOLDERS
    if unknown:
        raise ImproperlyConfigured(
            f"{name} has placeholders rescomm does not fill: "
            + ", ".join(f"{{{p}}}" for p in sorted(unknown)))
    key = (environ.get("RESCOMM_MAP_TILES_KEY") or "").strip()
    if "key" in placeholders and not key:
        raise ImproperlyConfigured(
            f"{name} has a {{key}} placeholder: set RESCOMM_MAP_TILES_KEY to the API key")
    if key and "key" not in placeholders:
        raise ImproperlyConfigured(
            f"RESCOMM_MAP_TILES_KEY is set but {name} has no {{key}} placeholder to put it in")
    attribution = (environ.get("RESCOMM_MAP_TILES_ATTRIBUTION") or "").strip()
    attribution_url = (environ.get("RESCOMM_MAP_TILES_ATTRIBUTION_URL") or "").strip()
    if url == OSM_TILES_URL:
        attribution = attribution or OSM_ATTRIBUTION
        attribution_url = attribution_url or OSM_ATTRIBUTION_URL
    elif not attribution:
        raise ImproperlyConfigured(
            "RESCOMM_MAP_TILES_ATTRIBUTION is required with a tile service of your own: the "
            "words its licence asks maps to show, e.g. 'Contains OS data © Crown copyright and "
            "database rights 2025'")
    if attribution_url and urlsplit(attribution_url).scheme not in ("https", "http"):
        raise ImproperlyConfigured(
            f"RESCOMM_MAP_TILES_ATTRIBUTION_URL must be a web address, not {attribution_url!r}")
    min_zoom = _zoom(environ, "RESCOMM_MAP_TILES_MIN_ZOOM", 0)
    max_zoom = _zoom(environ, "RESCOMM_MAP_TILES_MAX_ZOOM", OSM_MAX_ZOOM)
    if min_zoom > max_zoom:
        raise ImproperlyConfigured(
            f"RESCOMM_MAP_TILES_MIN_ZOOM ({min_zoom}) is above RESCOMM_MAP_TILES_MAX_ZOOM "
            f"({max_zoom})")
    return {
        "url": url.replace("{key}", quote(key, safe="")),
        "attribution": attribution,
        "attribution_url": attribution_url,
        "min_zoom": min_zoom,
        "max_zoom": max_zoom,
        "origin": tile_origin(url),
    }
