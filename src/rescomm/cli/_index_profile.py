"""``rescomm index profile`` and ``rescomm index neighbours``: WARM-style area profiles.

``profile`` prints one area's assets and vulnerabilities (indicators significantly better or
worse than expected for comparable areas) and its wellbeing x resilience quadrant;
``neighbours`` lists an area's statistical neighbours. The engine is
:func:`rescomm.measure.assets_vulnerabilities`, :func:`rescomm.measure.statistical_neighbours`
and :func:`rescomm.measure.wellbeing_resilience_quadrant`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from .index import _DATA, _FRAMEWORK, IndexCommandError, _message, _run_build, data_table

if TYPE_CHECKING:
    import pandas as pd

_COMPARATORS = ("all", "region", "la", "neighbours")


def _neighbour_data(data: str | None) -> pd.DataFrame:
    """The indicator table: bundled C&M, a folder of official files, or a table file."""
    from pathlib import Path

    from rescomm.data import IndicatorFileError, load_indicators, read_indicators
    from rescomm.measure import IndexDataError, read_table

    try:
        if data is None:
            return load_indicators()
        if Path(data).is_dir():
            return read_indicators(data)
        table = data_table(data)  # read in --encoding, if given
        return read_table(data) if table is data else table
    except (IndicatorFileError, IndexDataError) as exc:
        raise IndexCommandError(_message(exc)) from None


@click.command("profile")
@_FRAMEWORK
@_DATA
@click.option("--area", required=True, metavar="CODE", help="The area (LSOA 2021 code).")
@click.option("--comparator", "-c", default="all", show_default=True,
              help="Comparable areas: all (every area in the build: Cheshire & Merseyside for "
                   "the bundled inputs, England with --data of all England), region, la, "
                   "neighbours, or a data column of group labels; england is accepted for a "
                   "build of all of England.")
@click.option("--expected", type=click.Choice(["mean", "regression"]), default="mean",
              show_default=True,
              help="Expected value: the comparator mean, or a regression on the IMD score.")
@click.option("--k", default=10, show_default=True, help="Statistical neighbours (comparator "
                                                         "neighbours).")
@click.option("--confidence", default=0.95, show_default=True, type=float,
              help="Confidence level as a fraction (0.95, or 0.998 for Fingertips' 99.8%).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
def profile_command(framework: str, data: str | None, area: str, comparator: str,
                    expected: str, k: int, confidence: float, fmt: str) -> None:
    """Assets and vulnerabilities of one area, and its wellbeing x resilience quadrant.

    An indicator is an asset where the area is significantly better than expected for
    comparable areas, a vulnerability where significantly worse (Wilson interval for counts,
    standardised residual otherwise). Without --data the bundled C&M inputs are used, so the
    default comparator, all, then means all 1,601 C&M areas ("compared with:" says which).
    """
    from rescomm.measure import (
        IndexDataError,
        IndexSpecError,
        assets_vulnerabilities,
        wellbeing_resilience_quadrant,
    )

    result = _run_build(framework, data)
    area = area.strip()
    try:
        table = assets_vulnerabilities(result, comparator=comparator, expected=expected, k=k,
                                       confidence=confidence, areas=[area])
    except (IndexDataError, IndexSpecError) as exc:
        raise IndexCommandError(str(exc)) from None
    quadrant = None
    if {"self", "support", "systems"} <= set(result.spec.node_ids):
        q = wellbeing_resilience_quadrant(result)
        quadrant = q.set_index("area_code").loc[area].to_dict() | {
            "wellbeing_cut": q.attrs["wellbeing_cut"],
            "resilience_cut": q.attrs["resilience_cut"]}
    row = result.results.set_index("area_code").loc[area]
    if fmt == "csv":
        click.echo(table.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps({
            "area_code": area, "framework": result.spec.id,
            "index_score": float(row["index_score"]), "index_rank": int(row["index_rank"]),
            "areas": len(result.results), "quadrant": quadrant,
            "comparator": table.attrs["comparator"], "confidence": confidence,
            "indicators": table.to_dict(orient="records")}, indent=2, default=str))
        return
    n = len(result.results)
    click.echo(f"{area}  {result.spec.name}: score {row['index_score']:.1f}, rank "
               f"{int(row['index_rank'])} of {n} (1 = most deprived / least resilient)")
    if quadrant is not None:
        click.echo(f"quadrant: {quadrant['quadrant']} (wellbeing {quadrant['wellbeing_score']:.1f}"
                   f" vs median {quadrant['wellbeing_cut']:.1f}; resilience "
                   f"{quadrant['resilience_score']:.1f} vs median "
                   f"{quadrant['resilience_cut']:.1f})")
    click.echo(f"compared with: {table.attrs['comparator']}, expected = {expected}, "
               f"{confidence:.1%} level")
    for status, title in (("asset", "Assets"), ("vulnerability", "Vulnerabilities")):
        sel = table[table["status"] == status]
        click.echo(f"\n{title} ({len(sel)}):")
        for r in sel.itertuples():
            unit = f" {r.unit}" if r.unit else ""
            click.echo(f"  {r.domain:<8} {r.name}: {r.value:.4g}{unit} (expected "
                       f"{r.expected:.4g}, {r.better_is} is better)")
    other = table[~table["status"].isin(["asset", "vulnerability"])]
    click.echo(f"\nAs expected or not compared ({len(other)}): "
               + ", ".join(other["indicator"]))


@click.command("neighbours")
@_DATA
@click.option("--area", required=True, metavar="CODE", help="The area (LSOA 2021 code).")
@click.option("--k", default=10, show_default=True, help="Number of neighbours.")
@click.option("--variables", metavar="LIST",
              help="Comma-separated columns (or numerator/denominator) to match on; default "
                   "IMD score, share aged 65+, share renting socially.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
def neighbours_command(data: str | None, area: str, k: int, variables: str | None,
                       fmt: str) -> None:
    """Statistical neighbours of one area: the k most similar areas on standardised context
    variables (weighted Euclidean distance on z-scores, as CIPFA nearest neighbours)."""
    from rescomm.measure import (
        DEFAULT_NEIGHBOUR_VARIABLES,
        IndexDataError,
        statistical_neighbours,
    )

    table = _neighbour_data(data)
    chosen = ([v.strip() for v in variables.split(",") if v.strip()] if variables
              else list(DEFAULT_NEIGHBOUR_VARIABLES))
    try:
        nb = statistical_neighbours(table, chosen, k=k, areas=[area.strip()])
    except IndexDataError as exc:
        raise IndexCommandError(str(exc)) from None
    for col in ("lsoa21_name", "lad_name"):
        if col in table.columns:
            nb[col.replace("lsoa21_", "")] = nb["neighbour_code"].map(
                table.set_index("lsoa21_code")[col].astype(str))
    if fmt == "csv":
        click.echo(nb.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps({"area_code": area, "variables": chosen,
                               "neighbours": nb.to_dict(orient="records")}, indent=2))
        return
    click.echo(f"{area}: {k} nearest areas on {', '.join(chosen)} (z-scores, Euclidean)")
    click.echo(nb.drop(columns="area_code").to_string(index=False,
                                                       float_format=lambda v: f"{v:.3f}"))
