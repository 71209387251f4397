"""``escalate_onward_referrals``: decline onward referrals a provider has not answered in time."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rescomm.web.prescribing.onward import escalate_overdue_onward


class Command(BaseCommand):
    help = (
        "Decline (for the person's safety) onward referrals not answered within the service's "
        "response time, and put each back on the link worker's list as due today. Run daily."
    )

    def handle(self, *args, **options):
        count = escalate_overdue_onward()
        self.stdout.write(f"{count} onward referral(s) escalated")
