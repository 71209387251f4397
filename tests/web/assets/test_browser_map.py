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
#: Wards whose centres lie within the 2 km around L1 8JQ.
WARDS_NEAR_L1_8JQ = {"City Centre South", "City Centre North", "Canning", "Brownlow Hill",
                     "Waterfront South", "Vauxhall", "Everton West"}


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


# The offline base layer ---------------------------------------------------------------------

def visible_labels(page) -> list[str]:
    """The place names the map shows (the others are hidden where they would overlap)."""
    return [s.inner_text() for s in page.locator("#asset-map .basemap-label span").all()
            if s.is_visible()]


def assert_offline_map(page, *, near_km: float = 8.0) -> None:
    """The map shows the offline layer: outlines drawn on a canvas in their own pane, names
    of nearby places that do not overlap, the searched point, its label and the radius."""
    from rescomm.geo import Gazetteer, wgs84_to_bng

    page.wait_for_selector("#asset-map[data-basemap=offline] .basemap-label", state="attached")
    assert page.locator("#asset-map .leaflet-basemap-pane canvas").count() == 1
    assert page.locator("#asset-map img.leaflet-tile-loaded").count() == 0
    names = visible_labels(page)
    assert len(names) >= 2, names
    point = searched(page)
    east, north = (float(v) for v in wgs84_to_bng(point["lon"], point["lat"]))
    places = {p.name: p for p in Gazetteer.bundled().places() if p.kind in ("ward", "lad")}
    for name in names:
        place = places[name]
        assert math.hypot(place.easting - east, place.northing - north) < near_km * 1000, name
    boxes = [s.bounding_box() for s in page.locator("#asset-map .basemap-label span").all()
             if s.is_visible()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
                        and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])
    assert page.locator("#asset-map .searched-point").is_visible()
    assert page.locator("#asset-map path.searched-radius").count() == 1
    attribution = page.locator("#asset-map .leaflet-control-attribution").inner_text()
    assert "Boundaries: ONS, OS (Open Government Licence)" in attribution


def no_other_site(page, live_server) -> list[str]:
    """Watch the page's requests: the list of those to anywhere but the live server."""
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url)
            else elsewhere.append(r.url))
    return elsewhere


