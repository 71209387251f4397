"""Service-level agreements: managed by service managers (forms with per-field errors, stale
edits refused, audited), and compliance measured against each agreement's own targets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rescomm.web.accounts.models import AuditEvent, Organisation
from rescomm.web.accounts.roles import OrganisationKind, Role
from rescomm.web.prescribing import services
from rescomm.web.prescribing.models import OnwardReferral, Referral, ServiceAgreement
from rescomm.web.prescribing.sla import scheme_report

from .conftest import make_user
from .test_pathway import walk_to


@pytest.fixture
def manager(scheme):
    return make_user("rx-sla-manager", scheme, Role.SERVICE_MANAGER)


def form(scheme, party, **changes) -> dict:
    data = {"scheme": str(scheme.pk), "party_kind": "referrers", "party": str(party.pk),
            "name": "Practices 2026/27", "valid_from": "2020-01-01", "valid_to": "",
            "decision_days": "10", "first_contact_days": "", "first_conversation_days": "",
            "provider_response_days": "", "baseline_percent": "80", "follow_up_percent": ""}
    data.update(changes)
    return data


def _age(referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days))


def test_a_manager_adds_an_agreement_and_it_is_audited(client, manager, scheme, practice):
    client.force_login(manager)
    response = client.post("/prescribing/agreements/new/", form(scheme, practice))
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = ServiceAgreement.objects.get()
    assert (agreement.decision_days, agreement.baseline_percent) == (10, 80)
    assert agreement.first_contact_days is None and agreement.valid_to is None
    event = AuditEvent.objects.get(action="create", object_type="prescribing.serviceagreement")
    assert event.actor == manager and event.object_id == str(agreement.pk)
    page = client.get("/prescribing/agreements/").content.decode()
    assert "Practices 2026/27" in page and "Decision within 10 days" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"valid_from": "2026-04-01", "valid_to": "2026-03-31"}, "valid_to",
         "The end date must be on or after the start date (2026-04-01)."),
        ({"valid_from": "01/04/2026"}, "valid_from",
         "Enter the date as YYYY-MM-DD, for example 2026-04-01 (not '01/04/2026')."),
        ({"decision_days": "0"}, "decision_days",
         "0 is out of range: enter days from 1 to 365."),
        ({"decision_days": "two"}, "decision_days",
         "Enter a whole number of days from 1 to 365, or leave it empty."),
        ({"baseline_percent": "150"}, "baseline_percent",
         "150 is out of range: enter percent from 0 to 100."),
        ({"decision_days": "", "baseline_percent": ""}, "decision_days",
         "Set at least one target."),
        ({"provider_response_days": "7"}, "provider_response_days",
         "Days for the provider to accept or decline: not part of a referrers agreement; "
         "leave it empty."),
        ({"name": " "}, "name", "Enter a name for the agreement, for example "
                                "'Practices 2026/27'."),
        ({"party_kind": "friends"}, "party_kind",
         "Choose who the agreement is with: referrers or a provider."),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(client, manager, scheme, practice,
                                                      changes, field, message):
    client.force_login(manager)
    before = AuditEvent.objects.count()
    response = client.post("/prescribing/agreements/new/", form(scheme, practice, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'href="#id_{field}"' in page
    assert message.replace("'", "&#x27;") in page
    assert not ServiceAgreement.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_provider_agreement_needs_a_provider_and_its_response_time(manager, scheme, practice,
                                                                      provider_org):
    from rescomm.web.prescribing.agreements import validate_agreement

    with pytest.raises(services.ReferralInvalid) as caught:
        validate_agreement(form(scheme, practice, party_kind="provider", decision_days=""),
                           manager)
    assert caught.value.fields == {
        "party": ["A Practice is not a voluntary or community organisation: choose a provider, "
                  "or make this a referrer agreement."],
        "baseline_percent": ["Outcome targets belong in referrer agreements; leave it empty."],
        "provider_response_days": ["Enter the days the provider has to answer."],
    }
    clean = validate_agreement(form(scheme, provider_org, party_kind="provider",
                                    decision_days="", baseline_percent="",
                                    provider_response_days="5"), manager)
    assert clean.targets["provider_response_days"] == 5


def test_overlapping_agreements_with_one_organisation_are_refused(manager, scheme, practice):
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    save_agreement(manager, validate_agreement(
        form(scheme, practice, valid_from="2026-01-01", valid_to="2026-12-31"), manager))
    with pytest.raises(services.ReferralInvalid) as caught:
        validate_agreement(form(scheme, practice, valid_from="2026-06-01"), manager)
    assert caught.value.fields["valid_from"] == [
        "'Practices 2026/27' already covers A Practice from 2026-01-01 (2026-12-31): end it "
        "before this one starts, or change the dates."]
    # the day after it ends is fine
    validate_agreement(form(scheme, practice, valid_from="2027-01-01"), manager)


def test_another_schemes_manager_cannot_see_or_use_the_scheme(client, manager, scheme,
                                                               other_scheme, practice):
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    agreement = save_agreement(manager, validate_agreement(form(scheme, practice), manager))
    other = make_user("rx-sla-other-manager", other_scheme, Role.SERVICE_MANAGER)
    client.force_login(other)
    assert client.get(f"/prescribing/agreements/{agreement.pk}/").status_code == 404
    assert "Practices 2026/27" not in client.get("/prescribing/agreements/").content.decode()
    response = client.post("/prescribing/agreements/new/", form(scheme, practice))
    assert response.status_code == 400
    assert "Choose a scheme you manage." in response.content.decode()


def test_a_stale_edit_is_refused_and_the_other_change_kept(client, manager, scheme, practice):
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    agreement = save_agreement(manager, validate_agreement(form(scheme, practice), manager))
    client.force_login(manager)
    url = f"/prescribing/agreements/{agreement.pk}/"
    first = client.post(url, form(scheme, practice, decision_days="3", version="1"))
    assert first.status_code == 302
    second = client.post(url, form(scheme, practice, decision_days="20", version="1"))
    assert second.status_code == 409
    assert "you saw version 1, it is now version 2" in second.content.decode()
    assert ServiceAgreement.objects.get().decision_days == 3
    change = AuditEvent.objects.get(action="update", object_type="prescribing.serviceagreement")
    assert change.reason == "service-level agreement changed: decision_days 10 -> 3"


def test_each_referral_is_measured_against_its_organisations_agreement(
        manager, scheme, practice, make_referral, link_worker, gp):
    """The practice has 10 days to decision; a referral accepted 5 days after it came is met
    under the agreement. A pharmacy's referral (no agreement) has the default 2 days."""
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    from .conftest import make_user as make

    agreement = save_agreement(manager, validate_agreement(form(scheme, practice), manager))
    covered = make_referral(given_name="Covered")
    _age(covered, 5)
    services.accept(link_worker, covered.pk, covered.version)
    pharmacy = Organisation.objects.create(name="A Pharmacy", kind=OrganisationKind.PHARMACY)
    pharmacist = make("rx-pharmacist", pharmacy, Role.REFERRER, "pharmacist")
    uncovered = make_referral(referrer=pharmacist, given_name="Uncovered")
    _age(uncovered, 5)
    services.accept(link_worker, uncovered.pk, uncovered.version)

    report = scheme_report(scheme)
    by_agreement = {s["agreement"]: s for s in report["referrers"]}
    covered_targets = by_agreement[agreement]["months"][0]["targets"]
    assert [(t.target.key, t.target.days, t.met, t.breached) for t in covered_targets] == [
        ("accepted", 10, 1, [])]
    default = by_agreement[None]["months"][0]
    assert default["referrals"] == 1
    accepted = next(t for t in default["targets"] if t.target.key == "accepted")
    assert accepted.breached == [Referral.objects.get(pk=uncovered.pk).reference]


