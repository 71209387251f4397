"""Retention: remove the personal data of referrals finished long enough ago."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from rescomm.web.accounts.public import audit

from .models import Goal, Plan, Referral, ReferralEvent
from .pathway import Status

ANONYMISED_NAME = "Anonymised"
#: Default retention after a referral is closed or declined, in days (configurable per run).
DEFAULT_RETENTION_DAYS = 730


def anonymise_finished(*, older_than_days: int = DEFAULT_RETENTION_DAYS,
                       now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Remove the personal data of referrals closed or declined more than ``older_than_days``
    ago; returns how many. Keeps what the reports need and identifies no one: needs, status and
    reasons, the referrer's profession, the LSOA and IMD decile, the year of birth (1 January),
    the pathway timestamps, coded events and outcome scores. Removes names, NHS number,
    postcode, contact details, interpreter language, free text (notes, plans, goals, contact
    attempt and event notes). One transaction; one audit event per referral (actor: system).
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must be 0 or more")
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=older_than_days)
    finished = ReferralEvent.objects.filter(
        to_status__in=[Status.CLOSED, Status.DECLINED], at__lte=cutoff
    ).values("referral_id")
    candidates = Referral.objects.filter(
        pk__in=finished, status__in=[Status.CLOSED, Status.DECLINED], anonymised_at__isnull=True
    )
    if dry_run:
        return candidates.count()
    count = 0
    with transaction.atomic():
        for referral in candidates.select_for_update():
            referral.given_name = referral.family_name = ANONYMISED_NAME
            referral.date_of_birth = referral.date_of_birth.replace(month=1, day=1)
            referral.nhs_number = referral.postcode = referral.phone = referral.email = ""
            referral.interpreter_language = referral.notes = referral.idempotency_key = ""
            referral.request_hash = ""
            referral.anonymised_at = now
            referral.version += 1
            referral.save()
            referral.events.update(note="")
            referral.attempts.update(note="")
            Plan.objects.filter(referral=referral).update(what_matters=ANONYMISED_NAME)
            Goal.objects.filter(plan__referral=referral).update(description=ANONYMISED_NAME)
            audit(None, "anonymise", referral,
                  f"retention: finished more than {older_than_days} days ago")
            count += 1
    return count

