"""Demo accounts: synthetic, idempotent, one documented password, refused in production."""

from __future__ import annotations

import pytest
from django.test import Client

from rescomm.web.accounts.demo import (
    DEFAULT_DEMO_PASSWORD,
    DEMO_USERS,
    DemoAccountsRefused,
    create_demo_accounts,
)
from rescomm.web.accounts.models import AuditEvent, Membership, Organisation, User
from rescomm.web.accounts.permissions import has_role
from rescomm.web.accounts.roles import Profession, Role

from .factories import make_user

pytestmark = pytest.mark.django_db
EXPECTED_USERS = {
    "demo-gp", "demo-pharmacist", "demo-linkworker", "demo-provider", "demo-manager",
    "demo-commissioner", "demo-admin", "demo-moderator",
}


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_accounts_are_created_once_and_a_second_run_changes_nothing():
    first = create_demo_accounts()
    assert set(first.created) == EXPECTED_USERS
    before = counts()
    second = create_demo_accounts()
    assert second.created == [] and set(second.unchanged) == EXPECTED_USERS
    assert counts() == before


def test_every_demo_user_and_organisation_is_marked_and_synthetic():
    create_demo_accounts()
    users = User.objects.filter(username__in=EXPECTED_USERS)
    assert users.count() == len(EXPECTED_USERS) and all(u.is_demo for u in users)
    organisations = Organisation.objects.filter(memberships__user__in=users).distinct()
    assert all(o.is_demo and "(synthetic)" in o.name and not o.ods_code for o in organisations)
    scheme = Organisation.objects.get(kind="social_prescribing_scheme", is_demo=True)
    assert scheme.lad_code == "E08000012"  # Liverpool


@pytest.mark.parametrize(
    ("username", "role", "profession"),
    [
        ("demo-gp", Role.REFERRER, Profession.GP),
        ("demo-pharmacist", Role.REFERRER, Profession.PHARMACIST),
        ("demo-linkworker", Role.LINK_WORKER, ""),
        ("demo-provider", Role.PROVIDER_STAFF, ""),
        ("demo-manager", Role.SERVICE_MANAGER, ""),
        ("demo-commissioner", Role.COMMISSIONER, ""),
        ("demo-admin", Role.ADMINISTRATOR, ""),
        ("demo-moderator", Role.MODERATOR, ""),
    ],
)
def test_each_demo_user_has_their_role(username, role, profession):
    create_demo_accounts()
    user = User.objects.get(username=username)
    assert has_role(user, role)
    assert user.memberships.get(role=role).profession == profession
    assert user.is_staff == (username == "demo-admin")


def test_demo_users_sign_in_with_the_documented_password_and_see_the_demo_label(monkeypatch):
    monkeypatch.delenv("RESCOMM_DEMO_PASSWORD", raising=False)
    create_demo_accounts()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "demo-linkworker", "password": DEFAULT_DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get("/accounts/me/").content.decode()
    assert "Demo account — synthetic" in page
    assert "Demo Social Prescribing Scheme, Liverpool (synthetic)" in page


def test_the_demo_password_comes_from_the_environment_and_a_change_is_applied(monkeypatch):
    monkeypatch.setenv("RESCOMM_DEMO_PASSWORD", "first-demo-password")
    create_demo_accounts()
    assert User.objects.get(username="demo-gp").check_password("first-demo-password")
    monkeypatch.setenv("RESCOMM_DEMO_PASSWORD", "second-demo-password")
    result = create_demo_accounts()
    assert set(result.updated) == EXPECTED_USERS
    assert User.objects.get(username="demo-gp").check_password("second-demo-password")


def test_demo_accounts_are_refused_under_production_settings(settings):
    settings.SETTINGS_MODULE = "rescomm.web.settings.prod"
    with pytest.raises(DemoAccountsRefused, match="production settings"):
        create_demo_accounts()
    assert not User.objects.filter(is_demo=True).exists()


def test_a_real_account_with_a_demo_username_is_never_taken_over():
    make_user("demo-admin")
    with pytest.raises(DemoAccountsRefused, match="real account"):
        create_demo_accounts()
    assert not User.objects.get(username="demo-admin").is_demo
    assert not Organisation.objects.filter(is_demo=True).exists()


def test_demo_users_cover_every_role_but_contributor():
    assert {spec.role for spec in DEMO_USERS} == set(Role.values) - {Role.CONTRIBUTOR}
