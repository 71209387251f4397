"""The asset map in headless Chromium at 1280 and 390 px: a base map from the configured tile
service (a tile server of the test's own on 127.0.0.1 stands in for OpenStreetMap), the
searched point and the radius circle, human labels; axe-core on each."""

from __future__ import annotations

import math
import re
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour with a darker one-pixel border (so tiles show as a grid)."""
    edge = bytes(max(c - 60, 0) for c in rgb)
    fill = bytes(rgb)
    rows = []
    for y in range(height):
        line = edge * width if y in (0, height - 1) else edge + fill * (width - 2) + edge
        rows.append(b"\x00" + line)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


@pytest.fixture
def tile_server():
    """An XYZ tile server on 127.0.0.1: ``/tiles/{z}/{x}/{y}.png`` answers a 256 px PNG; every
    request's path and Referer are kept in ``requests``."""
    tile = png(256, 256, (200, 225, 205))
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            requests.append({"path": self.path, "referer": self.headers.get("Referer")})
            if re.fullmatch(r"/tiles/\d+/\d+/\d+\.png", self.path):
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.send_header("Cache-Control", "public, max-age=86400")
                self.end_headers()
                self.wfile.write(tile)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield SimpleNamespace(origin=origin, template=origin + "/tiles/{z}/{x}/{y}.png",
                          requests=requests)
    server.shutdown()
    server.server_close()


@pytest.fixture
def tiles_from(settings):
    """``tiles_from(template)`` points the map at that tile service (test attribution)."""
    from rescomm.web.settings._maps import map_tiles

    def use(template: str) -> None:
        settings.MAP_TILES = map_tiles({
            "RESCOMM_MAP_TILES_URL": template,
            "RESCOMM_MAP_TILES_ATTRIBUTION": "Test tiles © the test suite",
            "RESCOMM_MAP_TILES_ATTRIBUTION_URL": "https://example.org/tiles",
        })

    return use


@pytest.fixture
def sized_page(browser, live_server, demo_data):
    """``sized_page(width)``: a fresh page of that width against the live server."""
    contexts = []

    def make(width: int):
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """The Web Mercator (XYZ) tile holding a point at a zoom level."""
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    phi = math.radians(lat)
    y = int((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n)
    return x, y


def searched(page) -> dict:
    import json

    return json.loads(page.locator("#asset-map-config").text_content())["searched"]


@pytest.mark.parametrize("width", WIDTHS)
def test_tiles_come_from_the_configured_url_with_the_site_as_referer(
        sized_page, live_server, tile_server, tiles_from, run_axe, width):
    tiles_from(tile_server.template)
    page = sized_page(width)
    page.goto("/assets/?postcode=L1+8JQ")
    page.wait_for_selector("#asset-map img.leaflet-tile-loaded")
    tiles = [tuple(map(int, m.groups())) for r in tile_server.requests
             if (m := re.fullmatch(r"/tiles/(\d+)/(\d+)/(\d+)\.png", r["path"]))]
    assert tiles and all(r["path"].startswith("/tiles/") for r in tile_server.requests)
    zooms = {z for z, _, _ in tiles}
    point = searched(page)
    # the tile under the searched point, at the zoom shown, was fetched
    assert any((z, *tile_of(point["lat"], point["lon"], z)) in tiles for z in zooms)
    # the Referer is the site's origin, never the page's address (which holds the postcode)
    assert {r["referer"] for r in tile_server.requests} == {live_server.url + "/"}
    attribution = page.locator("#asset-map .leaflet-control-attribution")
    assert "Test tiles © the test suite" in attribution.inner_text()
    assert attribution.get_by_role("link", name="Test tiles © the test suite").get_attribute(
        "href") == "https://example.org/tiles"
    # the searched point, its label and the radius circle are drawn over the tiles
    assert page.locator("#asset-map .searched-point").is_visible()
    assert page.locator("#asset-map .searched-label").inner_text() == "L1 8JQ"
    assert page.locator("#asset-map path.searched-radius").count() == 1
    assert run_axe(page) == []
