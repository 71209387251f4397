"""The base map's tile layer: OpenStreetMap by default with its attribution, any XYZ service a
council names (the OS Maps API with a key), or off; every wrong setting stops start-up with one
line naming the variable; the Content-Security-Policy lets images, and nothing else, come from
the tile service's origin."""

from __future__ import annotations

import runpy
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from rescomm.web.settings._maps import OSM_TILES_URL, map_tiles, tile_origin

OS_MAPS = "https://api.os.uk/maps/raster/v1/zxy/Light_3857/{z}/{x}/{y}.png?key={key}"
OS_ATTRIBUTION = "Contains OS data © Crown copyright and database rights 2025"


def test_openstreetmap_is_the_default_with_its_attribution():
    tiles = map_tiles({})
    assert tiles == {
        "url": OSM_TILES_URL,
        "attribution": "© OpenStreetMap contributors",
        "attribution_url": "https://www.openstreetmap.org/copyright",
        "min_zoom": 0,
        "max_zoom": 19,
        "origin": "https://tile.openstreetmap.org",
    }
    assert map_tiles({"RESCOMM_MAP_TILES_URL": "  "}) == tiles


@pytest.mark.parametrize("word", ["off", "OFF", "none", "0", "false"])
def test_tiles_can_be_turned_off(word):
    assert map_tiles({"RESCOMM_MAP_TILES_URL": word}) is None


def test_the_os_maps_api_with_a_key_and_its_own_attribution():
    tiles = map_tiles({
        "RESCOMM_MAP_TILES_URL": OS_MAPS,
        "RESCOMM_MAP_TILES_KEY": "k3y/with+odd=chars",
        "RESCOMM_MAP_TILES_ATTRIBUTION": OS_ATTRIBUTION,
        "RESCOMM_MAP_TILES_MIN_ZOOM": "7",
        "RESCOMM_MAP_TILES_MAX_ZOOM": "16",
    })
    assert tiles["url"] == ("https://api.os.uk/maps/raster/v1/zxy/Light_3857/{z}/{x}/{y}.png"
                            "?key=k3y%2Fwith%2Bodd%3Dchars")
    assert tiles["origin"] == "https://api.os.uk"
    assert (tiles["attribution"], tiles["attribution_url"]) == (OS_ATTRIBUTION, "")
    assert (tiles["min_zoom"], tiles["max_zoom"]) == (7, 16)


def test_a_subdomain_placeholder_becomes_a_wildcard_origin():
    assert tile_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == \
        "https://*.tiles.example.org"
    assert tile_origin("http://127.0.0.1:8123/t/{z}/{x}/{y}.png") == "http://127.0.0.1:8123"


@pytest.mark.parametrize(("environ", "words"), [
    ({"RESCOMM_MAP_TILES_URL": "http://tiles.example.org/{z}/{x}/{y}.png",
      "RESCOMM_MAP_TILES_ATTRIBUTION": "x"}, "must be an https:// URL"),
    ({"RESCOMM_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}.png",
      "RESCOMM_MAP_TILES_ATTRIBUTION": "x"}, "with {z}, {x} and {y}"),
    ({"RESCOMM_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png?style={style}",
      "RESCOMM_MAP_TILES_ATTRIBUTION": "x"}, "placeholders rescomm does not fill: {style}"),
    ({"RESCOMM_MAP_TILES_URL": OS_MAPS, "RESCOMM_MAP_TILES_ATTRIBUTION": OS_ATTRIBUTION},
     "set RESCOMM_MAP_TILES_KEY"),
    ({"RESCOMM_MAP_TILES_KEY": "abc"}, "has no {key} placeholder"),
    ({"RESCOMM_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png"},
     "RESCOMM_MAP_TILES_ATTRIBUTION is required"),
    ({"RESCOMM_MAP_TILES_ATTRIBUTION_URL": "javascript:alert(1)"}, "must be a web address"),
    ({"RESCOMM_MAP_TILES_MAX_ZOOM": "30"}, "RESCOMM_MAP_TILES_MAX_ZOOM must be a whole number"),
    ({"RESCOMM_MAP_TILES_MIN_ZOOM": "-1"}, "RESCOMM_MAP_TILES_MIN_ZOOM must be a whole number"),
    ({"RESCOMM_MAP_TILES_MIN_ZOOM": "12", "RESCOMM_MAP_TILES_MAX_ZOOM": "10"},
     "is above RESCOMM_MAP_TILES_MAX_ZOOM"),
])
def test_a_wrong_tile_setting_is_one_clear_line(environ, words):
    with pytest.raises(ImproperlyConfigured) as raised:
        map_tiles(environ)
    assert words in str(raised.value)
    assert "\n" not in str(raised.value)


