"""Index pages: the map of a published index with a domain toggle, its table and CSV, and the
area profile. All public (GET); they read published runs and never rebuild an index.

The domain toggle is a GET form (``?node=income``) that re-renders the server-side SVG map, so
it works without JavaScript; with JavaScript the map becomes a Leaflet map of the same node.
"""

from __future__ import annotations

import csv
import re
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from rescomm.web.areas import public as geography
from rescomm.web.core.errors import error_response

from . import index_queries as queries
from .charts import Bar, contribution_bars_svg, rank_interval_svg
from .choropleth import DECILE_COLOURS, MapArea, decile_map_svg, palette_json
from .forms import IndexMapForm
from .models import IndexNode, IndexRun

PAGE_SIZE = 100
_AREA_CODE = re.compile(r"^[A-Z0-9]{1,12}$")


def _not_published(request: HttpRequest, exc: queries.RunNotFoundError) -> HttpResponse:
    return error_response(request, 404, "not_found", exc.message)


def legend(run: IndexRun) -> list[dict]:
    """Decile swatches: 1 = the worst 10% of the run's areas, 10 = the best 10%."""
    ends = {1: f"{run.worst_label} 10%", 10: f"{run.best_label} 10%"}
    return [
        {"decile": d, "colour": c, "label": f"{d} ({ends[d]})" if d in ends else str(d)}
        for d, c in DECILE_COLOURS.items()
    ]


def _map_svg(run: IndexRun, node: IndexNode) -> str:
    key = (
        f"insight:index-map:{run.cache_version}:{node.node_id}:{geography.data_version()}"
    )
    svg = cache.get(key)
    if svg is None:
        areas = (
            MapArea(
                code=row["code"],
                name=row["name"],
                decile=row["decile"],
                url=reverse("insight:index-area", args=[run.framework, row["code"]]),
                geometry=row["boundary"],
            )
            for row in queries.map_rows(run, node)
        )
        svg = str(decile_map_svg(areas, label_id="map-heading"))
        cache.set(key, svg)
    return mark_safe(svg)  # noqa: S308 - built from escaped values by decile_map_svg


@require_safe
def index_home(request: HttpRequest) -> HttpResponse:
    """``/index/``: the first published index (IMD 2025 in the demo), or how to publish one."""
    runs = queries.published_runs()
    if not runs:
        return render(request, "insight/index_none.html", {})
    return _map_page(request, runs[0], runs)


@require_safe
def index_map(request: HttpRequest, framework: str) -> HttpResponse:
    """``/index/<framework>/?node=&sort=&order=&page=``: map, legend and table of one node."""
    try:
        run = queries.get_run(framework)
    except queries.RunNotFoundError as exc:
        return _not_published(request, exc)
    return _map_page(request, run, queries.published_runs())


def _map_page(request: HttpRequest, run: IndexRun, runs: list[IndexRun]) -> HttpResponse:
    run_nodes = {node.node_id: node for node in queries.nodes(run)}
    form = IndexMapForm(request.GET or None, node_choices=queries.node_choices(run))
    status, params = 200, {}
    if form.is_bound:
        if form.is_valid():
            params = form.cleaned_data
        else:
            status = 400
    node = run_nodes.get(params.get("node") or "index") or next(iter(run_nodes.values()))
    sort = params.get("sort") or "rank"
    descending = params.get("order") == "desc"
    page = Paginator(queries.table(node, sort=sort, descending=descending), PAGE_SIZE).get_page(
        params.get("page") or 1
    )
    rows = list(page.object_list)
    names = queries.area_names([row.area_code for row in rows])
    la_names = queries.la_names()
    query = request.GET.copy()
    query.pop("page", None)
    sort_links = {}
    for key in ("code", "la", "score", "rank"):
        link = query.copy()
        link["node"] = node.node_id
        link["sort"] = key
        link["order"] = "desc" if (key == sort and not descending) else "asc"
        state = ("descending" if descending else "ascending") if key == sort else "none"
        sort_links[key] = {"url": "?" + link.urlencode(), "aria_sort": state}
    context = {
        "run": run,
        "runs": runs,
        "node": node,
        "form": form,
        "map_svg": _map_svg(run, node),
        "legend": legend(run),
        "palette_json": palette_json(),
        "geojson_url": reverse("api:lsoa21_geojson"),
        "deciles_url": reverse("api:index_deciles", args=[run.framework])
        + "?"
        + urlencode({"node": node.node_id}),
        "profile_url_template": reverse("insight:index-area", args=[run.framework, "CODE"]),
        "page": page,
        "rows": [
            {
                "value": row,
                "name": names.get(row.area_code, ""),
                "la_name": la_names.get(row.la_code, row.la_code),
                "url": reverse("insight:index-area", args=[run.framework, row.area_code]),
            }
            for row in rows
        ],
        "query": query.urlencode(),
        "sort_links": sort_links,
        "csv_url": reverse("insight:index-csv", args=[run.framework]),
        "la_summary": queries.la_decile_summary(node),
        "deciles": range(1, 11),
        "mapped": geography.current_load() is not None,
    }
    return render(request, "insight/index_map.html", context, status=status)


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_safe
def index_csv(request: HttpRequest, framework: str) -> HttpResponse:
    """``/index/<framework>/results.csv``: every published value, one row per area."""
    try:
        run = queries.get_run(framework)
    except queries.RunNotFoundError as exc:
        return _not_published(request, exc)
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(queries.csv_header(run))
        for row in queries.csv_rows(run):
            yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = f"{run.framework}-{run.version or 'results'}-{run.created:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _interval_text(run: IndexRun, value) -> str:
    if value.rank_p05 is None:
        return ""
    return (
        f"In 90% of {run.uncertainty_runs:,} Monte Carlo runs its rank was between "
        f"{value.rank_p05:,.0f} and {value.rank_p95:,.0f} (median {value.rank_median:,.0f})"
    )


