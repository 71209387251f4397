"""Role services: grant and end memberships, atomically and audited."""

from __future__ import annotations

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
