"""Synthetic demo referrals, for demonstrations only.

Every demo referral is ``is_synthetic`` and shown with a "Synthetic demo record" tag. The people
are invented: given names paired with the family name "Synthetic-Example", which no real
person has, NHS numbers from the 999 range NHS England keeps for testing (never issued),
each passing the Modulus 11 check, telephone numbers from Ofcom's range for drama (07700
900xxx) and example.com email addresses. They are referred by ``demo-gp``/``demo-pharmacist`` to the
demo scheme and moved along the pathway by ``demo-linkworker``.

:func:`create_demo_referrals` is idempotent (each demo referral has a fixed idempotency key, and
steps are only taken for referrals it creates). It needs the demo accounts
(:func:`rescomm.web.accounts.demo.create_demo_accounts`) and the Liverpool reference data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from rescomm.data import nhs_check_digit
from rescomm.web.accounts.public import (
    DemoAccountsRefused,
    Organisation,
    OrganisationKind,
    User,
    demo_accounts_allowed,
)

from . import services
from .models import Referral, ServiceCapacity

FAMILY_NAME = "Synthetic-Example"
#: Live Liverpool postcodes (the people are invented; the postcodes only place them in an area).
POSTCODES = ("L1 8JQ", "L1 0BU")
DEMO_SERVICE = "Weekly walking group (synthetic)"


def demo_nhs_numbers(count: int) -> list[str]:
    """The first ``count`` valid NHS numbers of the 999 test range (Modulus 11 checked)."""
    numbers: list[str] = []
    serial = 0
    while len(numbers) < count:
        serial += 1
        first_nine = f"999{serial:06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            numbers.append(first_nine + str(check))
    return numbers


@dataclass(frozen=True)
class DemoPerson:
    given_name: str
    date_of_birth: str
    needs: tuple[str, ...]
    referrer: str
    stop: str  # how far along the pathway the demo takes this referral
    notes: str = ""
    outcomes: tuple[tuple[int, ...], ...] = ()  # SWEMWBS items: baseline[, follow-up]
    #: How the person likes to be contacted, and whether a service they are referred on to may
    #: contact them directly.
    contact_preference: str = "phone"
    contact_agreed: bool = True


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("Alba", "1948-02-11", ("loneliness", "bereavement"), "demo-gp", "received",
               "Widowed last year; rarely leaves the house."),
    DemoPerson("Brindle", "1981-07-30", ("finance", "housing"), "demo-pharmacist", "received"),
    DemoPerson("Corvina", "1959-11-02", ("long_term_condition",), "demo-gp", "declined"),
    DemoPerson("Dacey", "1972-04-19", ("low_mood", "employment"), "demo-gp", "contacting"),
    DemoPerson("Elowen", "1990-09-05", ("physical_activity", "low_mood"), "demo-pharmacist",
               "planned", outcomes=((3, 2, 2, 3, 3, 2, 3),)),
    DemoPerson("Fenwick", "1944-12-24", ("loneliness", "carer_support"), "demo-gp", "connected",
               outcomes=((2, 2, 3, 2, 3, 2, 3),), contact_agreed=False),
    DemoPerson("Galatea", "1966-03-08", ("loneliness",), "demo-gp", "follow_up",
               outcomes=((2, 3, 2, 2, 3, 2, 3), (3, 4, 3, 3, 4, 3, 4)),
               contact_preference="email"),
    DemoPerson("Hollis", "1955-06-17", ("long_term_condition", "physical_activity"),
               "demo-pharmacist", "closed",
               outcomes=((3, 3, 2, 3, 3, 3, 3), (4, 3, 3, 4, 4, 3, 4))),
)


@dataclass
class DemoReferralsResult:
    created: int = 0
    unchanged: int = 0
    keys: list[str] = field(default_factory=list)


def create_demo_referrals() -> DemoReferralsResult:
    """Create the synthetic demo referrals (idempotent; demo settings only).

    Raises
    ------
    DemoAccountsRefused
        Under the production settings, or when the demo accounts are missing.
    """
    if not demo_accounts_allowed():
        raise DemoAccountsRefused("demo referrals are not allowed with the production settings")
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    missing = {"demo-gp", "demo-pharmacist", "demo-linkworker"} - set(users)
    if missing:
        raise DemoAccountsRefused(
            f"create the demo accounts first (missing: {', '.join(sorted(missing))})")
    link_worker = users["demo-linkworker"]
    provider = Organisation.objects.filter(
        is_demo=True, kind=OrganisationKind.VOLUNTARY_ORGANISATION).first()
    result = DemoReferralsResult()
    if provider is not None:
        _demo_map_entry(provider)
        # the capacity of the demo service, by key when it is on the map (matching shows it)
        ServiceCapacity.objects.get_or_create(
            provider=provider, service=_demo_map_service(),
            **({} if _demo_map_service() else {"service_name": DEMO_SERVICE}),
            defaults={"places": 10, "service_name": DEMO_SERVICE})
    numbers = demo_nhs_numbers(len(DEMO_PEOPLE))
    with transaction.atomic():
        for index, (person, nhs_number) in enumerate(zip(DEMO_PEOPLE, numbers, strict=True)):
            key = f"demo-referral-{index + 1}"
            referrer = users[person.referrer]
            clean = services.validate_referral({
                "given_name": person.given_name, "family_name": FAMILY_NAME,
                "date_of_birth": person.date_of_birth, "nhs_number": nhs_number,
                "postcode": POSTCODES[index % len(POSTCODES)], "needs": list(person.needs),
                "consent_to_share": True, "notes": person.notes,
                # Ofcom's numbers for drama (07700 900000-900999) and an example.com address:
                # never a real person's
                "phone": f"07700 900{index + 1:03d}", "contact_preference":
                    person.contact_preference,
                "email": f"{person.given_name.lower()}@example.com",
            })
            referral, created = services.create_referral(
                referrer, referrer, clean, idempotency_key=key)
            result.keys.append(key)
            if not created:
                result.unchanged += 1
                continue
            result.created += 1
            assert referral.is_synthetic
            _advance(referral, person, link_worker, provider)
        if "demo-manager" in users:
            _demo_agreement(users["demo-manager"], referral.scheme)
    return result


#: The demo provider's walking group on the asset map: an invented example (``is_example``),
#: shown with an "Example" tag, met at the first demo postcode, run by the demo provider.
DEMO_MAP_SOURCE_ID = "rescomm-demo:walking-group"


def _demo_map_entry(provider: Organisation) -> None:
    """Put the demo service on the asset map as an example and link it to the demo provider,
    so a link worker can send an onward referral from the suggestions (idempotent)."""
    from rescomm import geo
    from rescomm.web.assets import public

    from .directory import link

    try:
        place = geo.lookup_postcode(POSTCODES[0])
    except geo.GeoError:  # reference data not loaded: nothing to place it at
        return
    public.import_assets([{
        "source_id": DEMO_MAP_SOURCE_ID, "name": DEMO_SERVICE, "asset_kind": "group",
        "category": "walking_group", "asset_status": "published",
        "description": "An invented example of a group that takes social prescribing referrals "
                       "through rescomm (synthetic demo data, not a real group).",
        "needs": ["physical_activity", "loneliness", "low_mood"], "capitals": ["social"],
        "postcode": POSTCODES[0], "easting": float(place.easting),
        "northing": float(place.northing), "opening_times": "TU,TH 10:00-11:30",
        "organization": provider.name, "organization_id": "rescomm-demo:provider",
        "source": "rescomm demo (synthetic)", "is_example": True,
    }], source="rescomm demo (synthetic)", audited=False)
    service = public.service_by_source_id(DEMO_MAP_SOURCE_ID)
    link(None, provider, service.organization_id)


def _demo_map_service():
    """The demo service's example entry on the asset map (None if it is not there)."""
    from rescomm.web.assets import public

    return public.service_by_source_id(DEMO_MAP_SOURCE_ID)


