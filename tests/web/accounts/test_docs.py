"""The README and docs/accounts.md stay honest: every URL, command, role, action and setting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import get_resolver

from rescomm.web.accounts import urls as accounts_urls
from rescomm.web.accounts.models import AuditEvent
from rescomm.web.accounts.roles import Profession, Role

REPO = Path(__file__).resolve().parents[3]
README = (REPO / "src/rescomm/web/accounts/README.md").read_text(encoding="utf-8")
GUIDE = (REPO / "docs/accounts.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("pattern", accounts_urls.urlpatterns, ids=lambda p: str(p.pattern))
def test_every_accounts_url_is_in_the_readme_table(pattern):
    assert f"| `/accounts/{pattern.pattern}` |" in README


def test_every_accounts_api_operation_is_in_the_readme_table():
    from rescomm.web.accounts.api import build_router

    router = build_router()
    for path in router.path_operations:
        assert f"| `/api/accounts{path}` |" in README
    assert get_resolver()  # the project URLs import cleanly


@pytest.mark.parametrize("role", Role.values)
def test_every_role_is_explained_in_the_guide(role):
    assert f"| `{role}` |" in GUIDE


@pytest.mark.parametrize("profession", Profession.values)
def test_every_profession_is_named_in_the_guide(profession):
    assert f"`{profession}`" in GUIDE


def _actions() -> list[str]:
    return [v for k, v in vars(AuditEvent).items() if k.isupper() and isinstance(v, str)]


@pytest.mark.parametrize("action", _actions())
def test_every_audit_action_is_named_in_the_guide(action):
    assert f"`{action}`" in GUIDE


@pytest.mark.parametrize(
    "command",
    ["token create", "token list", "token revoke", "users list", "users create-demo"],
)
def test_every_cli_command_is_in_the_guide(command):
    assert f"rescomm {command}" in GUIDE


def test_every_setting_the_app_reads_is_in_the_guide():
    source = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (REPO / "src/rescomm/web/accounts").rglob("*.py")
    )
    for name in set(re.findall(r'"(ACCOUNTS_[A-Z_]+)"', source)):
        assert f"`{name}`" in GUIDE, name
    assert "`RESCOMM_DEMO_PASSWORD`" in GUIDE and "demo-password-change-me" in GUIDE
