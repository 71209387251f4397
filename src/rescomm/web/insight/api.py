"""JSON API of published indices: ``/api/index/...`` (public, read-only, aggregate statistics).

Ranks: 1 = most deprived / least resilient among the areas of the run; decile 1 = the worst 10%
of them. Errors use the project's one error shape.
"""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema

from rescomm.web.core.errors import ApiError
from rescomm.web.core.schemas import errors

from . import index_queries as queries
from .models import IndexRun

router = Router(tags=["index"])

FRAMEWORK = Path(..., pattern=r"^[A-Za-z0-9_-]{1,60}$", description="e.g. imd2025")
MAX_PAGE_SIZE = 500


class NodeOut(Schema):
    id: str
    name: str
    parent: str | None
    kind: str
    level: int
    weight: float | None
    effective_weight: float | None
    unit: str
    denominator: str
    has_uncertainty: bool


class UncertaintyOut(Schema):
    runs: int
    seed: int | None
    method: str


class RunOut(Schema):
    framework: str
    name: str
    version: str
    description: str
    polarity: str
    rank_convention: str
    geography: str
    area_count: int
    source: str
    published_by: str
    created: datetime
    references: list[str]
    uncertainty: UncertaintyOut | None
    nodes: list[NodeOut]
    url: str
    csv_url: str


class ValueOut(Schema):
    score: float | None
    rank: int | None
    decile: int | None
    rank_p05: float | None = None
    rank_median: float | None = None
    rank_p95: float | None = None
    p_worst_decile: float | None = None


class AreaRowOut(Schema):
    area_code: str
    area_name: str | None
    la_code: str
    values: dict[str, ValueOut]


class ResultsPage(Schema):
    framework: str
    page: int
    page_size: int
    pages: int
    count: int
    next: str | None
    previous: str | None
    results: list[AreaRowOut]


class ComparisonOut(Schema):
    node: str
    name: str
    kind: str
    value: ValueOut
    la_mean_score: float | None
    la_areas: int
    run_mean_score: float | None


class ContributionOut(Schema):
    indicator: str
    name: str
    parent: str
    value: float | None = Field(
        description="The indicator in its unit (a count divided by its denominator), the "
                    "number `rescomm index explain` and `rescomm index profile` show")
    unit: str
    normalised: float | None
    weight: float | None
    effective_weight: float | None
    contribution: float | None
    share: float | None


class AreaOut(Schema):
    framework: str
    area_code: str
    area_name: str | None
    la_code: str
    la_name: str | None
    area_count: int
    rank_convention: str
    nodes: list[ComparisonOut]
    contributions: list[ContributionOut]
    url: str


class DecilesOut(Schema):
    framework: str
    node: str
    deciles: dict[str, int | None]


def _run(framework: str) -> IndexRun:
    try:
        return queries.get_run(framework)
    except queries.RunNotFoundError as exc:
        raise ApiError(404, "not_found", exc.message) from exc


def _convention(run: IndexRun) -> str:
    return (
        f"rank 1 = {run.worst_label} of the {run.area_count} areas of this run; "
        f"decile 1 = the {run.worst_label} 10%"
    )


def _run_out(request: HttpRequest, run: IndexRun) -> dict:
    return {
        "framework": run.framework,
        "name": run.name,
        "version": run.version,
        "description": run.description,
        "polarity": run.polarity,
        "rank_convention": _convention(run),
        "geography": run.geography,
        "area_count": run.area_count,
        "source": run.source,
        "published_by": run.published_by,
        "created": run.created,
        "references": [str(r) for r in run.references],
        "uncertainty": {
            "runs": run.uncertainty_runs,
            "seed": run.uncertainty_seed,
            "method": run.uncertainty_method,
        }
        if run.uncertainty_runs
        else None,
        "nodes": [
            {
                "id": node.node_id,
                "name": node.name,
                "parent": node.parent_id or None,
                "kind": node.kind,
                "level": node.level,
                "weight": node.weight,
                "effective_weight": node.effective_weight,
                "unit": node.unit,
                "denominator": node.denominator,
                "has_uncertainty": node.has_uncertainty,
            }
            for node in queries.nodes(run)
        ],
        "url": request.build_absolute_uri(run.get_absolute_url()),
        "csv_url": request.build_absolute_uri(reverse("insight:index-csv", args=[run.framework])),
    }


def _value(value) -> dict:
    out = {"score": value.score, "rank": value.rank, "decile": value.decile}
    if value.rank_p05 is not None:
        out.update(
            rank_p05=value.rank_p05,
            rank_median=value.rank_median,
            rank_p95=value.rank_p95,
            p_worst_decile=value.p_worst_decile,
        )
    return out


@router.get("/runs", response=list[RunOut], summary="Published indices (one run per framework)")
def index_runs(request: HttpRequest):
    """Each published index with its nodes (index, domains, indicators), data source and how
    its uncertainty was estimated."""
    return [_run_out(request, run) for run in queries.published_runs()]


