"""Two-factor sign-in: a time-based code from an authenticator app (TOTP, RFC 6238), with
recovery codes for when the phone is lost. Devices and their checks are django-otp's
(``TOTPDevice``, ``StaticDevice``; decision 29); this module says who must use them and changes
them atomically with an audit event.

Who: everyone who holds a role in :data:`~.roles.PERSONAL_DATA_ROLES` must set up an app when
``settings.RESCOMM_REQUIRE_2FA`` is on (the default in every settings module), and anyone who has
set one up is asked for a code at every sign-in. Shared demo accounts never use it: their
password is public, one person's phone would lock the others out, and they hold only synthetic
data (they cannot sign in under the production settings at all). API bearer tokens are not
affected: a token is issued to a person by an administrator and acts with their roles.

A session has passed the second factor when django-otp's ``OTPMiddleware`` finds a confirmed
device of its user in it (``user.is_verified()``), or when single sign-on through a provider that
enforces multi-factor authentication marked it (:data:`SESSION_KEY`, ``"identity_provider"``).
"""

from __future__ import annotations

import re
from base64 import b32encode
from binascii import unhexlify
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .audit import Actor, audit
from .models import AuditEvent, Membership, User
from .roles import PERSONAL_DATA_ROLES

#: Session key saying how the second factor was passed, when not by a device of ours.
SESSION_KEY = "rescomm_second_factor"
BY_IDENTITY_PROVIDER = "identity_provider"
#: Session key holding a secret being set up (hex), until the first code confirms it.
SETUP_KEY_SESSION_KEY = "rescomm_totp_setup_key"
#: Session key holding new recovery codes until their page has shown them once.
NEW_CODES_SESSION_KEY = "rescomm_new_recovery_codes"

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
_TOTP_CODE = re.compile(r"^\d{6}$")
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


class Step(StrEnum):
    """What a signed-in session still has to do before it may use the service."""

    VERIFY = "verify"  # enter a code from the app (or a recovery code)
    SET_UP = "set_up"  # set up an app: the role needs one and there is none


#: The page that takes each step.
STEP_URL_NAMES = {Step.VERIFY: "accounts:two-factor", Step.SET_UP: "accounts:two-factor-setup"}


def step_url(step: Step, next_url: str | None = None) -> str:
    """The page for ``step``, with ``next`` (where to go afterwards) when given."""
    url = reverse(STEP_URL_NAMES[step])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def required_for(user: User) -> bool:
    """Whether ``user`` must use two-factor sign-in: the setting is on, the account is real
    (not a demo account) and it holds an active role that can see personal data."""
    if not getattr(settings, "RESCOMM_REQUIRE_2FA", True) or user.is_demo:
        return False
    return Membership.objects.filter(
        user=user, active=True, role__in=PERSONAL_DATA_ROLES).exists()


def app_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes ``user`` has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class Status:
    """What a page says about someone's two-factor sign-in."""

    app: TOTPDevice | None
    codes_left: int
    required: bool
    is_demo: bool


def status(user: User) -> Status:
    """``user``'s app (if any), unused recovery codes and whether their role needs an app."""
    return Status(app_device(user), recovery_codes_left(user), required_for(user), user.is_demo)


def passed(request: HttpRequest) -> bool:
    """Whether this request's session has passed the second factor."""
    user = request.user
    if getattr(user, "is_verified", None) is not None and user.is_verified():
        return True
    return request.session.get(SESSION_KEY) == BY_IDENTITY_PROVIDER


def pending_step(request: HttpRequest) -> Step | None:
    """What the signed-in ``request.user`` must still do this session, if anything.

    People with an app are asked for a code at every sign-in; people whose role needs one and
    who have none are sent to set one up. Demo accounts: nothing.
    """
    user = request.user
    if not user.is_authenticated or user.is_demo or passed(request):
        return None
    if app_device(user) is not None:
        return Step.VERIFY
    if required_for(user):
        return Step.SET_UP
    return None


# Setting up -----------------------------------------------------------------------------------

def new_secret() -> str:
    """A new random TOTP secret: 20 bytes (160 bits, RFC 4226's recommended length), as hex."""
    return random_hex(20)