def test_production_settings_read_the_tile_variables(monkeypatch, tmp_path):
    for name, value in {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "rescomm.example.org",
                        "DATABASE_URL": "postgres://rescomm@db.example.org:5432/rescomm",
                        "RESCOMM_HOME": str(tmp_path),
                        "RESCOMM_MAP_TILES_URL": OS_MAPS, "RESCOMM_MAP_TILES_KEY": "abc",
                        "RESCOMM_MAP_TILES_ATTRIBUTION": OS_ATTRIBUTION}.items():
        monkeypatch.setenv(name, value)
    for module in ("base", "prod", "_env", "_maps"):
        monkeypatch.delitem(sys.modules, f"rescomm.web.settings.{module}", raising=False)
    settings = runpy.run_module("rescomm.web.settings.prod")
    assert settings["MAP_TILES"]["url"].endswith("?key=abc")
    monkeypatch.setenv("RESCOMM_MAP_TILES_URL", "off")
    monkeypatch.delenv("RESCOMM_MAP_TILES_KEY")
    monkeypatch.delitem(sys.modules, "rescomm.web.settings.base", raising=False)
    assert runpy.run_module("rescomm.web.settings.prod")["MAP_TILES"] is None


def csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in policy.split("; ")}


@pytest.mark.django_db
def test_with_tiles_on_the_policy_allows_the_tile_origin_for_images_only(client, settings):
    settings.MAP_TILES = map_tiles({})
    directives = csp(client.get("/assets/"))
    assert directives["img-src"] == "img-src 'self' data: https://tile.openstreetmap.org"
    others = [text for name, text in directives.items() if name != "img-src"]
    assert others and not any("openstreetmap" in text or "http" in text for text in others)


@pytest.mark.django_db
def test_with_tiles_off_the_policy_names_no_other_origin(client, settings):
    settings.MAP_TILES = None
    response = client.get("/assets/")
    assert "http" not in response["Content-Security-Policy"]
    assert csp(response)["img-src"] == "img-src 'self' data:"


@pytest.mark.django_db
def test_the_map_is_given_the_tile_layer_and_its_attribution(client, settings):
    settings.MAP_TILES = map_tiles({})
    tiles = client.get("/assets/", {"postcode": "L1 8JQ"}).context["map_config"]["tiles"]
    assert tiles == {
        "url": OSM_TILES_URL,
        "attribution": '<a href="https://www.openstreetmap.org/copyright">'
                       "© OpenStreetMap contributors</a>",
        "minZoom": 0, "maxZoom": 19, "referrerPolicy": "strict-origin-when-cross-origin",
    }


@pytest.mark.django_db
def test_attribution_words_are_escaped(client, settings):
    settings.MAP_TILES = map_tiles({
        "RESCOMM_MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
        "RESCOMM_MAP_TILES_ATTRIBUTION": "<script>alert(1)</script> Example maps",
    })
    tiles = client.get("/assets/", {"postcode": "L1 8JQ"}).context["map_config"]["tiles"]
    assert tiles["attribution"] == "&lt;script&gt;alert(1)&lt;/script&gt; Example maps"
