"""``rescomm indicators``: the indicator store (load, list, releases, diff).

Every load is a release identified by the SHA-256 of its normalised content; loading the same
content again writes nothing and says which release already holds it. Errors a user can fix
(a missing column, a value that is not a number, a rate with a zero denominator, an unknown
release) are one line on stderr naming the file, line and column, exit code 2, and nothing
is written.
"""

from __future__ import annotations

import getpass
import json
import warnings
from pathlib import Path
from typing import NoReturn

import click

from ._errors import EXIT_USER_ERROR
from .web import _require_migrated, configure_django, database_url_option


def _fail(message: str) -> NoReturn:
    click.echo(f"rescomm: error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_USER_ERROR)


def _setup(database_url: str | None) -> None:
    configure_django(database_url)
    _require_migrated()


@click.group()
def indicators() -> None:
    """The indicator store: load indicator files as versioned releases, list what is stored,
    compare two releases.

    Layouts read: the Fingertips "all data" CSV as downloaded from Fingertips, the
    FingertipsNext extract layout, ONS Explore Local Statistics CSVs, and any table described
    by a metadata YAML file (docs/profiles.md).
    """


@indicators.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--metadata", "-m", type=click.Path(path_type=Path), metavar="FILE.yaml",
              help="Indicator metadata (name, definition, source, licence, polarity, value "
                   "type, multiplier, ...); for a generic table it also names the columns.")
@click.option("--layout", type=click.Choice(["auto", "fingertips", "fingertips-next",
                                             "ons-els", "table"]),
              default="auto", show_default=True,
              help="The file's layout; auto recognises it from the header.")
@click.option("--source", metavar="TEXT",
              help="Where the file came from (default: the file name and the publisher the "
                   "layout implies).")
@click.option("--json", "as_json", is_flag=True, help="Print the release as JSON.")
@database_url_option
def load_command(file: Path, metadata: Path | None, layout: str, source: str | None,
                 as_json: bool, database_url: str | None) -> None:
    """Load FILE (CSV or .csv.gz) into the indicator store as a new release.

    The whole file is checked before anything is written; the same content loaded twice is
    one release.
    """
    from rescomm.indicators import IndicatorFileError, IndicatorWarning, read_indicator_file

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IndicatorWarning)
        try:
            table = read_indicator_file(file, layout=layout, metadata=metadata)
        except IndicatorFileError as exc:
            _fail(str(exc))
    for warning in caught:
        if issubclass(warning.category, IndicatorWarning):
            click.echo(f"rescomm: warning: {warning.message}", err=True)
    _setup(database_url)
    from rescomm.indicators import LAYOUT_PUBLISHERS
    from rescomm.web.profiles import store

    publishers = sorted({meta.source for meta in table.indicators.values() if meta.source})
    publisher = LAYOUT_PUBLISHERS.get(table.layout) or (
        publishers[0] if len(publishers) == 1 else "")
    source = source or file.name + (f" ({publisher})" if publisher else "")
    outcome = store.load_table(table, source=source,
                               loaded_by=f"{getpass.getuser()} (rescomm indicators load)")
    release = outcome.release
    if as_json:
        click.echo(json.dumps({**_release_dict(release), "created": outcome.created,
                               "seconds": round(outcome.seconds, 3)}, indent=2))
        return
    if outcome.created:
        click.echo(f"release {release.pk}: {release.row_count:,} values of "
                   f"{release.indicator_count} indicator(s) from {file.name} ({table.layout} "
                   f"layout), content {release.content_hash[:12]}, in {outcome.seconds:.1f} s")
        for note in release.notes:
            click.echo(f"  note: {note}")
    else:
        click.echo(f"already loaded: this content is release {release.pk} (loaded "
                   f"{release.loaded_at:%Y-%m-%d %H:%M} from {release.file_name}, content "
                   f"{release.content_hash[:12]}); nothing written")


def _release_dict(release) -> dict:
    return {
        "release": release.pk, "content_hash": release.content_hash,
        "loaded_at": release.loaded_at.isoformat(), "source": release.source,
        "file_name": release.file_name, "layout": release.layout,
        "loaded_by": release.loaded_by, "rows": release.row_count,
        "indicators": release.indicator_count, "notes": list(release.notes),
    }