def secret_for_typing(hex_key: str) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    text = b32encode(unhexlify(hex_key)).decode("ascii").rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user: User, hex_key: str) -> str:
    """The ``otpauth://totp/...`` URI an app reads from the QR code (django-otp's format,
    issuer ``settings.OTP_TOTP_ISSUER``)."""
    return TOTPDevice(user=user, key=hex_key).config_url


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def enrol(user: User, hex_key: str, code: str, *, by: Actor = None) -> Enrolment | None:
    """Confirm the app set up with ``hex_key`` by its first ``code``; ``None`` if the code is
    wrong (nothing saved).

    In one transaction: the app is saved confirmed once django-otp's ``TOTPDevice`` accepts the
    code (SHA-1, six digits, 30-second steps, one step either way), any earlier devices of the
    user are removed, :data:`RECOVERY_CODE_COUNT` new recovery codes are made, and
    ``two_factor_enrolled`` is audited. The codes are returned to be shown once.
    """
    code = normalise(code)
    if not _TOTP_CODE.match(code):
        return None
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=hex_key,
                                           confirmed=False)
        if not device.verify_token(code):
            transaction.set_rollback(True)
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _make_recovery_codes(user)
        audit(by, AuditEvent.TWO_FACTOR_ENROLLED, user, "authenticator app set up")
    return Enrolment(device, codes)


def _make_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return sorted(codes)


def renew_recovery_codes(user: User, *, by: Actor = None) -> list[str]:
    """Replace all of ``user``'s recovery codes with :data:`RECOVERY_CODE_COUNT` new ones (the
    old ones stop working); audited as ``recovery_codes_renewed``. Only for someone with an
    app (``ValueError`` otherwise)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if app_device(user) is None:
            raise ValueError("set up an authenticator app before making recovery codes")
        codes = _make_recovery_codes(user)
        audit(by, AuditEvent.RECOVERY_CODES_RENEWED, user, "new recovery codes")
    return codes


def _delete_devices(user: User) -> int:
    apps = TOTPDevice.objects.filter(user=user).delete()[0]
    codes = StaticDevice.objects.filter(user=user).delete()[0]
    return apps + codes


def reset(user: User, *, by: Actor = None, reason: str = "") -> bool:
    """Remove ``user``'s app and recovery codes (they lost their phone); audited as
    ``two_factor_reset``. At their next request or sign-in they set up an app again if their
    role needs one. Returns whether there was anything to remove (audited either way)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        removed = _delete_devices(user) > 0
        audit(by, AuditEvent.TWO_FACTOR_RESET, user,
              reason or "two-factor sign-in reset")
    return removed


# Signing in -----------------------------------------------------------------------------------

class Method(StrEnum):
    APP = "app"
    RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    method: Method
    codes_left: int


def normalise(code: str) -> str:
    """What people type, without spaces or hyphens, lower case."""
    return re.sub(r"[\s-]+", "", code).lower()


def verify(user: User, code: str) -> Verified | None:
    """Check a code from ``user``'s app (six digits) or one of their recovery codes (eight
    letters and digits; used up once accepted). ``None`` when it is wrong, or while
    django-otp's per-device throttle holds the device after repeated failures.

    django-otp refuses a code from the same or an earlier time step than the last accepted
    one, so an overheard code cannot be replayed.
    """
    code = normalise(code)
    if _TOTP_CODE.match(code):
        device = app_device(user)
        method = Method.APP
    elif _RECOVERY_CODE.match(code):
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        method = Method.RECOVERY_CODE
    else:
        return None
    if device is None:
        return None
    accepted = django_otp.verify_token(user, device.persistent_id, code)
    if accepted is None:
        return None
    left = recovery_codes_left(user) if method is Method.RECOVERY_CODE else -1
    return Verified(accepted, method, left)


def throttled_for(user: User) -> int:
    """Seconds until django-otp lets ``user``'s devices check a code again after repeated
    wrong ones (its delay doubles with each failure: 1, 2, 4, ... seconds); 0 if not held."""
    longest = 0.0
    now = timezone.now()
    for device in (app_device(user),
                   StaticDevice.objects.filter(user=user, confirmed=True).first()):
        if device is None:
            continue
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            longest = max(longest, (details["locked_until"] - now).total_seconds())
    return int(longest) + 1 if longest > 0 else 0


def mark_passed(request: HttpRequest, verified: Verified | None = None) -> None:
    """Record in the session that the second factor was passed (by ``verified``'s device, or
    by the identity provider when ``None``), under a new session key."""
    if verified is not None:
        django_otp.login(request, verified.device)
    else:
        request.session[SESSION_KEY] = BY_IDENTITY_PROVIDER
    request.session.cycle_key()
