"""What a resident and a moderator meet: the confirmation after a suggestion (only for the
browser that sent it), opening times as day boxes and times or in words, the review page in
labels with a before/after diff, and problem reports decided in the moderation queue."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from tests.web.ladder import ladder_user

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.assets import services
from rescomm.web.assets.models import ProblemReport, Service, Suggestion

from .test_suggestions import NEW


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


def moderator(client: Client) -> Client:
    client.force_login(ladder_user("moderator"))
    return client


# The confirmation --------------------------------------------------------------------------


def test_a_suggestion_ends_on_a_confirmation_with_its_reference_and_what_happens_next(
        client, db):
    response = client.post("/assets/suggest/", {**NEW, "submitter_email": "me@example.org"})
    suggestion = Suggestion.objects.get()
    assert response["Location"] == f"/assets/suggest/sent/{suggestion.id}/"
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    reference = f"S-{suggestion.id.hex[:4].upper()}-{suggestion.id.hex[4:8].upper()}"
    assert reference in text and "Suggestion sent" in text
    assert "What happens next" in text and "A moderator checks every suggestion" in text
    assert "We will e-mail <strong>me@example.org</strong>" in text
    assert "We cannot yet say how long this usually takes" in text


def test_without_an_address_the_confirmation_says_nobody_will_be_told(client, db):
    page = client.get(client.post("/assets/suggest/", NEW)["Location"])
    assert b"You did not leave an e-mail address" in page.content


def test_the_confirmation_opens_only_in_the_browser_that_sent_the_suggestion(client, db):
    location = client.post("/assets/suggest/", NEW)["Location"]
    assert Client().get(location).status_code == 404
    assert moderator(Client()).get(location).status_code == 404
    assert client.get(location).status_code == 200


def test_the_typical_time_to_a_decision_is_the_median_of_recent_decisions(db):
    now = timezone.now()
    for days in (1, 2, 3, 4):
        Suggestion.objects.create(proposed={"name": "x"}, status="rejected",
                                  decided_at=now - timezone.timedelta(days=1))
    assert services.typical_decision_days() is None  # four are too few to say
    Suggestion.objects.create(proposed={"name": "x"}, status="approved", decided_at=now)
    created = now - timezone.timedelta(days=10)
    spans = [0.5, 1.5, 2.5, 6, 9]  # days from suggestion to decision; median 2.5 -> 3
    for suggestion, span in zip(Suggestion.objects.all(), spans, strict=True):
        Suggestion.objects.filter(pk=suggestion.pk).update(
            created_at=created, decided_at=created + timezone.timedelta(days=span))
    assert services.typical_decision_days() == 3


# Opening times on the form -----------------------------------------------------------------


def test_opening_sessions_are_entered_as_day_boxes_and_times(client, db):
    response = client.post("/assets/suggest/", {
        **NEW, "opening_times": "", "sessions": "2",
        "session_1_days": ["MO", "WE"], "session_1_opens": "9am", "session_1_closes": "5pm",
        "session_2_days": ["SA"], "session_2_opens": "10:00", "session_2_closes": "12 noon"})
    assert response.status_code == 302
    assert Suggestion.objects.get().proposed["opening_times"] == [
        {"byday": "MO,WE", "opens_at": "09:00", "closes_at": "17:00"},
        {"byday": "SA", "opens_at": "10:00", "closes_at": "12:00"}]


def test_opening_times_in_words_are_read(client, db):
    client.post("/assets/suggest/", {**NEW, "opening_times": "Wednesdays 2-4pm"})
    assert Suggestion.objects.get().proposed["opening_times"] == [
        {"byday": "WE", "opens_at": "14:00", "closes_at": "16:00"}]


def test_sessions_and_words_together_make_one_week(client, db):
    client.post("/assets/suggest/", {
        **NEW, "opening_times": "Sat 10-12", "session_1_days": ["MO"],
        "session_1_opens": "10:00", "session_1_closes": "12:00"})
    assert Suggestion.objects.get().proposed["opening_times"] == [
        {"byday": "MO,SA", "opens_at": "10:00", "closes_at": "12:00"}]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"opening_times": "Saturday mornings"}, "opening_times",
     "Could not read 'mornings': say the times it opens and closes"),
    ({"session_1_days": ["MO"], "session_1_opens": "nine", "session_1_closes": "5pm"},
     "session_1_opens", "Could not read 'nine'"),
    ({"session_1_days": ["MO"], "session_1_opens": "9am", "session_1_closes": "soon"},
     "session_1_closes", "Could not read 'soon'"),
    ({"session_1_days": ["MO"], "session_1_opens": "5pm", "session_1_closes": "9am"},
     "session_1_opens", "not after it opens"),
    ({"session_1_opens": "9am", "session_1_closes": "5pm"}, "session_1_days",
     "Choose the days of this session"),
    ({"session_1_days": ["TU"], "session_1_closes": "5pm"}, "session_1_opens",
     "Enter the time it opens"),
    ({"session_1_days": ["TU"], "session_1_opens": "9am", "session_1_closes": "5pm",
      "opening_times": "Tuesday 10-12"}, "opening_times", "Tuesday 10:00-12:00 overlaps"),
])
def test_opening_time_errors_name_the_field_and_save_nothing(client, db, fields, field, message):
    response = client.post("/assets/suggest/", {**NEW, "opening_times": "", **fields})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    # the error summary links to the field
    assert re.search(rf'<a href="#id_{field}(_0)?">', response.content.decode())
    assert not Suggestion.objects.exists()


def test_add_another_session_keeps_the_answers_and_saves_nothing(client, db):
    response = client.post("/assets/suggest/", {
        **NEW, "sessions": "2", "add_session": "1", "session_1_days": ["TH"],
        "session_1_opens": "2pm", "session_1_closes": "4pm"})
    assert response.status_code == 200 and not Suggestion.objects.exists()
    form = response.context["form"]
    assert form.rows == 3 and not form.errors
    text = response.content.decode()
    assert 'name="session_3_opens"' in text and 'name="sessions" value="3"' in text
    assert re.search(r'value="TH"[^>]*checked|checked[^>]*value="TH"', text)
    assert 'value="2pm"' in text and 'value="Tuesday Knit and Natter"' in text


def test_a_change_starts_from_the_assets_sessions(client, make_asset):
    service = make_asset("t:times")
    form = client.get(f"/assets/{service.id}/suggest/").context["form"]
    assert form.rows == 3
    assert form["session_1_days"].value() == ["MO", "TU", "WE"]
    assert (form["session_1_opens"].value(), form["session_1_closes"].value()) == (
        "09:00", "17:00")
    assert form["session_2_days"].value() == ["SA"]


def test_a_change_to_an_asset_with_more_sessions_than_rows_keeps_them_all(client, make_asset):
    from rescomm.web.assets.forms import MAX_SESSIONS

    times = "; ".join(f"MO {h:02d}:00-{h:02d}:30" for h in range(6, 6 + MAX_SESSIONS + 2))
    service = make_asset("t:many", opening_times=times)
    page = client.get(f"/assets/{service.id}/suggest/")
    form = page.context["form"]
    assert form.rows == MAX_SESSIONS
    assert form["opening_times"].value() == "MO 19:00-19:30; MO 20:00-20:30; MO 21:00-21:30"
    data = {name: form[name].value() for name in form.fields
            if form[name].value() not in (None, "", [])}
    assert client.post(f"/assets/{service.id}/suggest/", data).status_code == 302
    assert len(Suggestion.objects.get().proposed["opening_times"]) == MAX_SESSIONS + 2
    assert services.suggestion_diff(Suggestion.objects.get()) == []


# The review page ---------------------------------------------------------------------------


def test_the_review_page_shows_labels_and_readable_values(client, db):
    client.post("/assets/suggest/", {**NEW, "opening_times": "Wednesdays 2-4pm"})
    suggestion = Suggestion.objects.get()
    text = moderator(client).get(f"/assets/moderation/{suggestion.id}/").content.decode()
    assert "Community capitals" in text and "Social capital" in text
    assert "Needs it helps with" in text and "Loneliness and social isolation" in text
    assert "Wednesday 14:00-16:00" in text and "Opening times" in text
    assert "Craft group" in text and "Group" in text
    for python in ("['social']", "{'byday'", "opening_times", "asset_kind"):
        assert python not in text


def test_a_change_shows_what_it_adds_and_removes(client, make_asset):
    service = make_asset("t:diff")
    suggestion = services.suggest(proposed={
        **services.snapshot(service), "capitals": ["natural", "social"],
        "opening_times": [{"byday": "MO", "opens_at": "09:00", "closes_at": "17:00"}]},
        service=service)
    page = moderator(client).get(f"/assets/moderation/{suggestion.id}/")
    rows = {row["label"]: row for row in page.context["rows"]}
    assert set(rows) == {"Community capitals", "Opening times"}
    capitals = rows["Community capitals"]
    assert {i["text"]: i["change"] for i in capitals["before"]} == {
        "Built capital": "removed", "Social capital": ""}
    assert {i["text"]: i["change"] for i in capitals["after"]} == {
        "Natural capital": "added", "Social capital": ""}
    text = page.content.decode()
    assert '<del class="diff-removed"><span class="visually-hidden">Removed: </span>Saturday ' \
           '10:00-12:00</del>' in text
    assert '<span class="visually-hidden">Added: </span>Natural capital</ins>' in text


# Problem reports in the queue --------------------------------------------------------------


@pytest.fixture
def report(make_asset):
    service = make_asset("t:report")
    return services.report_problem(service, kind="wrong_times", details="Closed on Tuesdays",
                                   email="resident@example.org")


def test_problem_reports_are_in_the_queue(client, report):
    page = moderator(client).get("/assets/moderation/")
    text = page.content.decode()
    assert f'href="/assets/moderation/reports/{report.id}/"' in text
    assert "Opening times are wrong" in text
    suggestion = services.suggest(proposed={"name": "Queued"})
    assert services.reference(suggestion) in client.get("/assets/moderation/").content.decode()
    detail = client.get(f"/assets/moderation/reports/{report.id}/").content.decode()
    assert "Closed on Tuesdays" in detail and "Saturday 10:00-12:00" in detail
    assert f"/assets/{report.service_id}/suggest/" in detail  # a way to put it right


@pytest.mark.parametrize("decision", ["resolved", "dismissed"])
def test_a_report_is_resolved_or_dismissed_with_a_note_audited_and_told(
        client, report, decision, django_capture_on_commit_callbacks):
    url = f"/assets/moderation/reports/{report.id}/"
    moderator(client)
    missing = client.post(url, {"decision": decision})
    assert missing.status_code == 400 and b"Write a note" in missing.content
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with_note = client.post(url, {"decision": decision, "note": "Times corrected"})
    assert with_note.status_code == 302
    report.refresh_from_db()
    assert report.status == decision and report.decision_note == "Times corrected"
    assert report.decided_by.username == "ladder-moderator" and report.resolved_at
    assert AuditEvent.objects.filter(object_type="assets.problemreport", action="update",
                                     object_id=str(report.id),
                                     reason=f"problem report {decision}: Times corrected"
                                     ).exists()
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]
    assert "Times corrected" in mail.outbox[0].body
    assert b"t:report" not in client.get("/assets/moderation/").content
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "resolved", "note": "again"}).status_code == 409
    assert len(mail.outbox) == 1


def test_a_report_without_an_address_is_decided_without_mail(
        client, report, django_capture_on_commit_callbacks):
    ProblemReport.objects.filter(pk=report.pk).update(email="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderator(client).post(f"/assets/moderation/reports/{report.id}/",
                               {"decision": "dismissed", "note": "Times are right"})
    assert ProblemReport.objects.get(pk=report.pk).status == "dismissed"
    assert mail.outbox == []


def test_the_queue_count_is_pending_suggestions_and_open_reports(client, report):
    services.suggest(proposed={"name": "A"})
    decided = services.suggest(proposed={"name": "B"})
    Suggestion.objects.filter(pk=decided.pk).update(status="rejected")
    assert services.queue_counts() == {"suggestions": 1, "reports": 1, "total": 2}
    assert Service.objects.exists()


def test_a_report_that_it_has_closed_can_close_the_asset(client, report):
    url = f"/assets/moderation/reports/{report.id}/"
    assert b"mark the asset closed" in moderator(client).get(url).content
    response = client.post(url, {"decision": "closed", "note": "Confirmed by phone"})
    assert response.status_code == 302
    report.refresh_from_db()
    service = report.service
    service.refresh_from_db()
    assert report.status == "resolved" and service.asset_status == "closed"
    assert service.versions.first().action == "status_closed"
    assert client.get(f"/assets/{service.id}/").status_code == 404  # off the map
    # a report about an asset no longer published cannot close it again
    other = services.report_problem(service, kind="closed", details="Shut")
    page = client.get(f"/assets/moderation/reports/{other.id}/")
    assert b"mark the asset closed" not in page.content
    assert client.post(f"/assets/moderation/reports/{other.id}/",
                       {"decision": "closed", "note": "x"}).status_code == 400


def test_the_migration_marks_reports_with_a_resolution_time_as_resolved(report):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "rescomm.web.assets.migrations.0007_problem_report_decisions")
    earlier = services.report_problem(report.service, kind="other", details="Earlier")
    ProblemReport.objects.filter(pk=earlier.pk).update(resolved_at=timezone.now())
    migration.mark_resolved(apps, None)
    assert ProblemReport.objects.get(pk=earlier.pk).status == "resolved"
    assert ProblemReport.objects.get(pk=report.pk).status == "open"


@pytest.mark.parametrize("rows", ["abc", "-3", "99999"])
def test_a_tampered_number_of_sessions_is_not_an_error(client, db, rows):
    response = client.post("/assets/suggest/", {**NEW, "sessions": rows})
    assert response.status_code == 302
