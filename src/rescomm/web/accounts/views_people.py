"""Account administration pages (administrators): everyone's accounts and roles; give and end
roles, deactivate and reactivate accounts, e-mail a set-your-password link; list and add
organisations. Accounts are made by invitation (:mod:`.views_invite`) or with the CLI
(``rescomm users add``, which asks for the password)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import invitations, services
from .audit import audit
from .forms import GrantRoleForm, OrganisationForm
from .models import AuditEvent, Membership, Organisation, User
from .permissions import role_required
from .roles import Role

PEOPLE_PAGE_SIZE = 50
ACTIVE_MEMBERSHIPS = Prefetch(
    "memberships", queryset=Membership.objects.filter(active=True).select_related("organisation"),
    to_attr="active_memberships")


@never_cache
@require_safe
@role_required(Role.ADMINISTRATOR)
def people(request: HttpRequest) -> HttpResponse:
    """``/accounts/people/?q=sam``: every account with its active roles, 50 a page; ``q``
    narrows to usernames and names containing it (a demo administrator sees demo accounts
    only). Reading it is audited."""
    audit(request, AuditEvent.VIEW, object_type="accounts.user", reason="account administration")
    query = request.GET.get("q", "").strip()[:150]
    accounts = User.objects.order_by("username").prefetch_related(ACTIVE_MEMBERSHIPS)
    if request.user.is_demo:  # a demo administrator sees and manages demo accounts only
        accounts = accounts.filter(is_demo=True)
    if query:
        accounts = accounts.filter(Q(username__icontains=query)
                                   | Q(display_name__icontains=query))
    page = Paginator(accounts, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/people.html", {
        "page": page, "q": query, "query": f"q={query}" if query else ""})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMINISTRATOR)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """``/accounts/people/<id>/``: one account, its roles (active and ended) and what an
    administrator may change. POST ``action``: ``grant`` (organisation, role, profession),
    ``end`` (``membership``), ``deactivate``, ``reactivate`` or ``invite`` (e-mail a
    set-your-password link); each audited, then back here
    (302). Refusals (a broken membership rule, an unknown membership, locking yourself out)
    are 400 with the reason, and change nothing. A demo administrator gets 404 for a real
    account."""
    account = get_object_or_404(User, pk=pk)
    if request.user.is_demo and not account.is_demo:
        raise Http404("No such account.")  # demo administrators manage demo accounts only
    form = GrantRoleForm()
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        form, problem = _change(request, account, action)
        if form is None and not problem:
            return redirect(request.path)
        form = form or GrantRoleForm()
    else:
        audit(request, AuditEvent.VIEW, account, "account administration")
    memberships = account.memberships.select_related("organisation").order_by(
        "-active", "organisation__name", "role")
    return render(request, "accounts/person.html", {
        "account": account, "memberships": memberships, "form": form, "problem": problem,
        "is_self": account == request.user, "invited": request.GET.get("invited") == "1",
        "valid_days": invitations.valid_days(),
    }, status=400 if problem or form.errors else 200)


def _change(request: HttpRequest, account: User, action: str) -> tuple[GrantRoleForm | None, str]:
    """Carry out one POSTed ``action``: ``(form with errors or None, problem or "")``."""
    is_self = account == request.user
    if action == "grant":
        form = GrantRoleForm(request.POST)
        if not form.is_valid():
            return form, ""
        try:
            services.grant_role(account, form.cleaned_data["organisation"],
                                form.cleaned_data["role"],
                                profession=form.cleaned_data["profession"], by=request,
                                reason="account administration")
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
            return form, ""
        return None, ""
    if action == "end":
        membership = account.memberships.filter(
            pk=_integer(request.POST.get("membership")), active=True).first()
        if membership is None:
            return None, "That role has already ended or is not this person's. Nothing changed."
        if is_self and membership.role == Role.ADMINISTRATOR:
            return None, ("You cannot end your own administrator role: ask another "
                          "administrator. Nothing changed.")
        services.end_role(membership, by=request, reason="account administration")
        return None, ""
    if action == "invite":
        if account.is_demo:
            return None, "Demo accounts share one password: no link is sent. Nothing changed."
        try:
            invitations.resend(account, absolute=request.build_absolute_uri, by=request)
        except ValidationError as exc:
            return None, " ".join(exc.messages)
        return None, ""
    if action in ("deactivate", "reactivate"):
        if is_self:
            return None, "You cannot deactivate your own account. Nothing changed."
        services.set_active(account, action == "reactivate", by=request,
                            reason=f"account administration: {action}d")
        return None, ""
    return None, "Choose what to change. Nothing changed."


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMINISTRATOR)
def organisations(request: HttpRequest) -> HttpResponse:
    """``/accounts/organisations/``: every organisation (a demo administrator: demo ones only)
    with how many people hold a role there; POST adds one (audited) and comes back here, or
    answers 400 naming each wrong field, adding nothing. Demo administrators cannot add (403)."""
    form = OrganisationForm()
    status = 200
    if request.method == "POST":
        if request.user.is_demo:
            raise PermissionDenied("Demo accounts cannot add organisations.")
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                services.create_organisation(**form.cleaned_data, by=request,
                                             reason="account administration")
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect(request.path)
        status = 400
    listed = Organisation.objects.annotate(
        people=Count("memberships", filter=Q(memberships__active=True))).order_by("name")
    if request.user.is_demo:
        listed = listed.filter(is_demo=True)
    return render(request, "accounts/organisations.html", {
        "organisations": listed, "form": form, "can_add": not request.user.is_demo,
    }, status=status)


def _integer(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None
