"""Sign-in, sign-out and failed sign-in are written to the audit log, however they happen."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .audit import audit
from .models import AuditEvent, User


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def _logged_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    if request is not None and not getattr(request, "user", None):
        request.user = user  # e.g. the test client's force_login builds a bare request
    method = getattr(request, "rescomm_login_method", "") if request is not None else ""
    audit(request if request is not None else user, AuditEvent.LOGIN, user, method, role="")


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def _logged_out(sender, request: HttpRequest | None, user: User | None, **kwargs) -> None:
    if user is not None:
        audit(user if request is None else request, AuditEvent.LOGOUT, user, role="")


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def _login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    if "username" not in credentials:
        return  # single sign-on: its callback audits the failure with the reason (sso.py)
    # The typed username is not recorded (it may be a mistyped password); the account is, if any.
    username = credentials.get("username") or ""
    account = User.objects.filter(username=username).only("pk").first() if username else None
    audit(request, AuditEvent.LOGIN_FAILED, account, role="")