def test_an_agreement_covers_only_referrals_received_while_it_is_valid(
        manager, scheme, practice, make_referral):
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    today = timezone.localdate()
    save_agreement(manager, validate_agreement(form(
        scheme, practice, valid_from=str(today - dt.timedelta(days=30)),
        valid_to=str(today - dt.timedelta(days=10))), manager))
    inside, outside = make_referral(), make_referral()
    _age(inside, 20)
    report = scheme_report(scheme)
    counts = [sum(m["referrals"] for m in s["months"]) for s in report["referrers"]]
    assert counts == [1, 1]
    assert Referral.objects.filter(pk=outside.pk).exists()


def test_outcome_completeness_is_compared_with_the_agreements_percentage(
        manager, scheme, practice, make_referral, link_worker, provider_org):
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    save_agreement(manager, validate_agreement(form(scheme, practice, baseline_percent="50"),
                                               manager))
    with_baseline = walk_to(make_referral(), link_worker, provider_org, "first_conversation")
    services.record_outcome(link_worker, with_baseline.pk, with_baseline.version,
                            instrument="swemwbs", timepoint="baseline", items=[3] * 7)
    walk_to(make_referral(), link_worker, provider_org, "first_conversation")
    month = scheme_report(scheme)["referrers"][0]["months"][0]
    assert (month["engaged"], month["baseline"], month["baseline_percent"]) == (2, 1, 50.0)
    assert month["baseline_ok"] is True and month["follow_up_ok"] is None
    walk_to(make_referral(), link_worker, provider_org, "first_conversation")
    month = scheme_report(scheme)["referrers"][0]["months"][0]
    assert month["baseline_ok"] is False


