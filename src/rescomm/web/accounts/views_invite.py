"""Invitations: an administrator invites someone by e-mail (``/accounts/people/invite/``), and
the person chooses a password through the link (``/accounts/invite/<uid>/<token>/``, Django's
``PasswordResetConfirmView`` with the invitation tokens)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import invitations
from .forms_invite import ChoosePasswordForm, InviteForm
from .permissions import role_required
from .roles import Role


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMINISTRATOR)
def invite(request: HttpRequest) -> HttpResponse:
    """``/accounts/people/invite/``: invite someone by e-mail (optionally with a first role);
    they choose their own password through the link. 400 naming each wrong field, nothing
    kept; success goes to the new person's page. Demo administrators cannot invite (403)."""
    form = InviteForm()
    status = 200
    if request.method == "POST":
        if request.user.is_demo:
            raise PermissionDenied("Demo accounts cannot invite people.")
        form = InviteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = invitations.invite(
                    data["email"], absolute=request.build_absolute_uri,
                    username=data["username"], display_name=data["display_name"],
                    organisation=data["organisation"], role=data["role"],
                    profession=data["profession"], by=request)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect(reverse("accounts:person", args=[user.pk]) + "?invited=1")
        status = 400
    return render(request, "accounts/invite.html", {
        "form": form, "can_invite": not request.user.is_demo,
        "valid_days": invitations.valid_days(),
    }, status=status)


class AcceptInviteView(auth_views.PasswordResetConfirmView):
    """``/accounts/invite/<uidb64>/<token>/``: choose your password (anyone with a valid
    link). The token is checked, then (Django's way) kept in the session and the address
    changed, so it does not linger in the browser's history. A used, expired or wrong link
    says so. On success the change is audited (``password_set``) and you sign in."""

    template_name = "accounts/invite_accept.html"
    token_generator = invitations.invite_tokens
    form_class = ChoosePasswordForm
    success_url = reverse_lazy("accounts:invite-done")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.pop("site_name", None)
        context.pop("site", None)
        context["valid_days"] = invitations.valid_days()
        return context

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            invitations.record_password_set(form.user)
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def invite_done(request: HttpRequest) -> HttpResponse:
    """``/accounts/invite/done/``: your password is set; sign in."""
    return render(request, "accounts/invite_done.html")
