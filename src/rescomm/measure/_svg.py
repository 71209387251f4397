"""Small inline-SVG drawings for the HTML report: a choropleth from polygons and a rank
interval chart. Pure string building (no plotting library, no JavaScript, no external files);
every text is escaped and every drawing carries a ``<title>`` and ``<desc>`` for screen
readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
import shapely

#: Ten classes, worst first: a colour-blind-safe sequential scale (viridis, reversed so the
#: most deprived / least resilient decile is the darkest).
DECILE_COLOURS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89",
                  "#35b779", "#6ece58", "#b5de2b", "#fde725")
NO_DATA = "#d9d9d9"


def _attr(text: object) -> str:
    return escape(str(text), quote=True)


def _ring(coords: np.ndarray, x0: float, y1: float, k: float) -> str:
    xs = (coords[:, 0] - x0) * k
    ys = (y1 - coords[:, 1]) * k
    pts = " ".join(f"{x:.1f} {y:.1f}" for x, y in zip(xs, ys, strict=True))
    return f"M{pts}Z"


def _path(geom: shapely.Geometry, x0: float, y1: float, k: float) -> str:
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        parts.append(_ring(np.asarray(poly.exterior.coords), x0, y1, k))
        parts += [_ring(np.asarray(r.coords), x0, y1, k) for r in poly.interiors]
    return "".join(parts)


def choropleth(codes: Sequence[str], labels: Sequence[str], geoms: Sequence[shapely.Geometry],
               classes: Sequence[int], *, colours: Sequence[str], legend: Sequence[str],
               title: str, desc: str, width: int = 720) -> str:
    """An SVG map: polygon ``i`` filled with ``colours[classes[i]]`` (``-1`` = no data).

    ``geoms`` must be in a projected CRS (metres, y up), e.g. British National Grid. Polygons
    are simplified to about a third of a pixel before drawing. Each area has a ``<title>``
    (``labels[i]``) shown as a tooltip and read by screen readers.
    """
    geoms = np.asarray(geoms, dtype=object)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    span = max(x1 - x0, y1 - y0) or 1.0
    k = width / span
    height = int(np.ceil((y1 - y0) * k)) + 1
    simple = shapely.simplify(geoms, tolerance=0.35 / k, preserve_topology=True)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {int(np.ceil((x1 - x0) * k)) + 1}'
           f' {height}" width="100%" role="img" aria-labelledby="map-title map-desc" '
           f'class="map"><title id="map-title">{escape(title)}</title>'
           f'<desc id="map-desc">{escape(desc)}</desc>']
    for code, label, geom, cls in zip(codes, labels, simple, classes, strict=True):
        fill = colours[cls] if cls >= 0 else NO_DATA
        out.append(f'<path d="{_path(geom, x0, y1, k)}" fill="{fill}" data-area="{_attr(code)}">'
                   f"<title>{escape(str(label))}</title></path>")
    out.append("</svg>")
    return "".join(out) + legend_html(colours, legend)


def legend_html(colours: Sequence[str], labels: Sequence[str]) -> str:
    """A text legend (a list, so it is read in order), one swatch per class."""
    items = "".join(f'<li><span class="swatch" style="background:{c}"></span>{escape(t)}</li>'
                    for c, t in zip(colours, labels, strict=True))
    return f'<ul class="legend">{items}<li><span class="swatch" style="background:{NO_DATA}">' \
           f"</span>no data</li></ul>"


def interval_chart(nominal: np.ndarray, low: np.ndarray, high: np.ndarray, median: np.ndarray,
                   *, n_ranked: int, title: str, desc: str, width: int = 720,
                   height: int = 300, max_areas: int = 3000) -> tuple[str, int]:
    """Areas sorted by nominal rank (x) against rank (y, 1 at the top): a vertical line from
    the 5th to the 95th percentile rank and a dot at the median rank of each area.

    Returns the SVG and the step ``s``: with more than ``max_areas`` areas every ``s``-th area
    in rank order is drawn (the caller says so).
    """
    order = np.argsort(nominal, kind="stable")
    order = order[~np.isnan(nominal[order])]
    step = int(np.ceil(len(order) / max_areas)) if len(order) > max_areas else 1
    order = order[::step]
    m = len(order)
    pad_l, pad_b, pad_t = 56, 34, 10
    plot_w, plot_h = width - pad_l - 10, height - pad_b - pad_t

    def y(r: np.ndarray) -> np.ndarray:
        return pad_t + (r - 1) / max(1, n_ranked - 1) * plot_h

    xs = pad_l + (np.arange(m) + 0.5) / max(1, m) * plot_w
    lines = " ".join(f"M{x:.1f} {a:.1f}V{b:.1f}" for x, a, b in
                     zip(xs, y(low[order]), y(high[order]), strict=True))
    dots = " ".join(f"M{x - 0.6:.1f} {c:.1f}h1.2" for x, c in zip(xs, y(median[order]),
                                                                 strict=True))
    diag = f"M{pad_l} {pad_t}L{pad_l + plot_w} {pad_t + plot_h}"
    ticks = np.unique(np.linspace(1, n_ranked, 5).round().astype(int))
    axis = "".join(f'<text x="{pad_l - 6}" y="{y(np.array(t)):.1f}" text-anchor="end" '
                   f'dominant-baseline="middle">{t:,}</text>' for t in ticks)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="100%" role="img" aria-labelledby="ci-title ci-desc" class="chart">'
           f'<title id="ci-title">{escape(title)}</title><desc id="ci-desc">{escape(desc)}'
           f'</desc><rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" '
           f'fill="#ffffff" stroke="#505a5f"/>'
           f'<path d="{lines}" stroke="#1d70b8" stroke-width="{max(0.3, plot_w / m * 0.8):.2f}"'
           f' fill="none"/><path d="{diag}" stroke="#b1b4b6" stroke-dasharray="4 3" '
           f'fill="none"/><path d="{dots}" stroke="#0b0c0c" stroke-width="1.2" fill="none"/>'
           f'{axis}<text x="{pad_l + plot_w / 2}" y="{height - 8}" text-anchor="middle">areas '
           f"in order of nominal rank (most deprived / least resilient on the left)</text>"
           f'<text x="12" y="{pad_t + plot_h / 2}" text-anchor="middle" transform="rotate(-90 '
           f'12 {pad_t + plot_h / 2})">rank (1 = worst)</text></svg>')
    return svg, step
