"""Administrators invite people by e-mail: the account is made without a password and the
person chooses one through a link that works once and expires (Django's token machinery), so
no password passes through an administrator; everything is audited; the e-mail goes through
Django's e-mail backend."""

from __future__ import annotations

import datetime as dt
import re
import smtplib

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db.models import Q
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rescomm.web.accounts import invitations
from rescomm.web.accounts.models import AuditEvent, Membership, User
from rescomm.web.accounts.roles import Role

from .factories import make_member, make_organisation

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plum orbit lantern gravel"  # noqa: S105 - tests only


def admin_client() -> tuple[Client, User]:
    admin = make_member(Role.ADMINISTRATOR).user
    client = Client()
    client.force_login(admin)
    return client, admin


def invite(client: Client, **fields):
    return client.post("/accounts/people/invite/", {"email": "sam@example.org", **fields})


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/invite/\S+/)", message.body).group(1)


def test_an_administrator_invites_someone_with_a_role_and_no_password():
    client, admin = admin_client()
    practice = make_organisation(name="A Practice")
    response = invite(client, display_name="Sam Jones", organisation=practice.pk,
                      role=Role.REFERRER, profession="pharmacist")
    user = User.objects.get(email="sam@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/people/{user.pk}/?invited=1"
    assert user.username == "sam@example.org" and not user.has_usable_password()
    assert Membership.objects.get(user=user).profession == "pharmacist"
    [message] = mail.outbox
    assert message.to == ["sam@example.org"] and "choose a password" in message.subject
    assert "Your role: Referrer, A Practice" in message.body
    assert f"works once, for {invitations.valid_days()} days" in message.body
    assert link_in(message).startswith("/accounts/invite/")
    # role_granted is recorded against the membership, the others against the account (their
    # ids coincide on SQLite only by chance: PostgreSQL's sequences do not restart per test)
    membership = Membership.objects.get(user=user)
    events = AuditEvent.objects.filter(
        Q(object_type=User._meta.label_lower, object_id=str(user.pk))
        | Q(object_type=Membership._meta.label_lower, object_id=str(membership.pk)))
    actions = list(events.order_by("id").values_list("action", "actor_id"))
    assert actions == [("create", admin.pk), ("role_granted", admin.pk),
                       ("invite_sent", admin.pk)]
    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to sam@example.org" in page
    assert "has not chosen a password yet" in page


def test_the_person_chooses_a_password_once_through_the_link_and_signs_in():
    client, _ = admin_client()
    invite(client)
    link = link_in(mail.outbox[0])
    person = Client()
    first = person.get(link)
    assert first.status_code == 302  # Django moves the token into the session
    form_url = first["Location"]
    assert "set-password" in form_url
    mismatch = person.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert mismatch.status_code == 400
    assert "The two passwords are not the same" in mismatch.content.decode()
    done = person.post(form_url, {"new_password1": NEW_PASSWORD,
                                  "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/invite/done/"
    user = User.objects.get(email="sam@example.org")
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.filter(action="password_set").get()
    assert event.actor == user and event.object_id == str(user.pk)
    assert Client().login(username="sam@example.org", password=NEW_PASSWORD)
    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_expired_link_does_not_work(monkeypatch):
    client, _ = admin_client()
    invite(client)
    link = link_in(mail.outbox[0])
    later = dt.datetime.now() + dt.timedelta(days=invitations.valid_days(), hours=1)
    monkeypatch.setattr(invitations.invite_tokens, "_now", lambda: later)
    page = Client().get(link, follow=True).content.decode()
    assert "This link does not work" in page
    assert not User.objects.get(email="sam@example.org").has_usable_password()


def test_a_password_reset_token_is_not_an_invitation():
    client, _ = admin_client()
    invite(client)
    user = User.objects.get(email="sam@example.org")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    page = Client().get(f"/accounts/invite/{uid}/{default_token_generator.make_token(user)}/",
                        follow=True).content.decode()
    assert "This link does not work" in page


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"email": "not-an-address"}, "email", "Enter an e-mail address like name@example.org"),
    ({"email": ""}, "email", "Enter the person&#x27;s e-mail address"),
    ({"role": Role.LINK_WORKER}, "organisation", "Choose the organisation where they have"),
    ({"username": "has space"}, "username", "Enter a valid username"),
])
def test_wrong_fields_are_named_and_nothing_is_kept(fields, field, message):
    client, _ = admin_client()
    response = invite(client, **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert not User.objects.filter(email="sam@example.org").exists() and not mail.outbox


def test_a_referrer_role_without_a_profession_keeps_nothing():
    client, _ = admin_client()
    response = invite(client, organisation=make_organisation().pk, role=Role.REFERRER)
    assert response.status_code == 400
    assert not User.objects.filter(email="sam@example.org").exists() and not mail.outbox


def test_an_address_already_used_is_named_with_its_account():
    client, _ = admin_client()
    invite(client)
    response = invite(client, username="sam2")
    assert response.status_code == 400
    assert "An account already uses this e-mail address: sam@example.org" in (
        response.content.decode())


def test_when_the_e_mail_cannot_be_sent_nothing_is_kept(monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr(invitations, "send_mail", refuse)
    client, _ = admin_client()
    response = invite(client)
    assert response.status_code == 400
    assert "could not be sent (SMTPConnectError); nothing was kept" in response.content.decode()
    assert not User.objects.filter(email="sam@example.org").exists()
    assert not AuditEvent.objects.filter(action__in=["create", "invite_sent"]).exists()


def test_an_administrator_e_mails_a_new_link_without_knowing_the_password():
    client, admin = admin_client()
    invite(client)
    user = User.objects.get(email="sam@example.org")
    response = client.post(f"/accounts/people/{user.pk}/", {"action": "invite"})
    assert response.status_code == 302 and len(mail.outbox) == 2
    assert mail.outbox[1].to == ["sam@example.org"]
    assert link_in(mail.outbox[1]).startswith("/accounts/invite/")
    assert AuditEvent.objects.filter(action="invite_sent", object_id=str(user.pk)).count() == 2


def test_demo_administrators_cannot_invite():
    from rescomm.web.accounts.demo import create_demo_accounts

    create_demo_accounts()
    client = Client()
    client.force_login(User.objects.get(username="demo-admin"))
    assert client.get("/accounts/people/invite/").status_code == 200
    assert invite(client).status_code == 403
    assert not mail.outbox
