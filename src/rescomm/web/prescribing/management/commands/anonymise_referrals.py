"""``anonymise_referrals``: remove personal data from referrals finished long enough ago."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rescomm.web.prescribing.retention import DEFAULT_RETENTION_DAYS, anonymise_finished


class Command(BaseCommand):
    help = (
        "Anonymise referrals closed or declined more than --after-days ago (default "
        f"{DEFAULT_RETENTION_DAYS}): names, NHS number, postcode, contact details and free text "
        "are removed; area, needs, pathway dates and outcome scores are kept for reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--after-days", type=int, default=DEFAULT_RETENTION_DAYS)
        parser.add_argument("--dry-run", action="store_true",
                            help="Only say how many referrals would be anonymised.")

    def handle(self, *args, after_days: int, dry_run: bool, **options):
        if after_days < 0:
            raise CommandError("--after-days must be 0 or more")
        count = anonymise_finished(older_than_days=after_days, dry_run=dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"{count} referral(s) {verb} (finished more than {after_days} days ago)")
