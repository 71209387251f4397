"""The pathway through the services: each step, refusals for skipped steps, stale edits,
outcomes as records (never deletions), SNOMED coding and audit."""

from __future__ import annotations

import pytest

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.prescribing import services
from rescomm.web.prescribing.models import OutcomeMeasure, Referral, ReferralEvent
from rescomm.web.prescribing.pathway import MAX_CONTACT_ATTEMPTS, PathwayError


def fresh(referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


def walk_to(referral, link_worker, provider_org, stop: str) -> Referral:
    steps = [
        ("accepted", lambda r: services.accept(link_worker, r.pk, r.version)),
        ("assigned", lambda r: services.assign(link_worker, r.pk, r.version,
                                               link_worker=link_worker)),
        ("first_conversation", lambda r: services.first_conversation(link_worker, r.pk,
                                                                     r.version)),
        ("planned", lambda r: services.agree_plan(
            link_worker, r.pk, r.version, what_matters="Getting out of the house",
            goals=["Join a walking group"])),
        ("connected", lambda r: services.connect(link_worker, r.pk, r.version,
                                                 provider=provider_org,
                                                 service_name="Tuesday walks")),
        ("follow_up", lambda r: services.follow_up(link_worker, r.pk, r.version)),
    ]
    for status, step in steps:
        referral = step(fresh(referral))
        assert referral.status == status
        if status == stop:
            break
    return fresh(referral)


def test_the_whole_pathway_to_closed(make_referral, link_worker, provider_org):
    referral = walk_to(make_referral(), link_worker, provider_org, "follow_up")
    closed = services.close(link_worker, referral.pk, referral.version, close_reason="completed")
    assert closed.status == "closed" and closed.close_reason == "completed"
    assert closed.next_due is None
    statuses = list(ReferralEvent.objects.filter(referral=referral)
                    .values_list("to_status", flat=True))
    assert statuses == ["received", "accepted", "assigned", "first_conversation", "planned",
                        "connected", "follow_up", "closed"]
    assert AuditEvent.objects.filter(object_id=str(referral.pk), action="update").count() == 7
    assert all(e.by is not None for e in ReferralEvent.objects.filter(referral=referral))


@pytest.mark.parametrize(
    ("do", "message"),
    [
        (lambda r, lw, p: services.connect(lw, r.pk, r.version, provider=p, service_name="X"),
         "Cannot connect to a service: this referral is 'received'. Next step: accept or "
         "decline it."),
        (lambda r, lw, p: services.first_conversation(lw, r.pk, r.version),
         "Cannot record the first conversation: this referral is 'received'. Next step: "
         "accept or decline it."),
        (lambda r, lw, p: services.close(lw, r.pk, r.version, close_reason="did_not_attend"),
         "Cannot close the referral: this referral is 'received'. Next step: accept or "
         "decline it."),
    ],
)
def test_skipping_steps_is_refused_and_nothing_changes(make_referral, link_worker, provider_org,
                                                        do, message):
    referral = make_referral()
    with pytest.raises(PathwayError) as caught:
        do(referral, link_worker, provider_org)
    assert str(caught.value) == message
    after = fresh(referral)
    assert after.status == "received" and after.version == referral.version
    assert ReferralEvent.objects.filter(referral=referral).count() == 1
    assert not after.onward.exists()


def test_completed_is_only_a_reason_after_a_follow_up(make_referral, link_worker, provider_org):
    referral = walk_to(make_referral(), link_worker, provider_org, "connected")
    with pytest.raises(PathwayError, match="after a follow-up"):
        services.close(link_worker, referral.pk, referral.version, close_reason="completed")
    dna = services.close(link_worker, referral.pk, referral.version,
                         close_reason="did_not_attend")
    assert dna.status == "closed" and dna.close_reason == "did_not_attend"
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_a_person_declining_is_coded_and_kept(make_referral, link_worker):
    referral = make_referral()
    declined = services.decline(link_worker, referral.pk, referral.version,
                                decline_reason="person_declined")
    assert declined.status == "declined"
    event = ReferralEvent.objects.get(referral=referral, to_status="declined")
    assert event.snomed_code == "871711000000103"
    assert event.snomed_term == "Social prescribing declined"
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_unable_to_contact_after_n_unanswered_attempts(make_referral, link_worker, provider_org):
    referral = walk_to(make_referral(), link_worker, provider_org, "assigned")
    for number in range(1, MAX_CONTACT_ATTEMPTS + 1):
        referral = services.log_contact_attempt(link_worker, referral.pk, referral.version,
                                                method="phone", outcome="no_answer")
        expected = "unable_to_contact" if number == MAX_CONTACT_ATTEMPTS else "contacting"
        assert referral.status == expected
    assert referral.attempts.count() == MAX_CONTACT_ATTEMPTS
    closed = services.close(link_worker, referral.pk, referral.version,
                            close_reason="unable_to_contact")
    assert closed.status == "closed"


STALE = (
    "Someone else changed this referral after you opened it (you saw version 1, it is now "
    "version 2). Their change is kept and yours was not saved: reload the page, check, and "
    "make your change again."
)


def test_a_stale_edit_is_refused_and_the_other_change_kept(make_referral, link_worker):
    referral = make_referral()
    seen = referral.version
    services.accept(link_worker, referral.pk, seen, note="first person")
    with pytest.raises(services.StaleEditError) as caught:
        services.decline(link_worker, referral.pk, seen, decline_reason="not_eligible")
    assert str(caught.value) == STALE
    after = fresh(referral)
    assert after.status == "accepted" and after.decline_reason == ""
    assert after.version == 2


def test_assigning_to_another_schemes_link_worker_is_refused(make_referral, link_worker,
                                                             other_link_worker):
    referral = make_referral()
    referral = services.accept(link_worker, referral.pk, referral.version)
    with pytest.raises(PathwayError, match="link worker of its scheme"):
        services.assign(link_worker, referral.pk, referral.version,
                        link_worker=other_link_worker)


def test_swemwbs_is_stored_as_items_raw_and_metric(make_referral, link_worker):
    referral = make_referral()
    referral = services.accept(link_worker, referral.pk, referral.version)
    outcome = services.record_outcome(link_worker, referral.pk, referral.version,
                                      instrument="swemwbs", timepoint="baseline",
                                      items=[3, 3, 3, 4, 3, 4, 3])
    assert outcome.raw_total == 23
    assert outcome.score == pytest.approx(20.73)  # published conversion table: raw 23 -> 20.73
    assert fresh(referral).version == referral.version + 1


@pytest.mark.parametrize(
    ("instrument", "items", "fields"),
    [
        ("swemwbs", [3, 3, 3, 6, 3, 4, 3], {"item_4": ["Item 4 is 6: scores go from 1 to 5."]}),
        ("swemwbs", [3, 3, 3, 3, 3, 3], {"item_7": ["Item 7 is missing: enter a score from 1 "
                                                    "to 5."]}),
        ("ons4", [11, 5, 5, 5], {"item_1": ["Item 1 is 11: scores go from 0 to 10."]}),
        ("ucla3", [1, "x", 0], {"item_2": ["Item 2 must be a whole number from 1 to 3."],
                                "item_3": ["Item 3 is 0: scores go from 1 to 3."]}),
    ],
)
def test_out_of_range_or_incomplete_scores_are_refused(make_referral, link_worker,
                                                       instrument, items, fields):
    referral = make_referral()
    referral = services.accept(link_worker, referral.pk, referral.version)
    with pytest.raises(services.ReferralInvalid) as caught:
        services.record_outcome(link_worker, referral.pk, referral.version,
                                instrument=instrument, timepoint="baseline", items=items)
    assert caught.value.fields == fields
    assert not OutcomeMeasure.objects.exists()