@indicators.command("releases")
@click.option("--json", "as_json", is_flag=True, help="Print the releases as JSON.")
@database_url_option
def releases_command(as_json: bool, database_url: str | None) -> None:
    """List the releases, oldest first: number, date, content hash, rows, file, source."""
    _setup(database_url)
    from rescomm.web.profiles import store

    found = store.releases()
    if as_json:
        click.echo(json.dumps([_release_dict(r) for r in found], indent=2))
        return
    if not found:
        click.echo("no releases yet: load a file with `rescomm indicators load FILE`")
        return
    for r in found:
        click.echo(f"{r.pk:>4}  {r.loaded_at:%Y-%m-%d %H:%M}  {r.content_hash[:12]}  "
                   f"{r.row_count:>8,} values  {r.indicator_count:>3} indicators  "
                   f"{r.file_name}  ({r.source})")


@indicators.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the indicators as JSON.")
@database_url_option
def list_command(as_json: bool, database_url: str | None) -> None:
    """List the indicators: id, current release, value type, polarity, name."""
    _setup(database_url)
    from rescomm.web.profiles import store

    found = store.indicators()
    if as_json:
        click.echo(json.dumps([
            {"id": i.indicator_id, "name": i.name, "release": i.current_release_id,
             "value_type": i.value_type, "polarity": i.polarity, "multiplier": i.multiplier,
             "unit": i.unit, "source": i.source, "licence": i.licence} for i in found],
            indent=2))
        return
    if not found:
        click.echo("no indicators yet: load a file with `rescomm indicators load FILE`")
        return
    width = min(max(len(i.indicator_id) for i in found), 40)
    for i in found:
        click.echo(f"{i.indicator_id:<{width}}  release {i.current_release_id:<3}  "
                   f"{i.value_type:<26}  {i.polarity:<12}  {i.name}")


@indicators.command("diff")
@click.argument("old", type=int, metavar="REL1")
@click.argument("new", type=int, metavar="REL2")
@click.option("--tolerance", type=click.FloatRange(min=0), default=1e-6, show_default=True,
              help="Relative change below which a value counts as unchanged.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Changed values to show (0: none).")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@database_url_option
def diff_command(old: int, new: int, tolerance: float, limit: int, as_json: bool,
                 database_url: str | None) -> None:
    """What changed from release REL1 to release REL2: indicators, areas and periods added or
    removed, and values that moved by more than the tolerance."""
    _setup(database_url)
    from rescomm.web.profiles import store

    try:
        first, second = store.get_release(old), store.get_release(new)
    except store.ReleaseNotFoundError as exc:
        _fail(str(exc))
    result = store.diff(first, second, tolerance=tolerance)
    if as_json:
        click.echo(json.dumps({"from": old, "to": new, **result.as_dict(limit=limit)},
                              indent=2, default=str))
        return
    click.echo(f"release {old} -> {new}: {result.rows_added:,} values added, "
               f"{result.rows_removed:,} removed, {len(result.changed):,} changed, "
               f"{result.rows_same:,} the same (tolerance {tolerance:g})")

    def listed(label: str, items: list) -> None:
        if items:
            shown = ", ".join(" ".join(map(str, i)) if isinstance(i, tuple) else str(i)
                              for i in items[:10])
            more = f" and {len(items) - 10:,} more" if len(items) > 10 else ""
            click.echo(f"{label} ({len(items):,}): {shown}{more}")

    listed("indicators added", result.indicators_added)
    listed("indicators removed", result.indicators_removed)
    listed("areas added", result.areas_added)
    listed("areas removed", result.areas_removed)
    listed("periods added", result.periods_added)
    listed("periods removed", result.periods_removed)
    for row in result.changed.head(limit).itertuples(index=False):
        click.echo(f"changed: {row.indicator_id} {row.area_code} {row.period}"
                   + "".join(f" {v}" for v in (row.sex, row.age, row.category) if v)
                   + f": {row.old_value:g} -> {row.new_value:g} ({row.changed})")
    if len(result.changed) > limit:
        click.echo(f"... and {len(result.changed) - limit:,} more changed values "
                   "(--limit N, or --json)")
