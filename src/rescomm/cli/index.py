"""``rescomm index``: build composite indices (IMD, resilience) from a framework and a data file.

Commands: ``frameworks`` (list the built-in ones), ``build`` (write the results table, with
Monte Carlo rank intervals and an HTML report on request), ``sensitivity`` (Sobol indices),
``explain`` (contribution of each indicator to one area's score), and, in ``_index_profile.py``,
``profile`` (assets, vulnerabilities and quadrant of one area) and ``neighbours``. The engine is
:mod:`rescomm.measure`, imported only when a command runs so that ``rescomm --help`` stays fast.
Errors a user can fix (bad spec, missing/misspelt columns, non-numeric values, duplicate,
unknown or mixed-vintage area codes) are one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import pandas as pd

    from rescomm.measure import Build

#: Same exit code as ``rescomm.cli._errors.EXIT_USER_ERROR``.
EXIT_USER_ERROR = 2
_OUT_FORMATS = (".csv", ".csv.gz", ".parquet")


class IndexCommandError(click.ClickException):
    """A problem with the framework, the data or the options, reported as one line."""

    exit_code = EXIT_USER_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"rescomm: error: {self.format_message()}", err=True)


def _message(exc: Exception) -> str:
    """An engine error as one line; a file in the wrong encoding is pointed at ``--encoding``."""
    from rescomm.data import ENCODING_ADVICE

    return str(exc).replace(ENCODING_ADVICE,
                            "save it as UTF-8, or give its encoding with --encoding "
                            "(e.g. --encoding cp1252 for a CSV saved by Excel on Windows)")


def data_table(data: str | Path | None) -> str | Path | pd.DataFrame | None:
    """``--data`` as given, or, with ``--encoding``, the file read in that encoding."""
    encoding = click.get_current_context().meta.get(_ENCODING_KEY)
    if data is None or encoding is None:
        return data
    if Path(data).is_dir():
        raise IndexCommandError(f"--encoding {encoding}: for a data file; the official files "
                                f"in {data} are read as published (UTF-8)")
    from rescomm.measure import IndexDataError, read_table

    try:
        return read_table(data, encoding=encoding)
    except IndexDataError as exc:
        raise IndexCommandError(_message(exc)) from None


def _run_build(framework: str, data: str | None) -> Build:
    from rescomm.measure import IndexDataError, IndexSpecError, MeasureWarning, build

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MeasureWarning)
        try:
            result = build(framework, data_table(data))
        except (IndexSpecError, IndexDataError) as exc:
            raise IndexCommandError(_message(exc)) from None
    for w in caught:
        if issubclass(w.category, MeasureWarning):
            click.echo(f"rescomm: warning: {w.category.__name__}: {w.message}", err=True)
    return result


def _select(table: pd.DataFrame, codes: str | None, build: Build) -> pd.DataFrame:
    if not codes:
        return table
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    if not wanted:
        raise IndexCommandError("--areas is empty; give comma-separated LA or area codes")
    las = set(table["la_code"]) if "la_code" in table else set()
    areas = set(table["area_code"])
    unknown = [c for c in wanted if c not in las and c not in areas]
    if unknown:
        raise IndexCommandError(
            f"--areas: {', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''} "
            f"{'is' if len(unknown) == 1 else 'are'} neither a local authority nor an area in "
            f"the data (framework {build.spec.id}, areas like {table['area_code'].iloc[0]})")
    keep = table["area_code"].isin(wanted)
    if "la_code" in table:
        keep |= table["la_code"].isin(wanted)
    return table[keep]


def _check_out(out: str, option: str = "--out", formats: tuple[str, ...] = _OUT_FORMATS,
               ) -> Path:
    path = Path(out)
    if not path.name.lower().endswith(formats):
        raise IndexCommandError(f"{option} {out}: use a {', '.join(formats)} file name")
    if path.parent and not path.parent.exists():
        raise IndexCommandError(f"{option} {out}: folder {path.parent} does not exist")
    return path


def _write(table: pd.DataFrame, out: str) -> None:
    path = _check_out(out)
    name = path.name.lower()
    if name.endswith(".parquet"):
        table.to_parquet(path, index=False)
    else:
        table.to_csv(path, index=False)


@click.group("index")
def index() -> None:
    """Build composite indices (deprivation, resilience) from a framework and a data file.

    A framework is a built-in name (see `rescomm index frameworks`) or your own YAML spec.
    Ranks: 1 = most deprived / least resilient; decile 1 = most deprived 10%.
    """


@index.command("frameworks")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def frameworks_command(as_json: bool) -> None:
    """List the built-in frameworks (id, version, name)."""
    from rescomm.measure import framework_info

    info = framework_info()
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for item in info:
        click.echo(f"{item['id']:<10} {item['version']:<8} {item['name']}")


_FRAMEWORK = click.option("--framework", "-f", required=True, metavar="NAME|FILE.yaml",
                          help="Built-in framework (e.g. imd2019) or a YAML spec file.")
_DATA_OPTION = click.option(
    "--data", "-d", metavar="FILE|FOLDER", type=click.Path(),
    help="One row per area: CSV, CSV.gz, Parquet or Excel; for warm/capitals also a folder of "
         "the official files (all England). Optional for built-in frameworks: their bundled "
         "C&M inputs are used (ranks within C&M).")
_ENCODING_KEY = "rescomm.data_encoding"


def _remember_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"{value!r} is not an encoding Python knows (e.g. utf-8, "
                                     "cp1252, latin-1)") from None
    ctx.meta[_ENCODING_KEY] = value


#: ``--encoding`` of a CSV ``--data`` file; read with :func:`data_table`.
ENCODING = click.option(
    "--encoding", metavar="NAME", expose_value=False, callback=_remember_encoding,
    help="Encoding of a CSV --data file (default UTF-8), e.g. cp1252 for a CSV saved by Excel "
         "on Windows.")


def _DATA(command: Any) -> Any:  # noqa: N802 - used as a decorator like the other options
    """``--data`` and its ``--encoding``."""
    return _DATA_OPTION(ENCODING(command))


#: Columns added by ``--uncertainty N`` (``{node}`` is the analysed node, ``index`` by default).
UNCERTAINTY_COLUMNS = {"p05_rank": "{node}_rank_p05", "median_rank": "{node}_rank_median",
                       "p95_rank": "{node}_rank_p95", "p_worst_decile": "{node}_p_worst_decile"}


def _load_alternatives(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    from rescomm.measure import IndexSpecError, parse_yaml, read_spec_text

    try:
        value, _ = parse_yaml(read_spec_text(Path(path), what="file"), name=Path(path).name)
    except IndexSpecError as exc:
        raise IndexCommandError(f"--alternatives {path}: {exc}") from None
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise IndexCommandError(f"--alternatives {path}: expected a mapping of step -> list of "
                                "parameter blocks, e.g. normalise: [{method: minmax}, "
                                "{method: zscore}]")
    return value


def _measure_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run an engine call; its user-fixable errors become one-line CLI errors."""
    from rescomm.measure import IndexDataError, IndexSpecError, MeasureWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeasureWarning)
        try:
            return fn(*args, **kwargs)
        except (IndexSpecError, IndexDataError) as exc:
            raise IndexCommandError(str(exc)) from None


