"""The ``rescomm`` command-line interface: one entry point for everything a user runs.

Each command group lives in its own module (``geo.py``, ``web.py``, ``index.py``, ...); this module
only assembles them. Errors a user can fix are reported as one line on stderr with a non-zero exit
code (see :mod:`rescomm.cli._errors`).
"""

from __future__ import annotations

import click

from rescomm import __version__

from ._errors import run_guarded
from .geo import geo
from .web import demo, load_demo, migrate, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="rescomm")
def cli() -> None:
    """rescomm: Resilient Communities.

    Measure community resilience for small areas, map community assets, and run social
    prescribing, on real open data for Cheshire & Merseyside (bundled) or your own.

    Start with `rescomm demo`, which sets up a local SQLite database with the bundled data and
    serves the web app at http://127.0.0.1:8000.
    """


cli.add_command(demo)
cli.add_command(serve)
cli.add_command(migrate)
cli.add_command(load_demo)
cli.add_command(geo)

from .index import index  # noqa: E402
from .index_publish import publish_command  # noqa: E402

cli.add_command(index)
index.add_command(publish_command)

from .accounts import organisations, token, users  # noqa: E402
from .assets import assets  # noqa: E402

cli.add_command(token)
cli.add_command(users)
cli.add_command(organisations)
cli.add_command(assets)

from .referrals import referrals  # noqa: E402

cli.add_command(referrals)

from .backup import backup_command, restore_command  # noqa: E402
from .indicators import indicators  # noqa: E402

cli.add_command(backup_command)
cli.add_command(restore_command)
cli.add_command(indicators)

from .engage import engage  # noqa: E402

cli.add_command(engage)


def main() -> None:
    """Console-script entry point."""
    run_guarded(cli)
