"""Accounts pages: sign in, sign out, your account, change your password, and the audit log
(administrators)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import sso, two_factor
from .audit import action_label, audit, record_type_label
from .demo_policy import demo_accounts_allowed
from .forms import AuditFilterForm, ChangePasswordForm, SignInForm
from .models import AuditEvent, User
from .permissions import role_required
from .roles import ROLE_DESCRIPTIONS, Role, role_label

AUDIT_PAGE_SIZE = 50


class _OwnSiteName:
    """Django's auth views put the request's host in ``site_name``; keep the service's name
    (from the ``core`` context processor) in the header and title instead."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.pop("site_name", None)
        context.pop("site", None)
        return context


class SignInView(_OwnSiteName, auth_views.LoginView):
    """``/accounts/login/``: 400 with an error summary for a wrong username or password, 429
    (with ``Retry-After``) while the username is locked for this IP address."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Said on the page wherever demo accounts may sign in (never in production).
        context["demo_accounts"] = (demo_accounts_allowed()
                                    and User.objects.filter(is_demo=True).exists())
        context["sso_provider"] = sso.provider_name()  # "" when single sign-on is off
        return context

    def form_valid(self, form: SignInForm) -> HttpResponse:
        """Signed in with the password; people who have an authenticator app, or whose role
        needs one, go on to enter its code or set one up (``two_factor``)."""
        response = super().form_valid(form)
        step = two_factor.pending_step(self.request)
        if step is None:
            form.clear_failures()  # sign-in complete; else the second factor clears them
            return response
        return redirect(two_factor.step_url(step, self.get_success_url()))

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.locked_for is not None:
            response.status_code = 429
            response["Retry-After"] = str(int(form.locked_for.total_seconds()) + 1)
        else:
            response.status_code = 400
        return response


class SignOutView(_OwnSiteName, auth_views.LogoutView):
    """``/accounts/logout/`` (POST only): ends the session and says so."""

    template_name = "accounts/logged_out.html"


class ChangePasswordView(_OwnSiteName, auth_views.PasswordChangeView):
    """``/accounts/password/``: change your own password (signed in; not for the shared demo
    accounts: 403). 400 with an error summary when a field is wrong; on success the change is
    audited, you stay signed in here and your other sessions end."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-changed")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_demo:
            raise PermissionDenied("Demo accounts share one password, so it cannot be changed "
                                   "here.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        audit(self.request, AuditEvent.UPDATE, self.request.user, "password changed",
              role="")
        return response

    def form_invalid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordChangedView(_OwnSiteName, auth_views.PasswordChangeDoneView):
    """``/accounts/password/changed/``: says the password was changed."""

    template_name = "accounts/password_changed.html"


@never_cache
@require_safe
@role_required()
def me(request: HttpRequest) -> HttpResponse:
    """``/accounts/me/``: who you are signed in as, your organisations and roles, your tokens."""
    user = request.user
    memberships = user.memberships.filter(active=True).select_related("organisation")
    context = {
        "account": user,
        "memberships": [
            {"membership": m, "description": ROLE_DESCRIPTIONS.get(m.role, "")}
            for m in memberships
        ],
        "tokens": user.api_tokens.all(),
        "is_administrator": any(m.role == Role.ADMINISTRATOR for m in memberships),
        "has_app": two_factor.app_device(user) is not None,
    }
    return render(request, "accounts/me.html", context)


@never_cache
@require_safe
@role_required(Role.ADMINISTRATOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    """``/accounts/audit/``: the audit log, newest first, filterable and paginated (read only).

    Reading it is itself audited (action ``view`` on ``accounts.auditevent``). A demo
    administrator reads only what demo accounts did.
    """
    # Recorded first, so the page (counted and sliced below) is consistent and includes it.
    audit(request, AuditEvent.VIEW, object_type="accounts.auditevent", reason="audit log review")
    params = request.GET.copy()
    page_number = params.pop("page", ["1"])[-1]
    form = AuditFilterForm(params or None)
    events = AuditEvent.objects.select_related("actor")
    if request.user.is_demo:  # a demo administrator reads what demo accounts did, nothing else
        events = events.filter(actor__is_demo=True)
    status = 200
    if form.is_bound:
        if form.is_valid():
            events = form.filter(events)
        else:
            events, status = events.none(), 400
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(page_number)
    context = {
        "form": form,
        "page": page,
        "rows": [(event, {"role": role_label(event.actor_role) if event.actor_role else "",
                          "action": action_label(event.action),
                          "record": record_type_label(event.object_type)})
                 for event in page.object_list],
        "query": urlencode([(k, v) for k, v in params.items() if v]),
    }
    return render(request, "accounts/audit_log.html", context, status=status)
