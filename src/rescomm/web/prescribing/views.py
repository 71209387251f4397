"""Social prescribing pages (server-rendered, no JavaScript needed).

Views authenticate (``role_required``), authorise at object level (:func:`.services.get_referral`:
404 for anyone who may not see the record) and validate; services change state. Every page
showing a person's record writes an audit event with the reason.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rescomm.data import NEED_LABELS, need_label
from rescomm.web.accounts.public import (
    Organisation,
    OrganisationKind,
    Role,
    User,
    organisations_for,
    role_required,
    roles_of,
)

from . import pathway, services
from .models import (
    ContactAttempt,
    ContactPreference,
    Instrument,
    Referral,
    ServiceCapacity,
    Timepoint,
)

#: Form fields in page order (the error summary follows it).
FIELD_ORDER = (
    "given_name", "family_name", "date_of_birth", "nhs_number", "postcode", "phone", "email",
    "contact_preference", "interpreter_language", "needs", "notes", "consent_to_share",
)
ACTION_FIELDS = ("decline_reason", "close_reason", "method", "outcome", "link_worker",
                 "what_matters", "goals", "provider", "service_name", "service_id", "note")


def _summary(errors: dict[str, list[str]], order=FIELD_ORDER) -> list[tuple[str, str]]:
    def rank(name: str) -> int:
        return order.index(name) if name in order else len(order)

    return [(name, message) for name in sorted(errors, key=rank) for message in errors[name]]


def _acting_role(request: HttpRequest, referral: Referral) -> str:
    if services.is_link_worker_for(request.user, referral):
        return Role.LINK_WORKER
    return Role.REFERRER


HOME_FOR_ROLE = (
    (Role.LINK_WORKER, "prescribing:caseload"),
    (Role.PROVIDER_STAFF, "prescribing:onward"),
    (Role.REFERRER, "prescribing:my-referrals"),
    (Role.SERVICE_MANAGER, "prescribing:dashboard"),
    (Role.COMMISSIONER, "prescribing:dashboard"),
)


@never_cache
@require_safe
@role_required(*(role for role, _ in HOME_FOR_ROLE))
def home(request: HttpRequest) -> HttpResponse:
    """``/prescribing/``: to the page for your role (caseload, your referrals, or the report)."""
    held = roles_of(request.user)
    return redirect(next(url for role, url in HOME_FOR_ROLE if role in held))


# Referrers -------------------------------------------------------------------------------------


def _posted_referral(request: HttpRequest) -> dict:
    values = {name: request.POST.get(name, "") for name in FIELD_ORDER}
    values["needs"] = request.POST.getlist("needs")
    for flag in ("consent_to_share", "risk_flag", "safeguarding_concern"):
        values[flag] = request.POST.get(flag) == "yes"
    return values


def _referral_form(request, *, values, errors, status, self_referral=False, schemes=None):
    context = {
        "values": values, "errors": errors,
        "error_summary": _summary(errors, ("scheme", *FIELD_ORDER)),
        "needs": list(NEED_LABELS.items()), "contact_preferences": ContactPreference.choices,
        "is_demo": request.user.is_demo, "self_referral": self_referral, "schemes": schemes,
        "action": reverse("prescribing:self-referral-new" if self_referral
                          else "prescribing:referral-new"),
    }
    return render(request, "prescribing/referral_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.REFERRER)
def new_referral(request: HttpRequest) -> HttpResponse:
    """``/prescribing/referrals/new/``: refer a person (referrers)."""
    if request.method != "POST":
        return _referral_form(request, values={"contact_preference": "phone", "needs": []},
                              errors={}, status=200)
    values = _posted_referral(request)
    try:
        clean = services.validate_referral(values)
        referral, _ = services.create_referral(request, request.user, clean)
    except services.ReferralInvalid as exc:
        return _referral_form(request, values=values, errors=exc.fields, status=400)
    return redirect("prescribing:referral-detail", referral_id=referral.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.LINK_WORKER)
def new_self_referral(request: HttpRequest) -> HttpResponse:
    """``/prescribing/self-referrals/new/``: a link worker records a self-referral (the person
    contacted the scheme); the NHS number is optional."""
    schemes = organisations_for(request.user, Role.LINK_WORKER).filter(
        kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    if request.method != "POST":
        return _referral_form(request, values={"contact_preference": "phone", "needs": []},
                              errors={}, status=200, self_referral=True, schemes=schemes)
    values = _posted_referral(request)
    values["scheme"] = request.POST.get("scheme", "")
    scheme = schemes.filter(pk=values["scheme"] if values["scheme"].isdigit() else None).first()
    if scheme is None and schemes.count() == 1:
        scheme = schemes.first()
    try:
        errors: dict[str, list[str]] = {}
        try:
            clean = services.validate_referral(values, self_referral=True)
        except services.ReferralInvalid as exc:
            errors = dict(exc.fields)
        if scheme is None:
            errors["scheme"] = ["Choose the scheme the person contacted."]
        if errors:
            raise services.ReferralInvalid(errors)
        referral = services.create_self_referral(request, request.user, scheme, clean)
    except services.ReferralInvalid as exc:
        return _referral_form(request, values=values, errors=exc.fields, status=400,
                              self_referral=True, schemes=schemes)
    return redirect("prescribing:referral-detail", referral_id=referral.pk)


@never_cache
@require_safe
@role_required(Role.REFERRER)
def my_referrals(request: HttpRequest) -> HttpResponse:
    """``/prescribing/referrals/``: the referrals you made and where each one is."""
    referrals = Referral.objects.filter(referrer=request.user).select_related("scheme")
    services.audit(request, "view", object_type="prescribing.referral",
                   reason="referrer: list of own referrals")
    return render(request, "prescribing/my_referrals.html", {"referrals": referrals})


# Link workers ----------------------------------------------------------------------------------


#: What the caseload table shows of a referral (and its link worker), and what it is ordered by:
#: the page reads these columns only, not the whole record.
CASELOAD_COLUMNS = (
    "id", "is_synthetic", "given_name", "family_name", "status", "next_due", "created_at",
    "safeguarding_concern", "risk_flag", "assigned_to__username", "assigned_to__display_name",
)


@never_cache
@require_safe
@role_required(Role.LINK_WORKER)
def caseload_page(request: HttpRequest) -> HttpResponse:
    """``/prescribing/caseload/``: open referrals of your schemes: new, overdue, due, later;
    each section shows its most urgent 25 and pages on (``?section=later&page=2``)."""
    from django.core.paginator import Paginator

    groups = {key: rows.only(*CASELOAD_COLUMNS)
              for key, rows in services.caseload_sections(request.user).items()}
    services.audit(request, "view", object_type="prescribing.referral",
                   reason="direct care: link worker caseload")
    paged = request.GET.get("section", "")
    sections = [
        ("new", "New referrals", "Accept or decline these."),
        ("overdue", "Overdue", "The next step was due before today."),
        ("due", "Due in the next 7 days", ""),
        ("later", "Later", ""),
    ]
    return render(request, "prescribing/caseload.html", {
        "sections": [
            (key, title, hint, Paginator(groups[key], services.CASELOAD_PAGE_SIZE).get_page(
                request.GET.get("page") if paged == key else 1), f"section={key}")
            for key, title, hint in sections
        ],
        "detail_prefix": reverse("prescribing:index") + "referrals/",
    })


def _detail_context(request: HttpRequest, referral: Referral, **extra) -> dict:
    link_worker = services.is_link_worker_for(request.user, referral)
    context = {
        "referral": referral,
        "needs": [need_label(code) for code in referral.needs],
        "status_label": pathway.status_label(referral.status),
        "events": referral.events.select_related("by"),
        "attempts": referral.attempts.all(),
        "plan": getattr(referral, "plan", None),
        "onward": referral.onward.select_related("provider"),
        "outcomes": referral.outcomes.all(),
        "is_link_worker": link_worker,
        "actions": [a.name for a in pathway.available_actions(referral.status)]
        if link_worker else [],
        "decline_reasons": pathway.DeclineReason.choices,
        "close_reasons": pathway.CloseReason.choices,
        "contact_methods": ContactPreference.choices,
        "contact_outcomes": ContactAttempt.Outcome.choices,
        "instruments": Instrument.choices,
        "errors": {},
        "error_summary": [],
        "problem": "",
        "message_back": services.message_back(referral),
        "duplicates": services.notices(referral, services.opener(request)),
    }
    if link_worker:
        if referral.status in (pathway.Status.FIRST_CONVERSATION, pathway.Status.PLANNED,
                               pathway.Status.CONNECTED, pathway.Status.FOLLOW_UP):
            context.update(_suggestions_context(request, referral))
        context["link_workers"] = User.objects.filter(
            memberships__organisation=referral.scheme, memberships__role=Role.LINK_WORKER,
            memberships__active=True).distinct()
        context["providers"] = Organisation.objects.filter(
            kind=OrganisationKind.VOLUNTARY_ORGANISATION, is_demo=referral.is_synthetic)
    context.update(extra)
    return context


def _suggestions_context(request: HttpRequest, referral: Referral) -> dict:
    """Suggestions from the asset map, narrowed by the filters in the query string."""
    from rescomm.web.assets.public import DAY_NAMES, PARTS_OF_DAY

    from .matching import RADII_M, MatchFilters, suggest_services

    filters, filter_errors = MatchFilters.from_query(request.GET)
    return {
        "suggestions": suggest_services(referral, filters=filters),
        "match": filters,
        "match_errors": filter_errors,
        "match_days": list(DAY_NAMES.items()),
        "match_parts": [(key, label) for key, (_, _, label) in PARTS_OF_DAY.items()],
        "match_radii": [(r, f"{r // 1000} km") for r in RADII_M],
    }


@never_cache
@require_safe
@role_required(Role.REFERRER, Role.LINK_WORKER)
def referral_detail(request: HttpRequest, referral_id) -> HttpResponse:
    """``/prescribing/referrals/<id>/``: the record, its history and (for the scheme's link
    workers) the next steps. 404 for anyone who may not see it."""
    referral = services.get_referral(request.user, referral_id)
    request.acting_role = _acting_role(request, referral)
    services.record_view(request, referral, "direct care: referral record opened")
    return render(request, "prescribing/referral_detail.html", _detail_context(request, referral))


def _link_worker_referral(request: HttpRequest, referral_id) -> Referral:
    referral = services.get_referral(request.user, referral_id)
    if not services.is_link_worker_for(request.user, referral):
        raise Http404("No referral with this id.")
    request.acting_role = Role.LINK_WORKER
    return referral


def _scheme_user(referral: Referral, user_id: str) -> User | None:
    return User.objects.filter(
        pk=user_id if str(user_id).isdigit() else None,
        memberships__organisation=referral.scheme, memberships__role=Role.LINK_WORKER,
        memberships__active=True).first()


def _providers(referral: Referral) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.VOLUNTARY_ORGANISATION,
                                       is_demo=referral.is_synthetic)


@never_cache
@require_POST
@role_required(Role.LINK_WORKER)
def referral_action(request: HttpRequest, referral_id, action: str) -> HttpResponse:
    """``POST /prescribing/referrals/<id>/actions/<action>/``: one pathway step (link workers of
    the referral's scheme). Refusals re-show the record with the reason (400, or 409 for a
    stale edit)."""
    referral = _link_worker_referral(request, referral_id)
    if action not in pathway.ACTIONS:
        raise Http404("No such action.")
    post = request.POST
    version = post.get("version", "")
    if not version.isdigit():
        return _refused(request, referral, {"version": ["Reload the page and try again."]}, 400)
    version = int(version)
    note = post.get("note", "").strip()
    try:
        if action == "accept":
            services.accept(request, referral.pk, version, note=note)
        elif action == "decline":
            services.decline(request, referral.pk, version,
                             decline_reason=post.get("decline_reason", ""), note=note)
        elif action == "assign":
            worker = _scheme_user(referral, post.get("link_worker", ""))
            if worker is None:
                raise services.ReferralInvalid({"link_worker": ["Choose a link worker."]})
            services.assign(request, referral.pk, version, link_worker=worker)
        elif action == "contact_attempt":
            services.log_contact_attempt(request, referral.pk, version,
                                         method=post.get("method", ""),
                                         outcome=post.get("outcome", ""), note=note)
        elif action == "first_conversation":
            services.first_conversation(request, referral.pk, version, note=note)
        elif action == "plan":
            services.agree_plan(request, referral.pk, version,
                                what_matters=post.get("what_matters", ""),
                                goals=post.get("goals", "").splitlines())
        elif action == "connect" and post.get("service_id"):
            service, provider = _suggested_service(referral, post["service_id"])
            services.connect(request, referral.pk, version, provider=provider,
                             service_name=service.name, service=service,
                             contact_agreed=post.get("contact_agreed") == "yes")
        elif action == "connect":
            provider = _providers(referral).filter(
                pk=post.get("provider") if post.get("provider", "").isdigit() else None).first()
            if provider is None:
                raise services.ReferralInvalid({"provider": ["Choose the organisation."]})
            services.connect(request, referral.pk, version, provider=provider,
                             service_name=post.get("service_name", ""),
                             contact_agreed=post.get("contact_agreed") == "yes")
        elif action == "follow_up":
            services.follow_up(request, referral.pk, version, note=note)
        elif action == "close":
            services.close(request, referral.pk, version,
                           close_reason=post.get("close_reason", ""), note=note)
    except services.StaleEditError as exc:
        return _refused(request, referral, {}, 409, problem=str(exc))
    except pathway.PathwayError as exc:
        return _refused(request, referral, {}, 400, problem=str(exc))
    except services.ReferralInvalid as exc:
        return _refused(request, referral, exc.fields, 400)
    return redirect("prescribing:referral-detail", referral_id=referral.pk)


def _suggested_service(referral: Referral, service_id: str):
    """The published asset-map service chosen from the suggestions and the provider that runs
    it; refused (``ReferralInvalid``) if it is not published, takes no onward referrals through
    rescomm, or is run by a provider of the other kind (demo or real) than the referral."""
    from rescomm.web.assets import public

    from .directory import provider_for_service

    service = public.published_service(service_id)
    if service is None:
        raise services.ReferralInvalid({"service_id": [
            "That service is no longer on the asset map: choose another."]})
    provider = provider_for_service(service)
    if provider is None or provider.is_demo != referral.is_synthetic:
        raise services.ReferralInvalid({"service_id": [
            f"{service.name} does not take onward referrals through rescomm: contact it "
            "directly, or send the referral to an organisation by name below."]})
    return service, provider


def _refused(request, referral, errors, status, *, problem: str = "") -> HttpResponse:
    """The record again with why the step was refused; showing it is a view like any other,
    so it is audited."""
    referral = Referral.objects.get(pk=referral.pk)  # show the current state, never ours
    services.record_view(request, referral,
                         f"direct care: referral record re-shown after a refused step ({status})")
    context = _detail_context(request, referral, errors=errors, problem=problem,
                              error_summary=_summary(errors, ACTION_FIELDS))
    return render(request, "prescribing/referral_detail.html", context, status=status)


ITEM_HINTS = {
    Instrument.SWEMWBS: "Score each of the 7 items from 1 (none of the time) to 5 (all of the "
    "time), in the order of the licensed form. Item wording is not shown here: use your "
    "registered copy of SWEMWBS.",
    Instrument.ONS4: "Each question is scored 0 (not at all) to 10 (completely).",
    Instrument.UCLA3: "Each item is scored 1 (hardly ever), 2 (some of the time) or 3 (often).",
}
#: Item labels that may be shown: ONS4 (Crown copyright, OGL) and UCLA-3 (public domain)
#: topics; SWEMWBS items by number only (the wording is licensed).
ITEM_LABELS = {
    Instrument.SWEMWBS: [f"Item {n}" for n in range(1, 8)],
    Instrument.ONS4: ["Life satisfaction", "Worthwhile", "Happiness yesterday",
                      "Anxiety yesterday"],
    Instrument.UCLA3: ["Lack companionship", "Feel left out", "Feel isolated from others"],
}


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(Role.LINK_WORKER)
def outcome_form(request: HttpRequest, referral_id, instrument: str) -> HttpResponse:
    """``/prescribing/referrals/<id>/outcomes/<instrument>/``: record SWEMWBS, ONS4 or UCLA-3
    at baseline or follow-up (link workers of the scheme)."""
    if instrument not in Instrument.values:
        raise Http404("No such outcome measure.")
    referral = _link_worker_referral(request, referral_id)
    count, low, high = services.ITEM_RANGES[instrument]
    errors: dict[str, list[str]] = {}
    problem = ""
    status = 200
    values = {"timepoint": Timepoint.BASELINE}
    if request.method == "POST":
        values = dict(request.POST.items())
        items = [request.POST.get(f"item_{n}", "") for n in range(1, count + 1)]
        version = request.POST.get("version", "")
        try:
            services.record_outcome(request, referral.pk, int(version) if version.isdigit()
                                    else -1, instrument=instrument,
                                    timepoint=request.POST.get("timepoint", ""), items=items)
        except services.ReferralInvalid as exc:
            errors, status = exc.fields, 400
        except services.StaleEditError as exc:
            problem, status = str(exc), 409
        except pathway.PathwayError as exc:
            problem, status = str(exc), 400
        else:
            return redirect(reverse("prescribing:referral-detail", args=[referral.pk]))
        services.record_view(request, referral, f"direct care: outcome form re-shown after a "
                                                f"refused entry ({status})")
    else:
        services.record_view(request, referral, "direct care: outcome form opened")
    referral.refresh_from_db()
    order = ("timepoint",) + tuple(f"item_{n}" for n in range(1, count + 1))
    context = {
        "referral": referral, "instrument": instrument,
        "instrument_label": Instrument(instrument).label, "hint": ITEM_HINTS[instrument],
        "items": [
            {"name": f"item_{n}", "label": label, "value": values.get(f"item_{n}", ""),
             "errors": errors.get(f"item_{n}", [])}
            for n, label in enumerate(ITEM_LABELS[instrument], start=1)
        ],
        "low": low, "high": high, "timepoints": Timepoint.choices, "values": values,
        "errors": errors, "error_summary": _summary(errors, order), "problem": problem,
    }
    return render(request, "prescribing/outcome_form.html", context, status=status)


# Providers -------------------------------------------------------------------------------------


def _map_services(organisations) -> list[str]:
    """Names of the asset-map services of the organisations the provider runs
    (:class:`~.models.DirectoryLink`): capacity set under these names shows in matching."""
    from rescomm.web.assets import public

    from .models import DirectoryLink

    linked = DirectoryLink.objects.filter(provider__in=organisations).values_list(
        "organization_id", flat=True)
    return sorted({s.name for s in public.services_of(linked)})


def _provider_context(request: HttpRequest, **extra) -> dict:
    from .capacity import describe, queue_positions
    from .models import CapacityMode

    onward = services.onward_for_provider(request.user).select_related(
        "referral__scheme", "provider", "sent_by")
    organisations = organisations_for(request.user, Role.PROVIDER_STAFF)
    positions = queue_positions(organisations.values("pk"))
    context = {
        "onward": [
            {"item": o, "needs": [need_label(c) for c in o.referral.needs],
             "queue": positions.get(o.pk), "contact": services.contact_route(o)}
            for o in onward
        ],
        "capacity": [{"item": c, **describe(c)} for c in
                     ServiceCapacity.objects.filter(provider__in=organisations)],
        "modes": CapacityMode.choices,
        "organisations": organisations,
        "map_services": _map_services(organisations),
        "errors": {}, "error_summary": [], "problem": "", "values": {"mode": "total"},
    }
    context.update(extra)
    return context


@never_cache
@require_safe
@role_required(Role.PROVIDER_STAFF)
def provider_onward(request: HttpRequest) -> HttpResponse:
    """``/prescribing/onward/``: onward referrals sent to your organisation's services, with the
    minimum needed to make contact (name, reasons, and the person's telephone or email if they
    agreed to be contacted by the service, else the link worker to ask), and your capacity."""
    services.audit(request, "view", object_type="prescribing.onwardreferral",
                   reason="direct care: provider list of onward referrals")
    return render(request, "prescribing/onward.html", _provider_context(request))


def _audit_provider_list(request: HttpRequest, status: int) -> None:
    services.audit(request, "view", object_type="prescribing.onwardreferral",
                   reason=f"direct care: provider list re-shown after a refused response "
                          f"({status})")


@never_cache
@require_POST
@role_required(Role.PROVIDER_STAFF)
def onward_respond(request: HttpRequest, public_id) -> HttpResponse:
    """``POST /prescribing/onward/<id>/respond/``: accept (takes a place) or decline with a
    reason. 404 unless it was sent to your organisation."""
    onward = services.get_onward(request.user, public_id)
    decision = request.POST.get("decision", "")
    try:
        if decision not in ("accept", "decline"):
            raise services.ReferralInvalid({"decision": ["Choose accept or decline."]})
        services.respond_onward(request, onward.pk, accept_it=decision == "accept",
                                reason=request.POST.get("reason", ""))
    except services.CapacityFull as exc:
        _audit_provider_list(request, 409)
        context = _provider_context(request, problem=str(exc))
        return render(request, "prescribing/onward.html", context, status=409)
    except (services.ReferralInvalid, pathway.PathwayError) as exc:
        _audit_provider_list(request, 400)
        errors = getattr(exc, "fields", {})
        context = _provider_context(request, errors=errors, problem="" if errors else str(exc),
                                    error_summary=_summary(errors, ("decision", "reason")))
        return render(request, "prescribing/onward.html", context, status=400)
    return redirect("prescribing:onward")


@never_cache
@require_POST
@role_required(Role.PROVIDER_STAFF)
def capacity_set(request: HttpRequest) -> HttpResponse:
    """``POST /prescribing/capacity/``: set the places a service of your organisation offers."""
    organisation = organisations_for(request.user, Role.PROVIDER_STAFF).filter(
        pk=request.POST.get("organisation") if request.POST.get("organisation", "").isdigit()
        else None).first()
    try:
        if organisation is None:
            raise services.ReferralInvalid({"organisation": ["Choose your organisation."]})
        services.set_capacity(request, organisation, request.POST.get("service_name", ""),
                              request.POST.get("places", ""),
                              mode=request.POST.get("mode", "total"))
    except services.ReferralInvalid as exc:
        context = _provider_context(
            request, errors=exc.fields, values=dict(request.POST.items()),
            error_summary=_summary(exc.fields, ("organisation", "service_name", "mode",
                                                "places")))
        return render(request, "prescribing/onward.html", context, status=400)
    return redirect("prescribing:onward")


@never_cache
@require_POST
@role_required(Role.PROVIDER_STAFF)
def onward_start(request: HttpRequest, public_id) -> HttpResponse:
    """``POST /prescribing/onward/<id>/start/``: the accepted person started at the service
    (leaves its waiting list). 404 unless it was sent to your organisation."""
    onward = services.get_onward(request.user, public_id)
    try:
        services.start_onward(request, onward.pk)
    except pathway.PathwayError as exc:
        return render(request, "prescribing/onward.html",
                      _provider_context(request, problem=str(exc)), status=400)
    return redirect("prescribing:onward")
