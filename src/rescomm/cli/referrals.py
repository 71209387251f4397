"""Social prescribing commands for scheduled jobs: ``referrals anonymise``,
``referrals escalate``, ``referrals refresh-reports``, and ``referrals link-provider``.

Thin wrappers over the same services as the Django management commands
(``anonymise_referrals``, ``escalate_onward_referrals``): each sets up Django first
(``--database-url`` or ``DATABASE_URL``), and every change is audited with the system as the
actor. Output is counts only, never personal data.
"""

from __future__ import annotations

import click

from ._errors import EXIT_USER_ERROR
from .web import configure_django, database_url_option

DEFAULT_RETENTION_DAYS = 730  # the same default as rescomm.web.prescribing.retention


@click.group()
def referrals() -> None:
    """Social prescribing: scheduled jobs (retention, escalation, reports) and provider links."""


@referrals.command("anonymise")
@click.option(
    "--after-days", default=DEFAULT_RETENTION_DAYS, show_default=True,
    type=click.IntRange(min=0), metavar="N",
    help="Anonymise referrals closed or declined more than N days ago.",
)
@click.option("--dry-run", is_flag=True, help="Only say how many would be anonymised.")
@database_url_option
def anonymise(after_days: int, dry_run: bool, database_url: str | None) -> None:
    """Remove the personal data of referrals closed or declined more than N days ago.

    Names, NHS number, postcode, contact details, interpreter language and free text are
    removed; needs, status and reasons, referrer profession, LSOA and IMD decile, year of
    birth, pathway dates, SNOMED codes and outcome scores are kept for reports. One
    transaction; one audit event per referral (actor: system). Run it from a scheduled job:

        rescomm referrals anonymise --after-days 730
    """
    configure_django(database_url)
    from rescomm.web.prescribing.retention import anonymise_finished

    count = anonymise_finished(older_than_days=after_days, dry_run=dry_run)
    verb = "would be anonymised" if dry_run else "anonymised"
    click.echo(f"{count} referral(s) {verb} (finished more than {after_days} days ago)")


@referrals.command("escalate")
@database_url_option
def escalate(database_url: str | None) -> None:
    """Decline onward referrals a provider has not answered within its response time.

    The decline reason says so, and each referral goes back on its link worker's list as due
    today, so no one is left waiting for a service that does not answer. Audited (actor:
    system). Run it daily:

        rescomm referrals escalate
    """
    configure_django(database_url)
    from rescomm.web.prescribing.onward import escalate_overdue_onward

    count = escalate_overdue_onward()
    click.echo(f"{count} onward referral(s) escalated")


@referrals.command("refresh-reports")
@click.option("--nice", "niceness", default=10, show_default=True, type=click.IntRange(0, 19),
              help="Lower this job's CPU priority by N, so page views come first (0: don't).")
@click.option("--parallel-workers", default=0, show_default=True, type=click.IntRange(0, 64),
              help="PostgreSQL parallel workers per query for this job (0: each query on one "
                   "CPU, leaving the others to page views).")
@database_url_option
def refresh_reports(niceness: int, parallel_workers: int, database_url: str | None) -> None:
    """Recompute the aggregate reports (dashboard and its CSV) for every server process.

    Reports count every referral, which takes seconds with a million of them; they are kept in
    the database cache and reused for 5 minutes by page views. Run this every few minutes from
    a scheduled job so that no page view has to compute one (a refreshed report is kept for 15
    minutes):

        */5 * * * * rescomm referrals refresh-reports

    The job gives way to people's page views on a server it shares with them: it runs at a
    lower CPU priority (``--nice 10``), and on PostgreSQL its queries run without parallel
    workers (``--parallel-workers 0`` sets ``max_parallel_workers_per_gather`` for its own
    session only), so each of its queries uses one CPU; on 2 CPUs this keeps the link worker's
    caseload page under its 300 ms target while the job runs, for a job about 1 s slower at
    1,000,000 referrals (benchmarks/README.md).
    """
    import os
    import time

    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
    configure_django(database_url)
    from django.db import connection

    from rescomm.web.prescribing.reports import refresh_reports as refresh

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET max_parallel_workers_per_gather = {int(parallel_workers)}")
    start = time.perf_counter()
    done = refresh()
    click.echo(f"refreshed {len(done)} reports ({', '.join(done)}) in "
               f"{time.perf_counter() - start:.1f} s")


@referrals.command("link-provider")
@click.option("--provider", "provider_id", required=True, type=int, metavar="ID",
              help="The provider organisation's id (a voluntary or community organisation).")
@click.option("--organization", "organization_id", required=True, metavar="UUID",
              help="The asset-map organisation's id (ORUK organization id).")
@click.option("--remove", is_flag=True, help="Remove the link instead of making it.")
@database_url_option
def link_provider(provider_id: int, organization_id: str, remove: bool,
                  database_url: str | None) -> None:
    """Say that a provider runs an organisation of the community asset map.

    Link workers can then send onward referrals straight from that organisation's suggested
    services, and see their places (the provider's capacity for a service of the same name).
    The same as the "Providers on the asset map" page for service managers; audited (actor:
    system). For example:

        rescomm referrals link-provider --provider 12 --organization 6f1c2b0e-...
    """
    configure_django(database_url)
    from rescomm.web.accounts.models import Organisation
    from rescomm.web.prescribing.directory import link, unlink
    from rescomm.web.prescribing.errors import ReferralInvalid

    provider = Organisation.objects.filter(pk=provider_id).first()
    if provider is None:
        raise click.BadParameter(f"no organisation with id {provider_id}",
                                 param_hint="--provider")
    try:
        if remove:
            done = unlink(None, provider, organization_id)
            click.echo(f"removed the link to {provider.name}" if done
                       else f"{provider.name} did not run that organisation: nothing removed")
            return
        made = link(None, provider, organization_id)
    except ReferralInvalid as exc:  # one line and status 2, as every user error (README)
        problem = "; ".join(m for messages in exc.fields.values() for m in messages)
        click.echo(f"rescomm: error: {problem}", err=True)
        raise click.exceptions.Exit(EXIT_USER_ERROR) from exc
    click.echo(f"{made.provider.name} now runs {made.organization.name} on the asset map")