def _progress(length: int, label: str) -> Any:
    return click.progressbar(length=length, label=label, file=sys.stderr,
                             show_pos=True, show_eta=True)


@index.command("build")
@_FRAMEWORK
@_DATA
@click.option("--areas", metavar="CODES",
              help="Comma-separated LA and/or area codes to keep in the output "
                   "(ranks stay national).")
@click.option("--out", "-o", required=True, metavar="FILE",
              help="Results file: .csv, .csv.gz or .parquet.")
@click.option("--with-quantiles", is_flag=True,
              help="Add la_code, population, quintiles and within-LA deciles/quintiles.")
@click.option("--la-summary", metavar="FILE",
              help="Also write File 10-style local-authority summaries of the index (CSV).")
@click.option("--log", "log_path", metavar="FILE",
              help="Also write the build description and step log as JSON.")
@click.option("--uncertainty", "runs", type=click.IntRange(min=1), metavar="N",
              help="Run N Monte Carlo replications (weights ±25%, see --weight-noise) and add "
                   "<node>_rank_p05, _rank_median, _rank_p95 and _p_worst_decile columns.")
@click.option("--seed", type=int, help="Seed of the Monte Carlo replications (reproducible).")
@click.option("--weight-noise", type=click.FloatRange(0, 1, max_open=True), default=0.25,
              show_default=True, help="Half-width of the uniform factor on every weight.")
