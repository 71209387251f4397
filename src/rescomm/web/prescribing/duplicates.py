"""Possible duplicate referrals: another open referral (not declined or closed) with the same
NHS number in the same scheme.

Both are kept (a second referral can be right, e.g. a new need); each is flagged to its
referrer and to the scheme's link workers with the other's reference, and a link to it for
those who may open it, so the link worker can decline one with the reason "A duplicate of
another referral". Self-referrals without an NHS number are never matched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from .models import Referral
from .pathway import Status, status_label

#: Statuses after which a referral is no longer open.
FINISHED = (Status.DECLINED, Status.CLOSED)
#: At most this many possible duplicates are listed (the oldest; one is enough to act on).
MAX_LISTED = 10


def possible_duplicates(referral: Referral) -> QuerySet[Referral]:
    """Other open referrals of ``referral``'s NHS number in its scheme, oldest first."""
    if not referral.nhs_number:
        return Referral.objects.none()
    return (Referral.objects.filter(scheme_id=referral.scheme_id,
                                    nhs_number=referral.nhs_number)
            .exclude(pk=referral.pk).exclude(status__in=FINISHED).order_by("created_at", "id"))


def has_possible_duplicate() -> Exists:
    """For ``annotate``: whether a referral row has a possible duplicate (the caseload's flag;
    one index lookup per row, ``referral_open_by_scheme_nhs``)."""
    return Exists(Referral.objects.filter(scheme_id=OuterRef("scheme_id"),
                                          nhs_number=OuterRef("nhs_number"))
                  .exclude(nhs_number="").exclude(pk=OuterRef("pk"))
                  .exclude(status__in=FINISHED))


@dataclass(frozen=True)
class Duplicate:
    """What someone is told about a possible duplicate: its reference and when it was received
    always; its status and links only if they may open it."""

    reference: str
    received_at: dt.datetime
    status_label: str | None
    url: str | None
    api_url: str | None


def notices(referral: Referral, can_open: Callable[[int | None, int], bool]) -> list[Duplicate]:
    """The possible duplicates of ``referral`` (the oldest :data:`MAX_LISTED`) as told to a
    person for whom ``can_open(referrer_id, scheme_id)`` says whether they may open a referral
    (one indexed read of five columns)."""
    rows = possible_duplicates(referral).values_list(
        "id", "status", "created_at", "referrer_id", "scheme_id")[:MAX_LISTED]
    prefix = reverse("prescribing:index") + "referrals/"
    out = []
    for pk, status, created_at, referrer_id, scheme_id in rows:
        opens = can_open(referrer_id, scheme_id)
        out.append(Duplicate(
            reference=str(pk)[:8].upper(), received_at=created_at,
            status_label=status_label(status) if opens else None,
            url=f"{prefix}{pk}/" if opens else None,
            api_url=f"/api/referrals/{pk}" if opens else None,
        ))
    return out


def opener(request) -> Callable[[int | None, int], bool]:
    """``can_open`` for :func:`notices`: the rule of ``services.readable_referrals`` (the
    referrals you made, as a referrer; those of the schemes where you are a link worker),
    decided from the memberships the permission check already read (no query)."""
    from rescomm.web.accounts.public import Role

    user = request.user
    rows = getattr(request, "memberships", None)
    if rows is None:
        from rescomm.web.accounts.public import Membership

        rows = list(Membership.objects.filter(user=user, active=True)
                    .values_list("role", "organisation_id", "profession"))
    referrer = any(role == Role.REFERRER for role, _, _ in rows)
    schemes = {org for role, org, _ in rows if role == Role.LINK_WORKER}
    return lambda referrer_id, scheme_id: (
        (referrer and referrer_id == user.pk) or scheme_id in schemes)


__all__ = ["Duplicate", "has_possible_duplicate", "notices", "opener", "possible_duplicates"]
