"""Your account page and the audit log page."""

from __future__ import annotations

import pytest
from django.test import Client

from rescomm.web.accounts.audit import audit
from rescomm.web.accounts.models import AuditEvent
from rescomm.web.accounts.roles import Role
from rescomm.web.accounts.tokens import create_token

from .factories import make_member, make_organisation, make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_your_account_lists_organisations_roles_and_tokens_but_never_token_secrets():
    member = make_member(Role.REFERRER, profession="pharmacist")
    make_member(Role.MODERATOR, user=member.user, organisation=make_organisation(name="Council"))
    make_member(Role.COMMISSIONER, user=member.user, active=False)
    plaintext = create_token(member.user, "weekly report")
    page = signed_in(member.user).get("/accounts/me/").content.decode()
    assert member.organisation.name in page and "Council" in page
    assert "Referrer (Pharmacist)" in page and "Asset map moderator" in page
    assert "Commissioner" not in page
    assert "weekly report" in page and plaintext.split("_")[1] in page
    assert plaintext not in page
    assert "Demo account" not in page


def test_your_account_says_so_when_you_have_no_role():
    page = signed_in(make_user()).get("/accounts/me/").content.decode()
    assert "You do not have a role in any organisation yet" in page


def admin_client() -> Client:
    return signed_in(make_member(Role.ADMINISTRATOR).user)


def test_audit_log_lists_events_newest_first_and_records_that_it_was_read():
    user = make_user("someone")
    audit(user, "export", make_organisation(), "monthly return")
    client = admin_client()
    page = client.get("/accounts/audit/").content.decode()
    assert "monthly return" in page and "someone" in page
    viewed = AuditEvent.objects.filter(action="view", object_type="accounts.auditevent").get()
    assert viewed.actor_role == Role.ADMINISTRATOR
    assert viewed.reason == "audit log review"


def test_audit_log_filters_by_action_person_record_type_and_dates():
    alex, sam = make_user("alex"), make_user("sam")
    audit(alex, "export", make_organisation(), "alex export")
    audit(sam, "export", sam, "sam export")
    audit(sam, "delete", make_organisation(), "sam delete")
    client = admin_client()

    def reasons(query: str) -> set[str]:
        page = client.get("/accounts/audit/?" + query).content.decode()
        return {r for r in ("alex export", "sam export", "sam delete") if r in page}

    assert reasons("action=export") == {"alex export", "sam export"}
    assert reasons("actor=sam") == {"sam export", "sam delete"}
    assert reasons("object_type=accounts.user") == {"sam export"}
    assert reasons("since=2000-01-01&until=2999-12-31") == {
        "alex export", "sam export", "sam delete",
    }
    assert reasons("until=2000-01-01") == set()


