"""`rescomm referrals anonymise|escalate`: the retention and escalation jobs from the CLI, the
same services as the management commands, counts only in the output."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.utils import timezone

from rescomm.cli import cli
from rescomm.cli.referrals import DEFAULT_RETENTION_DAYS

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(cli, ["referrals", *args])


def test_the_default_retention_is_the_services_default():
    from rescomm.web.prescribing.retention import DEFAULT_RETENTION_DAYS as SERVICE_DEFAULT

    assert DEFAULT_RETENTION_DAYS == SERVICE_DEFAULT


def test_anonymise_has_a_dry_run_and_then_anonymises(make_referral, link_worker):
    from rescomm.web.accounts.models import AuditEvent
    from rescomm.web.prescribing import services
    from rescomm.web.prescribing.models import Referral

    referral = make_referral(given_name="Leaving")
    services.decline(link_worker, referral.pk, referral.version, decline_reason="duplicate")
    dry = run("anonymise", "--after-days", "0", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout == "1 referral(s) would be anonymised (finished more than 0 days ago)\n"
    assert Referral.objects.get(pk=referral.pk).given_name == "Leaving"
    assert not AuditEvent.objects.filter(action="anonymise").exists()
    real = run("anonymise", "--after-days", "0")
    assert real.stdout == "1 referral(s) anonymised (finished more than 0 days ago)\n"
    assert Referral.objects.get(pk=referral.pk).given_name == "Anonymised"
    assert "Leaving" not in real.output
    assert AuditEvent.objects.get(action="anonymise").actor is None


def test_anonymise_keeps_recent_referrals_by_default(make_referral, link_worker):
    referral = make_referral()
    from rescomm.web.prescribing import services

    services.decline(link_worker, referral.pk, referral.version, decline_reason="duplicate")
    result = run("anonymise")
    assert result.stdout == "0 referral(s) anonymised (finished more than 730 days ago)\n"


def test_a_negative_period_is_refused():
    result = run("anonymise", "--after-days", "-1")
    assert result.exit_code == 2
    assert "-1 is not in the range x>=0" in result.output


def test_escalate_declines_onward_referrals_past_the_response_time(make_referral, link_worker,
                                                                  provider_org):
    from tests.web.prescribing.test_pathway import walk_to

    from rescomm.web.accounts.models import AuditEvent
    from rescomm.web.prescribing.models import OnwardReferral

    walk_to(make_referral(), link_worker, provider_org, "connected")
    assert run("escalate").stdout == "0 onward referral(s) escalated\n"
    OnwardReferral.objects.update(sent_at=timezone.now() - dt.timedelta(days=15))
    result = run("escalate")
    assert result.exit_code == 0 and result.stdout == "1 onward referral(s) escalated\n"
    assert OnwardReferral.objects.get().status == "declined"
    assert AuditEvent.objects.filter(action="escalate").count() == 1
