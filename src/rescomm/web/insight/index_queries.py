"""Read-side access to published index runs, for the index pages, the CSV and the API.

Everything here reads the tables :mod:`rescomm.web.insight.publish` writes; nothing rebuilds an
index. Renderings that are costly (the SVG map of a node) are cached per run: a new publication
creates a new run id, so nothing stale is served.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Avg, Count, QuerySet

from rescomm.web.areas import public as geography

from .models import IndexContribution, IndexNode, IndexRun, IndexValue
from .publish import DEMO_FRAMEWORKS

#: Table sort keys -> ORDER BY fields (ties broken by area code).
SORTS = {
    "rank": ("rank", "area_code"),
    "code": ("area_code",),
    "la": ("la_code", "rank", "area_code"),
    "score": ("score", "area_code"),
}


class RunNotFoundError(LookupError):
    """No published run of this framework."""

    def __init__(self, framework: str):
        names = ", ".join(run.framework for run in published_runs()) or "none yet"
        self.message = (
            f"No index {framework!r} has been published (published: {names}). Publish one with "
            "rescomm index publish --framework NAME."
        )
        super().__init__(self.message)


class AreaNotInRunError(LookupError):
    """The area is not among the areas of the run."""

    def __init__(self, run: IndexRun, code: str):
        self.message = (
            f"Area {code} is not in the published {run.name} ({run.area_count:,} areas)."
        )
        super().__init__(self.message)


def published_runs() -> list[IndexRun]:
    """Every published run: the demo frameworks first (in :data:`DEMO_FRAMEWORKS` order)."""
    order = {name: i for i, name in enumerate(DEMO_FRAMEWORKS)}
    runs = IndexRun.objects.defer("spec_text", "log")
    return sorted(runs, key=lambda run: (order.get(run.framework, len(order)), run.framework))


def get_run(framework: str) -> IndexRun:
    run = IndexRun.objects.filter(framework=framework).first()
    if run is None:
        raise RunNotFoundError(framework)
    return run


def nodes(run: IndexRun) -> list[IndexNode]:
    """The run's nodes in reading order (index, then depth-first as in the spec)."""
    return list(run.nodes.order_by("position"))


def node_choices(run: IndexRun) -> list[tuple[str, str]]:
    """``(node_id, label)`` for a select: children indented under their parents."""
    return [
        (node.node_id, "\u2003" * node.depth + f"{node.name} ({node.get_kind_display().lower()})")
        for node in nodes(run)
    ]


def area_names(codes: list[str] | None = None) -> dict[str, str]:
    """LSOA code -> name for the loaded areas (all, or those in ``codes``)."""
    return geography.lsoa_names(codes)


def la_names() -> dict[str, str]:
    return geography.local_authority_names()


def map_rows(run: IndexRun, node: IndexNode) -> list[dict]:
    """Code, name, decile and boundary of each loaded LSOA that has a value in the run."""
    deciles = dict(node.values.values_list("area_code", "decile"))
    # the loaded LSOAs are few (C&M: 1,601); a run may hold all England (33,755), so filter
    # here rather than in a huge IN (...) clause
    rows = geography.lsoa_shapes()
    return [
        {"code": code, "name": name, "decile": deciles[code], "boundary": boundary}
        for code, name, boundary in rows
        if code in deciles
    ]


def deciles(node: IndexNode) -> dict[str, int | None]:
    """Area code -> decile of ``node`` (for the interactive map)."""
    return dict(node.values.order_by("area_code").values_list("area_code", "decile"))


def table(node: IndexNode, *, sort: str = "rank", descending: bool = False) -> QuerySet:
    """The values of ``node`` for every area, sorted (see :data:`SORTS`)."""
    fields = SORTS[sort]
    return node.values.order_by(*(f"-{f}" if descending else f for f in fields))


def la_decile_summary(node: IndexNode) -> list[dict]:
    """Per local authority of the run: name, code, areas in each decile (1-10) of ``node``,
    total, and the mean score; in name order (code when the LA is not loaded)."""
    counts: dict[str, list[int]] = {}
    for row in node.values.values("la_code", "decile").annotate(n=Count("id")):
        if row["decile"] is not None:
            counts.setdefault(row["la_code"], [0] * 10)[row["decile"] - 1] += row["n"]
    means = dict(
        node.values.values("la_code").annotate(mean=Avg("score")).values_list("la_code", "mean")
    )
    names = la_names()
    summary = [
        {
            "code": code,
            "name": names.get(code, code or "Not given"),
            "deciles": per_decile,
            "total": sum(per_decile),
            "mean": means.get(code),
        }
        for code, per_decile in counts.items()
    ]
    return sorted(summary, key=lambda row: (row["name"], row["code"]))


@dataclass
class NodeProfile:
    """One node for one area: its value, and the averages it is compared with."""

    node: IndexNode
    value: IndexValue
    run_mean: float | None = None
    la_mean: float | None = None
    la_count: int = 0


