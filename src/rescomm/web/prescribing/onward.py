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

from rescomm.web.accounts.public import Organisation, Role, audit, organisations_for

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


def respond_onward(request, onward_id: int, *, accept_it: bool, reason: str = "",
                   now: dt.datetime | None = None) -> OnwardReferral:
    """A provider accepts or declines an onward referral sent to its organisation.

    Accepting checks the service's :class:`ServiceCapacity` (if it has one) in the same
    transaction, so concurrent accepts can never overfill it:

    - total places: a conditional ``UPDATE ... SET taken = taken + 1 WHERE taken < places``;
    - places per week: the capacity row is locked (``SELECT ... FOR UPDATE``) and this week's
      acceptances counted; accepts of one service therefore run one after another;
    - waiting list: never refused; the person joins the queue.

    Raises
    ------
    CapacityFull
        No free place (nothing is changed; the referral keeps waiting).
    PathwayError
        Already answered.
    ReferralInvalid
        Declining without a reason.
    """
    from .capacity import accepted_this_week, capacity_for, week_start
    from .models import CapacityMode

    user = _user_of(request)
    now = now or timezone.now()
    if not accept_it and not reason.strip():
        raise ReferralInvalid({"reason": ["Say why the service cannot take the person."]})
    with transaction.atomic():
        onward = OnwardReferral.objects.select_for_update().get(pk=onward_id)
        if onward.status != OnwardReferral.Status.SENT:
            raise PathwayError("This onward referral has already been answered.")
        if accept_it:
            rows = capacity_for(onward)
            capacity = rows.select_for_update().first()
            if capacity is not None and capacity.mode == CapacityMode.TOTAL:
                if rows.filter(taken__lt=F("places")).update(taken=F("taken") + 1) == 0:
                    raise CapacityFull(
                        f"No places left at {onward.service_name}: decline with a reason, or "
                        "add places and accept again."
                    )
            elif capacity is not None and capacity.mode == CapacityMode.WEEKLY:
                used = accepted_this_week(capacity, now=now)
                if used >= capacity.places:
                    monday = (week_start(now) + dt.timedelta(days=7)).date()
                    raise CapacityFull(
                        f"No places left at {onward.service_name} this week ({capacity.places} "
                        f"a week, all taken): decline with a reason, add places, or accept "
                        f"from Monday {monday:%-d %B}."
                    )
        statuses = OnwardReferral.Status
        onward.status = statuses.ACCEPTED if accept_it else statuses.DECLINED
        onward.decline_reason = reason.strip()[:300]
        onward.responded_by, onward.responded_at = user, now
        onward.save()
        audit(request, "update", onward, "direct care: onward referral answered")
        return onward


def start_onward(request, onward_id: int, *, now: dt.datetime | None = None) -> OnwardReferral:
    """The provider records that an accepted person started at the service: they leave the
    service's waiting list. Audited.

    Raises
    ------
    PathwayError
        Not accepted, or already started.
    """
    with transaction.atomic():
        onward = OnwardReferral.objects.select_for_update().get(pk=onward_id)
        if onward.status != OnwardReferral.Status.ACCEPTED or onward.started_at is not None:
            raise PathwayError("Only a person you accepted who has not started yet can be "
                               "marked as started.")
        onward.started_at = now or timezone.now()
        onward.save(update_fields=["started_at"])
        audit(request, "update", onward, "direct care: person started at the service")
        return onward


#: Days a provider has to answer when its service has no capacity row (Joy uses 2 weeks).
DEFAULT_RESPONSE_DAYS = 14


def escalate_overdue_onward(*, now: dt.datetime | None = None) -> int:
    """Decline, for the person's safety, onward referrals a provider has not answered within its
    response time, and put the referral back on its link worker's list as due today. The
    response time is the provider's service-level agreement with the referral's scheme valid
    on the day it was sent (``ServiceAgreement.provider_response_days``), else the service's
    ``ServiceCapacity.response_days``, else :data:`DEFAULT_RESPONSE_DAYS`. Returns how many;
    audited."""
    from .capacity import capacity_key
    from .models import ServiceAgreement

    now = now or timezone.now()
    response_days = {capacity_key(c): c.response_days for c in ServiceCapacity.objects.all()}
    agreements = list(ServiceAgreement.objects.filter(
        party_kind=ServiceAgreement.Party.PROVIDER, provider_response_days__isnull=False))

    def days_for(onward: OnwardReferral) -> int:
        sent = timezone.localtime(onward.sent_at).date()
        for agreement in agreements:
            if (agreement.party_id == onward.provider_id
                    and agreement.scheme_id == onward.referral.scheme_id
                    and agreement.valid_from <= sent
                    and (agreement.valid_to is None or sent <= agreement.valid_to)):
                return agreement.provider_response_days
        return response_days.get(capacity_key(onward), DEFAULT_RESPONSE_DAYS)

    shortest = min([DEFAULT_RESPONSE_DAYS, *response_days.values(),
                    *(a.provider_response_days for a in agreements)])
    count = 0
    with transaction.atomic():
        waiting = OnwardReferral.objects.select_for_update(of=("self",)).select_related(
            "referral").filter(status=OnwardReferral.Status.SENT,
                               sent_at__lte=now - dt.timedelta(days=shortest))
        for onward in waiting:
            days = days_for(onward)
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
    """Per service that the schemes' referrals were sent on to: its mode, places available now,
    waiting list and expected wait, onward referrals waiting for an answer, accepted and
    declined, and the median days to acceptance (:func:`.capacity.service_capacity`)."""
    from .capacity import service_capacity

    return service_capacity(OnwardReferral.objects.filter(referral__scheme__in=schemes))


def set_capacity(request, provider: Organisation, service_name: str, places,
                 mode: str = "total") -> ServiceCapacity:
    """Set how a provider's service takes people (``mode``: total places, places per week, or a
    waiting list with people started per week) and how many. In total mode the places must
    be at least those already taken.

    A name that is the name of an asset-map service the provider runs sets that service's
    capacity (kept by key: matching shows it, onward referrals to it count against it); any
    other name is a service that is not on the map."""
    from .directory import map_service_named
    from .models import CapacityMode

    name = (service_name or "").strip()[:200]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["service_name"] = ["Enter the name of the service."]
    if mode not in CapacityMode.values:
        errors["mode"] = ["Choose total places, places per week or a waiting list."]
    try:
        places = int(str(places).strip())
        if places < 0:
            raise ValueError
    except ValueError:
        errors["places"] = ["Enter the number of places as a whole number, 0 or more."]
    if errors:
        raise ReferralInvalid(errors)
    service = map_service_named(provider, name)
    with transaction.atomic():
        if service is not None:
            capacity, _ = ServiceCapacity.objects.select_for_update().get_or_create(
                provider=provider, service=service,
                defaults={"places": places, "mode": mode, "service_name": name})
            capacity.service_name = service.name[:200]
        else:
            capacity, _ = ServiceCapacity.objects.select_for_update().get_or_create(
                provider=provider, service=None, service_name=name,
                defaults={"places": places, "mode": mode})
        if mode == CapacityMode.TOTAL and places < capacity.taken:
            raise ReferralInvalid({"places": [
                f"{capacity.taken} places are already taken; enter {capacity.taken} or more."]})
        if mode != CapacityMode.TOTAL:
            capacity.taken = 0  # places per week and waiting lists count acceptances instead
        capacity.places, capacity.mode = places, mode
        capacity.save()
        audit(request, "update", capacity, "service capacity set")
        return capacity

