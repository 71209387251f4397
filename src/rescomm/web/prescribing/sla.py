"""Service levels: how quickly a scheme moves referrals along, per month, with the breaches.

Each referral is measured against the targets of the service-level agreement between its
scheme and its referrer's organisation that was valid on the day it was received
(:class:`~.models.ServiceAgreement`), else against the defaults below; each onward referral
against the scheme's agreement with its provider valid on the day it was sent, else
:data:`PROVIDER_RESPONSE_DAYS`. A referral breaches a time target when the step happened later
than the target (days after the referral was received), or has not happened and the target
date has passed (still open); it is "pending" while the target date is still ahead. Outcome
completeness is the percentage of people who had a first conversation with a baseline (and a
follow-up) SWEMWBS, compared with the agreement's percentage when it sets one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from rescomm.web.core.batches import in_batches

from .models import Instrument, OnwardReferral, Referral, ServiceAgreement, Timepoint


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    days: int


DEFAULT_TARGETS: tuple[Target, ...] = (
    Target("accepted", "Accepted or declined within", 2),
    Target("first_contact", "First contact attempt within", 5),
    Target("first_conversation", "First conversation within", 14),
)
PROVIDER_RESPONSE_DAYS = 14


@dataclass
class TargetResult:
    target: Target
    met: int = 0
    breached: list[str] = field(default_factory=list)
    pending: int = 0

    @property
    def measured(self) -> int:
        return self.met + len(self.breached)

    @property
    def percent_met(self) -> float | None:
        return 100 * self.met / self.measured if self.measured else None


def _first_event_at(referral: Referral, statuses: tuple[str, ...]) -> dt.datetime | None:
    times = [e.at for e in referral.events.all() if e.to_status in statuses]
    return min(times) if times else None


def step_times(referral: Referral) -> dict[str, dt.datetime | None]:
    attempts = [a.at for a in referral.attempts.all()]
    first_conversation = _first_event_at(referral, ("first_conversation",))
    first_contact = min([*attempts, *([first_conversation] if first_conversation else [])],
                        default=None)
    if referral.status == "declined" and first_contact is None:
        first_contact = _first_event_at(referral, ("declined",))
    return {
        "accepted": _first_event_at(referral, ("accepted", "declined")),
        "first_contact": first_contact,
        "first_conversation": first_conversation,
    }


def compliance(referrals, *, now: dt.datetime | None = None,
               targets: tuple[Target, ...] = DEFAULT_TARGETS,
               provider_days: int = PROVIDER_RESPONSE_DAYS,
               baseline_percent: int | None = None,
               follow_up_percent: int | None = None) -> list[dict]:
    """Per month of referral (newest first): each target's met / breached (references) /
    pending counts, the percentage of people with a first conversation who have a baseline and
    a follow-up SWEMWBS (``baseline_ok`` / ``follow_up_ok``: whether it reaches the given
    percentage target, None without a target or without first conversations), and provider
    responses within ``provider_days``."""
    now = now or timezone.now()
    months: dict[str, dict] = {}
    # In batches: a scheme can hold tens of thousands of referrals, too many for one prefetch.
    referrals = referrals.prefetch_related("events", "attempts", "outcomes", "onward")
    for referral in in_batches(referrals):
        month = referral.created_at.strftime("%Y-%m")
        bucket = months.setdefault(month, {
            "month": month, "referrals": 0,
            "targets": [TargetResult(t) for t in targets],
            "baseline": 0, "follow_up": 0, "engaged": 0,
            "provider": TargetResult(Target("provider", "Provider answered within",
                                            provider_days)),
        })
        bucket["referrals"] += 1
        times = step_times(referral)
        declined = referral.status == "declined"
        for result in bucket["targets"]:
            if declined and result.target.key == "first_conversation":
                continue
            due = referral.created_at + dt.timedelta(days=result.target.days)
            happened = times[result.target.key]
            if happened is not None:
                if happened <= due:
                    result.met += 1
                else:
                    result.breached.append(referral.reference)
            elif now > due and referral.status != "closed":
                result.breached.append(referral.reference)
            else:
                result.pending += 1
        if times["first_conversation"] is not None:
            bucket["engaged"] += 1
            kinds = {(m.instrument, m.timepoint) for m in referral.outcomes.all()}
            bucket["baseline"] += (Instrument.SWEMWBS, Timepoint.BASELINE) in kinds
            bucket["follow_up"] += (Instrument.SWEMWBS, Timepoint.FOLLOW_UP) in kinds
        for onward in referral.onward.all():
            due = onward.sent_at + dt.timedelta(days=provider_days)
            provider = bucket["provider"]
            if onward.status != OnwardReferral.Status.SENT:
                if onward.responded_at <= due:
                    provider.met += 1
                else:
                    provider.breached.append(referral.reference)
            elif now > due:
                provider.breached.append(referral.reference)
            else:
                provider.pending += 1
    for bucket in months.values():
        _completeness(bucket, "baseline", baseline_percent)
        _completeness(bucket, "follow_up", follow_up_percent)
    return [months[m] for m in sorted(months, reverse=True)]


def _completeness(bucket: dict, key: str, target: int | None) -> None:
    engaged = bucket["engaged"]
    percent = 100 * bucket[key] / engaged if engaged else None
    bucket[f"{key}_percent"] = percent
    bucket[f"{key}_target"] = target
    bucket[f"{key}_ok"] = None if target is None or percent is None else percent >= target


def targets_of(agreement: ServiceAgreement | None) -> tuple[Target, ...]:
    """The time targets of an agreement (those it sets), or :data:`DEFAULT_TARGETS`."""
    if agreement is None:
        return DEFAULT_TARGETS
    fields = {"accepted": "decision_days", "first_contact": "first_contact_days",
              "first_conversation": "first_conversation_days"}
    return tuple(Target(t.key, t.label, getattr(agreement, fields[t.key]))
                 for t in DEFAULT_TARGETS if getattr(agreement, fields[t.key]) is not None)


def _covers(agreement: ServiceAgreement, field: str) -> Q:
    """Rows whose ``field`` (a datetime) falls on a day the agreement was valid."""
    condition = Q(**{f"{field}__date__gte": agreement.valid_from})
    if agreement.valid_to:
        condition &= Q(**{f"{field}__date__lte": agreement.valid_to})
    return condition


def provider_compliance(onward, *, days: int, now: dt.datetime | None = None) -> list[dict]:
    """Per month an onward referral was sent (newest first): answered within ``days`` (met),
    later or not yet and past due (breached, by the referral's reference), or still in time."""
    now = now or timezone.now()
    months: dict[str, TargetResult] = {}
    for item in onward:
        month = item.sent_at.strftime("%Y-%m")
        result = months.setdefault(month, TargetResult(
            Target("provider", "Provider answered within", days)))
        due = item.sent_at + dt.timedelta(days=days)
        reference = str(item.referral_id)[:8].upper()
        if item.status != OnwardReferral.Status.SENT:
            if item.responded_at <= due:
                result.met += 1
            else:
                result.breached.append(reference)
        elif now > due:
            result.breached.append(reference)
        else:
            result.pending += 1
    return [{"month": m, "result": months[m]} for m in sorted(months, reverse=True)]


def scheme_report(scheme, *, now: dt.datetime | None = None) -> dict:
    """Service levels of one scheme, per agreement: ``referrers`` (one section per referrer
    agreement, then "no agreement" with the default targets) and ``providers`` (one section
    per provider agreement, then the other providers at :data:`PROVIDER_RESPONSE_DAYS`).
    Each referral or onward referral is counted in exactly one section."""
    agreements = list(ServiceAgreement.objects.filter(scheme=scheme).select_related("party"))
    referrals = Referral.objects.filter(scheme=scheme)
    onward = OnwardReferral.objects.filter(referral__scheme=scheme)
    referrer_sections, provider_sections = [], []
    covered_referrals, covered_onward = Q(pk__in=[]), Q(pk__in=[])
    for agreement in agreements:
        if agreement.party_kind == ServiceAgreement.Party.REFERRERS:
            condition = Q(referrer_organisation=agreement.party) & _covers(agreement,
                                                                           "created_at")
            covered_referrals |= condition
            referrer_sections.append({
                "agreement": agreement, "targets": targets_of(agreement),
                "months": compliance(referrals.filter(condition), now=now,
                                     targets=targets_of(agreement),
                                     baseline_percent=agreement.baseline_percent,
                                     follow_up_percent=agreement.follow_up_percent),
            })
        else:
            condition = Q(provider=agreement.party) & _covers(agreement, "sent_at")
            covered_onward |= condition
            provider_sections.append({
                "agreement": agreement, "days": agreement.provider_response_days,
                "months": provider_compliance(onward.filter(condition), now=now,
                                              days=agreement.provider_response_days),
            })
    referrer_sections.append({
        "agreement": None, "targets": DEFAULT_TARGETS,
        "months": compliance(referrals.exclude(covered_referrals), now=now),
    })
    provider_sections.append({
        "agreement": None, "days": PROVIDER_RESPONSE_DAYS,
        "months": provider_compliance(onward.exclude(covered_onward), now=now,
                                      days=PROVIDER_RESPONSE_DAYS),
    })
    return {"scheme": scheme, "referrers": referrer_sections, "providers": provider_sections}
