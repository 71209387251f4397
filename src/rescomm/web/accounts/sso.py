"""Single sign-on through OpenID Connect (NHS Care Identity Service 2, a council's Microsoft
Entra ID, ...) with mozilla-django-oidc: the authorization code flow with PKCE, state and
nonce, the ID token's signature checked against the provider's published keys (JWKS).

rescomm still decides who may do what: the provider only says who the person is. A sign-in
finds an **existing** account, by the provider's subject (``sub``) stored at an earlier sign-in
(:class:`~.models.SingleSignOnIdentity`), else by the e-mail address, which must match exactly
one real account (case-insensitive; never a demo account), and is then linked to that subject.
No account is ever created and no role or group claim is read: an administrator gives roles in
rescomm. The second factor still applies unless the provider is declared to enforce
multi-factor authentication (``RESCOMM_OIDC_PROVIDER_MFA``).

Configured by environment variables only (``settings/_oidc.py``); without them the two URLs
answer 404.
"""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from . import two_factor
from .audit import Actor, audit
from .forms import SignInForm
from .models import AuditEvent, SingleSignOnIdentity, User

logger = logging.getLogger(__name__)

#: Why a single sign-on did not sign anyone in -> what the sign-in page says.
FAILURES = {
    "no_account": "Your {provider} account is not linked to an account here. Ask an "
                  "administrator at your organisation to add you with the same e-mail address.",
    "ambiguous": "More than one account here has your e-mail address, so single sign-on cannot "
                 "choose. Ask an administrator at your organisation.",
    "no_email": "{provider} did not tell us a verified e-mail address for you. Ask an "
                "administrator at your organisation to link your account.",
    "linked_elsewhere": "The account with your e-mail address is linked to another {provider} "
                        "identity. Ask an administrator at your organisation.",
    "inactive": "This account is not active. Ask an administrator at your organisation.",
    "provider": "{provider} did not sign you in. Try again, or sign in with your username and "
                "password.",
}


def config() -> dict | None:
    """``settings.SINGLE_SIGN_ON`` (provider name, issuer, whether it enforces MFA), or ``None``
    when single sign-on is off."""
    return getattr(settings, "SINGLE_SIGN_ON", None) or None


