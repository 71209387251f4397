"""Role checks: active memberships of active users only; superusers get no roles."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from rescomm.web.accounts.permissions import (
    has_role,
    organisations_for,
    role_required,
    roles_of,
)
from rescomm.web.accounts.roles import Role
from rescomm.web.accounts.services import end_role, grant_role

from .factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_has_role_is_true_for_an_active_membership_anywhere_or_at_that_organisation():
    member = make_member(Role.LINK_WORKER)
    assert has_role(member.user, Role.LINK_WORKER)
    assert has_role(member.user, Role.LINK_WORKER, member.organisation)
    assert not has_role(member.user, Role.LINK_WORKER, make_organisation())
    assert not has_role(member.user, Role.COMMISSIONER)


def test_an_ended_membership_or_inactive_user_has_no_role():
    ended = make_member(Role.LINK_WORKER, active=False)
    assert not has_role(ended.user, Role.LINK_WORKER)
    member = make_member(Role.LINK_WORKER)
    member.user.is_active = False
    assert not has_role(member.user, Role.LINK_WORKER)


def test_superusers_and_staff_get_no_role_from_those_flags():
    boss = make_user(is_superuser=True, is_staff=True)
    assert roles_of(boss) == set()
    assert not has_role(boss, Role.ADMINISTRATOR)


def test_anonymous_users_have_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert not has_role(AnonymousUser(), Role.REFERRER)
    assert not organisations_for(AnonymousUser(), Role.REFERRER).exists()


def test_organisations_for_lists_only_organisations_where_the_role_is_held():
    user = make_user()
    practice, pharmacy, council = (make_organisation() for _ in range(3))
    make_member(Role.REFERRER, user=user, organisation=practice)
    make_member(Role.REFERRER, user=user, organisation=pharmacy, active=False)
    make_member(Role.MODERATOR, user=user, organisation=council)
    assert list(organisations_for(user, Role.REFERRER)) == [practice]


def test_role_required_refuses_unknown_roles_when_declared():
    with pytest.raises(ValueError, match="unknown roles"):
        role_required("wizard")


def test_role_required_raises_permission_denied_naming_the_role_and_records_the_acting_role():
    @role_required(Role.COMMISSIONER, Role.SERVICE_MANAGER)
    def view(request):
        return request.acting_role

    request = RequestFactory().get("/x/")
    request.user = make_member(Role.LINK_WORKER).user
    with pytest.raises(PermissionDenied, match="commissioner or service manager"):
        view(request)
    request.user = make_member(Role.SERVICE_MANAGER).user
    assert view(request) == Role.SERVICE_MANAGER
    assert view.required_roles == (Role.COMMISSIONER, Role.SERVICE_MANAGER)


def test_role_required_answers_anonymous_json_requests_with_401():
    from django.contrib.auth.models import AnonymousUser

    @role_required(Role.COMMISSIONER)
    def view(request):  # pragma: no cover - never reached
        raise AssertionError

    request = RequestFactory().get("/x/", HTTP_ACCEPT="application/json")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_grant_role_is_idempotent_audited_and_end_role_keeps_the_row():
    from rescomm.web.accounts.models import AuditEvent

    user, organisation = make_user(), make_organisation()
    first = grant_role(user, organisation, Role.REFERRER, profession="pharmacist")
    again = grant_role(user, organisation, Role.REFERRER, profession="pharmacist")
    assert first.pk == again.pk
    assert AuditEvent.objects.filter(action=AuditEvent.ROLE_GRANTED).count() == 1
    end_role(first)
    end_role(first)
    assert not has_role(user, Role.REFERRER)
    assert AuditEvent.objects.filter(action=AuditEvent.ROLE_ENDED).count() == 1
    grant_role(user, organisation, Role.REFERRER, profession="pharmacist")
    assert has_role(user, Role.REFERRER)


def test_grant_role_validates_the_referrer_profession():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        grant_role(make_user(), make_organisation(), Role.REFERRER)