#: The demo service-level agreement (synthetic): the demo practice, tighter than the defaults.
DEMO_AGREEMENT = "Demo practice agreement (synthetic)"


def _demo_agreement(manager: User, scheme: Organisation) -> None:
    """One agreement between the demo scheme and the demo practice (created once)."""
    from .agreements import save_agreement, validate_agreement
    from .models import ServiceAgreement

    practice = Organisation.objects.filter(
        is_demo=True, kind=OrganisationKind.GP_PRACTICE).first()
    if practice is None or ServiceAgreement.objects.filter(name=DEMO_AGREEMENT).exists():
        return
    clean = validate_agreement({
        "scheme": str(scheme.pk), "party_kind": "referrers", "party": str(practice.pk),
        "name": DEMO_AGREEMENT, "valid_from": "2025-04-01", "decision_days": "3",
        "first_contact_days": "7", "first_conversation_days": "21", "baseline_percent": "80",
        "follow_up_percent": "60",
    }, manager)
    save_agreement(manager, clean)


def _advance(referral: Referral, person: DemoPerson, worker: User, provider) -> None:
    def current() -> Referral:
        return Referral.objects.get(pk=referral.pk)

    if person.stop == "received":
        return
    if person.stop == "declined":
        services.decline(worker, referral.pk, current().version,
                         decline_reason="person_declined")
        return
    services.accept(worker, referral.pk, current().version)
    services.assign(worker, referral.pk, current().version, link_worker=worker)
    services.log_contact_attempt(worker, referral.pk, current().version, method="phone",
                                 outcome="no_answer")
    if person.stop == "contacting":
        return
    services.first_conversation(worker, referral.pk, current().version)
    if person.outcomes:
        services.record_outcome(worker, referral.pk, current().version, instrument="swemwbs",
                                timepoint="baseline", items=list(person.outcomes[0]))
    services.agree_plan(worker, referral.pk, current().version,
                        what_matters="Meeting people nearby and feeling more confident.",
                        goals=["Try one group activity", "Walk twice a week"])
    if person.stop == "planned" or provider is None:
        return
    services.connect(worker, referral.pk, current().version, provider=provider,
                     service_name=DEMO_SERVICE, service=_demo_map_service(),
                     contact_agreed=person.contact_agreed)
    if person.stop == "connected":
        return
    services.follow_up(worker, referral.pk, current().version)
    if len(person.outcomes) > 1:
        services.record_outcome(worker, referral.pk, current().version, instrument="swemwbs",
                                timepoint="follow_up", items=list(person.outcomes[1]))
    if person.stop == "closed":
        services.close(worker, referral.pk, current().version, close_reason="completed")
