"""Public asset pages (list + map, asset page, report a problem) and moderators' history pages.

Views authenticate, authorise and validate; services in ``services.py`` change state. Everything
works without JavaScript: the map is an enhancement over the list.
"""

from __future__ import annotations

import math
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rescomm.web.accounts.public import Role, client_ip, role_required, take_report, take_suggestion
from rescomm.web.core.maptiles import tile_layer

from . import basemap, opening, public, services
from .forms import DEFAULT_RADIUS, AssetSearchForm, ProblemReportForm, radius_label
from .labels import category_label, readable, review_rows
from .labels import field_label as label_of
from .models import AssetStatus, Service

PAGE_SIZE = 25
#: Most results the map shows at once (clustered); beyond it the map shows one page of results.
MAP_LIMIT = 2000
#: What the list shows of each asset's locations.
LOCATIONS = "service_at_locations__location__addresses"


def open_at(when) -> Q:
    """Services with a weekly schedule open at ``when`` (local time)."""
    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[when.weekday()]
    now = when.time().replace(second=0, microsecond=0)
    return Q(schedules__byday__contains=day, schedules__opens_at__lte=now,
             schedules__closes_at__gt=now)


def _published():
    return public.published()


def _categories() -> list[str]:
    return sorted(set(_published().exclude(category="").values_list("category", flat=True)))


@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    form = AssetSearchForm(request.GET or None, categories=_categories())
    qs = _published()
    searched_near = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("q"):
        qs = qs.filter(Q(name__icontains=data["q"]) | Q(description__icontains=data["q"]))
    for key in ("capital", "need"):
        if data.get(key):
            taxonomy = services.CAPITALS if key == "capital" else services.NEEDS
            qs = qs.filter(attributes__taxonomy_term__code=data[key],
                           attributes__taxonomy_term__taxonomy__code=taxonomy)
    if data.get("category"):
        qs = qs.filter(category=data["category"])
    if data.get("open_now"):
        qs = qs.filter(open_at(timezone.localtime()))
    qs = qs.distinct()
    choices = []
    if data.get("place") and form.place_choices:
        # Each choice carries the radius in use, so the page it opens searches that radius.
        base = [(k, v) for k, v in request.GET.items()
                if k not in ("page", "place_code", "place", "radius") and v]
        choices = [{"label": p.label, "query": urlencode(
            [*base, ("radius", data["radius"]), ("place", p.name), ("place_code", p.code)])}
            for p in form.place_choices]
    # Several places match the name: the page offers the choice and lists nothing yet.
    near_ids: list[tuple[object, float]] | None = [] if choices else None
    near_points: dict[object, dict] = {}
    if not choices and (data.get("postcode") or data.get("place")):
        radius = data["radius"]
        east, north = form.point
        label = data["postcode"] or form.place.label
        searched_near = _searched(label, east, north, radius,
                                  short=data["postcode"] or form.place.name)
        # the one near-a-point search (public.services_near); hidden locations never take part
        found = public.services_near((east, north), radius_m=float(radius), among=qs)
        near_ids = [(n.service_id, n.distance_m) for n in found]
        near_points = {n.service_id: {"id": n.service_id, "name": n.name, "hidden": False,
                                      "lat": n.latitude, "lon": n.longitude} for n in found}
    if near_ids is not None:
        total = len(near_ids)
        page = Paginator(near_ids, PAGE_SIZE).get_page(request.GET.get("page") or 1)
        distance = dict(page.object_list)
        services_ = qs.filter(id__in=list(distance)).prefetch_related(LOCATIONS)
        page.object_list = sorted(((s, distance[s.id]) for s in services_),
                                  key=lambda r: (r[1], r[0].name))
    else:
        # paged in the database; locations are prefetched for this page's services only
        page = Paginator(qs.order_by("name", "id").prefetch_related(LOCATIONS),
                         PAGE_SIZE).get_page(request.GET.get("page") or 1)
        total = page.paginator.count
        page.object_list = [(s, None) for s in page.object_list]
    # The map shows every result (clustered) when there are not too many, else this page's.
    map_all = total <= MAP_LIMIT
    on_page = {s.id for s, _ in page.object_list}
    if near_ids is not None:
        points = [near_points[i] for i, _ in near_ids if map_all or i in on_page]
    else:
        points = _points(qs, None if map_all else on_page)
    markers, categories = _markers(points)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(request, "assets/list.html", {
        "form": form, "page": page, "query": query, "near": searched_near,
        "markers": markers, "map_all": map_all, "map_limit": MAP_LIMIT, "total": total,
        "map_config": {**_map_config(searched_near), "categories": categories},
        "map_svg": None if choices else basemap.map_svg(
            searched=searched_near, markers=_numbered(page, points), label_id="asset-map-title"),
        "place_choices": choices, "place_query": data.get("place", ""),
        "radius_label": radius_label(data.get("radius") or DEFAULT_RADIUS),
    }, status=status)


