"""`rescomm backup --out FILE` and `rescomm restore FILE [--yes]` on the test database (SQLite,
or PostgreSQL with DATABASE_URL): a restore brings back what the backup held, and every refusal
is one line with exit status 2 and nothing changed. The table-by-table comparison is
tests/web/core/test_backup.py."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from rescomm.cli.backup import backup_command, restore_command

pytestmark = pytest.mark.django_db(transaction=True)


def usernames() -> list[str]:
    from rescomm.web.accounts.models import User

    return sorted(User.objects.values_list("username", flat=True))


def test_backup_then_restore_brings_back_what_the_backup_held(tmp_path):
    from rescomm.web.accounts.services import create_user

    create_user("alex", "correct horse battery staple")
    out = tmp_path / "nightly.backup"
    made = CliRunner().invoke(backup_command, ["--out", str(out)])
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("Backed up ") and f"to {out} (" in made.stdout
    create_user("sam", "correct horse battery staple")
    assert usernames() == ["alex", "sam"]
    restored = CliRunner().invoke(restore_command, [str(out), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert restored.stdout.startswith("Restored ") and f"from {out} (" in restored.stdout
    assert usernames() == ["alex"]


def test_restoring_over_a_database_that_is_not_empty_needs_confirmation(tmp_path):
    from rescomm.web.accounts.services import create_user

    create_user("alex", "correct horse battery staple")
    out = tmp_path / "nightly.backup"
    assert CliRunner().invoke(backup_command, ["--out", str(out)]).exit_code == 0
    create_user("sam", "correct horse battery staple")
    refused = CliRunner().invoke(restore_command, [str(out)])  # no terminal to ask at
    assert refused.exit_code == 2
    assert refused.stderr.startswith("rescomm: error: ")
    assert "is not empty" in refused.stderr and "--yes" in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert usernames() == ["alex", "sam"], "nothing was restored"


def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_backup(tmp_path):
    kept = tmp_path / "kept.backup"
    kept.write_text("an earlier backup")
    again = CliRunner().invoke(backup_command, ["--out", str(kept)])
    assert again.exit_code == 2
    assert again.stderr == (f"rescomm: error: {kept} already exists: choose a new file name "
                            "(backups are never overwritten)\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup")
    wrong = CliRunner().invoke(restore_command, [str(notes), "--yes"])
    assert wrong.exit_code == 2
    assert wrong.stderr == (f"rescomm: error: {notes} is not a rescomm backup: it is neither a "
                            "SQLite database nor a pg_dump custom-format archive (made by "
                            "`rescomm backup`)\n")


def test_both_commands_are_in_the_readme_command_table():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "| `rescomm backup --out FILE" in readme
    assert "| `rescomm restore FILE" in readme
