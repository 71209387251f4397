"""Insight pages: home map, postcode search, LSOA table and LSOA profile. All public (GET)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from rescomm import data as bundled
from rescomm.web.areas import public as geography
from rescomm.web.core.errors import error_response
from rescomm.web.profiles import public as profiles_public

from . import index_queries
from .choropleth import DECILE_COLOURS, decile_label, outline_svg, palette_json
from .forms import LsoaTableForm, PostcodeSearchForm
from .maps import home_map_svg

PAGE_SIZE = 100
_POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def _legend() -> list[dict]:
    return [
        {
            "decile": d,
            "colour": c,
            "label": decile_label(d),
        }
        for d, c in DECILE_COLOURS.items()
    ]


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """``/``: the IMD 2025 decile map, LA summary table and the postcode search form."""
    load = geography.current_load()
    context = {
        "form": PostcodeSearchForm(),
        "load": load,
        "map_svg": home_map_svg(label_id="map-heading") if load else "",
        "legend": _legend(),
        "palette_json": palette_json(),
        "summary": geography.decile_summary(),
        "deciles": range(1, 11),
        "edition": geography.IMD_EDITION,
        "geojson_url": reverse("api:lsoa21_geojson"),
    }
    return render(request, "insight/home.html", context)


@require_safe
def postcode_search(request: HttpRequest) -> HttpResponse:
    """``/search/?postcode=...``: redirect to the postcode's LSOA page, or show what is wrong."""
    if "postcode" not in request.GET:
        return render(request, "insight/search.html", {"form": PostcodeSearchForm()})
    form = PostcodeSearchForm(request.GET)
    if form.is_valid():
        record = form.cleaned_data["record"]
        url = reverse("insight:lsoa21-detail", args=[form.cleaned_data["lsoa21_code"]])
        return redirect(f"{url}?{urlencode({'postcode': record.get('postcode', '')})}")
    return render(request, "insight/search.html", {"form": form}, status=400)


@require_safe
def lsoa_table(request: HttpRequest) -> HttpResponse:
    """``/areas/lsoa21/``: every loaded LSOA with IMD rank and decile; filter, sort, paginate."""
    form = LsoaTableForm(request.GET or None)
    status = 200
    params: dict = {}
    if form.is_bound:
        if form.is_valid():
            params = form.cleaned_data
        else:
            status = 400
    sort = params.get("sort") or "rank"
    descending = params.get("order") == "desc"
    rows = geography.lsoa_table(
        lad=params.get("lad") or None,
        decile=params.get("decile"),
        search=params.get("q") or None,
        sort=sort,
        descending=descending,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(params.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    sort_links = {}
    for key in ("code", "name", "lad", "population", "rank", "decile"):
        link = query.copy()
        link["sort"] = key
        link["order"] = "desc" if (key == sort and not descending) else "asc"
        state = ("descending" if descending else "ascending") if key == sort else "none"
        sort_links[key] = {"url": "?" + link.urlencode(), "aria_sort": state}
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort_links": sort_links,
        "ranked_areas": geography.IMD_RANKED_AREAS[geography.IMD_EDITION],
        "edition": geography.IMD_EDITION,
    }
    return render(request, "insight/lsoa_table.html", context, status=status)


@require_safe
def lsoa_detail(request: HttpRequest, code: str) -> HttpResponse:
    """``/areas/lsoa21/<code>/``: one LSOA's profile (404 page; says so for a 2011 code)."""
    canonical = geography.normalise_code(code)
    if canonical != code and re.fullmatch(geography.LSOA_CODE_PATTERN, canonical):
        return redirect("insight:lsoa21-detail", canonical, permanent=True)
    try:
        lsoa = geography.get_lsoa(code)
    except geography.LsoaNotFoundError as exc:
        return error_response(
            request,
            404,
            "lsoa11_code" if exc.is_2011_code else "not_found",
            exc.message,
            template="insight/lsoa_not_found.html",
            context={"code": exc.code, "successors": exc.successors, "is_2011": exc.is_2011_code},
        )
    scores = geography.domain_scores(lsoa)
    overall = next((s for s in scores if s.domain == "imd"), None)
    postcode_note = _postcode_note(request.GET.get("postcode", ""), lsoa.code)
    largest_band = max((band["count"] for band in lsoa.population_by_age), default=0)
    context = {
        "lsoa": lsoa,
        "overall": overall,
        "scores": scores,
        "edition": geography.IMD_EDITION,
        "ranked_areas": geography.IMD_RANKED_AREAS[geography.IMD_EDITION],
        "outline": outline_svg(lsoa.boundary, title=f"Outline of {lsoa.name}"),
        "decile_colour": DECILE_COLOURS.get(overall.decile) if overall else None,
        "postcode_note": postcode_note,
        "index_runs": index_queries.runs_for_area(lsoa.code),
        "la_profiles": profiles_public.local_authority_profiles(
            getattr(lsoa.local_authority, "code", "")),
        "age_bands": [
            {
                **band,
                "percent": 100 * band["count"] / lsoa.population if lsoa.population else 0,
                "bar": round(100 * band["count"] / largest_band) if largest_band else 0,
            }
            for band in lsoa.population_by_age
        ],
    }
    return render(request, "insight/lsoa_detail.html", context)


def _postcode_note(text: str, lsoa_code: str) -> dict | None:
    """``{"postcode", "exact"}`` if ``text`` is a postcode in this LSOA (else None, silently)."""
    text = text.strip().upper()
    if not text or len(text) > 10 or not _POSTCODE_SHAPE.match(text):
        return None
    try:
        record = geography.lookup_postcode(text)
    except geography.geo_errors():
        return None
    fields = geography.record_as_dict(record)
    if fields.get("lsoa21_code") != lsoa_code:
        return None
    return {"postcode": fields["postcode"], "exact": getattr(record, "lsoa21_exact", True)}


@require_safe
def sources(request: HttpRequest) -> HttpResponse:
    """``/about/data/``: where the bundled data come from, with attribution statements."""
    manifest = bundled.manifest()
    tables = [{"name": name, **entry} for name, entry in manifest["files"].items()]
    return render(
        request,
        "insight/sources.html",
        {"tables": tables, "load": geography.current_load()},
    )
