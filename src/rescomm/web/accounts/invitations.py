"""Invitations: an administrator makes an account for someone by e-mail, and the person
chooses their own password through a link that works once and expires, so no password ever
passes through an administrator.

The link carries the user's id and a token from Django's password-reset token machinery
(:class:`InviteTokenGenerator`, a ``PasswordResetTokenGenerator`` with its own salt): the
token is an HMAC of the user's id, password hash, last sign-in and the time it was made, so it
stops working when the password is set (used once) and after ``PASSWORD_RESET_TIMEOUT``
seconds (Django's default, 3 days). The e-mail goes through Django's e-mail backend, as the
asset map's review reminders do (the console in the demo); if sending fails, nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import services
from .audit import Actor, audit
from .models import AuditEvent, Organisation, User
from .roles import role_label

#: Audit action of an invitation e-mail sent, and of a password chosen from one.
INVITE_SENT, PASSWORD_SET = "invite_sent", "password_set"


class InviteTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens, with a salt of their own (a reset token is not an
    invitation token, nor the reverse)."""

    key_salt = "rescomm.web.accounts.invitations.InviteTokenGenerator"


invite_tokens = InviteTokenGenerator()


def valid_days() -> int:
    """For how many whole days an invitation link works (``PASSWORD_RESET_TIMEOUT``)."""
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT // 86400))


def link_path(user: User) -> str:
    """The set-your-password path for ``user`` (changes whenever a new token is made)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invite-accept", args=[uid, invite_tokens.make_token(user)])


def _body(user: User, by_name: str, url: str, role_line: str) -> str:
    return (
        f"Hello {user.display_name or user.username},\n\n"
        f"{by_name} has made you an account on Resilient Communities.\n"
        f"Your username: {user.username}\n{role_line}\n"
        f"Choose your password here (the link works once, for {valid_days()} days):\n{url}\n\n"
        "If you did not expect this e-mail, ignore it: nothing happens unless the link is "
        "used.\n"
    )


def invite(
    email: str,
    *,
    absolute: Callable[[str], str],
    username: str = "",
    display_name: str = "",
    organisation: Organisation | None = None,
    role: str = "",
    profession: str = "",
    by: Actor = None,
) -> User:
    """Make an account for ``email`` (username: ``username``, else the e-mail address) with
    no usable password, give it ``role`` at ``organisation`` if given, and e-mail the person a
    set-your-password link (``absolute`` turns a path into a full URL). One transaction,
    audited: ``create`` (the account), ``role_granted``, ``invite_sent``.

    Raises ``ValidationError`` naming each bad field (``email``, ``username``, ``role``):
    a malformed or already used e-mail address, a taken username, a broken membership rule;
    or (``email``) when the e-mail cannot be sent; nothing is kept then.
    """
    email = email.strip()
    user = User(username=(username or email).strip(), display_name=display_name.strip(),
                email=email)
    errors: dict[str, list[str]] = {}
    if not email:
        errors["email"] = ["Enter the person's e-mail address"]
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    existing = User.objects.filter(email__iexact=email).first() if email else None
    if existing is not None:
        errors.setdefault("email", []).append(
            f"An account already uses this e-mail address: {existing.username}")
    if errors:
        raise ValidationError(errors)
    user.set_unusable_password()
    role_line = ""
    with transaction.atomic():
        user.save()
        audit(by, AuditEvent.CREATE, user, "account created by invitation")
        if organisation is not None and role:
            try:
                services.grant_role(user, organisation, role, profession=profession, by=by,
                                    reason="account administration: invitation")
            except ValidationError as exc:
                raise ValidationError({"role": list(exc.messages)}) from None
            role_line = f"Your role: {role_label(role)}, {organisation.name}\n"
        by_user = getattr(by, "user", by)
        by_name = str(by_user) if isinstance(by_user, User) else "An administrator"
        url = absolute(link_path(user))
        try:
            send_mail("Your Resilient Communities account: choose a password",
                      _body(user, by_name, url, role_line), None, [email])
        except OSError as exc:  # SMTP down, refused, ...: keep nothing (the raise rolls back)
            raise ValidationError({"email": [
                f"The invitation could not be sent ({exc.__class__.__name__}); nothing was "
                "kept. Try again later."]}) from None
        audit(by, INVITE_SENT, user, f"invitation e-mailed (link valid {valid_days()} days)")
    return user


def resend(user: User, *, absolute: Callable[[str], str], by: Actor = None) -> None:
    """E-mail ``user`` a new set-your-password link (they have not chosen a password yet, or
    an administrator resets it without knowing it). Audited ``invite_sent``. Raises
    ``ValidationError`` when the account has no e-mail address or sending fails."""
    if not user.email:
        raise ValidationError({"email": ["This account has no e-mail address to send to."]})
    by_user = getattr(by, "user", by)
    by_name = str(by_user) if isinstance(by_user, User) else "An administrator"
    with transaction.atomic():
        try:
            send_mail("Your Resilient Communities account: choose a password",
                      _body(user, by_name, absolute(link_path(user)), ""), None, [user.email])
        except OSError as exc:
            raise ValidationError({"email": [
                f"The link could not be sent ({exc.__class__.__name__}). Try again later."]}
            ) from None
        audit(by, INVITE_SENT, user, f"set-your-password link e-mailed again (valid "
                                     f"{valid_days()} days)")


def record_password_set(user: User) -> None:
    """Audit a password chosen through an invitation link (the person is the actor)."""
    audit(user, PASSWORD_SET, user, "password chosen from an invitation link", role="")


__all__ = ["INVITE_SENT", "PASSWORD_SET", "InviteTokenGenerator", "invite", "invite_tokens",
           "link_path", "record_password_set", "resend", "valid_days"]