@pytest.mark.parametrize("width", WIDTHS)
def test_with_tiles_off_a_postcode_search_shows_the_offline_layer(sized_page, live_server,
                                                                  run_axe, width):
    page = sized_page(width)
    elsewhere = no_other_site(page, live_server)
    page.goto("/assets/?postcode=L1+8JQ")
    assert_offline_map(page)
    # among the names shown, some are wards within the circle searched
    assert set(visible_labels(page)) & WARDS_NEAR_L1_8JQ
    assert page.locator("#asset-map .searched-label").inner_text() == "L1 8JQ"
    assert "within 2 km of L1 8JQ" in page.inner_text("#results")
    assert elsewhere == []
    assert run_axe(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_place_chosen_from_which_chester_shows_the_offline_layer(sized_page, live_server,
                                                                   run_axe, width):
    page = sized_page(width)
    page.goto("/assets/?place=Chester")
    assert "Which “Chester” do you mean?" in page.inner_text("main")
    assert page.get_by_label("Within", exact=True).input_value() == "2000"
    assert run_axe(page) == []
    page.get_by_role("link", name="Chester City & the Garden Quarter (ward, Cheshire West and "
                                   "Chester)").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_label("Within", exact=True).input_value() == "2000"
    assert "within 2 km of Chester City & the Garden Quarter" in page.inner_text("#results")
    assert_offline_map(page)
    label = page.locator("#asset-map .searched-label")
    assert label.inner_text() == "Chester City & the Garden Quarter"
    assert label.bounding_box()["width"] < width
    assert "Blue-grey is water" in page.inner_text("#asset-map-title")
    assert run_axe(page) == []


def test_tiles_that_fail_give_way_to_the_offline_layer(sized_page, live_server, tiles_from):
    import socket

    with socket.socket() as probe:  # a port on this machine where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tiles_from(f"http://127.0.0.1:{port}/tiles/{{z}}/{{x}}/{{y}}.png")
    page = sized_page(1280)
    page.goto("/assets/?postcode=L1+8JQ")
    assert_offline_map(page)
    # the failed tile layer was taken off the map, its attribution with it
    assert page.locator("#asset-map .leaflet-tile-pane img").count() == 0
    assert "Test tiles" not in page.inner_text("#asset-map .leaflet-control-attribution")


def test_tiles_blocked_by_a_strict_policy_give_way_to_the_offline_layer(
        sized_page, live_server, tile_server, tiles_from, monkeypatch):
    from rescomm.web.core import middleware

    tiles_from(tile_server.template)
    # a site whose Content-Security-Policy does not name the tile service (an older or
    # stricter policy set by a proxy): the browser refuses the tile images
    monkeypatch.setattr(middleware, "image_origins", lambda: ())
    page = sized_page(390)
    page.goto("/assets/?postcode=L1+8JQ")
    assert_offline_map(page)
    assert tile_server.requests == []


def test_tiles_that_never_answer_give_way_to_the_offline_layer(sized_page, live_server,
                                                               tiles_from):
    import socket

    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    try:
        tiles_from(f"http://127.0.0.1:{silent.getsockname()[1]}/tiles/{{z}}/{{x}}/{{y}}.png")
        page = sized_page(1280)
        # the page's "load" event waits for the tile images, which never come
        page.goto("/assets/?postcode=L1+8JQ", wait_until="domcontentloaded")
        page.wait_for_selector("#asset-map[data-basemap=offline]", timeout=20_000)
        assert_offline_map(page)
    finally:
        silent.close()


def test_tiles_that_load_keep_the_offline_layer_away(sized_page, live_server, tile_server,
                                                     tiles_from):
    tiles_from(tile_server.template)
    page = sized_page(1280)
    offline_requests = []
    page.on("request", lambda r: offline_requests.append(r.url) if "basemap.json" in r.url
            else None)
    page.goto("/assets/?postcode=L1+8JQ")
    page.wait_for_selector("#asset-map[data-basemap=tiles]")
    page.locator("#asset-map .leaflet-control-zoom-in").click()
    page.wait_for_timeout(500)  # let any further tile requests start
    assert offline_requests == []
    assert page.locator("#asset-map .basemap-label").count() == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_the_svg_shows_the_offline_layer_under_the_markers(
        browser, live_server, demo_data, width):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto("/assets/?postcode=L1+8JQ")
        svg = page.locator("svg.basemap-svg")
        assert svg.is_visible()
        assert not page.locator("#asset-map").is_visible()
        box = svg.bounding_box()
        assert box["width"] <= width and box["height"] > 150
        names = [t.text_content() for t in svg.locator(".bm-labels text").all()
                 if t.is_visible()]
        assert set(names) & WARDS_NEAR_L1_8JQ, names
        assert svg.locator(".bm-marker").first.is_visible()
        assert svg.locator(".bm-radius").is_visible() and svg.locator(".bm-here").is_visible()
        assert page.locator(".asset-number").first.is_visible()
        assert page.locator(".asset-number").first.inner_text() == "1"
        assert "numbered as in the list below" in page.inner_text("#asset-map-title")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_without_leaflet_the_svg_map_stays_and_is_accessible(sized_page, run_axe, width):
    page = sized_page(width)
    # a pip-only install has no node_modules: no Leaflet, so the page keeps its SVG
    page.route("**/static/vendor/leaflet/**", lambda route: route.abort())
    page.goto("/assets/?postcode=L1+8JQ")
    assert page.locator("svg.basemap-svg").is_visible()
    assert not page.locator("#asset-map").is_visible()
    assert run_axe(page) == []
