"""Publishing index builds to the web app: the only code that writes the index tables.

:func:`publish` takes a finished :class:`rescomm.measure.Build` (and optionally its Monte Carlo
:class:`~rescomm.measure.UncertaintyResult`, one per node) and stores it as one
:class:`~.models.IndexRun` in a single transaction: the previous run of the same framework is
replaced, or, if anything fails, left exactly as it was. Everything is validated and every row
built *before* the transaction starts; rows are written with bulk inserts.

:func:`publish_demo` publishes the frameworks listed in :data:`DEMO_FRAMEWORKS` on their bundled
Cheshire & Merseyside inputs (run by ``rescomm load-demo`` / ``rescomm demo``); it is idempotent:
a framework whose inputs and settings have not changed since it was published is skipped.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection, transaction

from .models import IndexContribution, IndexNode, IndexRun, IndexValue, NodeKind, Polarity

if TYPE_CHECKING:
    from rescomm.measure import Build, UncertaintyResult

#: Bump when the shape of what is stored changes, so that demo runs are re-published.
PUBLISHER_VERSION = "2"  # 2: contributions store the value in the indicator's unit
#: Frameworks ``rescomm load-demo`` publishes, in the order the web pages list them. A
#: framework that this version of ``rescomm.measure`` does not ship is skipped with a message.
DEMO_FRAMEWORKS: tuple[str, ...] = ("imd2025", "warm", "capitals")
#: Monte Carlo runs (weights +/-25%) and seed for the demo publications.
DEMO_UNCERTAINTY_RUNS = 200
DEMO_SEED = 20250
BATCH_SIZE = 1000
MAX_CODE_LENGTH = 12

ProgressCallback = Callable[[str], None]


class PublishError(ValueError):
    """The build, its uncertainty or the options cannot be published (nothing was written)."""


@dataclass(frozen=True)
class PublishResult:
    """What :func:`publish_demo` did for one framework (``published=False``: already current)."""

    framework: str
    published: bool
    message: str
    run: IndexRun | None = None
    seconds: float = 0.0


# --------------------------------------------------------------------------------- building
def _bundled_source(framework: str) -> str:
    from rescomm import data

    if framework == "imd2025":
        entry = data.manifest()["files"]["iod2025_lsoa21_cm"]
        return (
            f"{entry['description']} Bundled with rescomm ({entry['file']}, "
            f"{entry['rows']:,} LSOAs); ranks are among these areas only."
        )
    return (
        f"The bundled Cheshire & Merseyside inputs of framework {framework} "
        "(rescomm.measure.build with no data); ranks are among these areas only."
    )


def build_framework(framework: str, data: Any = None) -> Build:
    """Build ``framework`` (a built-in name or a YAML file) on ``data``, or on its bundled
    C&M inputs when ``data`` is None.

    Raises
    ------
    rescomm.measure.IndexSpecError, rescomm.measure.IndexDataError
        From the engine, for a bad spec or bad data (they name the key, column and rows), and
        (IndexDataError) when ``data`` is None for a spec without bundled inputs.
    """
    from rescomm import measure

    return measure.build(framework, data)


def group_nodes(build: Build) -> list[str]:
    """The nodes whose ranks move under weight uncertainty: the index and its domains."""
    return [node for node in build.spec.node_ids if not build.spec.is_indicator(node)]


def run_uncertainty(
    build: Build, *, n: int, seed: int | None, progress: ProgressCallback | None = None
) -> list[UncertaintyResult]:
    """``build.uncertainty(n=n, seed=seed, node=...)`` for the index and every domain."""
    results = []
    for node in group_nodes(build):
        if progress:
            progress(f"{build.spec.id}: {n:,} Monte Carlo runs for {node}")
        results.append(build.uncertainty(n=n, seed=seed, node=node))
    return results


# --------------------------------------------------------------------------------- validation
def _check_build(build: Any) -> None:
    from rescomm.measure import Build

    if not isinstance(build, Build):
        raise PublishError(
            f"publish: expected a rescomm.measure.Build, got {type(build).__name__}; "
            "make one with rescomm.measure.build(framework, data)"
        )
    spec = build.spec
    if len(spec.id) > 60:
        raise PublishError(f"publish: framework id {spec.id!r} is longer than 60 characters")
    if spec.polarity not in Polarity.values:
        raise PublishError(f"publish: unknown polarity {spec.polarity!r} in {spec.id}")
    codes = [str(code) for code in build.area_codes]
    if not codes:
        raise PublishError(f"publish: the build of {spec.id} has no areas")
    too_long = [code for code in codes if len(code) > MAX_CODE_LENGTH]
    if too_long:
        raise PublishError(
            f"publish: area code {too_long[0]!r} is longer than {MAX_CODE_LENGTH} characters "
            f"({len(too_long)} such codes); publish areas with ONS codes such as E01006512"
        )
    seen: set[str] = set()
    duplicates = sorted({code for code in codes if code in seen or seen.add(code)})
    if duplicates:
        raise PublishError(
            f"publish: area codes appear more than once in the build: {', '.join(duplicates[:5])}"
        )


def _uncertainties(
    build: Build, uncertainty: UncertaintyResult | Sequence[UncertaintyResult] | None
) -> dict[str, UncertaintyResult]:
    from rescomm.measure import UncertaintyResult

    if uncertainty is None:
        return {}
    items = [uncertainty] if isinstance(uncertainty, UncertaintyResult) else list(uncertainty)
    out: dict[str, UncertaintyResult] = {}
    codes = [str(code) for code in build.area_codes]
    runs = set()
    for item in items:
        if not isinstance(item, UncertaintyResult):
            raise PublishError(
                f"publish: uncertainty must be rescomm.measure.UncertaintyResult objects "
                f"(build.uncertainty(...)), got {type(item).__name__}"
            )
        if item.node not in build.spec.node_ids:
            raise PublishError(
                f"publish: uncertainty is for node {item.node!r}, which is not in framework "
                f"{build.spec.id} (nodes: {', '.join(build.spec.node_ids)})"
            )
        if item.node in out:
            raise PublishError(f"publish: two uncertainty results for node {item.node!r}")
        summary_codes = [str(code) for code in item.summary["area_code"]]
        if summary_codes != codes:
            missing = sorted(set(codes) - set(summary_codes))
            extra = sorted(set(summary_codes) - set(codes))
            detail = (
                f"areas not in the build: {', '.join(extra[:3])}"
                if extra
                else f"build areas missing: {', '.join(missing[:3])}"
                if missing
                else "areas in a different order"
            )
            raise PublishError(
                f"publish: the uncertainty for node {item.node!r} was not run on this build "
                f"({len(summary_codes):,} areas vs {len(codes):,}; {detail}); use "
                "build.uncertainty(...) of the build you publish"
            )
        runs.add(int(item.ranks.shape[0]))
        out[item.node] = item
    if len(runs) > 1:
        raise PublishError(
            f"publish: the uncertainty results have different numbers of runs "
            f"({', '.join(map(str, sorted(runs)))}); use the same n for every node"
        )
    return out


# --------------------------------------------------------------------------------- rows
def _number(value: Any) -> float | None:
    """A finite float, or None for NaN / missing (the database stores NULL)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _plain(value: Any) -> Any:
    """JSON-safe copy of the build log (numpy scalars and arrays -> Python)."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _nodes(build: Build) -> list[IndexNode]:
    spec = build.spec
    groups = {group.id: group for group in spec.groups}
    indicators = {ind.id: ind for ind in spec.indicators}
    weights = build.weights.to_dict()
    effective = build.effective_weights.to_dict()
    nodes = []
    for position, node_id in enumerate(spec.node_ids):
        item = indicators.get(node_id) or groups[node_id]
        is_indicator = node_id in indicators
        kind = (
            NodeKind.INDEX
            if item.parent is None
            else NodeKind.INDICATOR
            if is_indicator
            else NodeKind.GROUP
        )
        nodes.append(
            IndexNode(
                node_id=node_id,
                name=item.name or node_id,
                parent_id=item.parent or "",
                kind=kind,
                level=spec.level(node_id),
                depth=len(spec.ancestors(node_id)),
                position=position,
                weight=_number(weights.get(node_id)) if item.parent else None,
                effective_weight=_number(effective.get(node_id)) if is_indicator else None,
                unit=(item.unit if is_indicator else "")[:120],
                denominator=_denominator(item) if is_indicator else "",
                direction=item.direction if is_indicator else None,
                description=item.description or "",
            )
        )
    return nodes


def _denominator(indicator: Any) -> str:
    """``"persons_n, x 100"`` for an indicator divided by a denominator column, else ``""``."""
    denominator = getattr(indicator, "denominator", None)
    if denominator is None:
        return ""
    return f"{denominator.ref.column}, x {denominator.scale:g}"[:200]


def _value_columns(
    build: Build, uncertainties: dict[str, UncertaintyResult]
) -> dict[str, list]:
    """The ``IndexValue`` columns for every node and area, node by node (all areas of the first
    node, then of the second, ...): ``node`` holds the node ids (mapped to the stored nodes'
    keys when inserting), the others the field values. Uncertainty fields are ``None`` for
    nodes without a Monte Carlo result, and ``rank_p05`` is ``None`` where the median or the
    95th percentile rank is missing."""
    results = build.results
    codes = [str(code) for code in results["area_code"]]
    la_codes = [""] * len(codes)
    table = build.table()
    if "la_code" in table:
        la_codes = ["" if _is_missing(v) else str(v)[:MAX_CODE_LENGTH] for v in table["la_code"]]
    node_ids = list(build.spec.node_ids)
    columns: dict[str, list] = {
        "node": [node_id for node_id in node_ids for _ in codes],
        "area_code": codes * len(node_ids),
        "la_code": la_codes * len(node_ids),
        "score": [], "rank": [], "decile": [],
        "rank_p05": [], "rank_median": [], "rank_p95": [], "p_worst_decile": [],
    }
    missing = [None] * len(codes)
    for node_id in node_ids:
        for field in ("score", "rank", "decile"):
            values = results[f"{node_id}_{field}"].to_numpy(dtype=float, na_value=math.nan)
            columns[field] += _numbers(values) if field == "score" else _integers(values)
        if node_id not in uncertainties:
            for field in ("rank_p05", "rank_median", "rank_p95", "p_worst_decile"):
                columns[field] += missing
            continue
        summary = uncertainties[node_id].summary
        p05, median, p95, worst = (
            summary[column].to_numpy(dtype=float, na_value=math.nan)
            for column in ("p05_rank", "median_rank", "p95_rank", "p_worst_decile"))
        p05 = np.where(np.isfinite(median) & np.isfinite(p95), p05, math.nan)
        for field, values in (("rank_p05", p05), ("rank_median", median), ("rank_p95", p95),
                              ("p_worst_decile", worst)):
            columns[field] += _numbers(values)
    return columns


def _is_missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value)  # NaN / NA
    except (TypeError, ValueError):
        return True


def _contribution_columns(build: Build, progress: ProgressCallback) -> dict[str, list]:
    """The ``IndexContribution`` columns for every area and indicator, from one
    :meth:`~rescomm.measure.Build.explain_all` call (vectorised over the areas); ``indicator``
    holds the indicator ids (mapped to the stored nodes' keys when inserting)."""
    started = time.perf_counter()
    table = build.explain_all()
    areas, indicators = len(build.area_codes), len(build.spec.indicators)
    progress(
        f"{build.spec.id}: contributions of {indicators} indicators computed for "
        f"{areas:,} areas in {time.perf_counter() - started:.2f} s"
    )
    keys = ["value", "normalised", "weight", "effective_weight", "contribution", "share"]
    return {
        "indicator": table["indicator"].tolist(),
        "area_code": table["area_code"].astype(str).tolist(),
        **{key: _numbers(table[key].to_numpy(dtype=float)) for key in keys},
    }


def _numbers(values: np.ndarray) -> list[float | None]:
    """:func:`_number` for a whole float array: finite values as Python floats, else None."""
    out = values.astype(object)
    out[~np.isfinite(values)] = None
    return out.tolist()


def _integers(values: np.ndarray) -> list[int | None]:
    """A whole float array as Python ints, rounded half to even (as ``round``); None where
    not finite (NaN, missing)."""
    finite = np.isfinite(values)
    out = np.where(finite, np.rint(np.where(finite, values, 0)), 0).astype(np.int64).astype(object)
    out[~finite] = None
    return out.tolist()


def _uncertainty_method(result: UncertaintyResult) -> str:
    """What the Monte Carlo runs varied, in words (from the result's ``settings`` if it has
    them; weights +/-25% otherwise, the engine's default)."""
    settings = getattr(result, "settings", None) or {}
    noise = float(settings.get("weight_noise", 0.25))
    parts = [
        f"Monte Carlo: every weight multiplied by 1 + U(-{noise:g}, {noise:g}) and rescaled "
        "within its group"
    ]
    alternatives = settings.get("alternatives") or {}
    if alternatives:
        parts.append("one alternative drawn per run for " + ", ".join(map(str, alternatives)))
    if settings.get("sampling"):
        parts.append("counts redrawn from their sampling error")
    return "; ".join(parts) + "; ranks recomputed in each run (Saisana et al. 2005)"


# --------------------------------------------------------------------------------- publish
def publish(
    build: Build,
    *,
    uncertainty: UncertaintyResult | Sequence[UncertaintyResult] | None = None,
    source: str,
    published_by: str,
    checksum: str = "",
    progress: ProgressCallback | None = None,
) -> IndexRun:
    """Store ``build`` (and its uncertainty) as the published run of its framework.

    Parameters
    ----------
    build
        A finished build (``rescomm.measure.build(...)``).
    uncertainty
        ``build.uncertainty(n=..., seed=..., node=...)`` results, one per node at most (e.g.
        the index and each domain). Their areas must be the build's areas, in the same order.
    source
        Where the input data came from (file name and checksum, or the bundled data set).
    published_by
        Who or what published it (a user name, ``rescomm load-demo``).
    checksum
        A fingerprint of the inputs and settings; :func:`publish_demo` uses it to skip
        re-publishing unchanged inputs.
    progress
        Called with one line of text per stage.

    Returns
    -------
    IndexRun
        The new run. The previous run of the same framework, if any, has been deleted in the
        same transaction.

    Raises
    ------
    PublishError
        For a non-build, an empty build, over-long or duplicate area codes, or uncertainty
        results that do not belong to this build (nothing is written).
    """
    say = progress or (lambda line: None)
    _check_build(build)
    if not source.strip():
        raise PublishError("publish: say where the data came from (source is empty)")
    if not published_by.strip():
        raise PublishError("publish: say who publishes (published_by is empty)")
    uncertainties = _uncertainties(build, uncertainty)
    spec = build.spec
    first = next(iter(uncertainties.values()), None)

    say(f"{spec.id}: preparing {len(build.area_codes):,} areas x {len(spec.node_ids)} nodes")
    nodes = _nodes(build)
    for node in nodes:
        node.has_uncertainty = node.node_id in uncertainties
    values = _value_columns(build, uncertainties)
    contributions = _contribution_columns(build, say)
    run = IndexRun(
        framework=spec.id,
        name=spec.name[:200],
        version=str(spec.version)[:40],
        description=spec.description or "",
        references=list(spec.references),
        polarity=spec.polarity,
        geography=spec.area.geography,
        source=source.strip(),
        published_by=published_by.strip()[:200],
        area_count=len(build.area_codes),
        checksum=checksum,
        uncertainty_runs=int(first.ranks.shape[0]) if first is not None else None,
        uncertainty_seed=first.seed if first is not None else None,
        uncertainty_method=_uncertainty_method(first) if first is not None else "",
        spec_text=spec.text or json.dumps(_plain(dict(spec.raw)), indent=2),
        log=_plain(build.describe()["log"]),
    )

    with transaction.atomic():
        replaced = IndexRun.objects.filter(framework=spec.id).first()
        if replaced is not None:
            say(f"{spec.id}: replacing the run published {replaced.created:%Y-%m-%d %H:%M}")
            IndexContribution.objects.filter(run=replaced).delete()
            IndexValue.objects.filter(run=replaced).delete()
            replaced.delete()
        run.save()
        for node in nodes:
            node.run = run
        IndexNode.objects.bulk_create(nodes)
        by_id = dict(IndexNode.objects.filter(run=run).values_list("node_id", "pk"))
        values["node_id"] = [by_id[node] for node in values.pop("node")]
        contributions["indicator_id"] = [by_id[node] for node in contributions.pop("indicator")]
        _insert(IndexValue, {"run_id": run.pk, **values}, stage=f"{spec.id}: values", say=say)
        _insert(
            IndexContribution,
            {"run_id": run.pk, **contributions},
            stage=f"{spec.id}: contributions",
            say=say,
        )
        from rescomm.web.accounts.public import audit

        audit(
            None,
            "index_published",
            run,
            reason=f"{spec.id} {spec.version}: {run.area_count} areas"
            + (f", {run.uncertainty_runs} Monte Carlo runs" if first is not None else "")
            + ("; replaced the previous run" if replaced is not None else ""),
        )
    return run


def _insert(
    model, columns: dict[str, Any], *, stage: str, say: ProgressCallback
) -> None:
    """``INSERT`` rows given as ``columns`` (column name -> list of values, all of one length,
    or one value for every row) with ``executemany``, in batches.

    The ORM's ``bulk_create`` spends most of its time compiling SQL for every object; these
    values are already validated, so one parametrised statement is reused, and the rows are
    zipped from the columns in C rather than built as dicts. The database still enforces the
    models' constraints (checks, uniques, foreign keys).
    """
    lengths = {len(v) for v in columns.values() if isinstance(v, list)}
    if len(lengths) > 1:
        raise ValueError(f"{model.__name__}: columns of different lengths {sorted(lengths)}")
    total = lengths.pop() if lengths else 0
    if not total:
        say(f"{stage}: 0/0")
        return
    names = list(columns)
    known = {field.column for field in model._meta.concrete_fields}
    if not set(names) <= known:  # column names come from this module, never from input
        raise ValueError(f"not columns of {model.__name__}: {sorted(set(names) - known)}")
    quote = connection.ops.quote_name
    table, quoted = quote(model._meta.db_table), ", ".join(map(quote, names))
    marks = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608 - names checked above
    rows = zip(*(v if isinstance(v, list) else itertools.repeat(v, total)
                 for v in columns.values()), strict=True)
    step = BATCH_SIZE * 10
    with connection.cursor() as cursor:
        for start in range(0, total, step):
            cursor.executemany(sql, list(itertools.islice(rows, step)))
            say(f"{stage}: {min(start + step, total):,}/{total:,}")


# --------------------------------------------------------------------------------- demo
def available_frameworks() -> list[str]:
    """The built-in frameworks of the installed ``rescomm.measure``."""
    from rescomm.measure import frameworks

    return frameworks()


def demo_checksum(framework: str, *, n: int, seed: int) -> str:
    """SHA-256 of the publisher version, the framework's YAML, the bundled MANIFEST and the
    uncertainty settings: equal checksums mean the published run is current."""
    from rescomm import data
    from rescomm.measure import framework_path

    digest = hashlib.sha256()
    digest.update(f"publisher={PUBLISHER_VERSION}\nframework={framework}\n".encode())
    digest.update(framework_path(framework).read_bytes())
    digest.update((data.BUNDLED_DIR / "MANIFEST.json").read_bytes())
    digest.update(f"\nuncertainty={n}\nseed={seed}".encode())
    return digest.hexdigest()


def publish_demo(
    *,
    frameworks: Sequence[str] | None = None,
    n: int = DEMO_UNCERTAINTY_RUNS,
    seed: int = DEMO_SEED,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> list[PublishResult]:
    """Publish the demo frameworks on their bundled C&M inputs, with ``n`` uncertainty runs.

    Idempotent: a framework already published from the same inputs and settings is skipped
    unless ``force``. A framework not shipped by this version of ``rescomm.measure`` is skipped
    with a message (so the list can name frameworks before they land).
    """
    say = progress or (lambda line: None)
    known = set(available_frameworks())
    results = []
    for framework in frameworks if frameworks is not None else DEMO_FRAMEWORKS:
        started = time.monotonic()
        if framework not in known:
            results.append(PublishResult(framework, False, f"{framework}: not available, skipped"))
            say(results[-1].message)
            continue
        checksum = demo_checksum(framework, n=n, seed=seed)
        existing = IndexRun.objects.filter(framework=framework).first()
        if existing is not None and existing.checksum == checksum and not force:
            message = f"{framework}: up to date (published {existing.created:%Y-%m-%d %H:%M})"
            results.append(PublishResult(framework, False, message, existing))
            say(message)
            continue
        say(f"{framework}: building on the bundled Cheshire & Merseyside data")
        try:
            build = build_framework(framework)
        except PublishError as exc:
            results.append(PublishResult(framework, False, f"{framework}: skipped ({exc})"))
            say(results[-1].message)
            continue
        uncertainty = run_uncertainty(build, n=n, seed=seed, progress=say) if n else None
        run = publish(
            build,
            uncertainty=uncertainty,
            source=_bundled_source(framework),
            published_by="rescomm load-demo",
            checksum=checksum,
            progress=say,
        )
        seconds = time.monotonic() - started
        message = f"{framework}: published {run.area_count:,} areas in {seconds:.1f} s"
        results.append(PublishResult(framework, True, message, run, seconds))
        say(message)
    return results
