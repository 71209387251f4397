"""QR codes as inline SVG (segno, which also escapes the title), so a page shows one without
images, scripts or requests to other sites."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, title: str, scale: int = 4) -> SafeString:
    """``text`` as a QR code (error correction M): an ``<svg role="img">`` named by ``title``,
    black modules on white with the standard four-module quiet zone, ``scale`` pixels a
    module."""
    svg = segno.make(text, error="m").svg_inline(
        scale=scale, title=title, svgclass="qr-code", lineclass=None, dark="#000",
        light="#fff")
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 - segno's own SVG
