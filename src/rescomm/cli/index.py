"""``rescomm index``: build composite indices (IMD, resilience) from a framework and a data file.

Commands: ``frameworks`` (list the built-in ones), ``build`` (write the results table),
``explain`` (contribution of each indicator to one area's score), and, in ``_index_profile.py``,
``profile`` (assets, vulnerabilities and quadrant of one area) and ``neighbours``. The engine is
:mod:`rescomm.measure`, imported only when a command runs so that ``rescomm --help`` stays fast.
Errors a user can fix (bad spec, missing/misspelt columns, non-numeric values, duplicate,
unknown or mixed-vintage area codes) are one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
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


def _run_build(framework: str, data: str | None) -> Build:
    from rescomm.measure import IndexDataError, IndexSpecError, MeasureWarning, build

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MeasureWarning)
        try:
            result = build(framework, data)
        except (IndexSpecError, IndexDataError) as exc:
            raise IndexCommandError(str(exc)) from None
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


def _write(table: pd.DataFrame, out: str) -> None:
    path = Path(out)
    name = path.name.lower()
    if not name.endswith(_OUT_FORMATS):
        raise IndexCommandError(f"--out {out}: use a .csv, .csv.gz or .parquet file name")
    if path.parent and not path.parent.exists():
        raise IndexCommandError(f"--out {out}: folder {path.parent} does not exist")
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
_DATA = click.option("--data", "-d", metavar="FILE|FOLDER", type=click.Path(),
                     help="One row per area: CSV, CSV.gz, Parquet or Excel; for warm/capitals "
                          "also a folder of the official files (all England). Optional for "
                          "built-in frameworks: their bundled C&M inputs are used (ranks "
                          "within C&M).")


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
def build_command(framework: str, data: str | None, areas: str | None, out: str,
                  with_quantiles: bool, la_summary: str | None, log_path: str | None) -> None:
    """Build an index and write one row per area: area_code, then for every node
    <node>_score, <node>_rank and <node>_decile (root node: index)."""
    result = _run_build(framework, data)
    table = result.table() if with_quantiles or areas else result.results
    selected = _select(table, areas, result)
    if not with_quantiles:
        selected = selected[result.results.columns]
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


@index.command("explain")
@_FRAMEWORK
@_DATA
@click.option("--area", required=True, metavar="CODE", help="The area to explain.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
def explain_command(framework: str, data: str | None, area: str, fmt: str) -> None:
    """Show how each indicator contributes to one area's index score."""
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
    shown = table[["indicator", "raw", "normalised", "effective_weight", "contribution",
                   "share"]].copy()
    shown["share"] = (shown["share"] * 100).round(1).astype(str) + "%"
    click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))


from ._index_profile import neighbours_command, profile_command  # noqa: E402

index.add_command(profile_command)
index.add_command(neighbours_command)
