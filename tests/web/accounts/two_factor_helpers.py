"""Helpers for tests that sign in with two-factor sign-in: an app set up for a user, the code
it shows now, and a test client's session marked as having passed the second factor."""

from __future__ import annotations

from binascii import unhexlify

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from rescomm.web.accounts import two_factor


def code_for(hex_key: str, *, steps_ahead: int = 0) -> str:
    """The six-digit code an authenticator app shows now for ``hex_key`` (or ``steps_ahead``
    30-second steps later)."""
    totp = TOTP(unhexlify(hex_key), drift=steps_ahead)
    return f"{totp.token():06d}"


def next_code(user) -> str:
    """The code ``user``'s app shows that the server accepts next: the current time step as
    the device sees it (its recorded clock drift included), or the step after the last code it
    accepted, whichever is later (a code is never accepted twice)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now = TOTP(unhexlify(device.key), drift=device.drift).t()
    step = max(now, device.last_t + 1)
    return code_for(device.key, steps_ahead=step - TOTP(unhexlify(device.key)).t())


def give_app(user) -> TOTPDevice:
    """A confirmed authenticator app for ``user`` (the one they have, if any)."""
    device = two_factor.app_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE_NAME,
                                           confirmed=True)
    return device


def pass_second_factor(client, user) -> None:
    """After ``force_login``: if ``user`` must use an app or has one, mark the session as
    verified by it (giving them one if needed), as the code page would."""
    if user.is_demo or not (two_factor.required_for(user) or two_factor.app_device(user)):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = give_app(user).persistent_id
    session.save()
