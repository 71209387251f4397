"""Web-app commands: ``demo``, ``serve``, ``migrate`` and ``load-demo``.

These set up Django (settings ``rescomm.web.settings.dev`` unless ``DJANGO_SETTINGS_MODULE`` says
otherwise), then run Django management commands or the gunicorn server. The embedded default
database is SQLite in ``$RESCOMM_HOME`` (default ``./var``); ``--database-url`` or ``DATABASE_URL``
selects PostgreSQL (``postgres://user@host:5432/name``).
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlparse

import click

from ._errors import EXIT_USER_ERROR, unmigrated_database

DEFAULT_SETTINGS = "rescomm.web.settings.dev"
SUPPORTED_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")

database_url_option = click.option(
    "--database-url",
    envvar="DATABASE_URL",
    metavar="URL",
    help="Database to use, e.g. postgres://postgres@127.0.0.1:5432/rescomm "
    "(default: SQLite in $RESCOMM_HOME, ./var unless set). Also read from DATABASE_URL.",
)


def configure_django(database_url: str | None = None) -> None:
    """Point Django at ``database_url`` (if given) and call ``django.setup()``.

    Raises
    ------
    click.BadParameter
        If the URL's scheme is not a supported database.
    """
    if database_url:
        scheme = urlparse(database_url).scheme.split("+")[0]
        if scheme not in SUPPORTED_SCHEMES:
            raise click.BadParameter(
                f"database URL scheme {scheme!r} is not supported; use sqlite:///PATH or "
                "postgres://USER@HOST:PORT/NAME",
                param_hint="--database-url",
            )
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    # the database cache tables of settings.CACHES (shared aggregate reports); idempotent
    call_command("createcachetable", verbosity=verbosity)


library_hours_option = click.option(
    "--library-hours",
    envvar="RESCOMM_LIBRARY_HOURS",
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE",
    help="Give the libraries their staffed opening times from this Libraries Hacked UK "
    "libraries CSV (not bundled: its licence is not stated; e.g. "
    "../shared/data/assets/libraries_uk_librarieshacked_schema.csv). Also read from "
    "RESCOMM_LIBRARY_HOURS.",
)


def _require_migrated() -> None:
    """Stop with one line unless every migration of this version has been applied."""
    problem = unmigrated_database()
    if problem:
        click.echo(f"rescomm: error: {problem}", err=True)
        raise click.exceptions.Exit(EXIT_USER_ERROR)


def _load_demo(force: bool = False, library_hours: str | None = None) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command("load_demo", force=force, library_hours=library_hours)
    except CommandError as exc:
        click.echo(f"rescomm: error: {exc}", err=True)
        raise click.exceptions.Exit(EXIT_USER_ERROR) from exc


def _create_demo_accounts() -> None:
    """Create the demo organisations and one demo user per role (idempotent; demo only)."""
    from rescomm.web.accounts.demo import DEMO_USERS, create_demo_accounts, demo_password

    result = create_demo_accounts()
    if result.created:
        click.echo(f"Created {len(result.created)} demo accounts (demo only, synthetic)")
    names = ", ".join(user.username for user in DEMO_USERS)
    click.echo(f"Demo accounts (demo only): {names}; password {demo_password()!r} "
               "(set RESCOMM_DEMO_PASSWORD to change it)")


def _create_demo_referrals() -> None:
    """Create the synthetic demo referrals (idempotent; demo only, after the demo accounts)."""
    from rescomm.web.prescribing.demo import create_demo_referrals

    result = create_demo_referrals()
    if result.created:
        click.echo(f"Created {result.created} synthetic demo referrals (demo only)")


def _describe_database() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite database {settings['NAME']}"
    host = settings.get("HOST") or "localhost"
    return f"{connection.vendor} database {settings.get('NAME')} on {host}"


def _serve(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from rescomm.web.wsgi import application

    class _Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)

        def load(self):  # noqa: ANN202 - gunicorn's interface
            return application

    click.echo(f"Serving rescomm at http://{host}:{port}/  (Ctrl+C to stop)")
    _Server().run()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Gunicorn worker processes.")
@database_url_option
def serve(host: str, port: int, workers: int, database_url: str | None) -> None:
    """Serve the web app (gunicorn) on an already migrated database (run rescomm migrate
    first; an unmigrated database is refused)."""
    configure_django(database_url)
    _require_migrated()
    _serve(host, port, workers)


@click.command()
@database_url_option
def migrate(database_url: str | None) -> None:
    """Create or update the database tables."""
    configure_django(database_url)
    _migrate(verbosity=1)


@click.command("load-demo")
@click.option("--force", is_flag=True, help="Reload even if this version of the data is loaded.")
@library_hours_option
@database_url_option
def load_demo(force: bool, library_hours: str | None, database_url: str | None) -> None:
    """Load the bundled Cheshire & Merseyside demo data into the database.

    The load runs in one transaction: it completes or leaves nothing behind. Running it again
    with the same bundled data (and the same --library-hours file, or none) does nothing.
    Run rescomm migrate first (an unmigrated database is refused).
    """
    configure_django(database_url)
    _require_migrated()
    _load_demo(force=force, library_hours=library_hours)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-serve", is_flag=True, help="Set up the database and data, then stop.")
@library_hours_option
@database_url_option
def demo(host: str, port: int, no_serve: bool, library_hours: str | None,
         database_url: str | None) -> None:
    """Set up and start the demo: create the database, load the bundled Cheshire & Merseyside
    data and serve the web app at http://127.0.0.1:8000.

    A second run reuses the database and data, duplicates nothing and starts in seconds.
    """
    started = time.perf_counter()
    configure_django(database_url)
    click.echo(f"Using {_describe_database()}")
    _migrate()
    _load_demo(library_hours=library_hours)
    _create_demo_accounts()
    _create_demo_referrals()
    click.echo(f"Ready in {time.perf_counter() - started:.1f} s")
    if not no_serve:
        _serve(host, port, workers=2)