def _map_config(searched: dict | None) -> dict:
    """What the map script needs: the tile layer (None: the offline layer only), where to get
    the offline layer and its attribution, and the searched point and radius."""
    return {
        "tiles": tile_layer(),
        "basemap": {"url": reverse("assets:basemap"), "attribution": basemap.attribution()},
        "searched": searched and {"label": searched["short"], "radius": searched["radius"],
                                  "lat": searched["lat"], "lon": searched["lon"]},
    }


def _numbered(page, points: list[dict]) -> list[dict]:
    """The page's assets with a shown location, numbered as in the list, for the map drawn
    without JavaScript."""
    numbers = {s.id: page.start_index() + i for i, (s, _) in enumerate(page.object_list)}
    return [{"number": numbers[p["id"]], "name": p["name"], "lat": p["lat"], "lon": p["lon"]}
            for p in points
            if p["id"] in numbers and p["lat"] is not None and not p["hidden"]]


@require_GET
def basemap_json(request: HttpRequest) -> HttpResponse:
    """The offline base layer for a WGS84 box, ``?bbox=west,south,east,north`` (degrees)."""
    from rescomm.web.core.errors import json_error

    text = (request.GET.get("bbox") or "").strip()
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        west = south = east = north = math.nan
    problem = None
    if not all(map(math.isfinite, (west, south, east, north))):
        problem = "bbox must be four numbers: west,south,east,north (WGS84 degrees)"
    elif not (west < east and south < north):
        problem = "bbox must have west < east and south < north"
    elif not (-9.0 <= west and east <= 2.0 and 49.8 <= south and north <= 61.0):
        problem = "bbox must lie in Great Britain (longitude -9 to 2, latitude 49.8 to 61)"
    elif max(east - west, north - south) > basemap.MAX_SPAN_DEGREES:
        problem = f"bbox may span at most {basemap.MAX_SPAN_DEGREES:g} degrees"
    if problem:
        return json_error(400, "invalid_request", "Some parameters are not valid.",
                          {"bbox": [problem]})
    response = HttpResponse(basemap.layer_json(west, south, east, north),
                            content_type="application/json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _searched(label: str, east: float, north: float, radius: int, *, short: str) -> dict:
    """The searched point for the heading and the map: its label ("Speke (ward, Liverpool)"),
    the short one the map writes by the point ("Speke"), radius (metres) and the words for it,
    British National Grid metres and WGS84 degrees."""
    from rescomm.geo import bng_to_wgs84

    lon, lat = bng_to_wgs84(east, north)
    return {"label": label, "short": short, "radius": radius,
            "radius_label": radius_label(radius),
            "easting": east, "northing": north, "lat": round(float(lat), 6),
            "lon": round(float(lon), 6)}


def _points(qs, wanted: set | None) -> list[dict]:
    """One row per matching service (its first location), all of them or only the ``wanted``
    ids: id, name, WGS84 position and whether the exact location is hidden; read as plain
    values, without model instances."""
    if wanted is not None:
        qs = qs.filter(id__in=wanted)
    rows = qs.order_by().values_list(
        "id", "name", "hide_exact_location", "service_at_locations__location__latitude",
        "service_at_locations__location__longitude")
    seen: dict[object, dict] = {}
    for sid, name, hidden, lat, lon in rows:
        if sid not in seen:
            seen[sid] = {"id": sid, "name": name, "hidden": hidden, "lat": lat, "lon": lon}
    return list(seen.values())


def _markers(points: list[dict]) -> tuple[list[dict], list[str]]:
    """Map markers (name, category, WGS84 latitude and longitude, page address) of assets
    whose location may be shown, and the category labels: each marker's ``category`` is a
    place in that list (a label is written once, not once per marker)."""
    url = reverse("assets:detail", args=["00000000-0000-0000-0000-000000000000"])
    shown = [p for p in points if p["lat"] is not None and not p["hidden"]]
    codes = dict(Service.objects.filter(id__in=[p["id"] for p in shown])
                 .values_list("id", "category")) if shown else {}
    labels = sorted({category_label(c) for c in codes.values()})
    place = {label: i for i, label in enumerate(labels)}
    return [{"name": p["name"], "category": place[category_label(codes.get(p["id"]))],
             "lat": p["lat"], "lon": p["lon"],
             "url": url.replace("00000000-0000-0000-0000-000000000000", str(p["id"]))}
            for p in shown], labels


def _published_or_404(asset_id) -> Service:
    service = (
        _published()
        .select_related("organization")
        .prefetch_related("schedules", "phones", "attributes__taxonomy_term__taxonomy",
                          "service_at_locations__location__addresses",
                          "service_at_locations__location__accessibility")
        .filter(id=asset_id).first()
    )
    if service is None:
        raise Http404("There is no published asset at this address.")
    return service


def _detail_context(service: Service) -> dict:
    sal = service.service_at_locations.all()
    location = sal[0].location if sal else None
    terms = [a.taxonomy_term for a in service.attributes.all()]
    now = timezone.localtime()
    week = opening.sessions(service.schedules.all(), on=now.date())
    return {
        "service": service,
        "next_opening": opening.describe_next(week, now),
        "location": location,
        "address": location.addresses.all()[0] if location and location.addresses.all() else None,
        "capitals": [t for t in terms if t.taxonomy.code == services.CAPITALS],
        "needs": [t for t in terms if t.taxonomy.code == services.NEEDS],
        "phone": next(iter(service.phones.all()), None),
        "overdue": service.review_due is not None and service.review_due < timezone.localdate(),
    }


@require_GET
def asset_detail(request: HttpRequest, asset_id) -> HttpResponse:
    from .claims import is_editor

    service = _published_or_404(asset_id)
    return render(request, "assets/detail.html",
                  {**_detail_context(service), "form": ProblemReportForm(),
                   "managed_by_you": is_editor(service, request.user)})


@require_POST
def report_problem(request: HttpRequest, asset_id) -> HttpResponse:
    service = _published_or_404(asset_id)
    form = ProblemReportForm(request.POST)
    if not form.is_valid():
        return render(request, "assets/detail.html", {**_detail_context(service), "form": form},
                      status=400)
    wait = take_report(client_ip(request))
    if wait is not None:
        form.add_error(None, "You have sent several reports in the last hour. Please try "
                             "again later.")
        return _retry_after(render(request, "assets/detail.html",
                                   {**_detail_context(service), "form": form}, status=429), wait)
    services.report_problem(service, kind=form.cleaned_data["kind"],
                            details=form.cleaned_data["details"],
                            email=form.cleaned_data["email"], request=request)
    messages.success(request, "Thank you. We have sent your report to the people who look "
                              "after this asset.")
    return redirect("assets:detail", asset_id=service.id)


@require_GET
@role_required(Role.MODERATOR)
def asset_history(request: HttpRequest, asset_id) -> HttpResponse:
    service = get_object_or_404(Service, id=asset_id)
    versions = list(service.versions.select_related("actor"))
    rows = []
    for version, older in zip(versions, [*versions[1:], None], strict=True):
        changes = []
        if older is not None:
            for key in sorted(set(version.snapshot) | set(older.snapshot)):
                before, after = older.snapshot.get(key), version.snapshot.get(key)
                if before != after:
                    changes.append({"field": key, "before": before, "after": after})
        rows.append({"version": version, "changes": changes})
    return render(request, "assets/history.html", {"service": service, "rows": rows})


@require_http_methods(["POST"])
@role_required(Role.MODERATOR)
def revert_version(request: HttpRequest, asset_id, number: int) -> HttpResponse:
    service = get_object_or_404(Service, id=asset_id)
    if not service.versions.filter(number=number).exists():
        raise Http404("There is no such version.")
    reason = (request.POST.get("reason") or "").strip()[:300]
    if not reason:
        messages.error(request, "Say why you are reverting (the reason is kept in the history).")
        return redirect("assets:history", asset_id=service.id)
    services.revert(service, number, actor=request, reason=reason)
    messages.success(request, f"Reverted to version {number}; this is now a new version.")
    return redirect("assets:history", asset_id=service.id)


@require_http_methods(["GET", "POST"])
def still_correct(request: HttpRequest, asset_id, token: str) -> HttpResponse:
    """The one-click link of a review reminder: GET shows one button (so that link scanners
    change nothing), POST records the check and sets the next review date."""
    service = get_object_or_404(Service, id=asset_id, asset_status=AssetStatus.PUBLISHED)
    if not services.check_confirm_token(service, token):
        raise Http404("This link is not valid or has expired. Ask for a new reminder.")
    if request.method == "POST":
        services.mark_verified(service, actor=request)
        messages.success(request, f"Thank you. We have recorded that the details are still "
                                  f"correct; the next check is due on "
                                  f"{service.review_due:%d %B %Y}.")
        return redirect("assets:detail", asset_id=service.id)
    return render(request, "assets/still_correct.html", {"service": service})


# Suggestions and moderation ---------------------------------------------------------------------

def _retry_after(response: HttpResponse, wait: timedelta | None) -> HttpResponse:
    """A 429 response says when to try again (whole seconds, rounded up)."""
    if wait is not None:
        response["Retry-After"] = str(max(1, math.ceil(wait.total_seconds())))
    return response


#: The session key listing the suggestions sent from this browser (their confirmation pages).
SENT_KEY = "assets:suggestions-sent"


def _rows_wanted(request: HttpRequest, default: int) -> int:
    from .forms import MAX_SESSIONS

    try:
        rows = int(request.POST.get("sessions") or default)
    except ValueError:
        rows = default
    return max(1, min(rows, MAX_SESSIONS))


def _suggest(request: HttpRequest, service: Service | None) -> HttpResponse:
    from .forms import MAX_SESSIONS, SuggestionForm

    initial, rows = None, 2
    if service is not None:
        snap = services.snapshot(service)
        initial = {k: snap[k] for k in services.SUGGESTIBLE if k != "opening_times"}
        initial["accessibility"] = "; ".join(snap["accessibility"])
        shown, rest = (snap["opening_times"][:MAX_SESSIONS - 1],
                       snap["opening_times"][MAX_SESSIONS - 1:])
        for i, times in enumerate(shown, start=1):
            initial[f"session_{i}_days"] = times["byday"].split(",")
            initial[f"session_{i}_opens"] = times["opens_at"]
            initial[f"session_{i}_closes"] = times["closes_at"]
        # more sessions than the form has rows: the rest in words, so none is lost
        initial["opening_times"] = "; ".join(
            f"{t['byday']} {t['opens_at']}-{t['closes_at']}" for t in rest)
        rows = max(rows, len(shown) + 1)
    if request.method == "POST" and "add_session" in request.POST:
        # "Add another session" (works without JavaScript): the same answers, one more row,
        # nothing checked or saved yet.
        rows = _rows_wanted(request, rows) + 1
        blank = SuggestionForm(rows=rows)
        kept = {name: (request.POST.getlist(name)
                       if isinstance(field.widget, forms.CheckboxSelectMultiple)
                       else request.POST.get(name))
                for name, field in blank.fields.items() if name in request.POST}
        form = SuggestionForm(initial=kept, rows=rows)
        return render(request, "assets/suggest.html", _suggest_context(form, service))
    if request.method == "POST":
        rows = _rows_wanted(request, rows)
    form = SuggestionForm(request.POST or None, initial=initial, rows=rows)
    status, wait = 200, None
    if request.method == "POST":
        if form.is_valid():
            wait = take_suggestion(client_ip(request))
            if wait is not None:
                form.add_error(None, "You have sent several suggestions in the last hour. "
                                     "Please try again later.")
                status = 429
            else:
                suggestion = services.suggest(
                    proposed=form.record, service=service, note=form.cleaned_data["note"],
                    submitter_email=form.cleaned_data["submitter_email"], request=request)
                # Only this browser may open the confirmation page (the session remembers it).
                sent = [*request.session.get(SENT_KEY, [])[-19:], str(suggestion.id)]
                request.session[SENT_KEY] = sent
                return redirect("assets:suggestion-sent", suggestion_id=suggestion.id)
        else:
            status = 400
    return _retry_after(render(request, "assets/suggest.html", _suggest_context(form, service),
                               status=status), wait)


def _suggest_context(form, service: Service | None) -> dict:
    from .forms import MAX_SESSIONS, OPENING_TIMES_HINT

    return {"form": form, "service": service, "max_sessions": MAX_SESSIONS,
            "opening_hint": OPENING_TIMES_HINT}


@require_GET
def suggestion_sent(request: HttpRequest, suggestion_id) -> HttpResponse:
    """The confirmation after a suggestion: its reference and what happens next. Only the
    browser that sent it may open it (others get 404, as for a suggestion that does not
    exist)."""
    from .models import Suggestion

    if str(suggestion_id) not in request.session.get(SENT_KEY, []):
        raise Http404("There is no suggestion of yours at this address.")
    suggestion = get_object_or_404(Suggestion.objects.select_related("service"),
                                   id=suggestion_id)
    return render(request, "assets/suggestion_sent.html", {
        "suggestion": suggestion, "reference": services.reference(suggestion),
        "typical": services.typical_decision_days(),
    })


@require_http_methods(["GET", "POST"])
def suggest_new(request: HttpRequest) -> HttpResponse:
    return _suggest(request, None)


@require_http_methods(["GET", "POST"])
def suggest_edit(request: HttpRequest, asset_id) -> HttpResponse:
    return _suggest(request, _published_or_404(asset_id))


@require_GET
@role_required()
def my_suggestions(request: HttpRequest) -> HttpResponse:
    from .models import Suggestion

    rows = Suggestion.objects.filter(submitted_by=request.user).order_by("-created_at")
    return render(request, "assets/my_suggestions.html", {"suggestions": rows})


@require_GET
@role_required(Role.MODERATOR)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    from .models import ProblemReport, Suggestion

    pending = Suggestion.objects.filter(status=Suggestion.Status.PENDING).select_related(
        "service")
    reports = ProblemReport.objects.filter(status=ProblemReport.Status.OPEN).select_related(
        "service")
    return render(request, "assets/moderation_queue.html",
                  {"suggestions": pending, "reports": reports})


@require_http_methods(["GET", "POST"])
@role_required(Role.MODERATOR)
def moderation_detail(request: HttpRequest, suggestion_id) -> HttpResponse:
    from .forms import DecisionForm
    from .models import Suggestion

    suggestion = get_object_or_404(Suggestion.objects.select_related("service"),
                                   id=suggestion_id)
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if suggestion.status != Suggestion.Status.PENDING:
            form.add_error(None, f"This suggestion was already decided "
                                 f"({suggestion.get_status_display().lower()}).")
            status = 409
        elif form.is_valid():
            try:
                services.decide(suggestion, form.cleaned_data["decision"], actor=request,
                                reason=form.cleaned_data["reason"])
            except services.SuggestionNotApplicable as exc:
                form.add_error(None, "This suggestion cannot be published as it stands ("
                               + "; ".join(f"{f.replace('_', ' ')}: {m}" for f, m in exc.problems)
                               + "). Nothing was changed: ask for changes or reject it, "
                               "saying why.")
                status = 400
            else:
                messages.success(request, "Decision recorded.")
                return redirect("assets:moderation")
        else:
            status = 400
    diff = services.suggestion_diff(suggestion)
    return render(request, "assets/moderation_detail.html", {
        "suggestion": suggestion, "diff": diff, "rows": review_rows(diff), "form": form,
        "reference": services.reference(suggestion),
    }, status=status)


@require_http_methods(["GET", "POST"])
@role_required(Role.MODERATOR)
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """One problem report: what is wrong, the asset as it is now, and the moderator's
    decision (resolve or dismiss, with a note; audited)."""
    from .forms import ReportDecisionForm
    from .models import ProblemReport

    report = get_object_or_404(ProblemReport.objects.select_related("service", "decided_by"),
                               id=report_id)
    form = ReportDecisionForm(request.POST or None, can_close=(
        report.service.asset_status == AssetStatus.PUBLISHED))
    status = 200
    if request.method == "POST":
        if report.status != ProblemReport.Status.OPEN:
            form.add_error(None, f"This report was already decided "
                                 f"({report.get_status_display().lower()}).")
            status = 409
        elif form.is_valid():
            services.decide_report(report, form.cleaned_data["decision"], actor=request,
                                   note=form.cleaned_data["note"])
            decision = form.cleaned_data["decision"]
            messages.success(request, "Report resolved; the asset is marked closed."
                             if decision == "closed" else f"Report {decision}.")
            return redirect("assets:moderation")
        else:
            status = 400
    service = report.service
    snap = services.snapshot(service)
    current = [{"label": label_of(key), "lines": readable(key, snap.get(key))}
               for key in services.SUGGESTIBLE]
    return render(request, "assets/report_detail.html", {
        "report": report, "service": service, "form": form,
        "current": [row for row in current if row["lines"]],
        "published": service.asset_status == AssetStatus.PUBLISHED,
    }, status=status)


@require_GET
def freshness(request: HttpRequest) -> HttpResponse:
    """How up to date the published assets are, per local authority and per category."""
    from django.db.models import Count

    from rescomm.data import CM_LOCAL_AUTHORITIES

    today = timezone.localdate()
    year_ago = timezone.now() - timezone.timedelta(days=365)

    def table(key: str, label):
        base = _published().values(key)
        rows = base.annotate(
            total=Count("id", distinct=True),
            checked=Count("id", filter=Q(verified_at__gte=year_ago), distinct=True),
            overdue=Count("id", filter=Q(review_due__lt=today), distinct=True),
            no_date=Count("id", filter=Q(review_due__isnull=True), distinct=True),
        ).order_by(key)
        return [{**r, "label": label(r[key])} for r in rows]

    by_area = table("service_at_locations__location__lad_code",
                    lambda c: CM_LOCAL_AUTHORITIES.get(c, c or "No local authority"))
    by_category = table("category", lambda c: category_label(c) or "No category")
    return render(request, "assets/freshness.html",
                  {"by_area": by_area, "by_category": by_category, "today": today})


@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    """Coverage of one local authority by published assets (cached until assets change)."""
    from django.db.models import Count, Max

    from rescomm.data import CM_LOCAL_AUTHORITIES

    from .coverage import area_summary, published_points

    areas = sorted(CM_LOCAL_AUTHORITIES.items(), key=lambda item: item[1])
    area = (request.GET.get("area") or "").strip().upper()
    rows, error, status = None, "", 200
    if area:
        if area not in CM_LOCAL_AUTHORITIES:
            error, status = "Choose a local authority in Cheshire and Merseyside.", 400
        else:
            # Any change to any asset (also one leaving the published set) moves the newest
            # modification time; a deletion changes the count.
            stamp = Service.objects.aggregate(
                m=Max("last_modified"),
                n=Count("id", filter=Q(asset_status=AssetStatus.PUBLISHED)))
            version = f"{stamp['m'].isoformat() if stamp['m'] else '-'}:{stamp['n']}"
            key = f"assets:coverage:{area}:{version}"
            rows = cache.get(key)
            if rows is None:
                # the destinations are shared by every area until an asset changes
                points_key = f"assets:coverage-points:{version}"
                points = cache.get(points_key)
                if points is None:
                    points = published_points()
                    cache.set(points_key, points, 3600)
                rows = area_summary(area, points=points)
                cache.set(key, rows, 3600)
    return render(request, "assets/coverage.html", {
        "areas": areas, "area": area, "area_name": CM_LOCAL_AUTHORITIES.get(area, ""),
        "rows": rows, "error": error}, status=status)


# Claiming a listing -----------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@role_required()
def claim_listing(request: HttpRequest, asset_id) -> HttpResponse:
    """Ask to manage a listing: a one-time link goes to the e-mail address the listing gives."""
    from . import claims

    service = _published_or_404(asset_id)
    context = {"service": service, "is_editor": claims.is_editor(service, request.user),
               "masked": claims.mask_email(service.email) if service.email else "",
               "valid_hours": int(claims.CLAIM_VALID_FOR.total_seconds() // 3600)}
    if request.method == "POST":
        try:
            claims.request_claim(service, request=request, link_for=lambda token: (
                request.build_absolute_uri(reverse("assets:claim-confirm", args=[token]))))
        except claims.ClaimRefused as exc:
            return render(request, "assets/claim.html", {**context, "refused": str(exc)},
                          status=409)
        messages.success(request, f"We have e-mailed a link to {context['masked']}, the "
                                  "address this listing gives. Ask whoever reads it to pass the "
                                  "link to you, and follow it while signed in.")
        return redirect("assets:detail", asset_id=service.id)
    return render(request, "assets/claim.html", context)


@require_http_methods(["GET", "POST"])
@role_required()
def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a claim e-mail: GET shows one button (link scanners change nothing), POST
    makes the person who asked the listing's editor."""
    from . import claims

    claim = claims.claim_for_token(token)
    if claim is None:
        raise Http404("This link is not valid, was used already or has expired. Ask to manage "
                      "the listing again from its page.")
    if claim.claimant_id != request.user.pk:
        return render(request, "assets/claim_wrong_person.html", {"claim": claim}, status=403)
    if request.method == "POST":
        service = claims.confirm_claim(token, request=request)
        if service is None:
            raise Http404("This link is not valid, was used already or has expired.")
        messages.success(request, f"You now manage the listing {service.name}. Suggest changes "
                                  "from its page; a moderator checks each one.")
        return redirect("assets:detail", asset_id=service.id)
    return render(request, "assets/claim_confirm.html", {"claim": claim})


@require_GET
@role_required()
def my_listings(request: HttpRequest) -> HttpResponse:
    from .claims import listings_of

    return render(request, "assets/my_listings.html", {"rows": listings_of(request.user)})
