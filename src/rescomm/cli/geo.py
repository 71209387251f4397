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
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.option(
    "--allow-terminated",
    is_flag=True,
    help="Look up terminated postcodes too (their last known location), instead of an error.",
)
@click.option(
    "--onspd",
    type=click.Path(exists=True, dir_okay=False),
    help="Use a full ONS Postcode Directory CSV/ZIP instead of the bundled C&M postcodes.",
)
def lookup(postcodes: tuple[str, ...], as_json: bool, allow_terminated: bool,
           onspd: str | None) -> None:
    """Look up POSTCODES: coordinates (British National Grid and WGS84), LSOA 2011 and 2021,
    MSOA, local authority and ICB.

    Postcodes may be in any case, with or without the space ("l18jq" is "L1 8JQ"). The bundled
    index holds every Cheshire & Merseyside postcode (ONS Postcode Directory, Nov 2025).
    `lsoa21_method` says how the 2021 LSOA was derived: exact from the 2011 LSOA, or approximate
    (point-in-polygon on generalised boundaries).

    Exit status is 2 if any postcode is malformed, unknown or terminated; the others are still
    printed.

    \b
    Examples:
      rescomm geo lookup "L1 8JQ" wa74ab
      rescomm geo lookup --json CH1 1AB
    """
    from rescomm.geo import GeoError, PostcodeIndex

    index = PostcodeIndex.from_onspd(onspd) if onspd else PostcodeIndex.bundled()
    table = index.lookup(list(postcodes))
    accepted = ["ok", "terminated"] if allow_terminated else ["ok"]
    good = table["status"].isin(accepted)
    rows = [_row(r) for r in table[good].to_dict("records")]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    elif rows:
        _print_records(rows)
    failures = table.loc[~good, "input"].tolist()
    for given in failures:
        try:  # the single look-up raises the error that explains this postcode
            index.get(given, allow_terminated=allow_terminated)
        except GeoError as exc:
            click.echo(f"rescomm: error: {exc}", err=True)
    if failures:
        sys.exit(EXIT_USER_ERROR)


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
