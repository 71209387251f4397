"""Onward referrals and the capacity of the services they go to.

A provider sees only the onward referrals sent to its organisation; accepting takes a place
inside the acceptance transaction, so a service is never over capacity, even under concurrent
accepts. Unanswered onward referrals are escalated after the service's response time.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from rescomm.web.accounts.audit import audit
from rescomm.web.accounts.models import Organisation
from rescomm.web.accounts.permissions import organisations_for
from rescomm.web.accounts.roles import Role

from .errors import CapacityFull, ReferralInvalid
from .models import OnwardReferral, Referral, ServiceCapacity
from .pathway import PathwayError


def _user_of(request):
    return getattr(request, "user", request)


def onward_for_provider(user) -> QuerySet[OnwardReferral]:
    """Onward referrals sent to the organisations where ``user`` is provider staff."""
    orgs = organisations_for(user, Role.PROVIDER_STAFF).values("pk")
    return OnwardReferral.objects.filter(provider_id__in=orgs)


def get_onward(user, public_id) -> OnwardReferral:
    """The onward referral if it was sent to the user's organisation; ``Http404`` otherwise."""
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
        return onward_for_provider(user).select_related("referral").get(public_id=key)
    except (OnwardReferral.DoesNotExist, ValueError, TypeError):
        raise Http404("No onward referral with this id.") from None


def respond_onward(request, onward_id: int, *, accept_it: bool, reason: str = "") -> OnwardReferral:
    """A provider accepts or declines an onward referral sent to its organisation.

    Accepting takes a place when the service has a :class:`ServiceCapacity`: a conditional
    ``UPDATE ... SET taken = taken + 1 WHERE taken < places`` in the same transaction, so two
    concurrent accepts can never both take the last place.

    Raises
    ------
    CapacityFull
        No free place (nothing is changed; the referral keeps waiting).
    PathwayError
        Already answered.
    ReferralInvalid
        Declining without a reason.
    """
    user = _user_of(request)
    if not accept_it and not reason.strip():
        raise ReferralInvalid({"reason": ["Say why the service cannot take the person."]})
    with transaction.atomic():
        onward = OnwardReferral.objects.select_for_update().get(pk=onward_id)
        if onward.status != OnwardReferral.Status.SENT:
            raise PathwayError("This onward referral has already been answered.")
        if accept_it:
            capacity = ServiceCapacity.objects.filter(provider_id=onward.provider_id,
                                                      service_name=onward.service_name)
            if capacity.exists():
                taken = capacity.filter(taken__lt=F("places")).update(taken=F("taken") + 1)
                if taken == 0:
                    raise CapacityFull(
                        f"No places left at {onward.service_name}: decline with a reason, or "
                        "add places and accept again."
                    )
        statuses = OnwardReferral.Status
        onward.status = statuses.ACCEPTED if accept_it else statuses.DECLINED
        onward.decline_reason = reason.strip()[:300]
        onward.responded_by, onward.responded_at = user, timezone.now()
        onward.save()
        audit(request, "update", onward, "direct care: onward referral answered")
        return onward


#: Days a provider has to answer when its service has no capacity row (Joy uses 2 weeks).
DEFAULT_RESPONSE_DAYS = 14


def escalate_overdue_onward(*, now: dt.datetime | None = None) -> int:
    """Decline, for the person's safety, onward referrals a provider has not answered within its
    response time (``ServiceCapacity.response_days``, else :data:`DEFAULT_RESPONSE_DAYS`), and
    put the referral back on its link worker's list as due today. Returns how many; audited."""
    now = now or timezone.now()
    response_days = {
        (c.provider_id, c.service_name): c.response_days for c in ServiceCapacity.objects.all()
    }
    count = 0
    with transaction.atomic():
        waiting = OnwardReferral.objects.select_for_update().filter(
            status=OnwardReferral.Status.SENT,
            sent_at__lte=now - dt.timedelta(days=min([DEFAULT_RESPONSE_DAYS,
                                                      *response_days.values()])),
        )
        for onward in waiting:
            days = response_days.get((onward.provider_id, onward.service_name),
                                     DEFAULT_RESPONSE_DAYS)
            if onward.sent_at > now - dt.timedelta(days=days):
                continue
            onward.status = OnwardReferral.Status.DECLINED
            onward.decline_reason = (
                f"No answer within {days} days: declined automatically so the person is not "
                "left waiting; the link worker will offer something else."
            )
            onward.responded_at = now
            onward.save()
            Referral.objects.filter(pk=onward.referral_id).update(
                next_due=timezone.localdate(), version=F("version") + 1)
            audit(None, "escalate", onward, f"provider response time of {days} days passed")
            count += 1
    return count


def capacity_overview(schemes) -> list[dict]:
    """Per service that the schemes' referrals were sent on to: places, taken, free, waiting for
    an answer, and declined; plus each scheme's open demand by need (for the "is the voluntary
    sector ready?" question)."""
    from django.db.models import Count, Q

    onward = (
        OnwardReferral.objects.filter(referral__scheme__in=schemes)
        .values("provider_id", "provider__name", "service_name")
        .annotate(waiting=Count("pk", filter=Q(status=OnwardReferral.Status.SENT)),
                  accepted=Count("pk", filter=Q(status=OnwardReferral.Status.ACCEPTED)),
                  declined=Count("pk", filter=Q(status=OnwardReferral.Status.DECLINED)))
        .order_by("provider__name", "service_name")
    )
    places = {(c.provider_id, c.service_name): c for c in ServiceCapacity.objects.all()}
    rows = []
    for row in onward:
        capacity = places.get((row["provider_id"], row["service_name"]))
        rows.append({
            "provider": row["provider__name"], "service": row["service_name"],
            "places": capacity.places if capacity else None,
            "taken": capacity.taken if capacity else None,
            "free": capacity.free if capacity else None,
            "waiting": row["waiting"], "accepted": row["accepted"], "declined": row["declined"],
        })
    return rows


def set_capacity(request, provider: Organisation, service_name: str, places) -> ServiceCapacity:
    """Set the places a provider's service offers (at least the places already taken)."""
    name = (service_name or "").strip()[:200]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["service_name"] = ["Enter the name of the service."]
    try:
        places = int(str(places).strip())
        if places < 0:
            raise ValueError
    except ValueError:
        errors["places"] = ["Enter the number of places as a whole number, 0 or more."]
    if errors:
        raise ReferralInvalid(errors)
    with transaction.atomic():
        capacity, _ = ServiceCapacity.objects.select_for_update().get_or_create(
            provider=provider, service_name=name, defaults={"places": places})
        if places < capacity.taken:
            raise ReferralInvalid({"places": [
                f"{capacity.taken} places are already taken; enter {capacity.taken} or more."]})
        capacity.places = places
        capacity.save()
        audit(request, "update", capacity, "service capacity set")
        return capacity

