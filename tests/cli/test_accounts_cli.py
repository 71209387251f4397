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


# Account administration ------------------------------------------------------------------------

PASSWORD = "a long enough pass phrase"


def test_the_cli_role_profession_and_kind_codes_are_the_models_codes():
    from rescomm.cli import accounts
    from rescomm.web.accounts.roles import OrganisationKind, Profession, Role

    assert set(accounts.ROLE_CODES) == set(Role.values)
    assert set(accounts.PROFESSION_CODES) == set(Profession.values)
    assert set(accounts.KIND_CODES) == set(OrganisationKind.values)


def test_an_administrator_sets_up_a_scheme_and_a_link_worker_from_the_command_line():
    from rescomm.cli.accounts import organisations
    from rescomm.web.accounts.models import AuditEvent, Organisation, User
    from rescomm.web.accounts.permissions import has_role

    # events already in the log (a session fixture may have published an index) are not ours
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    added = run(organisations, "add", "--name", "Halton Social Prescribing", "--kind",
                "social_prescribing_scheme", "--lad-code", "e06000006")
    assert added.exit_code == 0, added.output
    scheme = Organisation.objects.get(pk=int(added.stdout))
    assert scheme.lad_code == "E06000006" and not scheme.is_demo
    result = CliRunner().invoke(users, ["add", "sam", "--display-name", "Sam Jones",
                                        "--email", "sam@example.org"],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    sam = User.objects.get(username="sam")
    assert sam.check_password(PASSWORD) and sam.is_active and not sam.is_demo
    assert PASSWORD not in sam.password  # stored hashed (argon2 outside the tests)
    granted = run(users, "grant", "sam", "--role", "link_worker", "--organisation",
                  str(scheme.pk), "--reason", "new starter")
    assert granted.exit_code == 0, granted.output
    assert granted.stdout == "sam: link_worker@Halton Social Prescribing\n"
    assert has_role(sam, "link_worker", scheme)
    listed = run(organisations, "list")
    assert f"{scheme.pk}\tsocial_prescribing_scheme\tHalton Social Prescribing\t-\tE06000006" \
        in listed.stdout
    assert "sam\t-\tlink_worker@Halton Social Prescribing" in run(users, "list").stdout
    reasons = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk")
                   .values_list("action", "reason"))
    assert reasons == [
        ("create", "command line: rescomm organisations add"),
        ("create", "command line: rescomm users add"),
        ("role_granted", "command line: rescomm users grant: new starter"),
    ]
    ended = run(users, "end-role", "sam", "--role", "link_worker", "--organisation",
                str(scheme.pk))
    assert ended.exit_code == 0, ended.output
    assert not has_role(sam, "link_worker", scheme)
    assert sam.memberships.get().active is False  # kept, not deleted


@pytest.mark.parametrize(("password", "message"), [
    ("short", "password: This password is too short. It must contain at least 12 characters."),
    ("password1234", "password: This password is too common."),
    ("sam-the-link-worker", "password: The password is too similar to the username."),
])
def test_a_weak_password_is_refused_in_one_line_and_no_account_is_made(password, message):
    from rescomm.web.accounts.models import AuditEvent, User

    username = "sam-the-link-worker" if "similar" in message else "sam"
    events = AuditEvent.objects.count()  # a session fixture may have written some already
    result = CliRunner().invoke(users, ["add", username], input=f"{password}\n{password}\n")
    assert result.exit_code == 2
    assert result.stderr == f"rescomm: error: {message}\n"
    assert not User.objects.exists() and AuditEvent.objects.count() == events


