"""SVG map rendering: projection, compact paths, escaping."""

from __future__ import annotations

import json

from rescomm.web.insight.choropleth import MapArea, decile_label, decile_map_svg, outline_svg

SQUARE = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [[[-3.0, 53.4], [-2.99, 53.4], [-2.99, 53.41], [-3.0, 53.41], [-3.0, 53.4]]],
    }
)


def test_each_area_is_a_link_with_an_escaped_title_and_a_relative_path():
    svg = decile_map_svg(
        [MapArea("E01000001", "A & <B>", 3, "/areas/lsoa21/E01000001/", SQUARE)],
        label_id="map",
    )
    assert 'aria-labelledby="map"' in svg
    assert (
        '<a href="/areas/lsoa21/E01000001/"><title>A &amp; &lt;B&gt; (E01000001), decile 3' in svg
    )
    assert 'class="d3"' in svg
    path = svg.split(' d="')[1].split('"')[0]
    assert path.startswith("M") and "l" in path and path.endswith("z")
    assert "." not in path  # integer grid coordinates only


def test_north_is_up():
    svg = decile_map_svg([MapArea("E01000001", "x", 1, "/", SQUARE)], label_id="m")
    path = svg.split(' d="')[1].split('"')[0]
    # the ring starts at the south-west corner: it must be at the bottom (largest y)
    x0, y0 = (int(v) for v in path[1:].split("l")[0].split(" "))
    assert y0 > 2


def test_an_area_without_decile_is_drawn_as_no_data():
    svg = decile_map_svg([MapArea("E01000001", "x", None, "/", SQUARE)], label_id="m")
    assert 'class="nodata"' in svg and "no decile" in svg


def test_outline_svg_has_an_accessible_title():
    svg = outline_svg(SQUARE, title="Outline of <x>")
    assert 'role="img"' in svg
    assert '<title id="outline-title">Outline of &lt;x&gt;</title>' in svg


def test_decile_labels_name_the_ends():
    assert decile_label(1) == "1 (most deprived)"
    assert decile_label(5) == "5"
    assert decile_label(10, " 10%") == "10 (least deprived 10%)"
