"""The per-request work of ``POST /api/referrals``: the per-process scheme and decile caches
(``prescribing.lookups``), the query budget, and the insert-first idempotency path."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.web.factories import HALTON, LIVERPOOL

from rescomm.web.accounts.models import Membership, Organisation
from rescomm.web.accounts.roles import OrganisationKind, Profession, Role
from rescomm.web.prescribing import lookups
from rescomm.web.prescribing.models import Referral, ReferralEvent

from .conftest import valid_payload

URL = "/api/referrals"


def post(client, headers, key=None, **changes):
    extra = dict(headers)
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, data=json.dumps(valid_payload(**changes)),
                       content_type="application/json", **extra)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_cached_answer_is_kept_for_the_ttl_and_then_asked_again():
    clock = FakeClock()
    cache = lookups.TtlCache(ttl=60, clock=clock)
    calls = []
    assert cache.get_or_compute("k", lambda: calls.append(1) or "a") == "a"
    clock.now += 59.9
    assert cache.get_or_compute("k", lambda: calls.append(1) or "b") == "a"
    clock.now += 0.2
    assert cache.get_or_compute("k", lambda: calls.append(1) or "c") == "c"
    assert len(calls) == 2


def test_an_answer_computed_across_a_clear_is_used_but_not_kept():
    cache = lookups.TtlCache(ttl=60)

    def compute():
        cache.clear()  # the source changed while this answer was being read
        return "old"

    assert cache.get_or_compute("k", compute) == "old"
    assert cache.get_or_compute("k", lambda: "new") == "new"


def test_none_is_cached_too():
    cache = lookups.TtlCache(ttl=60)
    calls = []
    assert cache.get_or_compute("k", lambda: calls.append(1)) is None
    assert cache.get_or_compute("k", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_a_full_cache_drops_the_least_recently_used_answer():
    cache = lookups.TtlCache(ttl=60, maxsize=2)
    calls = []
    for key in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        cache.get_or_compute(key, lambda key=key: calls.append(key) or key.upper())
    assert cache.get_or_compute("a", lambda: "recomputed") == "A"
    assert cache.get_or_compute("b", lambda: "recomputed") == "recomputed"
    assert calls == ["a", "b", "c"]


def test_a_changed_scheme_is_used_by_the_next_referral(client, gp, scheme, bearer):
    headers = bearer(gp)
    assert post(client, headers).status_code == 201
    assert Referral.objects.get().scheme == scheme
    scheme.lad_code = HALTON  # the Liverpool scheme now covers Halton ...
    scheme.save()
    newer = Organisation.objects.create(  # ... and a new one covers Liverpool
        name="New Liverpool Scheme", lad_code=LIVERPOOL,
        kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    assert post(client, headers).status_code == 201
    assert Referral.objects.order_by("-created_at").first().scheme == newer


def test_a_deleted_scheme_is_not_used(client, gp, scheme, bearer):
    headers = bearer(gp)
    assert post(client, headers).status_code == 201
    Referral.objects.all().delete()
    scheme.delete()
    response = post(client, headers)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "postcode": ["No social prescribing scheme covers this postcode's area yet."]}
    assert not Referral.objects.exists() and not ReferralEvent.objects.exists()


def test_a_retry_returns_the_referral_even_after_its_scheme_stopped_covering_the_area(
        client, gp, scheme, bearer):
    headers = bearer(gp)
    first = post(client, headers, key="kept")
    scheme.lad_code = HALTON
    scheme.save()
    again = post(client, headers, key="kept")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == 1


def test_the_profession_is_the_oldest_referrer_membership(client, gp, practice, bearer):
    Organisation.objects.create(name="Liverpool Scheme", lad_code=LIVERPOOL,
                                kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)
    pharmacy = Organisation.objects.create(name="A Pharmacy", kind=OrganisationKind.OTHER)
    Membership.objects.create(user=gp, organisation=pharmacy, role=Role.REFERRER,
                              profession=Profession.PHARMACIST)
    assert post(client, bearer(gp)).status_code == 201
    referral = Referral.objects.get()
    assert referral.referrer_profession == Profession.GP
    assert referral.referrer_organisation == practice


def test_a_new_referral_costs_two_reads_and_three_inserts(client, gp, scheme, bearer):
    headers = bearer(gp)
    assert post(client, headers, key="warm").status_code == 201  # caches and last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert post(client, headers, key="measured").status_code == 201
    statements = [q["sql"] for q in queries.captured_queries
                  if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    tables = [sql.split('"')[1] if sql.startswith(("SELECT", "INSERT")) else sql
              for sql in (s.replace("SELECT DISTINCT", "SELECT") for s in statements)]
    reads = [s for s in statements if s.startswith("SELECT")]
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert len(reads) == 2, tables  # the token, its user and their memberships in one
    assert "accounts_apitoken" in reads[0] and "accounts_membership" in reads[0]
    assert "nhs_number" in reads[1]  # possible duplicates (none here: nothing more is read)
    assert [s.split('"')[1] for s in inserts] == [
        "prescribing_referral", "prescribing_referralevent", "accounts_auditevent"]
    assert len(statements) == 5, tables


@pytest.mark.parametrize("key", [None, "same"])
def test_no_query_reads_the_scheme_or_decile_once_cached(client, gp, scheme, bearer, key):
    headers = bearer(gp)
    post(client, headers, key="warm")
    with CaptureQueriesContext(connection) as queries:
        post(client, headers, key=key)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "areas_deprivation" not in sql
    assert '"accounts_organisation"' not in sql
