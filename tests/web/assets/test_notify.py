"""E-mails: overdue reviews escalated to moderators, decisions told to the person who suggested,
reminders; each send recorded and never repeated; a failing backend records nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from tests.web.ladder import ladder_user

from rescomm.web.assets import notify
from rescomm.web.assets.models import Notification, Suggestion
from rescomm.web.assets.services import decide, mark_verified, send_review_reminders, suggest

TODAY = date(2025, 1, 1)


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


@pytest.fixture
def moderator_with_email(db):
    user = ladder_user("moderator")
    user.email = "mod@example.org"
    user.save()
    return user


def test_overdue_reviews_are_escalated_to_moderators_once_per_missed_date(
        make_asset, moderator_with_email, mailoutbox):
    late = make_asset("t:late", name="Late Library", review_due="2024-11-01",
                      email="owner@example.org")
    make_asset("t:recent", review_due="2024-12-30")  # 2 days overdue: within the grace
    make_asset("t:fine", review_due="2030-01-01")
    counts = notify.escalate_overdue(base_url="https://map.example/", after_days=7, today=TODAY)
    assert counts == {"overdue": 1, "escalated": 1, "already": 0, "moderators": 1}
    [mail] = mailoutbox
    assert mail.to == ["mod@example.org"]
    assert mail.subject == "Overdue reviews: 1 asset(s) to check"
    assert "Late Library: review due 01 November 2024 (61 days overdue); owner: " \
           "owner@example.org" in mail.body
    assert f"https://map.example/assets/{late.id}/history/" in mail.body
    assert Notification.objects.get().key == f"escalation:{late.id}:2024-11-01"
    # the next run (tomorrow's cron) does not repeat it
    again = notify.escalate_overdue(base_url="https://map.example", after_days=7, today=TODAY)
    assert again == {"overdue": 1, "escalated": 0, "already": 1, "moderators": 1}
    assert len(mailoutbox) == 1
    # checked, then missed again: a new review date is escalated again
    mark_verified(late, actor=None, review_in_days=-30)
    late.refresh_from_db()
    notify.escalate_overdue(base_url="https://map.example", after_days=7, today=date.today())
    assert Notification.objects.filter(key=f"escalation:{late.id}:{late.review_due}").exists()
    assert len(mailoutbox) == 2 and "Late Library" in mailoutbox[1].body


def test_without_a_moderator_address_nothing_is_recorded_until_there_is_one(make_asset,
                                                                            mailoutbox):
    make_asset("t:late", review_due="2024-11-01")
    ladder_user("moderator")  # a moderator with no e-mail address
    counts = notify.escalate_overdue(base_url="https://map.example", today=TODAY)
    assert counts["moderators"] == 0 and counts["escalated"] == 0
    assert mailoutbox == [] and not Notification.objects.exists()
    user = ladder_user("moderator")
    user.email = "mod@example.org"
    user.save()
    assert notify.escalate_overdue(base_url="https://map.example", today=TODAY)["escalated"] == 1


def test_a_failing_mail_backend_records_nothing_so_the_next_run_retries(
        make_asset, moderator_with_email, monkeypatch, mailoutbox):
    make_asset("t:late", review_due="2024-11-01")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notify, "send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        notify.escalate_overdue(base_url="https://map.example", today=TODAY)
    assert not Notification.objects.exists()
    monkeypatch.undo()
    assert notify.escalate_overdue(base_url="https://map.example", today=TODAY)["escalated"] == 1


def test_owners_are_reminded_once_before_the_date_and_once_after(make_asset, mailoutbox):
    make_asset("t:due", review_due="2025-01-10", email="owner@example.org")
    first = send_review_reminders(base_url="https://map.example", today=TODAY)
    assert first["sent"] == 1
    assert send_review_reminders(base_url="https://map.example", today=TODAY)["sent"] == 0
    after = send_review_reminders(base_url="https://map.example", today=date(2025, 1, 20))
    assert after == {"due": 1, "overdue": 1, "sent": 1, "no_address": 0}
    assert len(mailoutbox) == 2 and "was due on" in mailoutbox[1].body
    assert sorted(Notification.objects.values_list("kind", flat=True)) == [
        "review_reminder", "review_reminder"]


NEW = {"name": "Tuesday Knit and Natter", "postcode": "L1 8JQ", "capitals": ["social"],
       "needs": [], "opening_times": [], "accessibility": []}


@pytest.mark.parametrize(("decision", "reason", "expected"), [
    ("approved", "", "A moderator approved it and it is now on the map. You can see it at "
                     "http://testserver/assets/"),
    ("rejected", "It is a duplicate of the Tuesday group", "because: It is a duplicate"),
    ("changes_requested", "Which church hall?", "asked for some changes before it can go on "
                                                "the map: Which church hall?"),
])
def test_the_person_who_suggested_is_told_the_decision_once(client, db, mailoutbox,
                                                            django_capture_on_commit_callbacks,
                                                            decision, reason, expected):
    client.post("/assets/suggest/", {**NEW, "asset_kind": "group", "capitals": ["social"],
                                     "submitter_email": "neighbour@example.org"})
    suggestion = Suggestion.objects.get()
    client.force_login(ladder_user("moderator"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/assets/moderation/{suggestion.id}/",
                               {"decision": decision, "reason": reason})
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["neighbour@example.org"]
    assert "Thank you for suggesting a new asset 'Tuesday Knit and Natter'" in mail.body
    assert expected in mail.body
    suggestion.refresh_from_db()
    assert notify.tell_submitter(suggestion) is False  # never twice
    assert Notification.objects.get().key == f"decision:{suggestion.id}"


def test_no_address_no_e_mail_and_a_signed_in_person_is_told_at_their_account_address(
        client, db, mailoutbox, django_capture_on_commit_callbacks):
    anonymous = suggest(proposed=NEW)
    user = ladder_user(None)
    user.email = "member@example.org"
    user.save()
    client.force_login(user)
    client.post("/assets/suggest/", {**NEW, "name": "Signed in", "asset_kind": "group",
                                     "submitter_email": ""})
    mine = Suggestion.objects.get(proposed__name="Signed in")
    moderator = ladder_user("moderator")
    with django_capture_on_commit_callbacks(execute=True):
        decide(anonymous, "rejected", actor=moderator, reason="No such place")
        decide(mine, "rejected", actor=moderator, reason="Duplicate")
    assert [m.to for m in mailoutbox] == [["member@example.org"]]
    assert "Duplicate" in mailoutbox[0].body


def test_a_decision_e_mail_that_failed_is_sent_by_the_next_cron_run(
        db, mailoutbox, monkeypatch, django_capture_on_commit_callbacks):
    suggestion = suggest(proposed=NEW, submitter_email="neighbour@example.org")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(notify, "send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        decide(suggestion, "rejected", actor=None, reason="Duplicate")  # the decision stands
    assert Suggestion.objects.get().status == "rejected"
    assert not Notification.objects.exists()
    monkeypatch.undo()
    assert notify.send_pending_decisions(base_url="https://map.example", dry_run=True) == 1
    assert mailoutbox == []
    assert notify.send_pending_decisions(base_url="https://map.example") == 1
    assert notify.send_pending_decisions(base_url="https://map.example") == 0
    assert [m.to for m in mailoutbox] == [["neighbour@example.org"]]
