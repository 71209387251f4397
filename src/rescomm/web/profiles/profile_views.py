"""Profile pages (public, read-only): the list of named profiles, and one profile for one area
with a Fingertips-style spine chart, its data table and downloads (CSV, SVG)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from rescomm.indicators import (
    OUTCOME_STYLES,
    ProfileDefinition,
    SpineRow,
    format_value,
    load_profiles,
    marker_svg,
    outcome_style,
    spine_chart_svg,
    spine_row_svg,
)

from . import store
from .views import POLARITY_WORDS

#: The comparison set is "all English" authorities when the store holds at least this many.
ALL_ENGLAND_AT = 150
CSV_HEADER = ["indicator_id", "indicator", "period", "sex", "age", "count", "value",
              "lower_95", "upper_95", "england", "worst_or_lowest", "percentile_25",
              "percentile_75", "best_or_highest", "significance_95", "polarity",
              "comparison_areas", "release"]


@lru_cache(maxsize=1)
def profiles() -> dict[str, ProfileDefinition]:
    return load_profiles()


@dataclass
class Context:
    definition: ProfileDefinition
    area_type: store.AreaType
    code: str
    name: str
    rows: list
    caption: str


def _context(profile: str, area_type: str, code: str) -> Context:
    definition = profiles().get(profile)
    if definition is None:
        raise Http404(f"There is no profile '{profile}'; profiles: {', '.join(profiles())}.")
    kind = store.AREA_TYPES.get(area_type)
    if kind is None:
        raise Http404(f"Profiles are not available for area type '{area_type}'; "
                      f"area types: {', '.join(store.AREA_TYPES)}.")
    name = store.area_name(kind, code)
    if name is None:
        raise Http404(f"There is no {kind.name} '{code}' in the indicator store.")
    rows = store.profile_rows(definition, kind, code)
    return Context(definition, kind, code, name, rows, _caption(rows, kind))


def _caption(rows, kind: store.AreaType) -> str:
    names = sorted({n for row in rows for n in row.comparison_names})
    if not names:
        return "No comparison areas."
    if len(names) >= ALL_ENGLAND_AT:
        return (f"The grey bars summarise all {len(names)} English {kind.plural} "
                f"(counties and unitary authorities) in the data.")
    return (f"The grey bars summarise the {len(names)} {kind.plural} in the data "
            f"({', '.join(names)}), not all English {kind.plural}: the loaded extract holds "
            f"no others. England's value is the centre line.")


def _spine_row(row: store.ProfileRow, area_name: str) -> SpineRow:
    return SpineRow(indicator=row.indicator.name, period=row.period or "no data",
                    area_name=area_name, value=row.value, outcome=row.outcome,
                    scale=row.scale, value_text=format_value(row.value))


def _table_row(row: store.ProfileRow, index: int, area_name: str) -> dict:
    s = row.scale
    spine = _spine_row(row, area_name)
    style = outcome_style(row.outcome)
    return {
        "row": row, "id": row.indicator.indicator_id, "index": index,
        "count": "" if row.count is None else f"{row.count:,.0f}",
        "value": format_value(row.value) if row.value is not None else "no value",
        "interval": ("" if row.lower_95 is None or row.upper_95 is None else
                     f"{format_value(row.lower_95)} to {format_value(row.upper_95)}"),
        "england": format_value(row.england),
        "worst": format_value(s.worst) if s else "",
        "q25": format_value(s.q25) if s else "",
        "q75": format_value(s.q75) if s else "",
        "best": format_value(s.best) if s else "",
        "significance": style.words if row.value is not None else "no value",
        "marker": _marker(row.outcome),
        "polarity": POLARITY_WORDS.get(row.indicator.polarity, row.indicator.polarity),
        "svg": spine_row_svg(spine, ident=f"spine-{index}") if row.period else "",
    }


def _marker(outcome: str) -> str:
    style = outcome_style(outcome)
    return (f'<svg class="marker" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" '
            f'focusable="false">{marker_svg(style.shape, 7, 7, 6, style.fill)}</svg>')


def _releases(rows) -> list:
    seen = {}
    for row in rows:
        release = row.indicator.current_release
        seen[release.pk] = release
    return [seen[k] for k in sorted(seen)]


@require_safe
def profile_list(request: HttpRequest) -> HttpResponse:
    """``/profiles/``: every named profile with its indicators and the areas it covers."""
    kind = store.AREA_TYPES["la"]
    areas = store.areas_of_type(kind)
    items = []
    for definition in profiles().values():
        found = store.indicators_by_id([i.indicator_id for i in definition.indicators])
        items.append({"definition": definition,
                      "indicators": [found.get(i.indicator_id) or i.indicator_id
                                     for i in definition.indicators]})
    return render(request, "profiles/profile_list.html",
                  {"profiles": items, "areas": areas, "area_type": kind})


@require_safe
def profile_area(request: HttpRequest, profile: str, area_type: str, code: str) -> HttpResponse:
    """``/profiles/<profile>/<area_type>/<code>/``: the spine chart and its table."""
    ctx = _context(profile, area_type, code)
    shown = {r.indicator.indicator_id for r in ctx.rows}
    missing = [i.indicator_id for i in ctx.definition.indicators if i.indicator_id not in shown]
    table = [_table_row(r, n, ctx.name) for n, r in enumerate(ctx.rows, start=1)]
    key = [{"words": OUTCOME_STYLES[o].words, "marker": _marker(o)}
           for o in ("better", "similar", "worse", "higher", "lower", "not compared")]
    others = [(c, n) for c, n in store.areas_of_type(ctx.area_type) if c != code]
    return render(request, "profiles/profile_area.html", {
        "definition": ctx.definition, "area_type": ctx.area_type, "code": code,
        "name": ctx.name, "table": table, "caption": ctx.caption, "missing": missing,
        "releases": _releases(ctx.rows), "key": key, "others": others})


@require_safe
def profile_area_csv(request: HttpRequest, profile: str, area_type: str,
                     code: str) -> HttpResponse:
    """The page's table as CSV (unrounded numbers)."""
    ctx = _context(profile, area_type, code)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in ctx.rows:
        s = row.scale
        writer.writerow([
            row.indicator.indicator_id, row.indicator.name, row.period, row.sex, row.age,
            _cell(row.count), _cell(row.value), _cell(row.lower_95), _cell(row.upper_95),
            _cell(row.england), _cell(s and s.worst), _cell(s and s.q25), _cell(s and s.q75),
            _cell(s and s.best), row.outcome if row.value is not None else "no value",
            row.indicator.polarity, len(row.comparison_names),
            row.indicator.current_release_id])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="{profile}-{area_type}-'
                                       f'{code}.csv"')
    return response


def _cell(x) -> str:
    return "" if x is None else repr(float(x))


@require_safe
def profile_area_svg(request: HttpRequest, profile: str, area_type: str,
                     code: str) -> HttpResponse:
    """The whole spine chart as a standalone SVG file."""
    ctx = _context(profile, area_type, code)
    releases = ", ".join(f"release {r.pk} ({r.content_hash[:12]})" for r in _releases(ctx.rows))
    svg = spine_chart_svg([_spine_row(r, ctx.name) for r in ctx.rows],
                          title=f"{ctx.definition.name}: {ctx.name} compared with England",
                          caption=f"{ctx.caption} Significance at 95% against England's value. "
                                  f"Data: {releases}.")
    response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
                            content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="{profile}-{area_type}-'
                                       f'{code}.svg"')
    return response
