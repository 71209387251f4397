"""``rescomm geo``: postcode and area look-ups on the bundled (or a full official) postcode index.
"""

from __future__ import annotations

import json
import sys

import click

from ._errors import EXIT_USER_ERROR

#: Output columns of ``rescomm geo lookup``, in order.
LOOKUP_FIELDS = (
    "postcode",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "lsoa11_code",
    "lsoa21_code",
    "lsoa21_method",
    "msoa11_code",
    "msoa21_code",
    "lad_code",
    "lad_name",
    "icb_code",
    "icb_name",
    "region_code",
    "terminated",
)


@click.group()
def geo() -> None:
    """Geography: postcodes, areas and boundaries."""


@geo.command("lookup")
@click.argument("postcodes", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array, one object per postcode given (with its status and, "
                   "for one not found, the error).")
@click.option(
    "--allow-terminated",
    is_flag=True,
    help="Look up terminated postcodes too (their last known location), instead of an error.",
)
@click.option(
    "--onspd",
    metavar="FILE",
    help="Use a full ONS Postcode Directory (the .zip, its Data/ONSPD_*.csv or the extracted "
         "folder) instead of the bundled C&M postcodes; download it from the ONS Open "
         "Geography Portal (https://geoportal.statistics.gov.uk).",
)
def lookup(postcodes: tuple[str, ...], as_json: bool, allow_terminated: bool,
           onspd: str | None) -> None:
    """Look up POSTCODES: coordinates (British National Grid and WGS84), LSOA 2011 and 2021,
    MSOA, local authority and ICB.

    Postcodes may be in any case, with or without the space ("l18jq" is "L1 8JQ"); a postcode
    given unquoted as two arguments (L1 8JQ) is read as one, with a note on stderr. The bundled
    index holds every Cheshire & Merseyside postcode (ONS Postcode Directory, Nov 2025).
    `lsoa21_method` says how the 2021 LSOA was derived: exact from the 2011 LSOA, or approximate
    (point-in-polygon on generalised boundaries).

    Exit status is 2 if any postcode is malformed, unknown or terminated: each is named on
    stderr (and, with --json, in the JSON with its status and error); the others are still
    printed.

    \b
    Examples:
      rescomm geo lookup "L1 8JQ" wa74ab
      rescomm geo lookup --json "CH1 1AB"
    """
    from rescomm.geo import GeoError, PostcodeIndex

    from ._errors import user_message

    given = join_split_postcodes(postcodes)
    index = PostcodeIndex.from_onspd(onspd) if onspd else PostcodeIndex.bundled(only=given)
    table = index.lookup(given)
    accepted = ["ok", "terminated"] if allow_terminated else ["ok"]
    good = table["status"].isin(accepted).tolist()
    records = table.to_dict("records")
    errors: list[str | None] = []
    for record, found in zip(records, good, strict=True):
        message = None
        if not found:
            try:  # the single look-up raises the error that explains this postcode
                index.get(record["input"], allow_terminated=allow_terminated)
            except GeoError as exc:
                message = user_message(exc)
                click.echo(f"rescomm: error: {message}", err=True)
        errors.append(message)
    if as_json:
        rows = [{"input": r["input"], "status": str(r["status"]), "error": e,
                 **_row(r if found else {"postcode": r["postcode"]})}
                for r, found, e in zip(records, good, errors, strict=True)]
        click.echo(json.dumps(rows, indent=2))
    else:
        rows = [_row(r) for r, found in zip(records, good, strict=True) if found]
        if rows:
            _print_records(rows)
    if not all(good):
        sys.exit(EXIT_USER_ERROR)


def join_split_postcodes(args: tuple[str, ...] | list[str]) -> list[str]:
    """The postcodes given, with one split over two arguments joined again.

    A shell splits an unquoted ``L1 8JQ`` into ``L1`` and ``8JQ``. Two neighbouring arguments
    are joined when neither is a postcode on its own and together they are one (``L1`` +
    ``8JQ``, ``CH64`` + ``3RT``, ``L18J`` + ``Q``); each join is noted on stderr.
    """
    from rescomm.geo import InvalidPostcodeError, normalise_postcode

    def valid(text: str) -> bool:
        try:
            normalise_postcode(text)
        except InvalidPostcodeError:
            return False
        return True

    out: list[str] = []
    i = 0
    while i < len(args):
        first = args[i]
        if (i + 1 < len(args) and not valid(first) and not valid(args[i + 1])
                and valid(first + args[i + 1])):
            joined = f"{first.strip()} {args[i + 1].strip()}"
            click.echo(f"rescomm: note: read {first!r} and {args[i + 1]!r} as one postcode, "
                       f"{normalise_postcode(joined)} (put quotes round a postcode with a "
                       f"space: \"{joined}\")", err=True)
            out.append(joined)
            i += 2
        else:
            out.append(first)
            i += 1
    return out


def _row(record: dict) -> dict:
    out = {}
    for field in LOOKUP_FIELDS:
        value = record.get(field)
        if value is not None and value != value:  # NaN / NA -> null
            value = None
        if hasattr(value, "item"):
            value = value.item()
        out[field] = value
    return out


def _print_records(rows: list[dict]) -> None:
    width = max(len(f) for f in LOOKUP_FIELDS)
    for i, row in enumerate(rows):
        if i:
            click.echo("")
        for field in LOOKUP_FIELDS:
            value = row[field]
            click.echo(f"{field:<{width}}  {'' if value is None else value}")
