"""Community asset map commands: ``rescomm assets import|export|coverage|review-reminders|
documents``.

Every command that uses the database sets up Django first (``--database-url`` or
``DATABASE_URL``). Errors a user can fix print one line (or one line per bad record) and exit
with status 2; nothing is imported when any record is bad.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import NoReturn

import click

from ._errors import EXIT_USER_ERROR
from .web import configure_django, database_url_option


def _fail(message: str) -> NoReturn:
    click.echo(f"rescomm: error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_USER_ERROR)


@click.group()
def assets() -> None:
    """The community asset map: import records, measure coverage, send review reminders."""


@assets.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", help="Where the records come from (default: the file name).")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid records (in one transaction) and leave out each invalid "
                   "one, listing them in --report, instead of refusing the whole file.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --skip-invalid: CSV of the records left out and why (default "
                   "FILE-skipped.csv in the current directory).")
@click.option("--encoding", metavar="NAME", default=None,
              help="Encoding of a CSV file (default UTF-8), e.g. cp1252 for a CSV saved by "
                   "Excel on Windows. JSON is always UTF-8.")
@database_url_option
def import_command(file: Path, source: str | None, skip_invalid: bool, report: Path | None,
                   encoding: str | None, database_url: str | None) -> None:
    """Import assets from FILE (.csv with one record a row, or .json: records or an Open
    Referral UK export). Idempotent by source_id: re-importing updates and never duplicates;
    if any record is bad, nothing is imported and every problem is listed (unless
    --skip-invalid).
    """
    configure_django(database_url)
    from rescomm.web.assets.files import FileProblem, read_records
    from rescomm.web.assets.importer import ImportFailed, import_assets

    if report is not None and not skip_invalid:
        _fail("--report goes with --skip-invalid")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            _fail(f"--encoding {encoding}: not an encoding Python knows (e.g. utf-8, cp1252, "
                  "latin-1)")
    try:
        records = read_records(file, encoding=encoding)
        result = import_assets(records, source=source or file.name,
                               reason=f"command line: rescomm assets import {file.name}",
                               skip_invalid=skip_invalid)
    except FileProblem as exc:
        _fail(str(exc))
    except ImportFailed as exc:
        for error in exc.errors:
            click.echo(f"rescomm: error: {error}", err=True)
        _fail(f"{len(exc.errors)} problem(s) in {file.name}; nothing was imported")
    line = (f"{file.name}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged")
    if result.skipped:
        report = report or Path(f"{file.name.split('.')[0]}-skipped.csv")
        _write_skip_report(report, result.skipped, records)
        line += (f"; {result.skipped_records} invalid record(s) skipped "
                 f"({len(result.skipped)} problem(s), listed in {report})")
    click.echo(line)


def _write_skip_report(path: Path, problems, records: list) -> None:
    """One CSV row per problem: record number (1 = first), source_id, name, field, problem."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record", "source_id", "name", "field", "problem"])
        for e in problems:
            raw = records[e.index] if e.index < len(records) else None
            name = raw.get("name") if isinstance(raw, dict) else None
            writer.writerow([e.index + 1, e.source_id, name or "", e.field, e.message])


@assets.command("coverage")
@click.option("--area", required=True, metavar="LAD_CODE",
              help="Local authority code, e.g. E06000006 (Halton).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .csv or .geojson.")
@click.option("--assets", "origin", type=click.Choice(["db", "bundled"]), default="bundled",
              show_default=True,
              help="Published assets from the database, or the bundled open data.")
@click.option("--group", "groups", multiple=True, metavar="GROUP",
              help="Category, capital, need:<code> or any (repeatable; default: the library's).")
@click.option("--radius", "radius_m", type=click.FloatRange(min=1), default=1600.0,
              show_default=True, help="Catchment radius for assets per 1,000 residents (m).")
@database_url_option
def coverage_command(area: str, out: Path, origin: str, groups: tuple[str, ...],
                     radius_m: float, database_url: str | None) -> None:
    """For every LSOA in AREA: distance to the nearest asset of each group, assets per 1,000
    residents within the radius, and asset deserts; written as CSV or GeoJSON."""
    import warnings

    from rescomm.geo import asset_points, to_geojson

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".geojson", ".json"):
        _fail(f"--out must end in .csv or .geojson, not {out.name!r}")
    area = area.strip().upper()
    if origin == "db":
        configure_django(database_url)
        from rescomm.web.assets.coverage import published_points

        points = published_points()
    else:
        points = asset_points()
    from rescomm.web.assets.coverage import area_coverage

    options = {"radius_m": radius_m}
    if groups:
        options["groups"] = list(groups)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = area_coverage(area, points=points, **options)
    except ValueError as exc:
        _fail(str(exc))
    for warning in caught:
        click.echo(f"rescomm: warning: {warning.message}", err=True)
    if suffix == ".csv":
        table.to_csv(out, index=False)
    else:
        out.write_text(json.dumps(to_geojson(table)), encoding="utf-8")
    click.echo(f"{out}: {len(table)} areas in {area}, {len(table.columns) - 1} indicators")


