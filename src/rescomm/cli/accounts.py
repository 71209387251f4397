"""Account commands: ``token create|list|revoke`` and ``users list|create-demo``.

Every command sets up Django first (``--database-url`` or ``DATABASE_URL``, as the web commands).
Changes made here are audited with the system as the actor and the command as the reason.
Errors a user can fix print one line, ``rescomm: error: ...``, and exit with status 2.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NoReturn

import click

from ._errors import EXIT_USER_ERROR
from .web import configure_django, database_url_option


def _fail(message: str) -> NoReturn:
    click.echo(f"rescomm: error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_USER_ERROR)


def _get_user(username: str):
    from rescomm.web.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        _fail(f"no user named {username!r}; see `rescomm users list`")
    return user


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@click.group()
def token() -> None:
    """Create, list and revoke API tokens (sent as `Authorization: Bearer TOKEN`)."""


@token.command("create")
@click.option("--user", "username", required=True, metavar="USERNAME", help="Whose token.")
@click.option(
    "--name", default="command line", show_default=True, help="What the token is for."
)
@click.option(
    "--days", default=90, show_default=True, type=click.IntRange(0, 3650),
    help="Days until the token expires; 0 for never.",
)
@database_url_option
def token_create(username: str, name: str, days: int, database_url: str | None) -> None:
    """Create an API token for USERNAME and print only the token, so scripts can capture it:

        TOKEN=$(rescomm token create --user alex --name "nightly export")

    The token is shown this once; only a hash of it is kept.
    """
    configure_django(database_url)
    from rescomm.web.accounts.tokens import create_token

    user = _get_user(username)
    try:
        plaintext = create_token(
            user,
            name,
            expires_in=timedelta(days=days) if days else None,
            reason="command line: rescomm token create",
        )
    except ValueError as exc:
        _fail(str(exc))
    click.echo(plaintext)


@token.command("revoke")
@click.argument("prefix")
@database_url_option
def token_revoke(prefix: str, database_url: str | None) -> None:
    """Revoke the token named PREFIX (like rct_ab12cd34ef, as `rescomm token list` shows).

    It stops working at once. Revoking a revoked token changes nothing.
    """
    configure_django(database_url)
    from rescomm.web.accounts.tokens import UnknownTokenError, find_token, revoke_token

    try:
        found = find_token(prefix)
    except UnknownTokenError as exc:
        _fail(f"{exc}; see `rescomm token list`")
    revoked = revoke_token(found, reason="command line: rescomm token revoke")
    click.echo(
        f"revoked {revoked.display_prefix} ({revoked.name}) of {revoked.user.username}"
    )


@token.command("list")
@click.option("--user", "username", metavar="USERNAME", help="Only this user's tokens.")
@database_url_option
def token_list(username: str | None, database_url: str | None) -> None:
    """List API tokens (never the tokens themselves), one per line, tab-separated:
    name prefix, user, status, created, last used, expires, name."""
    configure_django(database_url)
    from rescomm.web.accounts.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    if username:
        tokens = tokens.filter(user=_get_user(username))
    for item in tokens:
        click.echo(
            "\t".join(
                [
                    item.display_prefix,
                    item.user.username,
                    item.status,
                    _when(item.created_at),
                    _when(item.last_used_at),
                    _when(item.expires_at),
                    item.name,
                ]
            )
        )


@click.group()
def users() -> None:
    """List users and their roles; create the demo accounts."""


@users.command("list")
@database_url_option
def users_list(database_url: str | None) -> None:
    """List users, one per line, tab-separated: username, flags (demo, inactive, staff),
    roles as role@organisation."""
    configure_django(database_url)
    from rescomm.web.accounts.models import User

    people = User.objects.prefetch_related("memberships__organisation").order_by("username")
    for person in people:
        flags = [
            name
            for name, on in (
                ("demo", person.is_demo),
                ("inactive", not person.is_active),
                ("staff", person.is_staff),
            )
            if on
        ]
        roles = [
            f"{m.role}@{m.organisation.name}" for m in person.memberships.all() if m.active
        ]
        click.echo("\t".join([person.username, ",".join(flags) or "-", "; ".join(roles) or "-"]))


@users.command("create-demo")
@database_url_option
def users_create_demo(database_url: str | None) -> None:
    """Create the demo organisations and one demo user per role (synthetic, for demonstrations
    only; refused with the production settings). Running it again changes nothing.

    The demo password is $RESCOMM_DEMO_PASSWORD, or demo-password-change-me if unset.
    """
    configure_django(database_url)
    from rescomm.web.accounts.demo import (
        PASSWORD_ENV,
        DemoAccountsRefused,
        create_demo_accounts,
    )

    try:
        result = create_demo_accounts()
    except DemoAccountsRefused as exc:
        _fail(str(exc))
    for label, names in (
        ("created", result.created),
        ("password updated", result.updated),
        ("unchanged", result.unchanged),
    ):
        if names:
            click.echo(f"{label}: {', '.join(names)}")
    click.echo(f"Demo password: ${PASSWORD_ENV} if set, else the default in docs/accounts.md.")
