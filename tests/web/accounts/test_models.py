"""Model invariants: memberships, referrer professions, demo organisations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rescomm.web.accounts.models import Membership, Organisation
from rescomm.web.accounts.roles import OrganisationKind, Profession, Role

from .factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_a_referrer_without_a_profession_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(Role.REFERRER, profession="")


def test_a_link_worker_with_a_profession_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(Role.LINK_WORKER, profession=Profession.GP)


def test_one_membership_per_user_organisation_and_role():
    member = make_member(Role.MODERATOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(Role.MODERATOR, user=member.user, organisation=member.organisation)
    make_member(Role.CONTRIBUTOR, user=member.user, organisation=member.organisation)


def test_an_unknown_role_code_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member("superhero")


def test_a_demo_organisation_must_look_synthetic_and_have_no_ods_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Brownlow Health", kind="gp_practice", is_demo=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            name="Demo Practice (synthetic)", kind="gp_practice", ods_code="N82001", is_demo=True
        )
    Organisation.objects.create(name="Demo Practice (synthetic)", kind="gp_practice", is_demo=True)


def test_ods_codes_are_unique_when_given_and_may_be_blank_for_many():
    make_organisation(ods_code="Y02905")
    make_organisation()
    make_organisation()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_organisation(ods_code="Y02905")


@pytest.mark.parametrize(("field", "value"), [("lad_code", "Liverpool"), ("ods_code", "n8 2001")])
def test_codes_are_validated_with_a_message_naming_the_format(field, value):
    organisation = Organisation(name="X", kind=OrganisationKind.COUNCIL, **{field: value})
    with pytest.raises(ValidationError) as raised:
        organisation.full_clean()
    assert field in raised.value.message_dict


def test_a_demo_account_cannot_join_a_real_organisation():
    membership = Membership(
        user=make_user(is_demo=True), organisation=make_organisation(), role=Role.LINK_WORKER
    )
    with pytest.raises(ValidationError, match="Demo accounts"):
        membership.full_clean()


def test_a_user_is_shown_by_display_name_then_username():
    assert str(make_user("alex", display_name="Alex Jones")) == "Alex Jones"
    assert str(make_user("sam")) == "sam"
