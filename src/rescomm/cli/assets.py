"""Community asset map commands: ``rescomm assets import|sync|export|coverage|review-reminders|
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
@click.option("--format", "file_format", type=click.Choice(["auto", "records", "charity-register"]),
              default="auto", show_default=True,
              help="records: a .csv or .json of importer fields (or an ORUK export); "
                   "charity-register: the Charity Commission's publicextract.charity .txt, "
                   ".json or .zip; auto: charity-register when the name starts with "
                   "publicextract.charity.")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN[,...]",
              help="CSV column mapping: which column holds each field, e.g. "
                   "--map name=Organisation,postcode=Postcode,email=\"Contact e-mail\" "
                   "(repeatable). Only mapped columns are read; without a source_id column "
                   "each record gets a stable id from its name and postcode.")
@click.option("--map-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The mapping as JSON ({\"name\": \"Organisation\"}) or a CSV with the "
                   "header field,column.")
@click.option("--set", "constants", multiple=True, metavar="FIELD=VALUE",
              help="The same value for every record, e.g. --set category=community_centre "
                   "(repeatable).")
@click.option("--dry-run", is_flag=True,
              help="Show what would be imported (counts, the first records, every problem by "
                   "row and column) and write nothing.")
@click.option("--area", "areas", multiple=True, metavar="LAD_CODE",
              help="charity-register: keep charities whose contact postcode is in this local "
                   "authority (repeatable; default: every local authority of the bundled "
                   "postcodes, Cheshire & Merseyside).")
@click.option("--show-addresses", is_flag=True,
              help="charity-register: show each charity's contact address and map position "
                   "(by default they are hidden: it is where post goes, often a trustee's "
                   "home, not where the charity meets).")
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
def import_command(file: Path, source: str | None, file_format: str, maps: tuple[str, ...],
                   map_file: Path | None, constants: tuple[str, ...], dry_run: bool,
                   areas: tuple[str, ...], show_addresses: bool, skip_invalid: bool,
                   report: Path | None, encoding: str | None, database_url: str | None) -> None:
    """Import assets from FILE (.csv with one record a row, or .json: records or an Open
    Referral UK export; or the Charity Commission register extract). Idempotent by source_id:
    re-importing updates and never duplicates; if any record is bad, nothing is imported and
    every problem is listed (unless --skip-invalid). --dry-run shows what would happen first.
    """
    configure_django(database_url)
    from rescomm.web.assets.files import FileProblem, read_records
    from rescomm.web.assets.importer import ImportFailed, import_assets
    from rescomm.web.assets.sources import (
        SourceProblem,
        apply_mapping,
        charity_register_records,
        parse_constants,
        parse_mapping,
        read_mapping_file,
    )

    if report is not None and not skip_invalid:
        _fail("--report goes with --skip-invalid")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            _fail(f"--encoding {encoding}: not an encoding Python knows (e.g. utf-8, cp1252, "
                  "latin-1)")
    if file_format == "auto":
        file_format = ("charity-register" if file.name.lower().startswith("publicextract.charity")
                       else "records")
    if file_format == "charity-register" and (maps or map_file or constants):
        _fail("--map, --map-file and --set are for CSV files; the charity register has a "
              "fixed layout")
    if file_format == "records" and (areas or show_addresses):
        _fail("--area and --show-addresses go with --format charity-register")
    source = source or file.name
    columns: dict[str, str] = {}
    try:
        if file_format == "charity-register":
            from rescomm.data import CM_LOCAL_AUTHORITIES

            bad = [a for a in areas if a.strip().upper() not in CM_LOCAL_AUTHORITIES]
            if bad:
                _fail(f"--area {bad[0]}: not a local authority of the bundled postcodes; "
                      f"choose from {', '.join(CM_LOCAL_AUTHORITIES)}")
            records, stats = charity_register_records(
                file, lads=[a.strip().upper() for a in areas] or None,
                show_addresses=show_addresses)
            click.echo(f"{file.name}: {stats.rows} charities read; {stats.kept} registered in "
                       f"the area; left out: {stats.removed} removed, {stats.linked} linked "
                       f"(subsidiary) entries, {stats.outside_area} outside the area, "
                       f"{stats.no_postcode} without a postcode")
        else:
            records = read_records(file, encoding=encoding)
            mapping = read_mapping_file(map_file) if map_file else {}
            mapping.update(parse_mapping(maps))
            fixed = parse_constants(constants)
            if mapping or fixed:
                if not mapping:
                    _fail("--set goes with --map or --map-file")
                if file.suffix.lower() != ".csv":
                    _fail("--map is for CSV files")
                mapped = apply_mapping(records, mapping, source=source, constants=fixed)
                records, columns = mapped.records, mapped.columns
                if mapped.unmapped:
                    click.echo(f"columns not imported: {', '.join(mapped.unmapped)}")
                if mapped.generated_ids:
                    click.echo("no source_id column: each record's id is made from its name "
                               "and postcode")
        if dry_run:
            _show_preview(file, records, source=source, columns=columns,
                          skip_invalid=skip_invalid)
            return
        result = import_assets(records, source=source,
                               reason=f"command line: rescomm assets import {file.name}",
                               skip_invalid=skip_invalid)
    except (FileProblem, SourceProblem) as exc:
        _fail(str(exc))
    except ImportFailed as exc:
        for error in exc.errors:
            click.echo(f"rescomm: error: {_where(error, columns)}", err=True)
        _fail(f"{len(exc.errors)} problem(s) in {file.name}; nothing was imported")
    line = (f"{file.name}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged")
    if result.skipped:
        report = report or Path(f"{file.name.split('.')[0]}-skipped.csv")
        _write_skip_report(report, result.skipped, records)
        line += (f"; {result.skipped_records} invalid record(s) skipped "
                 f"({len(result.skipped)} problem(s), listed in {report})")
    click.echo(line)


def _where(error, columns: dict[str, str]) -> str:
    """A problem with the CSV row (line) and the source column when a mapping was used."""
    if not columns:
        return str(error)
    column = columns.get(error.field)
    place = f"row {error.index + 1} (line {error.index + 2})"
    what = f"column {column!r} ({error.field})" if column else error.field
    return f"{place}: {what}: {error.message}"


def _show_preview(file: Path, records: list, *, source: str, columns: dict[str, str],
                  skip_invalid: bool) -> None:
    from rescomm.web.assets.sources import preview

    p = preview(records, source=source)
    click.echo(f"{file.name}: {p.total} record(s): would create {p.create}, update {p.update}, "
               f"leave {p.unchanged} unchanged; {p.invalid_records} invalid")
    for number, rec in enumerate(p.first, 1):
        shown = "; ".join(f"{k}: {v}" for k, v in rec.items()
                          if v not in ("", None, [], False) and k not in ("source", "licence",
                                                                            "attribution"))
        click.echo(f"  {number}. {shown}")
    for error in p.errors[:200]:
        click.echo(f"problem: {_where(error, columns)}")
    if len(p.errors) > 200:
        click.echo(f"... and {len(p.errors) - 200} more problem(s)")
    if p.errors and not skip_invalid:
        click.echo("an import now would write nothing (fix the problems, or use --skip-invalid "
                   "to import the valid records)")
    click.echo("nothing was written (--dry-run)")


@assets.command("sync")
@click.argument("feed")
@click.option("--source", required=True,
              help="A stable name for this feed (e.g. \"Wirral directory\"): the assets it "
                   "created are the ones a later sync updates or hides.")
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
@click.option("--max-hide", type=click.FloatRange(0, 100), default=50, show_default=True,
              metavar="PERCENT",
              help="Refuse (changing nothing) if more than this share of the feed's published "
                   "assets vanished from it at once (a feed outage looks like that).")
@click.option("--timeout", type=click.FloatRange(1, 600), default=60, show_default=True,
              help="Seconds to wait for each page of the feed.")
@database_url_option
def sync_command(feed: str, source: str, dry_run: bool, max_hide: float, timeout: float,
                 database_url: str | None) -> None:
    """Keep the asset map in step with an Open Referral UK feed: FEED is the feed's /services
    address (every page is read) or a saved export. New services are created and changed ones
    updated (by the feed's own ids); published ones that are no longer in the feed are hidden
    (not deleted; they come back if the feed lists them again). Invalid records are left out and
    listed. Idempotent: run it from cron or a systemd timer (see docs/assets.md)."""
    configure_django(database_url)
    from rescomm.web.assets.sources import SourceProblem, fetch_oruk, sync_feed

    try:
        records = fetch_oruk(feed, timeout=timeout)
        result = sync_feed(records, source=source, dry_run=dry_run,
                           max_hide_share=max_hide / 100)
    except SourceProblem as exc:
        _fail(str(exc))
    for error in result.skipped[:200]:
        click.echo(f"skipped: {error}")
    verb = ("would create", "would update", "would hide") if dry_run else (
        "created", "updated", "hid")
    click.echo(f"{source}: {len(records)} service(s) in the feed: {verb[0]} {result.created}, "
               f"{verb[1]} {result.updated}, {result.unchanged} unchanged, {verb[2]} "
               f"{len(result.hidden)} no longer in the feed; "
               f"{len({e.index for e in result.skipped})} invalid left out")


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