def _compare(run: IndexRun, score: float | None, mean: float | None) -> str:
    """"worse than", "better than" or "the same as" an average, by the run's polarity."""
    if score is None or mean is None:
        return ""
    if abs(score - mean) <= 1e-9 * max(1.0, abs(mean)):
        return "the same as"
    higher_is_worse = run.polarity == "higher_is_worse"
    worse = score > mean if higher_is_worse else score < mean
    if higher_is_worse:
        return "more deprived than" if worse else "less deprived than"
    return "less resilient than" if worse else "more resilient than"


@require_safe
def index_area(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    """``/index/<framework>/<area_code>/``: one area's scores, ranks with their uncertainty,
    the contribution of each indicator, and comparison with its LA and all areas of the run."""
    canonical = code.strip().upper()
    if canonical != code and _AREA_CODE.match(canonical):
        return redirect("insight:index-area", framework, canonical, permanent=True)
    try:
        run = queries.get_run(framework)
    except queries.RunNotFoundError as exc:
        return _not_published(request, exc)
    try:
        profile = queries.area_profile(run, code)
    except queries.AreaNotInRunError as exc:
        return error_response(request, 404, "not_found", exc.message)
    n = run.area_count
    for item in profile.nodes:
        value = item.value
        item.interval_text = _interval_text(run, value)
        item.la_comparison = _compare(run, value.score, item.la_mean)
        item.run_comparison = _compare(run, value.score, item.run_mean)
        if value.rank is not None:
            title = f"Rank {value.rank:,} of {n:,} (1 = {run.worst_label})"
            if item.interval_text:
                title += f". {item.interval_text}."
            item.chart = rank_interval_svg(
                rank=value.rank,
                n=n,
                p05=value.rank_p05,
                p95=value.rank_p95,
                title=title,
            )
    for c in profile.contributions:
        c.share_percent = None if c.share is None else 100 * c.share
        c.weight_percent = None if c.effective_weight is None else 100 * c.effective_weight
    if profile.index.value.p_worst_decile is not None:
        profile.index.p_worst_percent = 100 * profile.index.value.p_worst_decile
    bars = [Bar(c.indicator.name, c.contribution) for c in profile.contributions]
    context = {
        "run": run,
        "profile": profile,
        "index": profile.index,
        "domains": [p for p in profile.nodes if p.node.kind != "indicator"],
        "indicators": [p for p in profile.nodes if p.node.kind == "indicator"],
        "contribution_chart": contribution_bars_svg(
            bars,
            title=f"Bar chart: contribution of each indicator to the index score of "
            f"{profile.name}; the same figures are in the table below.",
        ),
        "lsoa_url": reverse("insight:lsoa21-detail", args=[profile.code])
        if profile.is_loaded_lsoa
        else None,
        "api_url": reverse("api:index_area", args=[run.framework, profile.code]),
    }
    return render(request, "insight/index_area.html", context)