@click.option("--sampling", is_flag=True,
              help="Also resample count indicators (those with a denominator) from their "
                   "binomial/Poisson sampling error in every replication.")
@click.option("--alternatives", metavar="FILE.yaml",
              help="YAML mapping step -> list of alternative parameter blocks to draw from.")
@click.option("--uncertainty-node", "uncertainty_nodes", multiple=True, default=("index",),
              show_default=True, metavar="NODE",
              help="The node whose ranks the uncertainty columns describe (repeat for "
                   "several; each uses the same replications).")
@click.option("--report", metavar="FILE.html",
              help="Also write a self-contained HTML report (map, ranks with intervals, "
                   "audit, method notes).")
@click.option("--boundaries", metavar="FILE",
              help="LSOA polygons (GeoJSON/GeoPackage) for the report's map; default the "
                   "bundled Cheshire & Merseyside boundaries.")
def build_command(framework: str, data: str | None, areas: str | None, out: str,
                  with_quantiles: bool, la_summary: str | None, log_path: str | None,
                  runs: int | None, seed: int | None, weight_noise: float, sampling: bool,
                  alternatives: str | None, uncertainty_nodes: tuple[str, ...],
                  report: str | None,
                  boundaries: str | None) -> None:
    """Build an index and write one row per area: area_code, then for every node
    <node>_score, <node>_rank and <node>_decile (root node: index).

    With --uncertainty N, four more columns per --uncertainty-node (default index) describe
    its rank over the replications: <node>_rank_p05, <node>_rank_median, <node>_rank_p95
    (percentile ranks, 1 = worst) and <node>_p_worst_decile (share of replications in
    decile 1).
    """
    _check_out(out)
    if report:
        _check_out(report, "--report", (".html", ".htm"))
    if runs is None and (sampling or seed is not None or alternatives):
        raise IndexCommandError("--sampling, --seed and --alternatives need --uncertainty N")
    alts = _load_alternatives(alternatives)
    result = _run_build(framework, data)
    nodes = list(dict.fromkeys(uncertainty_nodes))
    results = {}
    if runs:
        times = f" x {len(nodes)} nodes" if len(nodes) > 1 else ""
        label = f"Monte Carlo ({runs:,} replications{times})"
        with _progress(runs * len(nodes), label) as bar:
            for node in nodes:
                results[node] = _measure_call(
                    result.uncertainty, n=runs, seed=seed, weight_noise=weight_noise,
                    alternatives=alts, node=node, sampling=sampling, progress=bar.update)
    u = results.get("index", next(iter(results.values()), None))
    table = result.table() if with_quantiles or areas else result.results
    extra: list[str] = []
    if results:
        table = table.copy()
    for node, res in results.items():
        summary = res.summary.set_index("area_code")
        for src, pattern in UNCERTAINTY_COLUMNS.items():
            name = pattern.format(node=node)
            table[name] = summary[src].reindex(table["area_code"]).to_numpy()
            extra.append(name)
    selected = _select(table, areas, result)
    if not with_quantiles:
        selected = selected[[*result.results.columns, *extra]]
    _write(selected, out)
    if la_summary:
        from rescomm.measure import IndexSpecError

        try:
            result.la_summary().to_csv(la_summary, index=False)
        except IndexSpecError as exc:
            raise IndexCommandError(str(exc)) from None
    if log_path:
        Path(log_path).write_text(json.dumps(result.describe(), indent=2, default=str),
                                  encoding="utf-8")
    click.echo(f"wrote {len(selected)} areas x {len(selected.columns)} columns to {out} "
               f"({result.spec.id} {result.spec.version})", err=True)
    if report:
        from rescomm.measure import write_report

        _measure_call(write_report, result, report, uncertainty=u,
                      boundaries=boundaries or "bundled")
        click.echo(f"wrote report {report}", err=True)


