"""Retention: finished referrals lose their personal data after the configured period."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.prescribing import services
from rescomm.web.prescribing.models import Referral


def test_old_finished_referrals_are_anonymised_and_others_kept(make_referral, link_worker):
    declined = make_referral(given_name="Declined", phone="0151 000 0000")
    services.decline(link_worker, declined.pk, declined.version,
                     decline_reason="person_declined", note="said no thanks")
    open_one = make_referral(given_name="Open")

    later = timezone.now() + dt.timedelta(days=31)
    assert services.anonymise_finished(older_than_days=60, now=later) == 0
    assert services.anonymise_finished(older_than_days=30, now=later) == 1

    gone = Referral.objects.get(pk=declined.pk)
    assert (gone.given_name, gone.family_name, gone.nhs_number, gone.postcode, gone.phone,
            gone.notes) == ("Anonymised", "Anonymised", "", "", "", "")
    assert gone.date_of_birth == dt.date(1950, 1, 1)
    assert gone.lsoa21_code and gone.needs and gone.status == "declined"
    assert not gone.events.exclude(note="").exists()
    assert gone.events.filter(snomed_code="871711000000103").exists()
    assert Referral.objects.get(pk=open_one.pk).given_name == "Open"
    event = AuditEvent.objects.get(action="anonymise")
    assert event.actor is None and event.object_id == str(declined.pk)
    assert services.anonymise_finished(older_than_days=30, now=later) == 0


def test_the_command_has_a_dry_run(make_referral, link_worker):
    referral = make_referral()
    services.decline(link_worker, referral.pk, referral.version, decline_reason="duplicate")
    out = StringIO()
    call_command("anonymise_referrals", "--after-days", "0", "--dry-run", stdout=out)
    assert out.getvalue().strip() == ("1 referral(s) would be anonymised (finished more than 0 "
                                      "days ago)")
    assert Referral.objects.get(pk=referral.pk).given_name != "Anonymised"
    call_command("anonymise_referrals", "--after-days", "0", stdout=StringIO())
    assert Referral.objects.get(pk=referral.pk).given_name == "Anonymised"