def provider_name() -> str:
    found = config()
    return found["provider_name"] if found else ""


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching existing accounts only (see the module doc).

    Besides the library's checks (signature against the JWKS key named by ``kid``, algorithm,
    expiry, nonce), the ID token's issuer must be ``RESCOMM_OIDC_ISSUER`` and its audience must
    include this client. A failure's reason is left on ``request.rescomm_sso_failure``.
    """

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        issuer = config()["issuer"] if config() else None
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another client")
        if "exp" not in payload or not payload.get("sub"):
            raise SuspiciousOperation("ID token without an expiry or a subject")
        return payload

    def authenticate(self, request, **kwargs):
        """The library's code flow; a provider that answers with an error, an ID token that
        fails a check or an unreachable provider is a failed sign-in (``"provider"``), logged,
        never a server error."""
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError,
                KeyError, ValueError) as exc:
            logger.warning("single sign-on refused: %s", exc)
            if request is not None:
                self.request = request
                return self._fail("provider")
            return None

    def _fail(self, reason: str, account: User | None = None) -> None:
        self.request.rescomm_sso_failure = reason
        self.request.rescomm_sso_account = account
        return None

    def get_or_create_user(self, access_token, id_token, payload):
        """The account for the ID token's subject (linked earlier) or its e-mail address; never
        a new account."""
        issuer, subject = payload["iss"], str(payload["sub"])
        identity = (SingleSignOnIdentity.objects.select_related("user")
                    .filter(issuer=issuer, subject=subject).first())
        if identity is None:
            claims = self.get_userinfo(access_token, id_token, payload)
            if str(claims.get("sub", subject)) != subject:  # OpenID Connect Core 5.3.2
                raise SuspiciousOperation("userinfo is about another subject")
            email = (claims.get("email") or payload.get("email") or "").strip()
            verified = claims.get("email_verified", payload.get("email_verified"))
            if not email or verified is False or str(verified).lower() == "false":
                return self._fail("no_email")
            matches = list(User.objects.filter(email__iexact=email, is_demo=False)[:2])
            if not matches:
                return self._fail("no_account")
            if len(matches) > 1:
                return self._fail("ambiguous")
            user = matches[0]
            if not self.user_can_authenticate(user):
                return self._fail("inactive", user)
            try:
                identity = link(user, issuer, subject, by=user,
                                reason="single sign-on: first sign-in, matched by e-mail")
            except IntegrityError:
                return self._fail("linked_elsewhere", user)
        user = identity.user
        if not self.user_can_authenticate(user):
            return self._fail("inactive", user)
        SingleSignOnIdentity.objects.filter(pk=identity.pk).update(last_used_at=timezone.now())
        return user

    def user_can_authenticate(self, user) -> bool:
        """Active, real accounts only: demo accounts never sign in through a provider."""
        return bool(user.is_active) and not user.is_demo

    def get_user(self, user_id):
        """As Django's model backend: an inactive or demo account's session ends."""
        return ModelBackend.get_user(self, user_id)


def link(user: User, issuer: str, subject: str, *, by: Actor = None,
         reason: str = "") -> SingleSignOnIdentity:
    """Link ``user`` to the provider's ``subject``; audited as ``sso_linked``. Raises
    ``IntegrityError`` when the subject is another account's or the account already has an
    identity at this provider (nothing saved)."""
    with transaction.atomic():
        identity = SingleSignOnIdentity.objects.create(user=user, issuer=issuer,
                                                       subject=subject)
        audit(by, AuditEvent.SSO_LINKED, user, reason or "single sign-on identity linked")
    return identity


def unlink(user: User, issuer: str, *, by: Actor = None, reason: str = "") -> bool:
    """Remove ``user``'s identity at ``issuer`` (they sign in with their password, or are
    linked again by e-mail at their next single sign-on); audited as ``sso_unlinked``.
    Whether there was one."""
    with transaction.atomic():
        removed = SingleSignOnIdentity.objects.filter(user=user, issuer=issuer).delete()[0]
        if removed:
            audit(by, AuditEvent.SSO_UNLINKED, user, reason or "single sign-on identity removed")
    return bool(removed)


def sign_in(request: HttpRequest) -> HttpResponse:
    """``/accounts/sso/login/``: send the browser to the provider (404 when single sign-on is
    off). ``next`` is kept, if it is on this site, for after the sign-in."""
    if config() is None:
        raise Http404("Single sign-on is not set up here.")
    return OIDCAuthenticationRequestView.as_view()(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """``/accounts/sso/callback/``: the provider sends the browser back here with a code; the
    library checks the state, exchanges the code and checks the ID token, then the backend finds
    the account. Then the second factor, as after a password (unless the provider enforces
    MFA). A failure shows the sign-in page (403) saying why, and is audited."""

    def dispatch(self, request, *args, **kwargs):
        if config() is None:
            raise Http404("Single sign-on is not set up here.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # an unknown or reused state: a stale or forged link
            logger.warning("single sign-on callback refused: %s", exc)
            request.rescomm_sso_failure = "provider"
            return self.login_failure()

    def login_success(self):
        request = self.request
        request.rescomm_login_method = "single sign-on"
        response = super().login_success()
        if config()["provider_mfa"]:
            two_factor.mark_passed(request)
        step = two_factor.pending_step(request)
        if step is None:
            return response
        return redirect(two_factor.step_url(step, self.success_url))

    def login_failure(self):
        request = self.request
        reason = getattr(request, "rescomm_sso_failure", "provider")
        account = getattr(request, "rescomm_sso_account", None)
        audit(request, AuditEvent.LOGIN_FAILED, account, f"single sign-on: {reason}", role="")
        message = FAILURES[reason].format(provider=provider_name())
        return render(request, "accounts/login.html", {
            "form": SignInForm(request), "sso_error": message,
            "sso_provider": provider_name()}, status=403)
