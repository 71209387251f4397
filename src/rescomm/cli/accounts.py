"""Account commands: ``token create|list|revoke``, ``users list|add|grant|end-role|
set-password|reset-2fa|link-sso|unlink-sso|deactivate|reactivate|create-demo`` and
``organisations list|add``.

Every command sets up Django first (``--database-url`` or ``DATABASE_URL``, as the web commands).
Changes made here are audited with the system as the actor and the command as the reason.
Errors a user can fix print one line, ``rescomm: error: ...``, and exit with status 2.
"""

from __future__ import annotations

import sys
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


def _invalid(exc) -> NoReturn:
    """Fail with a ``ValidationError``'s messages, each after the field it is about."""
    details = getattr(exc, "message_dict", None) or {"": exc.messages}
    _fail("; ".join(f"{field}: {' '.join(messages)}" if field and field != "__all__"
                    else " ".join(messages) for field, messages in details.items()))


#: ``--reason``: the user's own words for the audit log, after the command's name.
reason_option = click.option("--reason", default="", help="Why, for the audit log.")

#: ``--password-stdin``: for scripts; without it the password is asked for twice, not shown.
password_stdin_option = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of standard input (for scripts) instead of "
         "asking for it twice. Never put a password on the command line.")


def _read_password(from_stdin: bool, prompt: str = "Password") -> str:
    """The password from standard input's first line, or asked for twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _reason(command: str, why: str) -> str:
    """The audit log's reason: which command, and the user's words if they gave any."""
    return f"command line: rescomm {command}" + (f": {why.strip()}" if why.strip() else "")


def _get_organisation(organisation_id: int):
    from rescomm.web.accounts.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        _fail(f"no organisation with id {organisation_id}; see `rescomm organisations list`")
    return organisation


# The codes of rescomm.web.accounts.roles, repeated so that `--help` needs no Django set-up
# (tests/cli/test_accounts_cli.py checks they are the same).
ROLE_CODES = ("referrer", "link_worker", "provider_staff", "service_manager", "commissioner",
              "moderator", "contributor", "administrator")
PROFESSION_CODES = ("gp", "practice_nurse", "pharmacist", "social_worker", "housing_officer",
                    "other")
KIND_CODES = ("council", "icb", "gp_practice", "pcn", "pharmacy", "social_prescribing_scheme",
              "voluntary_organisation", "housing", "social_care", "other")


@click.group()
def users() -> None:
    """Add users, grant and end their roles, deactivate them; list them; demo accounts."""


@users.command("add")
@click.argument("username")
@click.option("--display-name", default="", help="The name shown on screen, e.g. 'Sam Jones'.")
@click.option("--email", default="", help="Their e-mail address.")
@password_stdin_option
@reason_option
@database_url_option
def users_add(username: str, display_name: str, email: str, password_stdin: bool, reason: str,
              database_url: str | None) -> None:
    """Create the account USERNAME (active, no role yet: see `rescomm users grant`). The
    password is asked for (at least 12 characters, not a common one, not only numbers, not
    like the username)."""
    password = _read_password(password_stdin)
    configure_django(database_url)
    from django.core.exceptions import ValidationError

    from rescomm.web.accounts.services import create_user

    try:
        user = create_user(username, password, display_name=display_name, email=email,
                           reason=_reason("users add", reason))
    except ValidationError as exc:
        _invalid(exc)
    click.echo(f"created user {user.username}")


@users.command("grant")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLE_CODES),
              help="The role to give (docs/accounts.md says what each may do).")
@click.option("--organisation", "organisation_id", required=True, type=int, metavar="ID",
              help="Where they hold it (`rescomm organisations list` shows the ids).")
@click.option("--profession", default="", type=click.Choice(("", *PROFESSION_CODES)),
              help="Referrers only (and required for them): their profession.")
@reason_option
@database_url_option
def users_grant(username: str, role: str, organisation_id: int, profession: str, reason: str,
                database_url: str | None) -> None:
    """Give USERNAME a role at an organisation (an ended one is restarted). Audited."""
    configure_django(database_url)
    from django.core.exceptions import ValidationError

    from rescomm.web.accounts.services import grant_role

    user, organisation = _get_user(username), _get_organisation(organisation_id)
    try:
        grant_role(user, organisation, role, profession=profession,
                   reason=_reason("users grant", reason))
    except ValidationError as exc:
        _invalid(exc)
    click.echo(f"{username}: {role}@{organisation.name}")


@users.command("end-role")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLE_CODES), help="The role to end.")
@click.option("--organisation", "organisation_id", required=True, type=int, metavar="ID",
              help="Where they hold it.")
@reason_option
@database_url_option
def users_end_role(username: str, role: str, organisation_id: int, reason: str,
                   database_url: str | None) -> None:
    """End USERNAME's role at an organisation (kept in the history, never deleted). Audited."""
    configure_django(database_url)
    from rescomm.web.accounts.models import Membership
    from rescomm.web.accounts.services import end_role

    user, organisation = _get_user(username), _get_organisation(organisation_id)
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role,
                                           active=True).first()
    if membership is None:
        _fail(f"{username} does not hold the role {role} at {organisation.name}")
    end_role(membership, reason=_reason("users end-role", reason))
    click.echo(f"{username}: ended {role}@{organisation.name}")