@assets.command("review-reminders")
@click.option("--days", "within_days", type=click.IntRange(0, 365), default=14,
              show_default=True, help="Remind about reviews due within this many days.")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True,
              help="The site's address, for the links in the e-mails.")
@click.option("--hide-after", "grace_days", type=click.IntRange(0, 3650), default=None,
              help="Also hide assets whose review is more than this many days overdue.")
@click.option("--escalate-after", "escalate_days", type=click.IntRange(0, 3650), default=0,
              show_default=True,
              help="E-mail the moderators the assets whose review is more than this many days "
                   "overdue (each asset once per missed review date).")
@click.option("--dry-run", is_flag=True, help="Count and list, send nothing.")
@database_url_option
def review_reminders(within_days: int, base_url: str, grace_days: int | None,
                     escalate_days: int, dry_run: bool, database_url: str | None) -> None:
    """E-mail the owners of published assets whose review is due (or overdue) a reminder with a
    one-click "still correct" link (once before the date, once after), escalate overdue reviews
    to the moderators, and send decision e-mails to people who made suggestions if sending
    failed when the moderator decided; all through Django's e-mail backend, each e-mail
    recorded so it is never sent twice. For cron, e.g. daily."""
    configure_django(database_url)
    from rescomm.web.assets.notify import escalate_overdue, send_pending_decisions
    from rescomm.web.assets.services import hide_overdue, send_review_reminders

    counts = send_review_reminders(base_url=base_url, within_days=within_days, dry_run=dry_run)
    verb = "would send" if dry_run else "sent"
    before = counts["due"] - counts["sent"] - counts["no_address"]
    click.echo(f"{counts['due']} due ({counts['overdue']} overdue): {verb} {counts['sent']} "
               f"reminder(s); {counts['no_address']} without an owner e-mail address; "
               f"{before} reminded before")
    esc = escalate_overdue(base_url=base_url, after_days=escalate_days, dry_run=dry_run)
    if esc["overdue"] > esc["already"] and not esc["moderators"]:
        click.echo(f"{esc['overdue'] - esc['already']} overdue asset(s) not escalated: no "
                   "active moderator has an e-mail address")
    else:
        verb = "would escalate" if dry_run else "escalated"
        click.echo(f"{verb} {esc['escalated']} overdue asset(s) to {esc['moderators']} "
                   f"moderator(s); {esc['already']} escalated before")
    decisions = send_pending_decisions(base_url=base_url, dry_run=dry_run)
    verb = "would send" if dry_run else "sent"
    click.echo(f"{verb} {decisions} delayed decision e-mail(s) to people who made suggestions")
    if grace_days is not None:
        hidden = hide_overdue(grace_days=grace_days, dry_run=dry_run)
        verb = "would hide" if dry_run else "hid"
        click.echo(f"{verb} {len(hidden)} asset(s) more than {grace_days} days overdue")


@assets.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output file: .json (ORUK services, fully nested) or .csv (import records).")
@database_url_option
def export_command(out: Path, database_url: str | None) -> None:
    """Export every published asset: JSON as a list of Open Referral UK services (what
    /api/oruk/services/{id} returns), CSV in the import format. Both import back. The file
    is written under a temporary name and renamed when complete: on failure nothing is left
    behind (an existing file is kept)."""
    from django.db import DatabaseError

    from ._output import atomic_output

    suffix = out.suffix.lower()
    if suffix not in (".json", ".csv"):
        _fail(f"--out must end in .json or .csv, not {out.name!r}")
    if not out.parent.is_dir():
        _fail(f"cannot write {out}: folder {out.parent} does not exist")
    configure_django(database_url)
    from rescomm.web.assets.export import write_csv, write_oruk_json

    write = write_oruk_json if suffix == ".json" else write_csv
    try:
        with atomic_output(out, newline="" if suffix == ".csv" else None) as handle:
            count = write(handle)
    except DatabaseError as exc:
        _fail(f"could not read the assets from the database ({exc}); {out} was not written")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"{out}: {count} published assets")


@assets.command("documents")
@click.option("--check", is_flag=True,
              help="Rebuild every document in memory and list the assets whose stored one "
                   "differs (exit status 1 if any); change nothing.")
@click.option("--rebuild", is_flag=True,
              help="Rebuild and store every asset's documents (after an upgrade that changes "
                   "the ORUK output).")
@database_url_option
def documents_command(check: bool, rebuild: bool, database_url: str | None) -> None:
    """The stored Open Referral UK documents the API serves (one per asset and per
    service_at_location, rebuilt whenever an asset changes). Without options, build those that
    are missing (``rescomm migrate`` does this too)."""
    configure_django(database_url)
    from rescomm.web.assets import documents

    if check and rebuild:
        _fail("use --check or --rebuild, not both")
    if check:
        stale = documents.stale()
        for service_id in stale:
            click.echo(f"stale: {service_id}")
        click.echo(f"{len(stale)} asset(s) with stale stored documents")
        if stale:
            raise click.exceptions.Exit(1)
        return
    written = documents.refresh_all() if rebuild else documents.refresh_missing()
    click.echo(f"{written} asset(s) written")
