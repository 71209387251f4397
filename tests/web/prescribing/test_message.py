"""The message back to the referrer as structured JSON: valid against the shipped JSON Schema
at every stage of the pathway, the right content, the same permissions as the referral."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.prescribing import services
from rescomm.web.prescribing.message import load_schema, structured_message
from rescomm.web.prescribing.models import Referral

from .test_pathway import walk_to

SWEMWBS_BASELINE = [2, 3, 2, 2, 3, 2, 3]  # raw 17 -> metric 16.88 (published table)
SWEMWBS_FOLLOW_UP = [3, 4, 3, 3, 4, 3, 4]  # raw 24 -> metric 21.54 (published table)


def validate(document: dict) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)


@pytest.fixture
def followed_up(make_referral, link_worker, provider_org, provider):
    referral = walk_to(make_referral(), link_worker, provider_org, "first_conversation")
    services.record_outcome(link_worker, referral.pk, referral.version, instrument="swemwbs",
                            timepoint="baseline", items=SWEMWBS_BASELINE)
    referral = Referral.objects.get(pk=referral.pk)
    referral = services.agree_plan(link_worker, referral.pk, referral.version,
                                   what_matters="Getting out of the house",
                                   goals=["Join a walking group"])
    referral = services.connect(link_worker, referral.pk, referral.version,
                                provider=provider_org, service_name="Tuesday walks")
    services.respond_onward(provider, referral.onward.get().pk, accept_it=True)
    referral = services.follow_up(link_worker, referral.pk, referral.version)
    services.record_outcome(link_worker, referral.pk, referral.version, instrument="swemwbs",
                            timepoint="follow_up", items=SWEMWBS_FOLLOW_UP)
    referral = Referral.objects.get(pk=referral.pk)
    services.record_outcome(link_worker, referral.pk, referral.version, instrument="ons4",
                            timepoint="baseline", items=[6, 7, 5, 4])
    return Referral.objects.get(pk=referral.pk)


@pytest.mark.parametrize("stop", ["received", "declined", "first_conversation", "planned"])
def test_the_message_is_valid_at_each_stage(make_referral, link_worker, provider_org, stop):
    referral = make_referral()
    if stop == "declined":
        referral = services.decline(link_worker, referral.pk, referral.version,
                                    decline_reason="person_declined")
    elif stop != "received":
        referral = walk_to(referral, link_worker, provider_org, stop)
    document = structured_message(Referral.objects.get(pk=referral.pk))
    validate(document)
    assert document["referral"]["status"]["code"] == stop


def test_the_message_carries_the_standards_sections(followed_up, gp, link_worker):
    document = structured_message(followed_up)
    validate(document)
    assert document["standard"]["conformance"] == (
        "Follows the standard's headings; not a certified FHIR message.")
    assert document["person"]["nhs_number"] == "9990000026"
    assert [n["code"] for n in document["needs"]] == ["loneliness", "physical_activity"]
    service = document["support_offered"]["services"][0]
    assert (service["service"], service["status"]) == ("Tuesday walks", "accepted")
    assert document["support_offered"]["goals"] == [
        {"description": "Join a walking group", "achieved": False}]
    change = document["outcomes"]["swemwbs_change"]
    assert (change["baseline"], change["follow_up"]) == (16.88, 21.54)
    assert change["change"] == 4.66 and change["verdict"] == "improved"  # >= 2.87
    ons4 = next(m for m in document["outcomes"]["measures"] if m["instrument"]["code"] == "ons4")
    assert ons4["items"] == {"life_satisfaction": 6, "worthwhile": 7, "happiness": 5,
                             "anxiety": 4}
    assert [e["snomed_code"] for e in document["coded_events"]] == ["871731000000106"]
    assert document["author"]["organisation"]["name"] == "Liverpool Scheme"
    assert document["author"]["name"] == link_worker.display_name
    assert document["recipient"] == {
        "name": gp.display_name,
        "organisation": {"name": "A Practice", "ods_code": None, "kind": "gp_practice"}}


def test_the_person_declined_code_is_in_the_message(make_referral, link_worker):
    referral = make_referral()
    services.decline(link_worker, referral.pk, referral.version, decline_reason="person_declined")
    document = structured_message(Referral.objects.get(pk=referral.pk))
    assert [e["snomed_code"] for e in document["coded_events"]] == [
        "871731000000106", "871711000000103"]
    assert document["referral"]["decline_reason"]["code"] == "person_declined"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("needs", 0, "code"), "sadness"),
        (("person", "nhs_number"), "123"),
        (("outcomes", "measures", 0, "timepoint"), "week_12"),
        (("coded_events", 0, "snomed_code"), "not-a-code"),
    ],
)
def test_the_schema_refuses_a_broken_message(followed_up, path, value):
    document = copy.deepcopy(structured_message(followed_up))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


@pytest.mark.parametrize(("who", "status"), [("gp", 200), ("link_worker", 200),
                                             ("other_gp", 404), ("other_link_worker", 404),
                                             ("commissioner", 404), ("provider", 404)])
def test_the_api_answers_like_the_referral(client, request, followed_up, bearer, who, status):
    user = request.getfixturevalue(who)
    response = client.get(f"/api/referrals/{followed_up.pk}/message", **bearer(user))
    assert response.status_code == status
    if status == 200:
        validate(response.json())
        event = AuditEvent.objects.filter(
            action="view", object_id=str(followed_up.pk),
            reason="direct care: message back read through the API").get()
        assert event.actor == user
    else:
        assert response.json()["error"]["status"] == 404


def test_the_api_needs_credentials(client, followed_up):
    assert client.get(f"/api/referrals/{followed_up.pk}/message").status_code == 401