def test_a_provider_agreement_sets_the_response_time(manager, scheme, make_referral,
                                                     link_worker, provider_org, provider):
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    save_agreement(manager, validate_agreement(form(
        scheme, provider_org, party_kind="provider", decision_days="", baseline_percent="",
        provider_response_days="3"), manager))
    walk_to(make_referral(), link_worker, provider_org, "connected")
    onward = OnwardReferral.objects.get()
    OnwardReferral.objects.filter(pk=onward.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=5))
    services.respond_onward(provider, onward.pk, accept_it=True)
    sections = scheme_report(scheme)["providers"]
    agreed = sections[0]["months"][0]["result"]
    assert (agreed.target.days, agreed.met, len(agreed.breached)) == (3, 0, 1)
    assert sections[1]["agreement"] is None and sections[1]["months"] == []


def test_the_service_levels_page_shows_each_agreement(client, manager, scheme, practice,
                                                      make_referral):
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement

    save_agreement(manager, validate_agreement(form(scheme, practice), manager))
    referral = make_referral()
    _age(referral, 12)
    client.force_login(manager)
    page = client.get("/prescribing/service-levels/").content.decode()
    assert "Practices 2026/27: referrals from A Practice" in page
    assert "Accepted or declined within 10 days" in page
    assert "Referrals without an agreement (default targets)" in page
    assert Referral.objects.get(pk=referral.pk).reference in page
    assert referral.given_name not in page


def test_escalation_uses_the_provider_agreements_response_time(
        manager, scheme, make_referral, link_worker, provider_org):
    """The agreement gives the provider 3 days; the service's own setting says 14."""
    from rescomm.web.prescribing.agreements import save_agreement, validate_agreement
    from rescomm.web.prescribing.models import ServiceCapacity

    ServiceCapacity.objects.create(provider=provider_org, service_name="Tuesday walks",
                                   places=5, response_days=14)
    save_agreement(manager, validate_agreement(form(
        scheme, provider_org, party_kind="provider", decision_days="", baseline_percent="",
        provider_response_days="3"), manager))
    walk_to(make_referral(), link_worker, provider_org, "connected")
    now = timezone.now()
    assert services.escalate_overdue_onward(now=now + dt.timedelta(days=2)) == 0
    assert services.escalate_overdue_onward(now=now + dt.timedelta(days=4)) == 1
    onward = OnwardReferral.objects.get()
    assert onward.status == "declined"
    assert onward.decline_reason.startswith("No answer within 3 days")
