"""The same NHS number referred twice to one scheme: both referrals are made, and each is
flagged to its referrer and the scheme's link workers with the other's reference (and a link
for those who may open it); the API says so in ``possible_duplicates``."""

from __future__ import annotations

from rescomm.web.prescribing import services
from rescomm.web.prescribing.models import Referral

from .conftest import HALTON_POSTCODE, valid_payload


def test_an_open_referral_of_the_same_nhs_number_in_the_scheme_is_a_possible_duplicate(
        make_referral, link_worker, other_gp):
    first = make_referral()
    second = make_referral(referrer=other_gp)
    assert list(services.possible_duplicates(second)) == [first]
    assert list(services.possible_duplicates(first)) == [second]
    services.decline(link_worker, first.pk, first.version, decline_reason="duplicate")
    assert not services.possible_duplicates(second).exists()  # declined: no longer open


def test_other_people_and_other_schemes_are_not_duplicates(make_referral, other_scheme):
    one = make_referral()  # NHS number 999 000 0026
    make_referral(nhs_number="999 000 0034")  # another person
    make_referral(postcode=HALTON_POSTCODE)  # same person, another scheme
    assert not services.possible_duplicates(one).exists()


def test_the_referrer_is_told_without_a_link_to_another_referrers_referral(
        client, make_referral, gp, other_gp):
    first = make_referral(referrer=other_gp)
    client.force_login(gp)
    response = client.post("/prescribing/referrals/new/", {
        **{k: v for k, v in valid_payload().items() if k not in ("needs", "consent_to_share")},
        "needs": ["loneliness"], "consent_to_share": "yes", "contact_preference": "phone"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    panel = page[page.index("data-possible-duplicate"):page.index("</div>",
                                                                page.index("data-possible-duplicate"))]
    assert f"Referral {first.reference}, received" in panel
    assert f'href="/prescribing/referrals/{first.pk}/"' not in panel  # not theirs to open
    assert "tell the scheme" in panel


def test_the_link_worker_sees_both_flagged_with_links(client, make_referral, other_gp,
                                                      link_worker):
    first = make_referral()
    second = make_referral(referrer=other_gp)
    client.force_login(link_worker)
    caseload = client.get("/prescribing/caseload/").content.decode()
    assert caseload.count('data-possible-duplicate>Possible duplicate') == 2
    page = client.get(f"/prescribing/referrals/{second.pk}/").content.decode()
    assert f'<a href="/prescribing/referrals/{first.pk}/">Referral {first.reference}</a>' in page
    assert "(Received)" in page and "A duplicate of another referral" in page


def test_the_api_lists_possible_duplicates_readable_ones_with_a_url(client, make_referral,
                                                                    gp, other_gp, bearer):
    mine = make_referral()
    theirs = make_referral(referrer=other_gp)
    payload = {**valid_payload(), "nhs_number": "9990000026"}
    response = client.post("/api/referrals", payload, content_type="application/json",
                           **bearer(gp))
    assert response.status_code == 201
    body = response.json()
    assert [d["reference"] for d in body["possible_duplicates"]] == [mine.reference,
                                                                     theirs.reference]
    readable, other = body["possible_duplicates"]
    assert readable["url"] == f"/api/referrals/{mine.pk}"
    assert readable["status_label"] == "Received"
    assert other["url"] is None and other["status_label"] is None
    new = Referral.objects.get(pk=body["id"])
    detail = client.get(f"/api/referrals/{new.pk}", **bearer(gp)).json()
    assert len(detail["possible_duplicates"]) == 2


def test_the_api_answers_an_empty_list_when_there_is_no_duplicate(client, gp, scheme, bearer):
    response = client.post("/api/referrals", valid_payload(), content_type="application/json",
                           **bearer(gp))
    assert response.status_code == 201 and response.json()["possible_duplicates"] == []


def test_the_openapi_schema_documents_possible_duplicates(client):
    schema = client.get("/api/openapi.json").json()
    created = schema["components"]["schemas"]["ReferralCreated"]
    assert "possible_duplicates" in created["properties"]
    assert "DuplicateOut" in schema["components"]["schemas"]