def test_a_taken_username_and_a_bad_email_are_both_named():
    make_user("sam")
    result = CliRunner().invoke(users, ["add", "sam", "--email", "not-an-address"],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 2
    assert result.stderr == ("rescomm: error: email: Enter a valid email address.; username: A "
                             "user with that username already exists.\n")


def test_a_referrer_needs_a_profession_and_an_unknown_organisation_is_named():
    from rescomm.cli.accounts import organisations
    from rescomm.web.accounts.models import Membership

    make_user("pat")
    practice = int(run(organisations, "add", "--name", "Riverside Surgery", "--kind",
                       "gp_practice", "--ods-code", "n81013").stdout)
    result = run(users, "grant", "pat", "--role", "referrer", "--organisation", str(practice))
    assert result.exit_code == 2
    assert result.stderr == ("rescomm: error: Referrers need a profession; other roles "
                             "have none.\n")
    missing = run(users, "grant", "pat", "--role", "referrer", "--organisation", "999",
                  "--profession", "gp")
    assert missing.stderr == ("rescomm: error: no organisation with id 999; see "
                              "`rescomm organisations list`\n")
    assert not Membership.objects.exists()
    assert run(users, "grant", "pat", "--role", "referrer", "--organisation", str(practice),
               "--profession", "gp").exit_code == 0
    not_held = run(users, "end-role", "pat", "--role", "link_worker", "--organisation",
                   str(practice))
    assert not_held.stderr == ("rescomm: error: pat does not hold the role link_worker at "
                               "Riverside Surgery\n")


def test_a_malformed_ods_code_is_refused_and_nothing_is_made():
    from rescomm.cli.accounts import organisations
    from rescomm.web.accounts.models import Organisation

    result = run(organisations, "add", "--name", "X", "--kind", "gp_practice", "--ods-code",
                 "not an ods code!")
    assert result.exit_code == 2 and result.stderr.startswith("rescomm: error: ods_code: ")
    assert not Organisation.objects.exists()


def test_a_deactivated_user_cannot_use_their_token_or_session_until_reactivated(client):
    from rescomm.web.accounts.models import AuditEvent
    from rescomm.web.accounts.tokens import authenticate_token, create_token

    user = make_user("alex")
    plaintext = create_token(user, "x")
    client.force_login(user)
    assert run(users, "deactivate", "alex", "--reason", "left").stdout == "alex: deactivated\n"
    assert authenticate_token(plaintext) is None
    assert client.get("/api/accounts/me").status_code == 401
    assert run(users, "deactivate", "alex").exit_code == 0  # again: nothing changes
    assert run(users, "reactivate", "alex").stdout == "alex: active\n"
    assert authenticate_token(plaintext) is not None
    assert list(AuditEvent.objects.filter(action="update").values_list("reason", flat=True)
                .order_by("pk")) == ["command line: rescomm users deactivate: left",
                                     "command line: rescomm users reactivate"]


def test_an_administrator_resets_a_forgotten_password_and_the_rules_still_apply(client):
    from rescomm.web.accounts.models import AuditEvent

    user = make_user("alex")
    client.force_login(user)
    weak = CliRunner().invoke(users, ["set-password", "alex"], input="short\nshort\n")
    assert weak.exit_code == 2
    assert weak.stderr == ("rescomm: error: password: This password is too short. It must "
                           "contain at least 12 characters.\n")
    result = CliRunner().invoke(users, ["set-password", "alex", "--reason", "forgotten"],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("alex: password changed\n")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert client.get("/api/accounts/me").status_code == 401  # their session ended
    assert AuditEvent.objects.get(action="update").reason == (
        "command line: rescomm users set-password: forgotten")


def test_the_shared_demo_password_is_not_reset_one_account_at_a_time():
    make_user("demo-gp", is_demo=True)
    result = CliRunner().invoke(users, ["set-password", "demo-gp"],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 2 and "demo-gp is a demo account" in result.stderr


def test_a_script_gives_the_password_on_standard_input_once():
    from rescomm.web.accounts.models import User

    result = CliRunner().invoke(users, ["add", "robin", "--password-stdin"],
                                input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "created user robin\n"  # no prompt, no warning
    assert User.objects.get(username="robin").check_password(PASSWORD)
    reset = CliRunner().invoke(users, ["set-password", "robin", "--password-stdin"],
                               input="another long pass phrase\n")
    assert reset.stdout == "robin: password changed\n"
    assert User.objects.get(username="robin").check_password("another long pass phrase")


def test_users_reset_2fa_removes_the_app_and_recovery_codes_audited():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from rescomm.web.accounts.models import AuditEvent

    user = make_user("alex")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    result = run(users, "reset-2fa", "alex", "--reason", "lost phone")
    assert result.exit_code == 0, result.output
    assert result.stdout == "alex: two-factor sign-in reset\n"
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert event.actor is None
    assert event.reason == "command line: rescomm users reset-2fa: lost phone"
    again = run(users, "reset-2fa", "alex")
    assert again.stdout == "alex: had no authenticator app or recovery codes; nothing to reset\n"
    assert run(users, "reset-2fa", "nobody").exit_code == 2
