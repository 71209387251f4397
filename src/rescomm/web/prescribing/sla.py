"""Service levels: how quickly a scheme moves referrals along, per month, with the breaches.

Targets are the defaults below (days); an agreement between a scheme and its referrers or
providers would set its own. A referral breaches a time target when the step happened later
than the target, or has not happened and the target date has passed (still open); it is
"pending" while the target date is still ahead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from .models import Instrument, OnwardReferral, Referral, Timepoint


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
               targets: tuple[Target, ...] = DEFAULT_TARGETS) -> list[dict]:
    """Per month of referral (newest first): each target's met / breached (references) /
    pending counts, the proportion with a baseline and a follow-up SWEMWBS, and provider
    responses within :data:`PROVIDER_RESPONSE_DAYS`."""
    now = now or timezone.now()
    months: dict[str, dict] = {}
    referrals = referrals.prefetch_related("events", "attempts", "outcomes", "onward")
    for referral in referrals:
        month = referral.created_at.strftime("%Y-%m")
        bucket = months.setdefault(month, {
            "month": month, "referrals": 0,
            "targets": [TargetResult(t) for t in targets],
            "baseline": 0, "follow_up": 0, "engaged": 0,
            "provider": TargetResult(Target("provider", "Provider answered within",
                                            PROVIDER_RESPONSE_DAYS)),
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
            due = onward.sent_at + dt.timedelta(days=PROVIDER_RESPONSE_DAYS)
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
    return [months[m] for m in sorted(months, reverse=True)]
