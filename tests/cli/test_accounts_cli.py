"""`rescomm token ...` and `rescomm users ...`: scripts can capture a token; errors are one line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from rescomm.cli.accounts import token, users

pytestmark = pytest.mark.django_db


def make_user(username: str, **fields):
    from rescomm.web.accounts.models import User

    return User.objects.create_user(username=username, password="x" * 16, **fields)


def run(group, *args):
    return CliRunner().invoke(group, list(args))


def test_token_create_prints_only_the_token_and_stores_only_its_hash():
    from rescomm.web.accounts.models import ApiToken, AuditEvent
    from rescomm.web.accounts.tokens import authenticate_token, hash_secret

    user = make_user("alex")
    result = run(token, "create", "--user", "alex", "--name", "nightly export")
    assert result.exit_code == 0, result.output
    plaintext = result.stdout.strip()
    assert result.stdout == plaintext + "\n"
    assert plaintext.startswith("rct_")
    stored = ApiToken.objects.get(user=user)
    assert stored.name == "nightly export"
    assert stored.secret_hash == hash_secret(plaintext.split("_", 2)[2])
    assert authenticate_token(plaintext).user == user
    event = AuditEvent.objects.get(action="token_created")
    assert event.actor is None and event.reason == "command line: rescomm token create"


def test_token_create_with_zero_days_never_expires():
    from rescomm.web.accounts.models import ApiToken

    make_user("alex")
    assert run(token, "create", "--user", "alex", "--days", "0").exit_code == 0
    assert ApiToken.objects.get().expires_at is None


@pytest.mark.parametrize("command", [("token", "create"), ("token", "list")])
def test_unknown_user_is_one_line_naming_the_user_and_exit_2(command):
    group = {"token": token}[command[0]]
    result = run(group, command[1], "--user", "nobody-here")
    assert result.exit_code == 2
    expected = "rescomm: error: no user named 'nobody-here'; see `rescomm users list`\n"
    assert result.stderr == expected
    assert result.stdout == ""


def test_token_create_for_an_inactive_user_is_refused_with_exit_2():
    make_user("gone", is_active=False)
    result = run(token, "create", "--user", "gone")
    assert result.exit_code == 2
    assert "is not active" in result.stderr


def test_token_revoke_stops_the_token_and_names_it():
    from rescomm.web.accounts.tokens import authenticate_token

    make_user("alex")
    plaintext = run(token, "create", "--user", "alex", "--name", "old script").stdout.strip()
    prefix = "_".join(plaintext.split("_")[:2])
    result = run(token, "revoke", prefix)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"revoked {prefix} (old script) of alex\n"
    assert authenticate_token(plaintext) is None


def test_token_revoke_of_an_unknown_prefix_is_exit_2():
    result = run(token, "revoke", "rct_zzzzzzzzzz")
    assert result.exit_code == 2
    assert result.stderr.startswith("rescomm: error: no API token rct_zzzzzzzzzz")


def test_token_list_shows_prefixes_and_status_but_never_tokens():
    make_user("alex")
    plaintext = run(token, "create", "--user", "alex", "--name", "weekly").stdout.strip()
    listing = run(token, "list", "--user", "alex").stdout
    assert listing.startswith("_".join(plaintext.split("_")[:2]) + "\talex\tactive\t")
    assert listing.rstrip("\n").endswith("\tweekly")
    assert plaintext not in listing


def test_users_create_demo_is_idempotent_and_users_list_shows_roles():
    first = run(users, "create-demo")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("created: demo-gp, demo-pharmacist")
    second = run(users, "create-demo")
    assert "created" not in second.stdout and second.stdout.startswith("unchanged: ")
    listing = run(users, "list").stdout.splitlines()
    assert "demo-gp\tdemo\treferrer@Demo Practice (synthetic)" in listing
    assert "demo-admin\tdemo,staff\tadministrator@Demo Council (synthetic)" in listing


def test_users_create_demo_is_refused_under_production_settings(settings):
    settings.SETTINGS_MODULE = "rescomm.web.settings.prod"
    result = run(users, "create-demo")
    assert result.exit_code == 2
    assert "not allowed with the production settings" in result.stderr


@pytest.mark.parametrize(
    "path",
    [
        (token, "create"),
        (token, "revoke"),
        (token, "list"),
        (users, "list"),
        (users, "create-demo"),
    ],
)
def test_every_accounts_command_documents_database_url(path):
    group, name = path
    result = CliRunner().invoke(group, [name, "--help"])
    assert result.exit_code == 0
    assert "--database-url" in result.output
    assert group.commands[name].help.strip()
