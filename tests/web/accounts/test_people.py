"""Account administration pages: administrators see everyone's roles, give and end roles,
deactivate and reactivate accounts; each change audited; refusals change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from rescomm.web.accounts.models import AuditEvent, Membership
from rescomm.web.accounts.roles import Role

from .factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin():
    return make_member(Role.ADMINISTRATOR).user


@pytest.fixture
def sam():
    return make_member(Role.LINK_WORKER, user=make_user("sam", display_name="Sam Jones")).user


def test_the_person_page_is_for_administrators_only(admin, sam):
    url = f"/accounts/people/{sam.pk}/"
    assert Client().get(url).status_code == 302
    assert Client().post(url, {"action": "deactivate"}).status_code == 302
    other = signed_in(make_member(Role.SERVICE_MANAGER).user)
    assert other.get(url).status_code == 403
    assert other.post(url, {"action": "deactivate"}).status_code == 403
    assert signed_in(admin).get(url).status_code == 200
    assert signed_in(admin).get("/accounts/people/999999/").status_code == 404
    sam.refresh_from_db()
    assert sam.is_active


def test_the_people_list_shows_current_roles_finds_by_name_and_is_audited(admin, sam):
    make_member(Role.COMMISSIONER, user=sam, active=False)
    client = signed_in(admin)
    page = client.get("/accounts/people/?q=jones").content.decode()
    assert "sam" in page and "Link worker" in page and "Commissioner" not in page
    assert admin.username not in page.split("<tbody>")[1]
    event = AuditEvent.objects.get(action="view", object_type="accounts.user")
    assert event.actor == admin and event.actor_role == Role.ADMINISTRATOR


def test_an_administrator_gives_a_referrer_role_with_a_profession(admin, sam):
    practice = make_organisation(name="Riverside Surgery")
    client = signed_in(admin)
    response = client.post(f"/accounts/people/{sam.pk}/", {
        "action": "grant", "organisation": practice.pk, "role": Role.REFERRER,
        "profession": "pharmacist"})
    assert response.status_code == 302 and response["Location"] == f"/accounts/people/{sam.pk}/"
    membership = Membership.objects.get(user=sam, organisation=practice)
    assert (membership.role, membership.profession, membership.active) == (
        Role.REFERRER, "pharmacist", True)
    event = AuditEvent.objects.get(action="role_granted")
    assert event.actor == admin and event.reason == "account administration"
    assert "Riverside Surgery" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("fields", "message"), [
    ({"role": Role.REFERRER}, "Choose an organisation"),
    ({"organisation": "ORG", "role": ""}, "Choose a role"),
    ({"organisation": "ORG", "role": "king"}, "Choose a role from the list"),
    ({"organisation": "ORG", "role": Role.REFERRER},
     "Referrers need a profession; other roles have none."),
    ({"organisation": "ORG", "role": Role.LINK_WORKER, "profession": "gp"},
     "Referrers need a profession; other roles have none."),
])
def test_a_role_that_breaks_a_rule_is_refused_with_the_reason(admin, sam, fields, message):
    organisation = make_organisation()
    data = {"action": "grant", **{k: (organisation.pk if v == "ORG" else v)
                                  for k, v in fields.items()}}
    before = Membership.objects.count()
    response = signed_in(admin).post(f"/accounts/people/{sam.pk}/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert Membership.objects.count() == before
    assert not AuditEvent.objects.filter(action="role_granted").exists()


def test_an_administrator_ends_a_role_and_it_stays_in_the_history(admin, sam):
    membership = sam.memberships.get()
    client = signed_in(admin)
    response = client.post(f"/accounts/people/{sam.pk}/", {"action": "end",
                                                            "membership": membership.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.active is False
    assert "Ended" in client.get(f"/accounts/people/{sam.pk}/").content.decode()
    again = client.post(f"/accounts/people/{sam.pk}/", {"action": "end",
                                                         "membership": membership.pk})
    assert again.status_code == 400
    assert "That role has already ended or is not this person" in again.content.decode()
    assert AuditEvent.objects.filter(action="role_ended").count() == 1


def test_someone_elses_membership_cannot_be_ended_through_this_page(admin, sam):
    other = make_member(Role.LINK_WORKER)
    response = signed_in(admin).post(f"/accounts/people/{sam.pk}/", {
        "action": "end", "membership": other.pk})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.active


def test_deactivating_ends_sign_in_and_reactivating_restores_it(admin, sam):
    sams_session = signed_in(sam)
    client = signed_in(admin)
    assert client.post(f"/accounts/people/{sam.pk}/", {"action": "deactivate"}).status_code == 302
    sam.refresh_from_db()
    assert not sam.is_active
    assert sams_session.get("/accounts/me/").status_code == 302  # signed out
    assert client.post(f"/accounts/people/{sam.pk}/", {"action": "reactivate"}).status_code == 302
    sam.refresh_from_db()
    assert sam.is_active
    assert list(AuditEvent.objects.filter(action="update").values_list("reason", flat=True)
                .order_by("pk")) == ["account administration: deactivated",
                                     "account administration: reactivated"]


@pytest.mark.parametrize("data", [
    {"action": "deactivate"},
    {"action": "end", "membership": "OWN"},
    {"action": "sing"},
    {},
])
def test_an_administrator_cannot_lock_themselves_out_or_send_nonsense(admin, data):
    own = admin.memberships.get()
    payload = {k: (own.pk if v == "OWN" else v) for k, v in data.items()}
    response = signed_in(admin).post(f"/accounts/people/{admin.pk}/", payload)
    assert response.status_code == 400
    assert "Nothing changed." in response.content.decode()
    admin.refresh_from_db()
    own.refresh_from_db()
    assert admin.is_active and own.active


def test_your_account_links_administrators_to_people_and_the_audit_log(admin, sam):
    mine = signed_in(admin).get("/accounts/me/").content.decode()
    assert 'href="/accounts/people/"' in mine and 'href="/accounts/audit/"' in mine
    theirs = signed_in(sam).get("/accounts/me/").content.decode()
    assert 'href="/accounts/people/"' not in theirs


def test_a_demo_administrator_sees_and_manages_demo_accounts_only(sam):
    demo_admin = make_member(Role.ADMINISTRATOR, user=make_user("demo-boss", is_demo=True),
                             organisation=make_organisation(name="Demo Council (synthetic)",
                                                            is_demo=True)).user
    demo_user = make_user("demo-someone", is_demo=True)
    client = signed_in(demo_admin)
    listed = client.get("/accounts/people/").content.decode()
    assert "demo-someone" in listed and "Sam Jones" not in listed
    assert client.get(f"/accounts/people/{demo_user.pk}/").status_code == 200
    assert client.get(f"/accounts/people/{sam.pk}/").status_code == 404
    assert client.post(f"/accounts/people/{sam.pk}/", {"action": "deactivate"}).status_code == 404
    sam.refresh_from_db()
    assert sam.is_active


# Organisations ---------------------------------------------------------------------------------


def test_an_administrator_adds_a_scheme_and_sees_who_works_where(admin, sam):
    from rescomm.web.accounts.models import Organisation

    client = signed_in(admin)
    response = client.post("/accounts/organisations/", {
        "name": "Halton Social Prescribing", "kind": "social_prescribing_scheme",
        "ods_code": "", "lad_code": "e06000006"})
    assert response.status_code == 302 and response["Location"] == "/accounts/organisations/"
    scheme = Organisation.objects.get(name="Halton Social Prescribing")
    assert scheme.lad_code == "E06000006" and not scheme.is_demo
    event = AuditEvent.objects.get(action="create", object_type="accounts.organisation")
    assert event.actor == admin and event.object_id == str(scheme.pk)
    page = client.get("/accounts/organisations/").content.decode()
    assert "Halton Social Prescribing" in page and "E06000006" in page
    assert sam.memberships.get().organisation.name in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "", "kind": "gp_practice"}, "Enter the organisation&#x27;s name"),
    ({"name": "X", "kind": ""}, "Choose what the organisation is"),
    ({"name": "X", "kind": "castle"}, "Choose what the organisation is from the list"),
    ({"name": "X", "kind": "gp_practice", "ods_code": "not ods!"}, "ODS code"),
    ({"name": "X", "kind": "council", "lad_code": "Liverpool"}, "local authority code"),
    ({"name": "X", "kind": "gp_practice", "ods_code": "n81013"},
     "The ODS code N81013 is already used by Riverside Surgery."),
])
def test_an_organisation_with_a_wrong_field_is_refused_and_nothing_is_added(admin, fields,
                                                                               message):
    from rescomm.web.accounts.models import Organisation

    make_organisation(name="Riverside Surgery", ods_code="N81013")
    before = Organisation.objects.count()
    response = signed_in(admin).post("/accounts/organisations/", {
        "ods_code": "", "lad_code": "", **fields})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message.lower() in page.lower()
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(action="create").exists()


def test_a_demo_administrator_lists_demo_organisations_only_and_cannot_add(sam):
    from rescomm.web.accounts.models import Organisation

    demo_org = make_organisation(name="Demo Council (synthetic)", is_demo=True)
    demo_admin = make_member(Role.ADMINISTRATOR, user=make_user("demo-boss", is_demo=True),
                             organisation=demo_org).user
    client = signed_in(demo_admin)
    page = client.get("/accounts/organisations/").content.decode()
    assert "Demo Council (synthetic)" in page
    assert sam.memberships.get().organisation.name not in page
    assert "Add an organisation" not in page
    response = client.post("/accounts/organisations/", {"name": "X", "kind": "council"})
    assert response.status_code == 403 and not Organisation.objects.filter(name="X").exists()
