"""Fixtures for the social prescribing tests: two schemes (Liverpool and Halton), a GP referrer,
link workers of each scheme, a provider, and a factory for referrals made through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.web.factories import HALTON, LIVE_POSTCODE, LIVERPOOL

from rescomm.web.accounts.models import Membership, Organisation, User
from rescomm.web.accounts.roles import OrganisationKind, Profession, Role
from rescomm.web.accounts.tokens import create_token

#: Valid test NHS numbers (999 range, Modulus 11 checked): never issued to real people.
NHS_NUMBER = "9990000026"
#: A live Halton postcode (in the test subset).
HALTON_POSTCODE = "WA8 7QA"


@pytest.fixture(autouse=True)
def _fresh_report_cache():
    """Reports are cached for a few minutes (``dashboard.cached_report``): start each test
    with none, so one test's figures never show in another's."""
    from django.core.cache import caches

    for alias in ("default", "reports"):
        caches[alias].clear()
    yield
    for alias in ("default", "reports"):
        caches[alias].clear()


def make_user(username: str, organisation: Organisation, role: str, profession: str = "") -> User:
    user = User.objects.create(username=username, display_name=username.replace("-", " "))
    user.set_password("pw")
    user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role,
                              profession=profession)
    return user


@pytest.fixture
def scheme(db) -> Organisation:
    return Organisation.objects.create(name="Liverpool Scheme", lad_code=LIVERPOOL,
                                       kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)


@pytest.fixture
def other_scheme(db) -> Organisation:
    return Organisation.objects.create(name="Halton Scheme", lad_code=HALTON,
                                       kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)


@pytest.fixture
def practice(db) -> Organisation:
    return Organisation.objects.create(name="A Practice", kind=OrganisationKind.GP_PRACTICE,
                                       lad_code=LIVERPOOL)


@pytest.fixture
def provider_org(db) -> Organisation:
    return Organisation.objects.create(name="A Walking Group",
                                       kind=OrganisationKind.VOLUNTARY_ORGANISATION)


@pytest.fixture
def gp(practice) -> User:
    return make_user("rx-gp", practice, Role.REFERRER, Profession.GP)


@pytest.fixture
def other_gp(practice) -> User:
    return make_user("rx-other-gp", practice, Role.REFERRER, Profession.PRACTICE_NURSE)


@pytest.fixture
def link_worker(scheme) -> User:
    return make_user("rx-linkworker", scheme, Role.LINK_WORKER)


@pytest.fixture
def other_link_worker(other_scheme) -> User:
    return make_user("rx-other-linkworker", other_scheme, Role.LINK_WORKER)


@pytest.fixture
def commissioner(db) -> User:
    icb = Organisation.objects.create(name="An ICB", kind=OrganisationKind.ICB)
    return make_user("rx-commissioner", icb, Role.COMMISSIONER)


@pytest.fixture
def provider(provider_org) -> User:
    return make_user("rx-provider", provider_org, Role.PROVIDER_STAFF)


def valid_payload(**changes) -> dict:
    payload = {
        "nhs_number": "999 000 0026",
        "given_name": "Testy",
        "family_name": "McTestface-Synthetic",
        "date_of_birth": "1950-05-17",
        "postcode": LIVE_POSTCODE,
        "needs": ["loneliness", "physical_activity"],
        "consent_to_share": True,
        "notes": "Lives alone since a bereavement.",
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not ...}


@pytest.fixture
def make_referral(gp, scheme):
    """``make_referral(**payload changes)`` -> a referral made by ``gp`` to ``scheme``."""
    from rescomm.web.prescribing import services

    def make(referrer=None, **changes):
        clean = services.validate_referral(valid_payload(**changes))
        referral, _ = services.create_referral(referrer or gp, referrer or gp, clean)
        return referral

    return make


@pytest.fixture
def bearer():
    def token_for(user) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'test')}"}

    return token_for


@pytest.fixture
def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def map_service(db):
    """``map_service(name, **record changes)`` -> a published asset-map service at the referral
    postcode, run by the asset-map organisation "<name> Trust" (imported like any asset)."""
    from rescomm import geo
    from rescomm.web.assets.importer import import_assets
    from rescomm.web.assets.models import Service

    place = geo.lookup_postcode(LIVE_POSTCODE)

    def make(name: str, **changes):
        record = {
            "source_id": f"test:{name}", "name": name, "asset_kind": "group",
            "asset_status": "published", "needs": ["loneliness"], "postcode": LIVE_POSTCODE,
            "easting": float(place.easting), "northing": float(place.northing),
            "organization": f"{name} Trust", "organization_id": f"test-org:{name}",
            "source": "tests",
        }
        record.update(changes)
        import_assets([record], source="tests", audited=False)
        return Service.objects.select_related("organization").get(source_id=f"test:{name}")

    return make
