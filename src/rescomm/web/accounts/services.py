"""Account services: create users and organisations, grant and end roles, deactivate and
reactivate users; each atomic and audited."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .audit import Actor, audit
from .models import AuditEvent, Membership, Organisation, User


def grant_role(
    user: User,
    organisation: Organisation,
    role: str,
    *,
    profession: str = "",
    by: Actor = None,
    reason: str = "",
) -> Membership:
    """Give ``user`` ``role`` at ``organisation`` (reactivating an ended membership).

    Audited as ``role_granted`` unless the user already held the role with that profession.
    Raises ``django.core.exceptions.ValidationError`` when the model's rules are broken (a
    referrer without a profession, a demo account in a real organisation, ...).
    """
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation, role=role)
            .first()
        )
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=role)
        elif membership.active and membership.profession == profession:
            return membership
        membership.profession = profession
        membership.active = True
        membership.full_clean()
        membership.save()
        audit(by, AuditEvent.ROLE_GRANTED, membership, reason, role=None)
    return membership


def end_role(membership: Membership, *, by: Actor = None, reason: str = "") -> Membership:
    """End a membership (kept, marked inactive); audited as ``role_ended``. Idempotent."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.active:
            locked.active = False
            locked.save(update_fields=["active", "updated_at"])
            audit(by, AuditEvent.ROLE_ENDED, locked, reason)
    return locked


def create_organisation(
    name: str, kind: str, *, ods_code: str = "", lad_code: str = "", by: Actor = None,
    reason: str = "",
) -> Organisation:
    """Create a real (not demo) organisation; audited as ``create``.

    Raises ``django.core.exceptions.ValidationError`` naming each bad field (an unknown kind, a
    malformed ODS or local authority code, an ODS code another organisation has, an empty or
    over-long name).
    """
    organisation = Organisation(name=name.strip(), kind=kind, ods_code=ods_code.strip().upper(),
                                lad_code=lad_code.strip().upper())
    with transaction.atomic():
        taken = (Organisation.objects.filter(ods_code=organisation.ods_code).first()
                 if organisation.ods_code else None)
        if taken is not None:  # the database's unique constraint still guards a race
            raise ValidationError({"ods_code": [
                f"The ODS code {organisation.ods_code} is already used by {taken.name}."]})
        organisation.full_clean()
        organisation.save()
        audit(by, AuditEvent.CREATE, organisation, reason or "organisation created")
    return organisation


def create_user(
    username: str, password: str, *, display_name: str = "", email: str = "", by: Actor = None,
    reason: str = "",
) -> User:
    """Create an active, real (not demo) user who signs in with ``password``; audited as
    ``create``. The user holds no role until :func:`grant_role` gives one.

    Raises ``django.core.exceptions.ValidationError`` naming each bad field: a username that is
    taken or not of letters, digits and ``@.+-_``, a malformed e-mail address, or a password the
    password validators refuse (shorter than 12 characters, common, all digits, or like the
    username).
    """
    user = User(username=username.strip(), display_name=display_name.strip(),
                email=email.strip())
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    with transaction.atomic():
        user.save()
        audit(by, AuditEvent.CREATE, user, reason or "account created")
    return user


def set_active(user: User, active: bool, *, by: Actor = None, reason: str = "") -> User:
    """Deactivate (``active=False``) or reactivate a user; audited as ``update`` when it
    changes anything. A deactivated user cannot sign in, their sessions end at the next
    request and their API tokens are refused; their records and memberships are kept."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active"])
            audit(by, AuditEvent.UPDATE, locked,
                  reason or ("account reactivated" if active else "account deactivated"))
    return locked


def set_password(user: User, password: str, *, by: Actor = None, reason: str = "") -> User:
    """Give ``user`` a new password (an administrator's reset); audited as ``update``. Their
    sessions end (Django's session check fails once the password changes); API tokens are not
    affected. Raises ``django.core.exceptions.ValidationError`` (``password``) when the password
    rules refuse it, with nothing changed."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from None
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit(by, AuditEvent.UPDATE, locked, reason or "password reset")
    return locked
