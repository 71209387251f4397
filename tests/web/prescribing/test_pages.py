"""The pages: referral form, my referrals, caseload, referral detail with pathway actions,
outcome forms and the aggregate dashboard."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tests.web.factories import LIVE_POSTCODE

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.prescribing import services
from rescomm.web.prescribing.models import OutcomeMeasure, Referral

NEW = "/prescribing/referrals/new/"


def form_data(**changes) -> dict:
    data = {
        "given_name": "Testy", "family_name": "Synthetic-Person", "date_of_birth": "1950-05-17",
        "nhs_number": "999 000 0026", "postcode": LIVE_POSTCODE, "needs": ["loneliness"],
        "consent_to_share": "yes", "contact_preference": "phone",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_referrer_sends_a_referral_from_the_form(client, gp, scheme):
    client.force_login(gp)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, form_data(risk_flag="yes", interpreter_language="Polish"))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/prescribing/referrals/{referral.pk}/"
    assert referral.risk_flag and referral.interpreter_language == "Polish"
    assert referral.consent_recorded_by == gp
    listing = client.get("/prescribing/referrals/").content.decode()
    assert referral.reference in listing and "Received" in listing


def test_the_form_names_every_bad_field_in_the_error_summary(client, gp, scheme):
    client.force_login(gp)
    before = AuditEvent.objects.count()
    response = client.post(NEW, form_data(nhs_number="9434765918", date_of_birth="2999-01-01",
                                          postcode="SW1A 1AA", needs=None,
                                          consent_to_share=None))
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index("data-error-summary"):page.index("</ul>",
                                                               page.index("data-error-summary"))]
    links = re.findall(r'<a href="#id_(\w+)">([^<]+)</a>', summary)
    assert [name for name, _ in links] == ["date_of_birth", "nhs_number", "postcode", "needs",
                                           "consent_to_share"]
    assert "The date of birth must be in the past." in summary
    assert "<title>Error: " in page
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.count() == before
    assert "9434765918" not in page.replace('value="9434765918"', "")


def test_the_caseload_groups_new_due_and_overdue(client, link_worker, make_referral, today):
    new = make_referral()
    due = make_referral(given_name="Due")
    due = services.accept(link_worker, due.pk, due.version)
    overdue = make_referral(given_name="Late")
    overdue = services.accept(link_worker, overdue.pk, overdue.version)
    Referral.objects.filter(pk=overdue.pk).update(next_due=today - dt.timedelta(days=1))
    groups = services.caseload(link_worker, today=today)
    assert [r.pk for r in groups["new"]] == [new.pk]
    assert [r.pk for r in groups["due"]] == [due.pk]
    assert [r.pk for r in groups["overdue"]] == [overdue.pk]
    client.force_login(link_worker)
    page = client.get("/prescribing/caseload/").content.decode()
    assert "Overdue (1)" in page and "New referrals (1)" in page


def test_a_link_worker_walks_the_pathway_through_the_pages(client, link_worker, make_referral,
                                                           provider_org):
    referral = make_referral()
    client.force_login(link_worker)
    base = f"/prescribing/referrals/{referral.pk}/"
    steps = [
        ("accept", {}),
        ("assign", {"link_worker": link_worker.pk}),
        ("contact_attempt", {"method": "phone", "outcome": "no_answer"}),
        ("first_conversation", {"note": "Talked"}),
        ("plan", {"what_matters": "Seeing people", "goals": "Walk weekly\nJoin choir"}),
        ("connect", {"provider": provider_org.pk, "service_name": "Tuesday walks"}),
        ("follow_up", {}),
        ("close", {"close_reason": "completed"}),
    ]
    for action, data in steps:
        version = Referral.objects.get(pk=referral.pk).version
        response = client.post(f"{base}actions/{action}/", {"version": version, **data})
        assert response.status_code == 302, (action, response.content.decode()[:2000])
    referral.refresh_from_db()
    assert referral.status == "closed"
    assert list(referral.plan.goals.values_list("description", flat=True)) == [
        "Walk weekly", "Join choir"]
    page = client.get(base).content.decode()
    assert "This referral is finished" in page and "871731000000106" in page


def test_a_skipped_step_is_refused_on_the_page(client, link_worker, make_referral):
    referral = make_referral()
    client.force_login(link_worker)
    response = client.post(f"/prescribing/referrals/{referral.pk}/actions/follow_up/",
                           {"version": referral.version})
    assert response.status_code == 400
    assert ("Cannot record a follow-up: this referral is &#x27;received&#x27;. Next step: "
            "accept or decline it.") in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "received"
    view = AuditEvent.objects.get(action="view", object_id=str(referral.pk))
    assert (view.actor, view.reason) == (
        link_worker, "direct care: referral record re-shown after a refused step (400)")


def test_a_stale_edit_on_the_page_is_409_and_keeps_the_other_change(client, link_worker,
                                                                      make_referral):
    referral = make_referral()
    client.force_login(link_worker)
    url = f"/prescribing/referrals/{referral.pk}/actions/"
    assert client.post(url + "accept/", {"version": 1}).status_code == 302
    response = client.post(url + "decline/", {"version": 1, "decline_reason": "not_eligible"})
    assert response.status_code == 409
    assert "Their change is kept" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    view = AuditEvent.objects.get(action="view", object_id=str(referral.pk))
    assert (view.actor, view.actor_role, view.reason) == (
        link_worker, "link_worker",
        "direct care: referral record re-shown after a refused step (409)")


def test_outcome_form_checks_range_and_completeness(client, link_worker, make_referral):
    referral = make_referral()
    referral = services.accept(link_worker, referral.pk, referral.version)
    client.force_login(link_worker)
    url = f"/prescribing/referrals/{referral.pk}/outcomes/ucla3/"
    page = client.get(url).content.decode()
    assert "Lack companionship" in page
    response = client.post(url, {"version": referral.version, "timepoint": "baseline",
                                 "item_1": "2", "item_2": "4"})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(
        action="view", object_id=str(referral.pk),
        reason="direct care: outcome form re-shown after a refused entry (400)").count() == 1
    page = response.content.decode()
    assert "Item 2 is 4: scores go from 1 to 3." in page
    assert "Item 3 is missing: enter a score from 1 to 3." in page
    assert not OutcomeMeasure.objects.exists()
    response = client.post(url, {"version": referral.version, "timepoint": "baseline",
                                 "item_1": "2", "item_2": "3", "item_3": "2"})
    assert response.status_code == 302
    assert OutcomeMeasure.objects.get().score == 7


def test_swemwbs_items_are_by_number_only(client, link_worker, make_referral):
    referral = make_referral()
    referral = services.accept(link_worker, referral.pk, referral.version)
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/outcomes/swemwbs/").content.decode()
    for number in range(1, 8):
        assert f"Item {number} (1 to 5)" in page
    # The licensed item wording must not ship anywhere in the app (words from its items).
    source = Path(services.__file__).parent
    text = " ".join(p.read_text(encoding="utf-8").lower() for p in source.rglob("*")
                    if p.suffix in (".py", ".html"))
    for phrase in ("optimistic about the future", "thinking clearly", "dealing with problems",
                   "feeling relaxed", "feeling useful", "make up my own mind"):
        assert phrase not in text


def test_synthetic_referrals_are_labelled_on_every_screen(client, link_worker, make_referral):
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(is_synthetic=True)
    client.force_login(link_worker)
    for url in ("/prescribing/caseload/", f"/prescribing/referrals/{referral.pk}/",
                f"/prescribing/referrals/{referral.pk}/outcomes/ons4/"):
        response = client.get(url)
        if response.status_code == 200:
            assert "Synthetic demo record" in response.content.decode(), url


def test_the_dashboard_shows_counts_with_small_ones_hidden(client, commissioner, make_referral):
    for _ in range(6):
        make_referral(needs=["loneliness", "low_mood"])
    make_referral(needs=["low_mood", "finance"])
    client.force_login(commissioner)
    page = client.get("/prescribing/dashboard/").content.decode()
    cell = '<th scope="row">{}</th><td class="numeric" data-disclosure="{}">{}</td>'
    assert cell.format("Low mood, stress or anxiety", "shown", "7") in page
    # finance (1) is hidden; loneliness (6) too, or finance = total - visible cells; 6 is
    # not "fewer than 5"
    assert cell.format("Money worries or debt", "primary", "fewer than 5") in page
    assert cell.format("Feeling lonely or cut off from other people", "secondary",
                       "hidden to protect privacy") in page
    assert "Testy" not in page and "McTestface" not in page


def test_history_and_referrer_are_shown_by_their_labels_never_codes(client, link_worker,
                                                                   make_referral,
                                                                   provider_org):
    from .test_pathway import walk_to

    referral = walk_to(make_referral(), link_worker, provider_org, "first_conversation")
    client.force_login(link_worker)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    history = page[page.index(">History<"):page.index("</ol>", page.index(">History<"))]
    assert "First conversation held by" in history and "Assigned to a link worker" in history
    for code in ("first_conversation", "assigned", "accepted", "received"):
        assert f": {code}" not in history
    assert "(GP)" in page and "(gp)" not in page


def test_the_referrer_gets_a_summary_with_support_and_paired_outcome(
    client, gp, link_worker, make_referral, provider_org
):
    from .test_pathway import walk_to

    referral = walk_to(make_referral(), link_worker, provider_org, "follow_up")
    for timepoint, items in (("baseline", [3, 3, 3, 4, 3, 4, 3]),
                             ("follow_up", [4, 4, 4, 5, 4, 5, 4])):
        referral = Referral.objects.get(pk=referral.pk)
        services.record_outcome(link_worker, referral.pk, referral.version, instrument="swemwbs",
                                timepoint=timepoint, items=items)
    client.force_login(gp)
    page = client.get(f"/prescribing/referrals/{referral.pk}/").content.decode()
    summary = page[page.index("data-message-back"):page.index("</section>")]
    assert "Tuesday walks (A Walking Group): sent, waiting for a reply" in summary
    # raw 23 -> 20.73 and raw 30 -> 27.03 (published conversion table)
    assert ("SWEMWBS metric score 20.73 at baseline, 27.03 at follow-up (+6.30; a reliable "
            "improvement, threshold 2.87).") in summary
    assert "SNOMED CT 871731000000106" in summary


def test_a_link_worker_records_a_self_referral_without_an_nhs_number(client, link_worker,
                                                                     scheme):
    client.force_login(link_worker)
    url = "/prescribing/self-referrals/new/"
    assert "NHS number (optional)" in client.get(url).content.decode()
    response = client.post(url, form_data(nhs_number=""))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.referrer is None and referral.referrer_profession == "self"
    assert referral.nhs_number == "" and referral.scheme == scheme
    assert referral.consent_recorded_by == link_worker
    assert referral.events.get().snomed_code == "871731000000106"
    assert client.get(f"/prescribing/referrals/{referral.pk}/").status_code == 200


def test_a_self_referral_still_checks_an_nhs_number_if_given(client, link_worker, scheme):
    client.force_login(link_worker)
    response = client.post("/prescribing/self-referrals/new/",
                           form_data(nhs_number="1234567890", consent_to_share=None))
    assert response.status_code == 400
    page = response.content.decode()
    assert "its first nine digits give a check digit of 10" in page
    assert "a referral cannot be sent without it" in page
    assert not Referral.objects.exists()


def test_the_report_csv_and_funnel_use_the_same_suppression(client, commissioner,
                                                            make_referral, link_worker):
    referrals = [make_referral(needs=["loneliness", "low_mood"]) for _ in range(7)]
    for referral in referrals[:6]:
        services.accept(link_worker, referral.pk, referral.version)
    client.force_login(commissioner)
    response = client.get("/prescribing/dashboard.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "table,category,referrals,note"
    assert "Referrals,All referrals,7," in lines
    assert 'Referrals by need,"Low mood, stress or anxiety",7,' in lines  # commas are quoted
    rounded = "Referrals that reached each stage (rounded to the nearest 5)"
    assert f"{rounded},Accepted,5,rounded to the nearest 5" in lines
    assert not any(",Referred," in line for line in lines)  # the total is given once
    assert AuditEvent.objects.filter(action="export").exists()
    page = client.get("/prescribing/dashboard/").content.decode()
    assert "data-funnel" in page


def test_a_large_caseload_is_paged_per_section(client, make_referral, link_worker):
    from rescomm.web.prescribing.services import CASELOAD_PAGE_SIZE

    for _ in range(CASELOAD_PAGE_SIZE + 5):
        make_referral()
    client.force_login(link_worker)
    page = client.get("/prescribing/caseload/").content.decode()
    assert f"New referrals ({CASELOAD_PAGE_SIZE + 5})" in page
    table = page[page.index('data-section="new"'):page.index("</table>",
                                                              page.index('data-section="new"'))]
    assert table.count("<tr>") == CASELOAD_PAGE_SIZE + 1  # header row + one page
    assert 'href="?section=new&amp;page=2"' in page
    second = client.get("/prescribing/caseload/?section=new&page=2").content.decode()
    table = second[second.index('data-section="new"'):second.index(
        "</table>", second.index('data-section="new"'))]
    assert table.count("<tr>") == 5 + 1


def test_the_caseload_reads_the_same_statements_for_one_referral_as_for_a_full_page(
        client, make_referral, link_worker, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rescomm.web.prescribing import services
    from rescomm.web.prescribing.models import Referral

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/prescribing/caseload/").status_code == 200
        return len(queries.captured_queries)

    def add(count: int) -> None:
        """``count`` new referrals, and ``count`` assigned ones due today (the rows read the
        link worker's name and the due date too)."""
        made = [make_referral().pk for _ in range(2 * count)]
        Referral.objects.filter(pk__in=made[count:]).update(
            status="assigned", assigned_to=link_worker, next_due=today)

    client.force_login(link_worker)
    add(1)
    one_each = statements()
    add(services.CASELOAD_PAGE_SIZE)
    assert statements() == one_each  # the columns shown come with the rows, none one by one