@router.get(
    "/runs/{framework}",
    response={200: RunOut, **errors(400, 404)},
    summary="One published index",
)
def index_run(request: HttpRequest, framework: str = FRAMEWORK):
    return _run_out(request, _run(framework))


@router.get(
    "/runs/{framework}/results",
    response={200: ResultsPage, **errors(400, 404)},
    summary="Results of a published index, one row per area, in index rank order (paged)",
)
def index_results(
    request: HttpRequest,
    framework: str = FRAMEWORK,
    page: int = Query(1, ge=1, description="Page number, from 1"),
    page_size: int = Query(100, ge=1, le=MAX_PAGE_SIZE, description="Areas per page (max 500)"),
):
    """Each row holds every node's score, rank and decile (and, for nodes run with
    uncertainty, the 5th/50th/95th percentile rank and the probability of decile 1)."""
    run = _run(framework)
    run_nodes = queries.nodes(run)
    ordered = run.values.filter(node=run_nodes[0]).order_by("rank", "area_code")
    paginator = Paginator(ordered.values_list("area_code", flat=True), page_size)
    if page > max(paginator.num_pages, 1):
        raise ApiError(404, "not_found", f"There is no page {page}: there are "
                                         f"{paginator.num_pages} pages of {page_size} areas.")
    codes = list(paginator.page(page).object_list)
    names = queries.area_names(codes)
    by_node = {node.pk: node.node_id for node in run_nodes}
    rows: dict[str, dict] = {code: {"values": {}} for code in codes}
    for value in run.values.filter(area_code__in=codes):
        row = rows[value.area_code]
        row["la_code"] = value.la_code
        row["values"][by_node[value.node_id]] = _value(value)
    base = request.build_absolute_uri(request.path)

    def link(number: int) -> str:
        return f"{base}?page={number}&page_size={page_size}"

    return {
        "framework": run.framework,
        "page": page,
        "page_size": page_size,
        "pages": paginator.num_pages,
        "count": paginator.count,
        "next": link(page + 1) if page < paginator.num_pages else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": [
            {
                "area_code": code,
                "area_name": names.get(code),
                "la_code": rows[code].get("la_code", ""),
                "values": rows[code]["values"],
            }
            for code in codes
        ],
    }


@router.get(
    "/runs/{framework}/deciles",
    response={200: DecilesOut, **errors(400, 404)},
    summary="Decile of every area for one node (used by the interactive map)",
)
def index_deciles(
    request: HttpRequest,
    framework: str = FRAMEWORK,
    node: str = Query("index", description="Node id: index, a domain or an indicator"),
):
    run = _run(framework)
    found = run.nodes.filter(node_id=node).first()
    if found is None:
        known = ", ".join(n.node_id for n in queries.nodes(run))
        raise ApiError(404, "not_found", f"{framework} has no node {node!r}; use one of: "
                                         f"{known}.")
    return {"framework": run.framework, "node": node, "deciles": queries.deciles(found)}


@router.get(
    "/runs/{framework}/areas/{code}",
    response={200: AreaOut, **errors(400, 404)},
    summary="One area: every node with uncertainty and averages, and indicator contributions",
)
def index_area(
    request: HttpRequest,
    framework: str = FRAMEWORK,
    code: str = Path(..., pattern=r"^[A-Za-z0-9]{1,12}$", description="e.g. E01033756"),
):
    """Averages are plain means of the node's score over the area's local authority and over
    every area of the run."""
    run = _run(framework)
    try:
        profile = queries.area_profile(run, code.upper())
    except queries.AreaNotInRunError as exc:
        raise ApiError(404, "not_found", exc.message) from exc
    return {
        "framework": run.framework,
        "area_code": profile.code,
        "area_name": profile.name if profile.is_loaded_lsoa else None,
        "la_code": profile.la_code,
        "la_name": profile.la_name or None,
        "area_count": run.area_count,
        "rank_convention": _convention(run),
        "nodes": [
            {
                "node": item.node.node_id,
                "name": item.node.name,
                "kind": item.node.kind,
                "value": _value(item.value),
                "la_mean_score": item.la_mean,
                "la_areas": item.la_count,
                "run_mean_score": item.run_mean,
            }
            for item in profile.nodes
        ],
        "contributions": [
            {
                "indicator": c.indicator.node_id,
                "name": c.indicator.name,
                "parent": c.indicator.parent_id,
                "value": c.value,
                "unit": c.indicator.unit,
                "normalised": c.normalised,
                "weight": c.weight,
                "effective_weight": c.effective_weight,
                "contribution": c.contribution,
                "share": c.share,
            }
            for c in profile.contributions
        ],
        "url": request.build_absolute_uri(
            reverse("insight:index-area", args=[run.framework, profile.code])
        ),
    }
