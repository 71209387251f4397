"""The accounts app's public interface: what other web apps (the asset map, social prescribing,
insight) use of people, organisations, roles, permissions, the audit log and shared limits.
Other apps import this module only (an import-linter contract in ``pyproject.toml``); the
modules behind it are private to ``rescomm.web.accounts``.

- The audit log: :func:`audit` (every change and every access to personal data),
  :func:`client_ip`.
- Who may do what: ``Role``, ``Profession``, ``OrganisationKind`` (and their labels),
  :func:`role_required` (views), ``RoleAuth`` (API), :func:`roles_of`, :func:`organisations_for`.
- People and organisations: ``User``, ``Organisation``, ``Membership`` (the models other apps'
  records point at, and filter by organisation kind or membership).
- Limits shared by every server process: :func:`take_report`, :func:`take_suggestion`.
- The demo: :func:`demo_accounts_allowed`, ``DemoAccountsRefused``.
"""

from __future__ import annotations

from .audit import audit, client_ip
from .demo import DemoAccountsRefused
from .demo_policy import demo_accounts_allowed
from .models import Membership, Organisation, User
from .permissions import RoleAuth, organisations_for, role_required, roles_of
from .roles import OrganisationKind, Profession, Role, profession_label, role_label
from .throttle import take_report, take_suggestion

__all__ = [
    "DemoAccountsRefused", "Membership", "Organisation", "OrganisationKind", "Profession", "Role",
    "RoleAuth", "User", "audit", "client_ip", "demo_accounts_allowed", "organisations_for",
    "profession_label", "role_label", "role_required", "roles_of", "take_report",
    "take_suggestion",
]