@users.command("set-password")
@click.argument("username")
@password_stdin_option
@reason_option
@database_url_option
def users_set_password(username: str, password_stdin: bool, reason: str,
                       database_url: str | None) -> None:
    """Reset USERNAME's password (e.g. forgotten); their sessions end. Audited. The new
    password is asked for; the password rules apply. People change their own password on
    /accounts/password/."""
    configure_django(database_url)
    from django.core.exceptions import ValidationError

    from rescomm.web.accounts.services import set_password

    user = _get_user(username)
    if user.is_demo:
        _fail(f"{username} is a demo account: demo accounts share $RESCOMM_DEMO_PASSWORD "
              "(`rescomm users create-demo`)")
    password = _read_password(password_stdin, "New password")
    try:
        set_password(user, password, reason=_reason("users set-password", reason))
    except ValidationError as exc:
        _invalid(exc)
    click.echo(f"{username}: password changed")


@users.command("reset-2fa")
@click.argument("username")
@reason_option
@database_url_option
def users_reset_2fa(username: str, reason: str, database_url: str | None) -> None:
    """Remove USERNAME's authenticator app and recovery codes (a lost or replaced phone).
    Audited. At their next sign-in they set up an app again if their role needs one; their
    current sessions are sent to set it up at their next request."""
    configure_django(database_url)
    from rescomm.web.accounts import two_factor

    user = _get_user(username)
    removed = two_factor.reset(user, reason=_reason("users reset-2fa", reason))
    click.echo(f"{username}: two-factor sign-in reset" if removed
               else f"{username}: had no authenticator app or recovery codes; nothing to reset")


def _sso_issuer() -> str:
    from rescomm.web.accounts import sso

    found = sso.config()
    if found is None:
        _fail("single sign-on is not set up: set RESCOMM_OIDC_ISSUER and the other "
              "RESCOMM_OIDC_* variables (docs/accounts.md)")
    return found["issuer"]


@users.command("link-sso")
@click.argument("username")
@click.option("--subject", required=True, metavar="SUB",
              help="Their id at the identity provider (the `sub` claim; for NHS CIS2 their "
                   "UUID). Needed only where the provider gives no e-mail address.")
@reason_option
@database_url_option
def users_link_sso(username: str, subject: str, reason: str, database_url: str | None) -> None:
    """Let USERNAME sign in through the single sign-on provider as SUB. Audited. Usually not
    needed: the first single sign-on links the account with the same e-mail address."""
    configure_django(database_url)
    from django.db import IntegrityError

    from rescomm.web.accounts import sso

    issuer, user = _sso_issuer(), _get_user(username)
    if user.is_demo:
        _fail(f"{username} is a demo account: demo accounts never use single sign-on")
    try:
        sso.link(user, issuer, subject.strip(), reason=_reason("users link-sso", reason))
    except IntegrityError:
        _fail(f"{username} already has a single sign-on identity, or {subject!r} is another "
              "account's; see `rescomm users unlink-sso`")
    click.echo(f"{username}: signs in through single sign-on as {subject.strip()}")


