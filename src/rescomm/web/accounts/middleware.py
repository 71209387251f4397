"""Nothing is served to a signed-in session that still owes its second factor.

After the password (or single sign-on), a person who has an authenticator app is sent to enter
a code, and a person whose role needs one and who has none is sent to set one up
(:func:`.two_factor.pending_step`). Until then every page redirects there and every JSON
request answers 401 ``two_factor_required``; only the two-factor pages, signing out, static
files and ``/healthz`` are open. API requests that carry an ``Authorization`` header are judged
on the token alone (the session is not used), so bearer tokens are unaffected.

Checked on every request, not only at sign-in, so a role given during a session, a device reset
by an administrator, or any other way of signing in is caught at the next request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from rescomm.web.core.errors import json_error, wants_json

from . import two_factor


def _open_prefixes() -> tuple[str, ...]:
    return (reverse("accounts:two-factor"), reverse("accounts:logout"), "/healthz",
            settings.STATIC_URL)


class TwoFactorMiddleware:
    """Send a session that owes its second factor to the page that takes it (after
    ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        path = request.path_info
        if self._open is None:
            self._open = _open_prefixes()
        if path.startswith(self._open):
            return self.get_response(request)
        if path.startswith("/api/") and request.headers.get("Authorization"):
            return self.get_response(request)
        step = two_factor.pending_step(request)
        if step is None:
            return self.get_response(request)
        if wants_json(request):
            return json_error(401, "two_factor_required",
                              "Finish signing in: enter the code from your authenticator app "
                              "(or set one up) at " + two_factor.step_url(step) + ".")
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else None
        return HttpResponseRedirect(two_factor.step_url(step, next_url))
