"""Rendered maps for insight pages, cached per data version (a reload changes the key)."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from rescomm.web.areas import public as geography

from .choropleth import MapArea, decile_map_svg


def home_map_svg(*, label_id: str) -> SafeString:
    """The IMD decile choropleth of every loaded LSOA as inline SVG (cached)."""
    key = f"insight:home-map-svg:{geography.data_version()}:{label_id}"
    svg = cache.get(key)
    if svg is None:
        areas = (
            MapArea(
                code=row["code"],
                name=row["name"],
                decile=row["imd_decile"],
                url=reverse("insight:lsoa21-detail", args=[row["code"]]),
                geometry=row["boundary"],
            )
            for row in geography.map_areas()
        )
        svg = str(decile_map_svg(areas, label_id=label_id))
        cache.set(key, svg)
    return mark_safe(svg)  # noqa: S308 - built from escaped values by decile_map_svg