@users.command("unlink-sso")
@click.argument("username")
@reason_option
@database_url_option
def users_unlink_sso(username: str, reason: str, database_url: str | None) -> None:
    """Remove USERNAME's single sign-on identity (they are linked again by e-mail address at
    their next single sign-on, if it matches). Audited."""
    configure_django(database_url)
    from rescomm.web.accounts import sso

    issuer, user = _sso_issuer(), _get_user(username)
    removed = sso.unlink(user, issuer, reason=_reason("users unlink-sso", reason))
    click.echo(f"{username}: single sign-on identity removed" if removed
               else f"{username}: had no single sign-on identity; nothing changed")


def _set_active(username: str, active: bool, reason: str, database_url: str | None) -> None:
    configure_django(database_url)
    from rescomm.web.accounts.services import set_active

    command = "users reactivate" if active else "users deactivate"
    user = set_active(_get_user(username), active, reason=_reason(command, reason))
    click.echo(f"{user.username}: {'active' if user.is_active else 'deactivated'}")


@users.command("deactivate")
@click.argument("username")
@reason_option
@database_url_option
def users_deactivate(username: str, reason: str, database_url: str | None) -> None:
    """Stop USERNAME signing in or using API tokens (records and roles are kept). Audited."""
    _set_active(username, False, reason, database_url)


@users.command("reactivate")
@click.argument("username")
@reason_option
@database_url_option
def users_reactivate(username: str, reason: str, database_url: str | None) -> None:
    """Let a deactivated USERNAME sign in again (their unexpired tokens work again). Audited."""
    _set_active(username, True, reason, database_url)


@click.group()
def organisations() -> None:
    """Add and list the organisations people work for (schemes, practices, providers, ...)."""


@organisations.command("list")
@database_url_option
def organisations_list(database_url: str | None) -> None:
    """List organisations, one per line, tab-separated: id, kind, name, ODS code, local
    authority code (``-`` where empty)."""
    configure_django(database_url)
    from rescomm.web.accounts.models import Organisation

    for org in Organisation.objects.order_by("pk"):
        click.echo("\t".join([str(org.pk), org.kind, org.name, org.ods_code or "-",
                              org.lad_code or "-"]))


@organisations.command("add")
@click.option("--name", required=True, help="Its name, e.g. 'Halton Social Prescribing'.")
@click.option("--kind", required=True, type=click.Choice(KIND_CODES), help="What it is.")
@click.option("--ods-code", default="", help="Its NHS ODS code, if it has one (e.g. N81013).")
@click.option("--lad-code", default="",
              help="The local authority it mainly serves (ONS code, e.g. E06000006); a social "
                   "prescribing scheme receives the referrals of that area.")
@reason_option
@database_url_option
def organisations_add(name: str, kind: str, ods_code: str, lad_code: str, reason: str,
                      database_url: str | None) -> None:
    """Create an organisation and print its id. Audited."""
    configure_django(database_url)
    from django.core.exceptions import ValidationError

    from rescomm.web.accounts.services import create_organisation

    try:
        organisation = create_organisation(name, kind, ods_code=ods_code, lad_code=lad_code,
                                           reason=_reason("organisations add", reason))
    except ValidationError as exc:
        _invalid(exc)
    click.echo(organisation.pk)


@users.command("list")
@database_url_option
def users_list(database_url: str | None) -> None:
    """List users, one per line, tab-separated: username, flags (demo, inactive, staff),
    roles as role@organisation."""
    configure_django(database_url)
    from django.db.models import Prefetch

    from rescomm.web.accounts.models import Membership, User
    from rescomm.web.core.batches import in_batches

    # Batches, and the organisation joined: a prefetch over every user (and every
    # organisation) would exceed SQLite's expression and parameter limits at real size.
    people = User.objects.prefetch_related(Prefetch(
        "memberships", queryset=Membership.objects.select_related("organisation"))).order_by(
        "username", "pk")
    for person in in_batches(people):
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