@index.command("sensitivity")
@_FRAMEWORK
@_DATA
@click.option("--n", "base", type=click.IntRange(min=2), default=256, show_default=True,
              help="Base sample size N (a power of 2); runs N x (factors + 2) replications.")
@click.option("--seed", type=int, help="Seed of the design and the bootstrap (reproducible).")
@click.option("--weight-noise", type=click.FloatRange(0, 1, max_open=True), default=0.25,
              show_default=True, help="Half-width of the uniform factor on every weight.")
@click.option("--alternatives", metavar="FILE.yaml",
              help="YAML mapping step -> list of alternative parameter blocks (one factor "
                   "per step).")
@click.option("--by", type=click.Choice(["group", "node"]), default="group",
              show_default=True, help="One factor per group of sibling weights, or per weight.")
@click.option("--node", default="index", show_default=True, help="The node whose ranks vary.")
@click.option("--area", metavar="CODE",
              help="Output = this area's rank (default: mean absolute rank shift).")
@click.option("--out", "-o", metavar="FILE.csv", help="Also write the indices as CSV.")
def sensitivity_command(framework: str, data: str, base: int, seed: int | None,
                        weight_noise: float, alternatives: str | None, by: str, node: str,
                        area: str | None, out: str | None) -> None:
    """Sobol first-order (S1) and total (ST) effects of the weights and step alternatives on
    the ranks, with 95% bootstrap intervals (Saltelli design, SALib)."""
    from rescomm.measure import design_size

    if out:
        _check_out(out, "--out", (".csv",))
    if base & (base - 1):
        raise IndexCommandError(f"--n {base}: use a power of 2 (64, 128, 256, ...)")
    alts = _load_alternatives(alternatives)
    result = _run_build(framework, data)
    total = _measure_call(design_size, result, n=base, weight_noise=weight_noise,
                          alternatives=alts, by=by)
    with _progress(total, f"Sobol design ({total:,} replications)") as bar:
        sens = _measure_call(result.sensitivity, n=base, seed=seed, weight_noise=weight_noise,
                             alternatives=alts, by=by, node=node, area=area,
                             progress=bar.update)
    table = sens.indices[["factor", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]]
    click.echo(f"Output: {sens.settings['output']}; N = {base}, {sens.settings['runs']:,} "
               f"runs; 95% bootstrap percentile intervals")
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if out:
        sens.indices.to_csv(out, index=False)


@index.command("explain")
@_FRAMEWORK
@_DATA
@click.option("--area", required=True, metavar="CODE", help="The area to explain.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
def explain_command(framework: str, data: str | None, area: str, fmt: str) -> None:
    """Show how each indicator contributes to one area's index score.

    Each indicator's value is in its unit (a count divided by its denominator, e.g. percent of
    residents), the same number `rescomm index profile` and the web pages show.
    """
    from rescomm.measure import IndexDataError

    result = _run_build(framework, data)
    try:
        table = result.explain(area.strip())
    except IndexDataError as exc:
        raise IndexCommandError(str(exc)) from None
    row = result.results.set_index("area_code").loc[area.strip()]
    if fmt == "csv":
        click.echo(table.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps({"area_code": area, "index_score": float(row["index_score"]),
                               "index_rank": int(row["index_rank"]),
                               "index_decile": int(row["index_decile"]),
                               "indicators": table.to_dict(orient="records")}, indent=2))
        return
    n = len(result.results)
    click.echo(f"{area}  {result.spec.name}: score {row['index_score']:.3f}, "
               f"rank {int(row['index_rank'])} of {n} (1 = most deprived / least resilient), "
               f"decile {int(row['index_decile'])}")
    shown = table[["indicator", "value", "unit", "normalised", "effective_weight",
                   "contribution", "share"]].copy()
    shown["share"] = (shown["share"] * 100).round(1).astype(str) + "%"
    click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))


from ._index_profile import neighbours_command, profile_command  # noqa: E402

index.add_command(profile_command)
index.add_command(neighbours_command)
