"""Two-factor sign-in pages: enter a code after the password, set up an authenticator app (QR
code), recovery codes, and an administrator's reset of someone's app.

The pages under ``/accounts/two-factor/`` are open to a session that still owes its second
factor (``middleware.TwoFactorMiddleware`` lets them through), so each checks for itself what
the session has passed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import throttle, two_factor
from .audit import audit, client_ip
from .forms import SignInForm
from .forms_two_factor import CodeForm, SetUpForm
from .models import AuditEvent, User
from .permissions import role_required
from .qr import qr_svg
from .roles import Role

#: Session flag: the last sign-in used a recovery code (the codes page then says how many left).
USED_RECOVERY_CODE = "rescomm_used_recovery_code"


def _next_url(request: HttpRequest) -> str:
    """The safe ``next`` of this request (query or form), else ``LOGIN_REDIRECT_URL``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_url})


def _forget_code(form) -> None:
    """Do not echo a typed code back into the page (a recovery code is a secret)."""
    if form.is_bound:
        form.data = form.data.copy()
        form.data["code"] = ""


def _locked_response(request: HttpRequest, remaining, next_url: str) -> HttpResponse:
    message = SignInForm.error_messages["locked"] % {
        "minutes": throttle.minutes_text(remaining)}
    response = render(request, "accounts/two_factor_verify.html",
                      {"form": CodeForm(), "next": next_url, "locked": message}, status=429)
    response["Retry-After"] = str(int(remaining.total_seconds()) + 1)
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """``/accounts/two-factor/``: after the password, the code from the app or a recovery code.

    A wrong code is 400 and counts as a failed sign-in for the username and address (the same
    lock as passwords: 429 with ``Retry-After`` once locked); django-otp also slows repeated
    failures on the device itself, whatever the address. Audited: ``two_factor_passed``,
    ``two_factor_failed``, ``recovery_code_used``, ``login_locked``.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = _next_url(request)
    step = two_factor.pending_step(request)
    if step is two_factor.Step.SET_UP:
        return redirect(_with_next("accounts:two-factor-setup", next_url))
    if step is None:
        return redirect(next_url)
    user = request.user
    username, ip = user.get_username(), client_ip(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    remaining = throttle.lock_remaining(username, ip)
    if remaining is not None:
        if request.method == "POST":
            audit(request, AuditEvent.LOGIN_LOCKED, user, "second factor", role="")
        return _locked_response(request, remaining, next_url)
    if request.method != "POST":
        return render(request, "accounts/two_factor_verify.html",
                      {"form": form, "next": next_url})
    wait = two_factor.throttled_for(user)
    if wait and form.is_valid():  # django-otp holds the device: the code is not even checked
        form.add_error("code", f"There have been several wrong codes for this account. Wait "
                               f"{wait} second{'s' if wait != 1 else ''}, then enter the code "
                               "your app shows.")
    elif form.is_valid():
        # counted before the code is checked (the shared store), so parallel guesses cannot
        # pass the lock; a right code clears the count in _passed
        remaining = throttle.start_sign_in(username, ip)
        if remaining is not None:
            audit(request, AuditEvent.LOGIN_LOCKED, user, "second factor", role="")
            return _locked_response(request, remaining, next_url)
        verified = two_factor.verify(user, form.cleaned_data["code"])
        if verified is not None:
            return _passed(request, verified, next_url)
        audit(request, AuditEvent.TWO_FACTOR_FAILED, user, "wrong code", role="")
        remaining = throttle.lock_remaining(username, ip)
        if remaining is not None:
            return _locked_response(request, remaining, next_url)
        form.add_error("code", "The code is not right. Enter the code your app shows now, or "
                               "a recovery code.")
    _forget_code(form)
    return render(request, "accounts/two_factor_verify.html",
                  {"form": form, "next": next_url}, status=400)


def _passed(request: HttpRequest, verified: two_factor.Verified, next_url: str) -> HttpResponse:
    user = request.user
    throttle.clear_failures(user.get_username(), client_ip(request))
    two_factor.mark_passed(request, verified)
    if verified.method is two_factor.Method.RECOVERY_CODE:
        audit(request, AuditEvent.TWO_FACTOR_PASSED, user, "recovery code", role="")
        audit(request, AuditEvent.RECOVERY_CODE_USED, user,
              f"{verified.codes_left} recovery codes left", role="")
        request.session[USED_RECOVERY_CODE] = True
        return redirect(_with_next("accounts:recovery-codes", next_url))
    audit(request, AuditEvent.TWO_FACTOR_PASSED, user, "authenticator app", role="")
    return redirect(next_url)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """``/accounts/two-factor/setup/``: set up an authenticator app: a QR code (and the secret
    to type in), then the first code the app shows. On success the app is saved, the session
    has passed its second factor, and the recovery codes are shown once. A wrong code is 400
    and saves nothing. Not for the shared demo accounts (403); someone who already has an app
    is sent to enter its code, or to their account once they have."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_demo:
        raise PermissionDenied("Demo accounts are shared, so they do not use two-factor sign-in.")
    next_url = _next_url(request)
    if two_factor.app_device(user) is not None:
        if not two_factor.passed(request):
            return redirect(_with_next("accounts:two-factor", next_url))
        return redirect("accounts:me")
    key = request.session.get(two_factor.SETUP_KEY_SESSION_KEY)
    if not key:
        key = request.session[two_factor.SETUP_KEY_SESSION_KEY] = two_factor.new_secret()
    form = SetUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        enrolment = two_factor.enrol(user, key, form.cleaned_data["code"], by=request)
        if enrolment is not None:
            del request.session[two_factor.SETUP_KEY_SESSION_KEY]
            throttle.clear_failures(user.get_username(), client_ip(request))
            two_factor.mark_passed(request, two_factor.Verified(
                enrolment.device, two_factor.Method.APP, -1))
            request.session[two_factor.NEW_CODES_SESSION_KEY] = enrolment.recovery_codes
            return redirect(_with_next("accounts:recovery-codes", next_url))
        form.add_error("code", "That code is not right. Check that the time on your phone is "
                               "right, then enter the code the app shows now.")
    _forget_code(form)
    context = {
        "form": form, "next": next_url, "required": two_factor.required_for(user),
        "qr_svg": qr_svg(two_factor.provisioning_uri(user, key),
                         title="QR code to add Resilient Communities to your authenticator app"),
        "secret": two_factor.secret_for_typing(key),
    }
    return render(request, "accounts/two_factor_setup.html", context,
                  status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """``/accounts/two-factor/recovery-codes/``: new recovery codes, shown once (after setting
    up an app, or after POST, which replaces them all: audited ``recovery_codes_renewed``);
    otherwise how many are left. Not for demo accounts (403)."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_demo:
        raise PermissionDenied("Demo accounts are shared, so they do not use two-factor sign-in.")
    next_url = _next_url(request)
    device = two_factor.app_device(user)
    if device is not None and not two_factor.passed(request):
        return redirect(_with_next("accounts:two-factor", next_url))
    if request.method == "POST":
        if device is None:
            return redirect(_with_next("accounts:two-factor-setup", next_url))
        codes = two_factor.renew_recovery_codes(user, by=request)
        request.session[two_factor.NEW_CODES_SESSION_KEY] = codes
        return redirect(_with_next("accounts:recovery-codes", next_url))
    context = {
        "codes": request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None),
        "used_one": request.session.pop(USED_RECOVERY_CODE, False),
        "has_app": device is not None,
        "left": two_factor.recovery_codes_left(user),
        "next": next_url,
    }
    return render(request, "accounts/recovery_codes.html", context)


@never_cache
@require_POST
@role_required(Role.ADMINISTRATOR)
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """``/accounts/people/<pk>/two-factor/reset/`` (POST, administrators): remove a person's
    authenticator app and recovery codes (lost phone); audited ``two_factor_reset``. They set
    up a new app at their next request or sign-in. A demo administrator gets 404 for a real
    account."""
    account = get_object_or_404(User, pk=pk)
    if request.user.is_demo and not account.is_demo:
        raise Http404("No such account.")
    two_factor.reset(account, by=request, reason="account administration: two-factor reset")
    return redirect("accounts:person", pk=account.pk)
