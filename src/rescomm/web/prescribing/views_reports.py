"""Pages for service managers and commissioners: the aggregate report and its charts,
service levels and agreements, capacity by area, outcome change per person and caseload flow
(server-rendered, no JavaScript needed). Aggregates hide counts under 5 and say which counts are
hidden and why (:mod:`.disclosure`); per-person views
show references only, for the people's own schemes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from rescomm.web.accounts.public import Role, role_required, roles_of

from . import services
from .models import Referral
from .reports import dashboard_report
from .views import _summary

# Commissioners and managers --------------------------------------------------------------------


@never_cache
@require_safe
@role_required(Role.COMMISSIONER, Role.SERVICE_MANAGER)
def dashboard(request: HttpRequest) -> HttpResponse:
    """``/prescribing/dashboard/``: aggregate counts (small ones hidden, every hidden or rounded
    count labelled truly) and paired outcome change; never a person's record. Synthetic demo
    referrals are counted only for demo accounts."""
    from . import charts, trends

    period = request.GET.get("period", "month")
    if period not in trends.PERIODS:
        period = "month"
    services.audit(request, "view", object_type="prescribing.referral",
                   reason="aggregate report (counts under 5 suppressed)")
    tables, computed_at = dashboard_report(synthetic=request.user.is_demo)
    over_time = tables["over_time"][period]
    verdicts = tables["verdicts"]
    context = {
        "tables": tables, "synthetic": request.user.is_demo, "computed_at": computed_at,
        "is_manager": Role.SERVICE_MANAGER in roles_of(request.user),
        "period": period, "over_time": over_time,
        "over_time_chart": mark_safe(charts.count_bar_chart(  # noqa: S308 (escaped in charts.py)
            over_time["rows"], ident="referrals-over-time",
            title=f"Referrals per {period}",
            desc=f"Bar chart of referrals received per {period}, latest "
                 f"{len(over_time['rows'])}; hidden counts are labelled as in the table "
                 "below, which has the same numbers.")),
        "verdicts": verdicts,
    }
    if verdicts and verdicts["rows"]:
        context["verdict_chart"] = mark_safe(charts.count_bar_chart(  # noqa: S308
            verdicts["rows"], ident="reliable-change",
            title="Wellbeing change per person (SWEMWBS, paired)",
            desc="Bar chart of people with a baseline and follow-up SWEMWBS whose metric score "
                 "changed reliably (by 2.87 points or more) up or down, or not; hidden counts "
                 "are labelled as in the table below."))
    return render(request, "prescribing/dashboard.html", context)


@never_cache
@require_safe
@role_required(Role.COMMISSIONER, Role.SERVICE_MANAGER)
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """``/prescribing/dashboard.csv``: the report's counts as CSV, exactly as the page
    publishes them, with a note on every hidden or rounded count."""
    import csv

    from .dashboard import csv_rows

    services.audit(request, "export", object_type="prescribing.referral",
                   reason="aggregate report CSV (counts under 5 suppressed)")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = "social-prescribing-report-synthetic.csv" if request.user.is_demo else \
        "social-prescribing-report.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["table", "category", "referrals", "note"])
    tables, _ = dashboard_report(synthetic=request.user.is_demo)
    writer.writerows(csv_rows(tables))
    return response


@never_cache
@require_safe
@role_required(Role.SERVICE_MANAGER)
def service_levels(request: HttpRequest) -> HttpResponse:
    """``/prescribing/service-levels/``: per scheme you manage, agreement and month, each target
    met or breached (with the breaching referrals' references), outcome completeness and
    provider response times; referrals without an agreement against the default targets."""
    from .agreements import managed_schemes
    from .sla import scheme_report

    schemes = managed_schemes(request.user)
    services.audit(request, "view", object_type="prescribing.referral",
                   reason="service levels report (references only)")
    return render(request, "prescribing/service_levels.html", {
        "reports": [scheme_report(scheme) for scheme in schemes],
        "capacity": services.capacity_overview(schemes),
    })


@never_cache
@require_safe
@role_required(Role.SERVICE_MANAGER)
def agreement_list(request: HttpRequest) -> HttpResponse:
    """``/prescribing/agreements/``: the service-level agreements of the schemes you manage."""
    from . import agreements

    return render(request, "prescribing/agreements.html", {
        "agreements": agreements.agreements_for(request.user),
        "day_targets": agreements.DAY_TARGETS, "percent_targets": agreements.PERCENT_TARGETS,
    })


def _agreement_form(request, *, values, errors, status, agreement=None, problem=""):
    from . import agreements

    return render(request, "prescribing/agreement_form.html", {
        "agreement": agreement, "values": values, "errors": errors, "problem": problem,
        "error_summary": _summary(errors, agreements.FIELD_ORDER),
        "schemes": agreements.managed_schemes(request.user),
        "parties": agreements.party_choices(request.user).order_by("kind", "name"),
        "party_kinds": agreements.Party.choices,
        "day_targets": [(f, label) for f, (label, _) in agreements.DAY_TARGETS.items()],
        "percent_targets": list(agreements.PERCENT_TARGETS.items()),
    }, status=status)


def _agreement_post(request, agreement=None) -> HttpResponse:
    from . import agreements

    values = dict(request.POST.items())
    try:
        clean = agreements.validate_agreement(request.POST, request.user, instance=agreement)
        version = request.POST.get("version", "")
        agreements.save_agreement(
            request, clean, agreement_id=agreement.pk if agreement else None,
            version=int(version) if version.isdigit() else -1)
    except services.ReferralInvalid as exc:
        return _agreement_form(request, values=values, errors=exc.fields, status=400,
                               agreement=agreement)
    except services.StaleEditError as exc:
        agreement.refresh_from_db()
        return _agreement_form(request, values=_agreement_values(agreement), errors={},
                               status=409, agreement=agreement, problem=str(exc))
    return redirect("prescribing:agreements")


def _agreement_values(agreement) -> dict[str, str]:
    from .agreements import _values

    values = _values(agreement)
    values["scheme"], values["party"] = values.pop("scheme_id"), values.pop("party_id")
    values["version"] = str(agreement.version)
    return values


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.SERVICE_MANAGER)
def agreement_new(request: HttpRequest) -> HttpResponse:
    """``/prescribing/agreements/new/``: a new agreement for a scheme you manage."""
    if request.method == "POST":
        return _agreement_post(request)
    from .sla import DEFAULT_TARGETS

    defaults = dict(zip(("decision_days", "first_contact_days", "first_conversation_days"),
                        (str(t.days) for t in DEFAULT_TARGETS), strict=True))
    return _agreement_form(request, values={"party_kind": "referrers", **defaults},
                           errors={}, status=200)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.SERVICE_MANAGER)
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """``/prescribing/agreements/<id>/``: change an agreement of a scheme you manage (404 for
    other schemes' agreements); a stale edit is refused (409)."""
    from .agreements import get_agreement

    agreement = get_agreement(request.user, agreement_id)
    if request.method == "POST":
        return _agreement_post(request, agreement)
    return _agreement_form(request, values=_agreement_values(agreement), errors={}, status=200,
                           agreement=agreement)


def _outcome_referrals(user):
    """Referrals whose per-person outcome change ``user`` may see: those of the schemes where
    they are a link worker or a service manager."""
    from .agreements import managed_schemes

    schemes = set(services.scheme_ids_for_link_worker(user))
    schemes |= set(managed_schemes(user).values_list("pk", flat=True))
    return Referral.objects.filter(scheme_id__in=schemes)


@never_cache
@require_safe
@role_required(Role.LINK_WORKER, Role.SERVICE_MANAGER)
def outcome_change(request: HttpRequest) -> HttpResponse:
    """``/prescribing/outcomes/``: SWEMWBS baseline -> follow-up per person (by reference) for
    the schemes you work in or manage, as a dumbbell chart with reliable-change bands and a
    table."""
    from rescomm import stats

    from . import charts, trends

    pairs = trends.swemwbs_pairs(_outcome_referrals(request.user))
    threshold = stats.SWEMWBS_RELIABLE_CHANGE
    services.audit(request, "view", object_type="prescribing.outcomemeasure",
                   reason="direct care: outcome change per person (references only)")
    chart = charts.dumbbell_chart(
        pairs, threshold=threshold, low=7, high=35, ident="outcome-change",
        title="SWEMWBS metric score at baseline and follow-up, per person",
        desc=f"For each of {len(pairs)} people (by referral reference), the baseline and "
             f"follow-up SWEMWBS metric score (7 to 35); a change of {threshold} points or more "
             "is reliable. The table below has the same numbers.") if pairs else ""
    labels = dict(trends.VERDICTS)
    return render(request, "prescribing/outcome_change.html", {
        "chart": mark_safe(chart),  # noqa: S308 (escaped in charts.py)
        "rows": [{"pair": p, "verdict": labels[charts.verdict(p.change, threshold)]}
                 for p in pairs],
        "threshold": threshold,
    })


@never_cache
@require_safe
@role_required(Role.SERVICE_MANAGER)
def caseload_flow(request: HttpRequest) -> HttpResponse:
    """``/prescribing/flow/``: per scheme you manage, open referrals by status and the
    referrals in and finished per week (last 12 weeks), as charts and tables."""
    from . import charts, trends
    from .agreements import managed_schemes

    services.audit(request, "view", object_type="prescribing.referral",
                   reason="caseload and flow (counts only)")
    reports = []
    for scheme in managed_schemes(request.user):
        flow = trends.caseload_flow(Referral.objects.filter(scheme=scheme))
        reports.append({
            "scheme": scheme, "flow": flow,
            "status_chart": mark_safe(charts.bar_chart(  # noqa: S308
                flow["status_labels"], flow["status_counts"], ident=f"open-{scheme.pk}",
                title=f"Open referrals by status: {scheme}",
                desc=f"Bar chart of the {flow['open_total']} open referrals by where they are "
                     "on the pathway; the table below has the same numbers.")),
            "flow_chart": mark_safe(charts.flow_chart(  # noqa: S308
                flow["weeks"], flow["inflow"], flow["outflow"], ident=f"flow-{scheme.pk}",
                title=f"Referrals in and finished per week: {scheme}",
                desc="Paired bars per week (week commencing) for the last 12 weeks: referrals "
                     "received, and referrals closed or declined; the table below has the "
                     "same numbers.")),
            "weeks": list(zip(flow["weeks"], flow["inflow"], flow["outflow"], strict=True)),
            "statuses": list(zip(flow["status_labels"], flow["status_counts"], strict=True)),
        })
    return render(request, "prescribing/flow.html", {"reports": reports})


@never_cache
@require_safe
@role_required(Role.COMMISSIONER, Role.SERVICE_MANAGER)
def capacity_areas(request: HttpRequest) -> HttpResponse:
    """``/prescribing/capacity/areas/``: demand (open referrals by need, onward referrals)
    against places and waiting times per local authority; small counts hidden, each hidden
    count labelled truly. Synthetic
    demo referrals are counted only for demo accounts."""
    from .capacity import area_capacity

    referrals = Referral.objects.filter(is_synthetic=request.user.is_demo)
    services.audit(request, "view", object_type="prescribing.referral",
                   reason="capacity by area (counts under 5 suppressed)")
    return render(request, "prescribing/capacity_areas.html", {
        "report": area_capacity(referrals), "synthetic": request.user.is_demo,
        "is_manager": Role.SERVICE_MANAGER in roles_of(request.user),
    })
