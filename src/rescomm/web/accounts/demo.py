"""Demo accounts: synthetic organisations and one user per role, for demonstrations only.

Every demo organisation and user is marked ``is_demo`` and shown as "Demo account — synthetic".
All demo users share one password: ``$RESCOMM_DEMO_PASSWORD``, default
:data:`DEFAULT_DEMO_PASSWORD` (docs/accounts.md). Refused under the production settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.db import transaction

from .audit import audit
from .demo_policy import demo_accounts_allowed
from .models import AuditEvent, Organisation, User
from .roles import OrganisationKind, Profession, Role
from .services import grant_role

DEFAULT_DEMO_PASSWORD = "demo-password-change-me"  # noqa: S105 - documented, demo only
PASSWORD_ENV = "RESCOMM_DEMO_PASSWORD"  # noqa: S105 - the variable's name, not a secret
LIVERPOOL = "E08000012"
REASON = "demo accounts (synthetic)"

#: key -> (name, kind, local authority code). Names are synthetic on purpose.
DEMO_ORGANISATIONS: dict[str, tuple[str, str, str]] = {
    "scheme": (
        "Demo Social Prescribing Scheme, Liverpool (synthetic)",
        OrganisationKind.SOCIAL_PRESCRIBING_SCHEME,
        LIVERPOOL,
    ),
    "practice": ("Demo Practice (synthetic)", OrganisationKind.GP_PRACTICE, LIVERPOOL),
    "pharmacy": ("Demo Pharmacy (synthetic)", OrganisationKind.PHARMACY, LIVERPOOL),
    "voluntary": (
        "Demo Community Group (synthetic)", OrganisationKind.VOLUNTARY_ORGANISATION, LIVERPOOL
    ),
    "council": ("Demo Council (synthetic)", OrganisationKind.COUNCIL, LIVERPOOL),
    "icb": ("Demo ICB (synthetic)", OrganisationKind.ICB, ""),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    organisation: str
    role: str
    profession: str = ""
    is_staff: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("demo-gp", "Demo GP", "practice", Role.REFERRER, Profession.GP),
    DemoUser(
        "demo-pharmacist", "Demo Pharmacist", "pharmacy", Role.REFERRER, Profession.PHARMACIST
    ),
    DemoUser("demo-linkworker", "Demo Link Worker", "scheme", Role.LINK_WORKER),
    DemoUser("demo-provider", "Demo Provider", "voluntary", Role.PROVIDER_STAFF),
    DemoUser("demo-manager", "Demo Service Manager", "scheme", Role.SERVICE_MANAGER),
    DemoUser("demo-commissioner", "Demo Commissioner", "icb", Role.COMMISSIONER),
    DemoUser("demo-admin", "Demo Administrator", "council", Role.ADMINISTRATOR, is_staff=True),
    DemoUser("demo-moderator", "Demo Moderator", "council", Role.MODERATOR),
)


class DemoAccountsRefused(RuntimeError):
    """Demo accounts cannot be created here (production settings, or a real account in the way)."""


@dataclass
class DemoAccountsResult:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV, "").strip() or DEFAULT_DEMO_PASSWORD


def create_demo_accounts() -> DemoAccountsResult:
    """Create (or bring up to date) the demo organisations, users and roles; idempotent.

    A second run creates nothing. If ``$RESCOMM_DEMO_PASSWORD`` changed, the demo users' password
    is updated to it. All changes happen in one transaction and are audited (actor: system).

    Raises
    ------
    DemoAccountsRefused
        Under the production settings, or if a demo username belongs to a real account.
    """
    if not demo_accounts_allowed():
        raise DemoAccountsRefused(
            "demo accounts are not allowed with the production settings; use "
            "rescomm.web.settings.dev for demonstrations"
        )
    password = demo_password()
    result = DemoAccountsResult()
    with transaction.atomic():
        organisations = {key: _organisation(*spec) for key, spec in DEMO_ORGANISATIONS.items()}
        for spec in DEMO_USERS:
            status = _user(spec, password)
            grant_role(
                User.objects.get(username=spec.username),
                organisations[spec.organisation],
                spec.role,
                profession=spec.profession,
                reason=REASON,
            )
            getattr(result, status).append(spec.username)
    return result


def _organisation(name: str, kind: str, lad_code: str) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=name, is_demo=True, defaults={"kind": kind, "lad_code": lad_code}
    )
    if created:
        audit(None, AuditEvent.CREATE, organisation, REASON)
    return organisation


def _user(spec: DemoUser, password: str) -> str:
    user = User.objects.filter(username=spec.username).first()
    if user is not None and not user.is_demo:
        raise DemoAccountsRefused(
            f"the username {spec.username!r} belongs to a real account; rename that account "
            "before creating demo accounts"
        )
    if user is None:
        user = User(username=spec.username, is_demo=True)
        user.display_name = spec.display_name
        user.is_staff = spec.is_staff
        user.set_password(password)
        user.save()
        audit(None, AuditEvent.CREATE, user, REASON)
        return "created"
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        audit(None, AuditEvent.UPDATE, user, "demo account password reset to the demo password")
        return "updated"
    return "unchanged"
