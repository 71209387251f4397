"""``POST /api/referrals`` and ``GET /api/referrals/{id}``: contract, idempotency, bad input,
object-level access, audit."""

from __future__ import annotations

import json
import uuid

import pytest
from tests.web.factories import TERMINATED_POSTCODE, UNKNOWN_POSTCODE

from rescomm.web.accounts.models import AuditEvent
from rescomm.web.prescribing.models import Referral, ReferralEvent

from .conftest import valid_payload

URL = "/api/referrals"


def post(client, payload, headers=None, key=None):
    extra = dict(headers or {})
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **extra)


def test_a_referrer_creates_a_referral_with_a_uuid_id(client, gp, scheme, bearer):
    response = post(client, valid_payload(), bearer(gp), key="abc-1")
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == str(referral.id)
    assert uuid.UUID(body["id"]).version == 4
    assert body["status"] == "received"
    assert referral.nhs_number == "9990000026"
    assert referral.lsoa21_code == "E01033756"
    assert referral.imd_decile is not None and 1 <= referral.imd_decile <= 10
    assert referral.scheme == scheme
    assert referral.referrer_profession == "gp"
    assert referral.consent_recorded_by == gp and referral.consent_recorded_at is not None
    assert referral.needs == ["loneliness", "physical_activity"]
    event = ReferralEvent.objects.get(referral=referral)
    assert event.snomed_code == "871731000000106"
    assert event.code_list_version
    audit = AuditEvent.objects.get(action="create", object_type="prescribing.referral")
    assert audit.actor == gp and audit.object_id == str(referral.id)
    assert audit.actor_role == "referrer" and audit.reason.startswith("direct care")


def test_the_same_idempotency_key_returns_the_same_referral(client, gp, scheme, bearer):
    first = post(client, valid_payload(), bearer(gp), key="retry-me")
    second = post(client, valid_payload(), bearer(gp), key="retry-me")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1
    assert ReferralEvent.objects.count() == 1


def test_a_reused_key_with_different_data_is_refused(client, gp, scheme, bearer):
    post(client, valid_payload(), bearer(gp), key="k1")
    response = post(client, valid_payload(given_name="Other"), bearer(gp), key="k1")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Referral.objects.count() == 1


def test_keys_are_per_referrer(client, gp, other_gp, scheme, bearer):
    a = post(client, valid_payload(), bearer(gp), key="same")
    b = post(client, valid_payload(), bearer(other_gp), key="same")
    assert a.json()["id"] != b.json()["id"]
    assert Referral.objects.count() == 2


MISSING_CONSENT = (
    "Record that the person agreed to share their details with the social prescribing scheme; "
    "a referral cannot be sent without it."
)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nhs_number": "9434765918"}, "nhs_number",
         "NHS number *******918 is not valid: the last digit does not match the check digit "
         "(check for a mistyped digit)."),
        ({"nhs_number": "12345"}, "nhs_number", "An NHS number has 10 digits; this one has 5."),
        ({"nhs_number": ...}, "nhs_number", "Enter the person's NHS number (10 digits)."),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth",
         "The date of birth must be in the past."),
        ({"date_of_birth": "17/05/1950"}, "date_of_birth",
         "Enter the date of birth as YYYY-MM-DD, for example 1956-03-27."),
        ({"postcode": UNKNOWN_POSTCODE}, "postcode",
         "We cannot find this postcode in Cheshire and Merseyside; check it."),
        ({"postcode": "NOT A POSTCODE"}, "postcode", "Enter a real postcode, like L1 8JQ."),
        ({"postcode": TERMINATED_POSTCODE}, "postcode",
         "This postcode is no longer in use in 06/2020; ask for the current one."),
        ({"consent_to_share": False}, "consent_to_share", MISSING_CONSENT),
        ({"consent_to_share": ...}, "consent_to_share", MISSING_CONSENT),
        ({"needs": ["loneliness", "gardening"]}, "needs",
         "Unknown need 'gardening'; choose from: loneliness, low_mood, long_term_condition, "
         "finance, housing, employment, physical_activity, carer_support, bereavement, other."),
        ({"needs": []}, "needs", "Choose at least one reason for the referral."),
        ({"given_name": ""}, "given_name", "Enter the person's given name."),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    client, gp, scheme, bearer, changes, field, message
):
    headers = bearer(gp)
    audit_before = AuditEvent.objects.count()
    response = post(client, valid_payload(**changes), headers, key="bad")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid_request"
    assert error["fields"] == {field: [message]}
    assert Referral.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before
    assert "9434765918" not in response.content.decode()


def test_every_bad_field_is_named_at_once(client, gp, scheme, bearer):
    response = post(client, {"needs": ["x"]}, bearer(gp))
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"given_name", "family_name", "nhs_number", "date_of_birth",
                           "postcode", "needs", "consent_to_share"}


def test_a_postcode_without_a_scheme_is_refused(client, gp, bearer):
    response = post(client, valid_payload(), bearer(gp))
    assert response.json()["error"]["fields"] == {
        "postcode": ["No social prescribing scheme covers this postcode's area yet."]}
    assert Referral.objects.count() == 0


def test_a_malformed_idempotency_key_is_refused(client, gp, scheme, bearer):
    response = post(client, valid_payload(), bearer(gp), key="has spaces")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_the_referrer_and_the_schemes_link_workers_may_read_it(
    client, gp, link_worker, make_referral, bearer
):
    referral = make_referral()
    for user in (gp, link_worker):
        response = client.get(f"{URL}/{referral.id}", **bearer(user))
        assert response.status_code == 200, user
        body = response.json()
        assert body["id"] == str(referral.id)
        assert body["needs"][0] == {"code": "loneliness",
                                    "label": "Feeling lonely or cut off from other people"}
        assert body["events"][0]["snomed_code"] == "871731000000106"
        assert body["summary"]["status"] == "Received"
        assert body["summary"]["codes"][0][0] == "871731000000106"
    views = AuditEvent.objects.filter(action="view", object_id=str(referral.id))
    assert {v.actor for v in views} == {gp, link_worker}
    assert {v.actor_role for v in views} == {"referrer", "link_worker"}


@pytest.mark.parametrize("who", ["other_gp", "other_link_worker", "commissioner", "provider"])
def test_anyone_else_gets_404_as_if_it_did_not_exist(
    client, make_referral, bearer, request, who
):
    referral = make_referral()
    user = request.getfixturevalue(who)
    response = client.get(f"{URL}/{referral.id}", **bearer(user))
    missing = client.get(f"{URL}/{uuid.uuid4()}", **bearer(user))
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_malformed_id_is_404(client, gp, bearer):
    assert client.get(f"{URL}/not-a-uuid", **bearer(gp)).status_code == 404