def test_audit_log_with_invalid_dates_is_400_with_an_error_summary():
    response = admin_client().get("/accounts/audit/?since=yesterday&until=2000-01-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the from date as year-month-day" in html


def test_audit_log_is_paginated_and_keeps_filters_in_page_links():
    user = make_user()
    for _ in range(55):
        audit(user, "export", user)
    page = admin_client().get("/accounts/audit/?action=export").content.decode()
    assert "showing 1 to 50" in page
    assert 'href="?action=export&amp;page=2"' in page
    second = admin_client().get("/accounts/audit/?action=export&page=2").content.decode()
    assert "showing 51 to 55" in second


def test_audit_log_escapes_what_people_typed():
    audit(make_user(), "export", reason="<script>alert(1)</script>")
    page = admin_client().get("/accounts/audit/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_audit_log_tells_the_system_from_people_not_signed_in():
    audit(None, "export", reason="nightly job")
    Client().post("/accounts/login/", {"username": "nobody", "password": "x"})
    page = admin_client().get("/accounts/audit/").content.decode()
    assert '<td data-label="Who">System</td>' in page
    assert '<td data-label="Who">Not signed in</td>' in page


# Change your password -------------------------------------------------------------------------

NEW = "seven purple herons at dusk"


def change(client: Client, old: str, new1: str, new2: str | None = None):
    return client.post("/accounts/password/", {
        "old_password": old, "new_password1": new1,
        "new_password2": new1 if new2 is None else new2})


def test_you_change_your_password_stay_signed_in_and_other_sessions_end():
    from .factories import PASSWORD

    user = make_user("alex")
    here, elsewhere = signed_in(user), signed_in(user)
    response = change(here, PASSWORD, NEW)
    assert response.status_code == 302 and response["Location"] == "/accounts/password/changed/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert here.get("/accounts/me/").status_code == 200
    assert elsewhere.get("/accounts/me/").status_code == 302  # signed out: back to sign in
    event = AuditEvent.objects.get(action="update")
    assert (event.actor, event.reason, event.object_id) == (user, "password changed", str(user.pk))
    assert "Your password has been changed" in here.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("old", "new1", "new2", "message"), [
    ("wrong one", NEW, NEW, "Your current password is not right. Enter it again."),
    (None, NEW, "a different new one", "The two new passwords are not the same."),
    (None, "short", "short", "This password is too short. It must contain at least 12 "),
    (None, "123456789012345", "123456789012345", "This password is entirely numeric."),
    ("", "", "", "Enter your current password"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(old, new1, new2, message):
    from .factories import PASSWORD

    user = make_user("alex")
    response = change(signed_in(user), PASSWORD if old is None else old, new1, new2)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page.replace("&#x27;", "'")
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not AuditEvent.objects.filter(action="update")


def test_demo_accounts_cannot_change_the_shared_demo_password():
    demo = make_user("demo-someone", is_demo=True)
    client = signed_in(demo)
    assert client.get("/accounts/password/").status_code == 403
    assert change(client, "x", NEW).status_code == 403
    assert "Change your password" not in client.get("/accounts/me/").content.decode()


def test_your_account_links_to_changing_your_password():
    page = signed_in(make_user()).get("/accounts/me/").content.decode()
    assert 'href="/accounts/password/"' in page


def test_a_demo_administrator_reads_only_what_demo_accounts_did():
    real = make_user("real-person")
    audit(real, "export", make_organisation(), "real export")
    demo = make_user("demo-person", is_demo=True)
    audit(demo, "export", make_organisation(), "demo export")
    audit(None, "anonymise", make_organisation(), "system job")
    demo_admin = make_member(Role.ADMINISTRATOR, user=make_user("demo-boss", is_demo=True),
                             organisation=make_organisation(name="Demo (synthetic)",
                                                            is_demo=True)).user
    page = signed_in(demo_admin).get("/accounts/audit/").content.decode()
    assert "demo export" in page
    assert "real export" not in page and "real-person" not in page and "system job" not in page
    full = admin_client().get("/accounts/audit/").content.decode()
    assert "real export" in full and "demo export" in full and "system job" in full


def test_audit_log_shows_roles_actions_and_record_types_by_their_labels():
    member = make_member(Role.LINK_WORKER)
    audit(member.user, "update", make_organisation(), "direct care", role=Role.LINK_WORKER)
    audit(member.user, "login_failed", role="")
    page = admin_client().get("/accounts/audit/").content.decode()
    row = page[page.index("direct care") - 600:page.index("direct care")]
    assert '<td data-label="As">Link worker</td>' in row and "link_worker" not in row
    assert '<td data-label="Action" data-action="update">Changed</td>' in row
    assert '<td data-label="Record">Organisation ' in row
    assert "accounts.organisation" not in row
    assert 'data-action="login_failed">Sign-in failed</td>' in page
    assert '<option value="login">Signed in</option>' in page  # the filter speaks labels too


def test_audit_log_refuses_an_unknown_action_filter_with_a_message():
    response = admin_client().get("/accounts/audit/?action=no_such_thing")
    assert response.status_code == 400
    assert "Choose an action from the list" in response.content.decode()