@dataclass
class AreaProfile:
    run: IndexRun
    code: str
    name: str
    la_code: str
    la_name: str
    is_loaded_lsoa: bool
    nodes: list[NodeProfile]
    contributions: list[IndexContribution]

    @property
    def index(self) -> NodeProfile:
        return self.nodes[0]


def _means(run: IndexRun, la_code: str) -> tuple[dict[int, float], dict[int, tuple[float, int]]]:
    """Per node: the mean score over the run, and over the areas of ``la_code`` (with count).

    Cached per run (a new publication is a new run id, so nothing stale is served)."""
    key = f"insight:index-means:{run.cache_version}:{la_code}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    overall = {
        row["node_id"]: row["mean"]
        for row in IndexValue.objects.filter(run=run).values("node_id").annotate(mean=Avg("score"))
    }
    local = {}
    if la_code:
        for row in (
            IndexValue.objects.filter(run=run, la_code=la_code)
            .values("node_id")
            .annotate(mean=Avg("score"), n=Count("id"))
        ):
            local[row["node_id"]] = (row["mean"], row["n"])
    cache.set(key, (overall, local))
    return overall, local


def area_profile(run: IndexRun, code: str) -> AreaProfile:
    """Everything the profile page shows for one area of a run.

    Raises
    ------
    AreaNotInRunError
        If the run has no values for ``code``.
    """
    values = {
        value.node_id: value
        for value in IndexValue.objects.filter(run=run, area_code=code).select_related("node")
    }
    if not values:
        raise AreaNotInRunError(run, code)
    first = next(iter(values.values()))
    overall, local = _means(run, first.la_code)
    node_profiles = []
    for node in nodes(run):
        value = values.get(node.pk)
        if value is None:
            continue
        mean, count = local.get(node.pk, (None, 0))
        node_profiles.append(
            NodeProfile(node, value, run_mean=overall.get(node.pk), la_mean=mean, la_count=count)
        )
    contributions = list(
        IndexContribution.objects.filter(run=run, area_code=code)
        .select_related("indicator")
        .order_by("indicator__position")
    )
    lsoa = geography.lsoa_names([code]).get(code)
    la_name = la_names().get(first.la_code, "")
    return AreaProfile(
        run=run,
        code=code,
        name=lsoa or code,
        la_code=first.la_code,
        la_name=la_name,
        is_loaded_lsoa=lsoa is not None,
        nodes=node_profiles,
        contributions=contributions,
    )


def runs_for_area(code: str) -> list[tuple[IndexRun, IndexValue]]:
    """Each published run that includes ``code``, with the area's index value (for LSOA pages)."""
    found = {
        value.run_id: value
        for value in IndexValue.objects.filter(area_code=code, node__kind="index")
    }
    return [(run, found[run.pk]) for run in published_runs() if run.pk in found]


# --------------------------------------------------------------------------------- CSV
UNCERTAINTY_COLUMNS = (
    ("rank_p05", "rank_p05"),
    ("rank_median", "rank_median"),
    ("rank_p95", "rank_p95"),
    ("p_worst_decile", "p_worst_decile"),
)


def csv_header(run: IndexRun) -> list[str]:
    """``area_code, area_name, la_code``, then per node ``<node>_score/_rank/_decile`` (and the
    uncertainty columns ``<node>_rank_p05/_rank_median/_rank_p95/_p_worst_decile`` where run)."""
    header = ["area_code", "area_name", "la_code"]
    for node in nodes(run):
        header += [f"{node.node_id}_score", f"{node.node_id}_rank", f"{node.node_id}_decile"]
        if node.has_uncertainty:
            header += [f"{node.node_id}_{suffix}" for _, suffix in UNCERTAINTY_COLUMNS]
    return header


def csv_rows(run: IndexRun) -> Iterator[list]:
    """One row per area (in index rank order), matching :func:`csv_header`."""
    run_nodes = nodes(run)
    names = area_names()
    index_ranks = dict(
        IndexValue.objects.filter(run=run, node=run_nodes[0]).values_list("area_code", "rank")
    )
    by_area: dict[str, dict[int, tuple]] = {}
    for row in IndexValue.objects.filter(run=run).values_list(
        "area_code", "la_code", "node_id", "score", "rank", "decile",
        "rank_p05", "rank_median", "rank_p95", "p_worst_decile",
    ).iterator(chunk_size=5000):
        by_area.setdefault(row[0], {})[row[2]] = row
    order = sorted(by_area, key=lambda c: (index_ranks.get(c) is None, index_ranks.get(c) or 0, c))
    for code in order:
        values = by_area[code]
        la_code = next(iter(values.values()))[1]
        out: list = [code, names.get(code, ""), la_code]
        for node in run_nodes:
            row = values.get(node.pk)
            if row is None:
                out += [None] * (3 + (4 if node.has_uncertainty else 0))
                continue
            out += [row[3], row[4], row[5]]
            if node.has_uncertainty:
                out += list(row[6:10])
        yield out
