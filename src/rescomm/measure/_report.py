"""A self-contained HTML report of an index build: one file, works offline, no JavaScript.

Sections: a choropleth of the index deciles (inline SVG drawn from LSOA boundaries: the
bundled Cheshire & Merseyside ones by default, or a file the user gives; the report says how
many areas the boundaries cover, and says so plainly when they cover none), ranks with their
Monte Carlo uncertainty intervals (a chart of the 5th-95th percentile rank of every area,
sorted, and tables), Sobol sensitivity indices when given, the statistical audit tables, and
method notes with the spec's description, indicators, step log and references. Every text that
comes from the spec or the data is HTML-escaped.
"""

from __future__ import annotations

import json
import urllib.parse
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _svg
from ._errors import IndexDataError

if TYPE_CHECKING:
    from ._build import Build
    from ._sensitivity import SensitivityResult
    from ._uncertainty import UncertaintyResult

ENGINE_REFERENCES = (
    "Saisana M., Saltelli A., Tarantola S. (2005) Uncertainty and sensitivity analysis "
    "techniques as tools for the quality assessment of composite indicators. J. R. Stat. Soc. "
    "A 168(2):307-323. doi:10.1111/j.1467-985X.2005.00350.x",
    "Saltelli A. et al. (2010) Variance based sensitivity analysis of model output. Design and "
    "estimator for the total sensitivity index. Comput. Phys. Commun. 181(2):259-270. "
    "doi:10.1016/j.cpc.2009.09.018",
    "OECD/JRC (2008) Handbook on Constructing Composite Indicators: Methodology and User "
    "Guide. doi:10.1787/9789264043466-en",
)
_TOP = 20
_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:0;line-height:1.45}
main{max-width:960px;margin:0 auto;padding:16px}
a{color:#1d70b8}a:focus{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px}
header{background:#0b0c0c;color:#fff;padding:12px 16px}header p{margin:4px 0}
h1{font-size:2rem;margin:0 0 8px}h2{font-size:1.5rem;margin-top:40px;border-top:1px solid
#b1b4b6;padding-top:16px}h3{font-size:1.2rem}
table{border-collapse:collapse;margin:12px 0;font-size:.9rem}caption{text-align:left;
font-weight:bold;padding:4px 0}th,td{border-bottom:1px solid #b1b4b6;padding:4px 8px;
text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
.swatch{display:inline-block;width:16px;height:16px;border:1px solid #505a5f;margin-right:4px;
vertical-align:middle}.warning{border-left:6px solid #d4351c;padding:8px 12px;
background:#fff}.note{border-left:6px solid #1d70b8;padding:8px 12px}
svg text{font-size:11px;fill:#0b0c0c}code{font-size:.9em}
"""


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if v.is_integer():
            return f"{v:,.0f}"
        if abs(v) < 10 ** -digits:
            return f"{v:.{digits}g}"
        return f"{v:,.{digits}f}".rstrip("0").rstrip(".")
    return str(value)


def table_html(frame: pd.DataFrame, caption: str, *, digits: int = 3) -> str:
    """An accessible HTML table (caption, column headers with scope); values escaped."""
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = []
        for v in rec:
            numeric = isinstance(v, int | float | np.integer | np.floating) and not isinstance(
                v, bool)
            cls = ' class="n"' if numeric else ""
            cells.append(f"<td{cls}>{escape(_fmt(v, digits))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


# --------------------------------------------------------------------------- boundaries
def _boundaries(build: Build, boundaries: Any) -> tuple[Any, str]:
    """(codes, names, geometries in EPSG:27700) or None, and a description of the source."""
    if boundaries is None or boundaries is False:
        return None, "no boundaries were given"
    from rescomm.geo import read_boundaries

    geography = build.spec.area.geography
    years = {"lsoa11": [2011], "lsoa21": [2021]}.get(geography, [2021, 2011])
    if isinstance(boundaries, tuple):
        return boundaries, "boundaries supplied by the caller"
    best, label = None, ""
    codes = set(map(str, build.area_codes))
    for year in years:
        try:
            if boundaries == "bundled":
                got = read_boundaries(None, year=year)
                source = (f"bundled Cheshire & Merseyside LSOA {year} boundaries (ONS, "
                          "super-generalised, OGL v3.0)")
            else:
                got = read_boundaries(Path(boundaries), year=year)
                source = f"boundaries file {Path(boundaries).name} (LSOA {year})"
        except Exception as exc:  # noqa: BLE001 - a wrong-year file is tried with the other
            if len(years) == 1 or year == years[-1]:
                if best is None:
                    raise IndexDataError(f"report: cannot read boundaries {boundaries}: {exc}"
                                         ) from None
            continue
        hits = sum(str(c) in codes for c in got[0])
        if best is None or hits > best[0]:
            best, label = (hits, got), source
    return (best[1] if best else None), label


def _map_section(build: Build, boundaries: Any, u: UncertaintyResult | None) -> str:
    res = build.results
    n = len(res)
    bnd, source = _boundaries(build, boundaries)
    if bnd is None:
        return (f'<p class="warning">No map: {escape(source)}. Pass a boundaries file '
                "(GeoJSON or GeoPackage of the areas' polygons) to draw one.</p>")
    b_codes, b_names, geoms = bnd
    pos = pd.Index(res["area_code"].astype(str)).get_indexer(pd.Index(b_codes).astype(str))
    keep = pos >= 0
    matched = int(keep.sum())
    if matched == 0:
        return (f'<p class="warning">No boundaries cover these areas: none of the {n:,} area '
                f"codes (e.g. {escape(str(res['area_code'].iloc[0]))}) is in the "
                f"{escape(source)}. Give a boundaries file that holds them to draw a map."
                "</p>")
    pos = pos[keep]
    decile = res["index_decile"].to_numpy(dtype=float, na_value=np.nan)[pos]
    rank = res["index_rank"].to_numpy(dtype=float, na_value=np.nan)[pos]
    names = b_names[keep]
    labels = [f"{c}{' ' + str(nm) if nm else ''}: rank {_fmt(r)} of {n:,}, decile {_fmt(d)}"
              for c, nm, r, d in zip(b_codes[keep], names, rank, decile, strict=True)]
    classes = np.where(np.isnan(decile), -1, np.nan_to_num(decile) - 1).astype(int)
    legend = ["decile 1 (most deprived / least resilient 10%)"] + [
        f"decile {d}" for d in range(2, 10)] + ["decile 10"]
    cover = (f"The map shows {matched:,} of the {n:,} areas (from the {source})"
             + (f"; the other {n - matched:,} areas are outside these boundaries." if
                matched < n else "."))
    out = [f'<p class="note">{escape(cover)}</p>',
           _svg.choropleth(b_codes[keep], labels, geoms[keep], classes,
                           colours=_svg.DECILE_COLOURS, legend=legend,
                           title=f"{build.spec.name}: index decile of each area",
                           desc=f"Choropleth of {matched:,} areas coloured by national index "
                                "decile, darkest = decile 1 (most deprived / least resilient). "
                                "The same values are in the tables below.")]
    if u is not None:
        p = u.summary["p_worst_decile"].to_numpy()[pos]
        bins = np.array([0.0, 1e-12, 0.25, 0.5, 0.75, 1 - 1e-12])
        cls = np.where(np.isnan(p), -1, np.searchsorted(bins, p, side="right") - 1)
        colours = ("#fde725", "#6ece58", "#1f9e89", "#31688e", "#482878", "#440154")
        legend = ["0%", "up to 25%", "25–50%", "50–75%", "75% to under 100%", "100%"]
        labels = [f"{lab}: P(worst decile) = {_fmt(v, 2)}" for lab, v in
                  zip(b_codes[keep], p, strict=True)]
        out.append("<h3>Probability of being in the worst decile</h3>")
        out.append(_svg.choropleth(
            b_codes[keep], labels, geoms[keep], cls.astype(int), colours=colours,
            legend=legend, title="Probability of being in the worst decile",
            desc=f"Share of the {u.settings.get('n', len(u.ranks)):,} Monte Carlo "
                 "replications in which each area falls in decile 1; darkest = always."))
    return "".join(out)


# --------------------------------------------------------------------------- sections
def _describe_uncertainty(u: UncertaintyResult) -> str:
    s = u.settings
    parts = [f"{s.get('n', len(u.ranks)):,} Monte Carlo replications (seed "
             f"{s.get('seed')}) of the ranks of <code>{escape(u.node)}</code>"]
    if s.get("weight_noise"):
        parts.append(f"every weight multiplied by a uniform factor in ±{s['weight_noise']:.0%}"
                     " and rescaled within its group")
    for step, options in (s.get("alternatives") or {}).items():
        opts = "; ".join(escape(json.dumps(o, sort_keys=True)) for o in options)
        parts.append(f"{escape(step)} drawn from {opts}")
    if s.get("sampling"):
        models = ", ".join(f"{escape(k)} ({escape(v)})" for k, v in s["sampling"].items())
        parts.append(f"counts resampled from their sampling error: {models}")
    return "<p>" + "; ".join(parts) + ".</p>"


def _ranks_section(build: Build, u: UncertaintyResult | None) -> str:
    res = build.results
    n = int(res["index_rank"].notna().sum())
    if u is None:
        top = res.sort_values("index_rank").head(_TOP)[
            ["area_code", "index_score", "index_rank", "index_decile"]]
        return ('<p class="note">No uncertainty analysis was run (use '
                "<code>--uncertainty N</code> or <code>build.uncertainty(n=...)</code>), so "
                "ranks are shown without intervals.</p>"
                + table_html(top, f"The {_TOP} areas ranked most deprived / least resilient"))
    s = u.summary
    chart, step = _svg.interval_chart(
        s["nominal_rank"].to_numpy(float), s["p05_rank"].to_numpy(float),
        s["p95_rank"].to_numpy(float), s["median_rank"].to_numpy(float), n_ranked=n,
        title="Rank of every area with its 90% Monte Carlo interval",
        desc="Areas sorted by nominal rank from left to right; each vertical line runs from "
             "the 5th to the 95th percentile rank over the replications and the mark is the "
             "median rank. The dashed diagonal is the nominal rank.")
    width = (s["p95_rank"] - s["p05_rank"]).to_numpy(float)
    text = (f"<p>Median width of the 90% rank interval: {_fmt(float(np.nanmedian(width)), 1)} "
            f"places; widest: {_fmt(float(np.nanmax(width)), 1)} places.</p>")
    if step > 1:
        text += (f"<p>The chart draws every {step}th area in rank order ({len(s):,} areas in "
                 "all); the CSV download holds them all.</p>")
    cols = ["area_code", "nominal_rank", "median_rank", "p05_rank", "p95_rank",
            "p_worst_decile"]
    top = s.sort_values("nominal_rank").head(_TOP)[cols]
    unsure = s[(s["p_worst_decile"] > 0.05) & (s["p_worst_decile"] < 0.95)]
    closest = unsure.assign(_d=(unsure["p_worst_decile"] - 0.5).abs()).sort_values(
        "_d").head(_TOP)[cols]
    return (_describe_uncertainty(u) + chart + text
            + table_html(top, f"The {_TOP} areas ranked most deprived / least resilient, "
                              "with their rank intervals")
            + f"<p>{len(unsure):,} areas are in the worst decile in between 5% and 95% of "
              "replications (their decile-1 membership is uncertain).</p>"
            + (table_html(closest, "Areas whose worst-decile membership is least certain")
               if len(closest) else ""))


def _sensitivity_section(sens: SensitivityResult) -> str:
    st = sens.settings
    t = sens.indices[["factor", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]]
    return (f"<p>Output: {escape(str(st.get('output')))}. {escape(str(st.get('method')))}; "
            f"N = {st.get('n')}, {st.get('runs'):,} runs, seed {st.get('seed')}, "
            f"{st.get('confidence', 0.95):.0%} bootstrap percentile intervals.</p>"
            + table_html(t, "Sobol first-order (S1) and total (ST) indices"))


def _audit_section(build: Build) -> str:
    a = build.audit()
    ind = a["indicators"][["indicator", "availability", "min", "max", "mean", "sd", "skew",
                           "kurtosis", "flag_availability", "flag_skew_kurtosis",
                           "effective_weight"]]
    corr = a["correlations"]
    flagged = corr[corr["flag"] != "ok"]
    out = [table_html(ind, "Indicators as entered (after denominators): statistics, COINr "
                           "flags and effective weight in the index"),
           table_html(a["groups"], "Groups: Cronbach's alpha, mean inter-child correlation, "
                                   "share of variance on the first principal component")]
    if len(flagged):
        out.append(table_html(flagged, f"Flagged correlations ({len(flagged)} of "
                                       f"{len(corr)}): collinear siblings (|r| > 0.9) or "
                                       "negative"))
    else:
        out.append(f"<p>None of the {len(corr):,} parent and sibling correlations is flagged "
                   "(collinear |r| > 0.9, or negative).</p>")
    loo = a["leave_one_out"]
    out.append(table_html(loo, "Leave one indicator out: how far the index ranks move when "
                               "each indicator is removed (places; share of areas changing "
                               "decile; Spearman correlation with the nominal ranks)"))
    cross = a["cross_group"]
    closer = cross[cross["flag"] != "ok"]
    if len(closer):
        out.append(table_html(closer, "Indicators correlating more with another group than "
                                      "with their own (check the grouping)"))
    return "".join(out)


def _method_section(build: Build) -> str:
    spec = build.spec
    rows = []
    for ind in spec.indicators:
        rows.append({"indicator": ind.id, "name": ind.name, "parent": ind.parent,
                     "column": build.columns_used.get(ind.id, ind.source.column),
                     "unit": ind.unit, "direction": "+1" if ind.direction > 0 else "−1",
                     "weight": ind.weight,
                     "denominator": ind.denominator.ref.column if ind.denominator else ""})
    steps = pd.DataFrame([{"step": r.step, "parameters": json.dumps(r.params, sort_keys=True,
                                                                     default=str)}
                          for r in build.log])
    refs = "".join(f"<li>{escape(r)}</li>" for r in (*spec.references, *ENGINE_REFERENCES))
    polarity = ("higher scores are worse (more deprived)" if spec.polarity == "higher_is_worse"
                else "higher scores are better (more resilient)")
    return (f"<p>{escape(spec.description or spec.name)}</p>"
            f"<p>Polarity: {polarity}. Ranks: 1 = most deprived / least resilient; decile 1 "
            "= the worst 10% (ceil(rank × 10 / n)).</p>"
            + table_html(pd.DataFrame(rows), "Indicators")
            + table_html(steps, "Pipeline steps as run (from the build log)")
            + f"<h3>References</h3><ul>{refs}</ul>")


def _download(build: Build, u: UncertaintyResult | None) -> str:
    cols = ["area_code", "index_score", "index_rank", "index_decile"]
    table = build.results[cols].copy()
    if u is not None:
        s = u.summary.set_index("area_code")
        for src, dst in (("p05_rank", "index_rank_p05"), ("median_rank", "index_rank_median"),
                         ("p95_rank", "index_rank_p95"),
                         ("p_worst_decile", "index_p_worst_decile")):
            table[dst] = s[src].reindex(table["area_code"]).to_numpy()
    data = urllib.parse.quote(table.to_csv(index=False))
    return (f'<p><a href="data:text/csv;charset=utf-8,{data}" download="'
            f'{escape(build.spec.id)}_results.csv">Download the index results'
            f"{' with rank intervals' if u is not None else ''} (CSV, {len(table):,} areas)"
            "</a></p>")


def render_report(build: Build, *, uncertainty: UncertaintyResult | None = None,
                  sensitivity: SensitivityResult | None = None,
                  boundaries: Any = "bundled", title: str | None = None) -> str:
    """The report as one HTML string (see :func:`write_report`)."""
    from rescomm import __version__

    spec = build.spec
    title = title or f"{spec.name}: index report"
    n = len(build.results)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [("map", "Map", _map_section(build, boundaries, uncertainty)),
                ("ranks", "Ranks and uncertainty", _ranks_section(build, uncertainty))]
    if sensitivity is not None:
        sections.append(("sensitivity", "Sensitivity (Sobol indices)",
                         _sensitivity_section(sensitivity)))
    sections += [("audit", "Statistical audit", _audit_section(build)),
                 ("method", "Method and references", _method_section(build))]
    nav = "".join(f'<li><a href="#{k}">{escape(t)}</a></li>' for k, t, _ in sections)
    body = "".join(f'<section id="{k}" aria-labelledby="{k}-h"><h2 id="{k}-h">{escape(t)}</h2>'
                   f"{html}</section>" for k, t, html in sections)
    return (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
            f'<a class="skip" href="#main">Skip to main content</a>'
            f"<header><h1>{escape(title)}</h1><p>{escape(spec.name)} (<code>"
            f"{escape(spec.id)}</code> version {escape(spec.version)}), {n:,} areas. Generated "
            f"{when} by rescomm {escape(__version__)}.</p></header>"
            f'<main id="main"><nav aria-label="Contents"><h2>Contents</h2><ul>{nav}</ul></nav>'
            f"{_download(build, uncertainty)}{body}</main></body></html>")


def write_report(build: Build, path: str | Path, *,
                 uncertainty: UncertaintyResult | None = None,
                 sensitivity: SensitivityResult | None = None,
                 boundaries: Any = "bundled", title: str | None = None) -> Path:
    """Write a self-contained HTML report of ``build`` to ``path`` (one file, offline).

    Parameters
    ----------
    build : Build
    path : str or Path
        The ``.html`` file to write; its folder must exist.
    uncertainty : UncertaintyResult, optional
        Adds rank intervals (chart and tables), a map of P(worst decile) and the CSV columns
        ``index_rank_p05/_median/_p95`` and ``index_p_worst_decile``.
    sensitivity : SensitivityResult, optional
        Adds the Sobol indices table.
    boundaries : ``"bundled"`` (default), a GeoJSON/GeoPackage path, ``None``, or a tuple
        ``(codes, names, geometries in EPSG:27700)``
        Polygons for the map: the bundled Cheshire & Merseyside LSOA boundaries of the
        spec's geography, your own file, or no map. The report states how many areas the
        boundaries cover, and plainly when they cover none.
    title : str, optional

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    IndexDataError
        If the folder does not exist or the boundaries file cannot be read (nothing is
        written).
    """
    out = Path(path)
    if not out.parent.is_dir():
        raise IndexDataError(f"report: folder {out.parent} does not exist")
    html = render_report(build, uncertainty=uncertainty, sensitivity=sensitivity,
                         boundaries=boundaries, title=title)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out
