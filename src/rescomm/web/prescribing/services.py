"""Everything that reads or changes a person's record goes through here.

Each change is one transaction: the referral row is locked, its ``version`` compared with the one
the user saw (a mismatch is a :class:`StaleEditError` and nothing is written, so the other
person's change is kept), the pathway checked, the change and a :class:`ReferralEvent` saved and
an audit event appended. Each view of a record is audited too, with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from rescomm.data import (
    InvalidNhsNumberError,
    UnknownNeedError,
    need_label,
    validate_needs,
    validate_nhs_number,
)
from rescomm.data.codes import event_code, load_code_list
from rescomm.web.accounts.public import (
    Membership,
    Organisation,
    Role,
    User,
    audit,
    organisations_for,
)

from . import lookups, pathway
from .contact import contact_route
from .duplicates import has_possible_duplicate, notices, opener, possible_duplicates
from .errors import CapacityFull, IdempotencyConflict, ReferralInvalid, StaleEditError
from .models import (
    ContactAttempt,
    ContactPreference,
    Goal,
    Instrument,
    OnwardReferral,
    OutcomeMeasure,
    Plan,
    Referral,
    ReferralEvent,
    Timepoint,
)
from .onward import (
    DEFAULT_RESPONSE_DAYS,
    capacity_overview,
    escalate_overdue_onward,
    get_onward,
    onward_for_provider,
    respond_onward,
    set_capacity,
    start_onward,
)
from .pathway import MAX_CONTACT_ATTEMPTS, PathwayError, Status
from .retention import ANONYMISED_NAME, DEFAULT_RETENTION_DAYS, anonymise_finished

#: Re-exported: views and tests use ``services.<name>`` for the onward, capacity and retention
#: services (implemented in :mod:`.onward` and :mod:`.retention`).
__all__ = [
    "ANONYMISED_NAME", "DEFAULT_RESPONSE_DAYS", "DEFAULT_RETENTION_DAYS", "CapacityFull",
    "IdempotencyConflict", "ReferralInvalid", "StaleEditError", "anonymise_finished", "audit",
    "capacity_overview", "contact_route", "escalate_overdue_onward", "get_onward",
    "has_possible_duplicate", "notices", "onward_for_provider", "opener", "possible_duplicates",
    "respond_onward", "set_capacity", "start_onward",
]

OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)
#: Days until the next step is due, per status (the caseload's "due" and "overdue").
DUE_AFTER_DAYS: dict[str, int] = {
    Status.RECEIVED: 2, Status.ACCEPTED: 2, Status.ASSIGNED: 5, Status.CONTACTING: 3,
    Status.UNABLE_TO_CONTACT: 2, Status.FIRST_CONVERSATION: 14, Status.PLANNED: 14,
    Status.CONNECTED: 84, Status.FOLLOW_UP: 84,
}
MESSAGES = {
    "given_name": "Enter the person's given name.",
    "family_name": "Enter the person's family name.",
    "date_of_birth": "Enter the date of birth as YYYY-MM-DD, for example 1956-03-27.",
    "date_of_birth_future": "The date of birth must be in the past.",
    "date_of_birth_old": "The date of birth must be after 1 January 1900.",
    "postcode": "Enter the person's postcode.",
    "postcode_invalid": "Enter a real postcode, like L1 8JQ.",
    "postcode_unknown": "We cannot find this postcode in Cheshire and Merseyside; check it.",
    "postcode_terminated": "This postcode is no longer in use{when}; ask for the current one.",
    "postcode_no_scheme": "No social prescribing scheme covers this postcode's area yet.",
    "consent_to_share": (
        "Record that the person agreed to share their details with the social prescribing "
        "scheme; a referral cannot be sent without it."
    ),
    "needs": "Choose at least one reason for the referral.",
    "nhs_number": "Enter the person's NHS number (10 digits).",
    "contact_preference": "Choose how the person prefers to be contacted.",
    "email": "Enter an email address like name@example.com.",
}


# Reading ---------------------------------------------------------------------------------------


def scheme_ids_for_link_worker(user) -> list[int]:
    return list(organisations_for(user, Role.LINK_WORKER).values_list("pk", flat=True))


def readable_referrals(user) -> QuerySet[Referral]:
    """Referrals ``user`` may open: the ones they made (as a referrer) and those of the schemes
    where they are a link worker. Commissioners, providers and everyone else: none."""
    from django.db.models import Q

    if user is None or not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    condition = Q(pk__in=[])
    if organisations_for(user, Role.REFERRER).exists():
        condition |= Q(referrer=user)
    schemes = scheme_ids_for_link_worker(user)
    if schemes:
        condition |= Q(scheme_id__in=schemes)
    return Referral.objects.filter(condition)


def get_referral(user, referral_id) -> Referral:
    """The referral if ``user`` may read it; ``Http404`` otherwise (never a hint it exists)."""
    try:
        key = referral_id if isinstance(referral_id, uuid.UUID) else uuid.UUID(str(referral_id))
        return readable_referrals(user).select_related("scheme", "referrer").get(pk=key)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No referral with this id.") from None


def is_link_worker_for(user, referral: Referral) -> bool:
    return referral.scheme_id in scheme_ids_for_link_worker(user)


def record_view(request, referral: Referral, reason: str) -> None:
    """Audit a view of a person's record (who, when, why)."""
    audit(request, "view", referral, reason)


#: Rows per caseload section on one page (a section pages on with ``?section=<key>&page=N``).
CASELOAD_PAGE_SIZE = 25


def caseload_sections(user, *, today: dt.date | None = None) -> dict[str, QuerySet[Referral]]:
    """Open referrals of the user's schemes as four querysets, most urgent first (next step due,
    then received): ``new`` (received), ``overdue`` (next step due before ``today``), ``due``
    (due within 7 days), ``later`` (due after that, or no due date). Each open referral is in
    exactly one. Filtered and counted in the database, so a large caseload is paged, not
    loaded whole."""
    from django.db.models import Q

    today = today or timezone.localdate()
    week = today + dt.timedelta(days=7)
    open_referrals = (
        Referral.objects.filter(scheme_id__in=scheme_ids_for_link_worker(user))
        .exclude(status__in=[Status.DECLINED, Status.CLOSED])
        .select_related("assigned_to")
        .annotate(possible_duplicate=has_possible_duplicate())
        .order_by("next_due", "created_at", "id")
    )
    not_new = ~Q(status=Status.RECEIVED)
    return {
        "new": open_referrals.filter(status=Status.RECEIVED),
        "overdue": open_referrals.filter(not_new, next_due__lt=today),
        "due": open_referrals.filter(not_new, next_due__gte=today, next_due__lte=week),
        "later": open_referrals.filter(not_new).filter(
            Q(next_due__isnull=True) | Q(next_due__gt=week)),
    }


def caseload(user, *, today: dt.date | None = None) -> dict[str, list[Referral]]:
    """:func:`caseload_sections` as lists (every open referral; for small caseloads)."""
    return {key: list(rows) for key, rows in caseload_sections(user, today=today).items()}


# Creating --------------------------------------------------------------------------------------


@dataclass
class CleanReferral:
    given_name: str
    family_name: str
    date_of_birth: dt.date
    nhs_number: str
    postcode: str
    lsoa21_code: str
    imd_decile: int | None
    lad_code: str
    needs: list[str]
    consent_to_share: bool
    notes: str = ""
    phone: str = ""
    email: str = ""
    contact_preference: str = ContactPreference.PHONE
    interpreter_language: str = ""
    risk_flag: bool = False
    safeguarding_concern: bool = False
    extra: dict = field(default_factory=dict)


def _text(data: dict, name: str, limit: int) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()[:limit]


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "on", "yes", "1")


def resolve_postcode(text: str) -> tuple[str, str, int | None, str]:
    """(postcode, LSOA 2021 code, IMD 2025 decile or None, local authority code).

    Raises
    ------
    ValueError
        With the message for the form field.
    """
    from rescomm import geo
    from rescomm.web.areas.public import terminated_when

    try:
        record = geo.lookup_postcode(text)
    except geo.InvalidPostcodeError:
        raise ValueError(MESSAGES["postcode_invalid"]) from None
    except geo.TerminatedPostcodeError as exc:
        raise ValueError(MESSAGES["postcode_terminated"].format(when=terminated_when(exc))) \
            from None
    except geo.UnknownPostcodeError:
        raise ValueError(MESSAGES["postcode_unknown"]) from None
    lsoa = record.lsoa21_code or ""
    decile = lookups.imd_decile(lsoa) if lsoa else None
    return record.postcode, lsoa, decile, record.lad_code or ""


def validate_referral(data: dict, *, self_referral: bool = False,
                      today: dt.date | None = None) -> CleanReferral:
    """Check referral input (from the API or the form). Raises :class:`ReferralInvalid` naming
    every bad field; never writes anything."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    given, family = _text(data, "given_name", 100), _text(data, "family_name", 100)
    if not given:
        errors["given_name"] = [MESSAGES["given_name"]]
    if not family:
        errors["family_name"] = [MESSAGES["family_name"]]

    nhs_number = ""
    raw_nhs = _text(data, "nhs_number", 40)
    if raw_nhs or not self_referral:
        if not raw_nhs:
            errors["nhs_number"] = [MESSAGES["nhs_number"]]
        else:
            try:
                nhs_number = validate_nhs_number(raw_nhs)
            except InvalidNhsNumberError as exc:
                errors["nhs_number"] = [str(exc)]

    dob = None
    raw_dob = data.get("date_of_birth")
    if isinstance(raw_dob, dt.date):
        dob = raw_dob
    else:
        try:
            dob = dt.date.fromisoformat(str(raw_dob or "").strip())
        except ValueError:
            errors["date_of_birth"] = [MESSAGES["date_of_birth"]]
    if dob is not None:
        if dob > today:
            errors["date_of_birth"] = [MESSAGES["date_of_birth_future"]]
        elif dob < OLDEST_BIRTH_DATE:
            errors["date_of_birth"] = [MESSAGES["date_of_birth_old"]]

    postcode, lsoa, decile, lad = "", "", None, ""
    raw_postcode = _text(data, "postcode", 20)
    if not raw_postcode:
        errors["postcode"] = [MESSAGES["postcode"]]
    else:
        try:
            postcode, lsoa, decile, lad = resolve_postcode(raw_postcode)
        except ValueError as exc:
            errors["postcode"] = [str(exc)]

    needs: list[str] = []
    raw_needs = data.get("needs")
    if raw_needs is None or raw_needs == "" or raw_needs == []:
        errors["needs"] = [MESSAGES["needs"]]
    elif not isinstance(raw_needs, list | tuple):
        errors["needs"] = ["Send needs as a list of need codes."]
    else:
        try:
            needs = validate_needs(raw_needs)
        except UnknownNeedError as exc:
            errors["needs"] = [str(exc)]

    consent = data.get("consent_to_share")
    if not (consent is True or (not isinstance(consent, bool) and _truthy(consent or ""))):
        errors["consent_to_share"] = [MESSAGES["consent_to_share"]]

    preference = _text(data, "contact_preference", 10) or ContactPreference.PHONE
    if preference not in ContactPreference.values:
        errors["contact_preference"] = [MESSAGES["contact_preference"]]
    email = _text(data, "email", 254)
    if email and ("@" not in email or " " in email):
        errors["email"] = [MESSAGES["email"]]
    if errors:
        raise ReferralInvalid(errors)
    return CleanReferral(
        given_name=given, family_name=family, date_of_birth=dob, nhs_number=nhs_number,
        postcode=postcode, lsoa21_code=lsoa, imd_decile=decile, lad_code=lad, needs=needs,
        consent_to_share=True, notes=_text(data, "notes", 5000), phone=_text(data, "phone", 30),
        email=email, contact_preference=preference,
        interpreter_language=_text(data, "interpreter_language", 60),
        risk_flag=_truthy(data.get("risk_flag") or False),
        safeguarding_concern=_truthy(data.get("safeguarding_concern") or False),
    )


def request_fingerprint(data: dict) -> str:
    """SHA-256 of the request body's canonical JSON (to spot a key reused for other data)."""
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def referrer_membership(user) -> Membership | None:
    return (
        Membership.objects.filter(user=user, role=Role.REFERRER, active=True)
        .select_related("organisation").order_by("pk").first()
    )


def _referrer_profession_and_organisation(
    request_or_user, referrer: User,
) -> tuple[str, int | None]:
    """(profession, organisation id) of the referrer's oldest active referrer membership,
    ``("other", None)`` without one. Uses the memberships the permission check already read
    for this request (``request.memberships``) when the request is the referrer's."""
    rows = getattr(request_or_user, "memberships", None)
    if rows is not None and getattr(request_or_user, "user", None) == referrer:
        for role, organisation_id, profession in rows:
            if role == Role.REFERRER:
                return profession, organisation_id
        return "other", None
    membership = referrer_membership(referrer)
    if membership is None:
        return "other", None
    return membership.profession, membership.organisation_id


def create_referral(
    request_or_user, referrer: User, clean: CleanReferral, *, idempotency_key: str = "",
    fingerprint: str = "",
) -> tuple[Referral, bool]:
    """Create the referral (or return the one already made with this key): ``(referral,
    created)``. Audited; the first event is coded "Referral to social prescribing service".

    Raises
    ------
    ReferralInvalid
        No scheme covers the postcode's area.
    IdempotencyConflict
        The key was already used by this referrer for a different referral.
    """
    # A new key is the common case: insert first and let the unique constraint
    # (referrer, idempotency_key) find a replay, instead of a look-up before every insert.
    scheme_id = lookups.scheme_id_for(clean.lad_code, demo=referrer.is_demo)
    if scheme_id is None:
        found = _by_key(referrer, idempotency_key)
        if found is not None:
            return _replay(found, fingerprint), False
        raise ReferralInvalid({"postcode": [MESSAGES["postcode_no_scheme"]]})
    profession, organisation_id = _referrer_profession_and_organisation(request_or_user, referrer)
    now = timezone.now()
    referral = Referral(
        is_synthetic=referrer.is_demo,
        given_name=clean.given_name, family_name=clean.family_name,
        date_of_birth=clean.date_of_birth, nhs_number=clean.nhs_number,
        postcode=clean.postcode, lsoa21_code=clean.lsoa21_code, imd_decile=clean.imd_decile,
        phone=clean.phone, email=clean.email, contact_preference=clean.contact_preference,
        interpreter_language=clean.interpreter_language, needs=clean.needs, notes=clean.notes,
        risk_flag=clean.risk_flag, safeguarding_concern=clean.safeguarding_concern,
        consent_to_share=True, consent_recorded_by=referrer, consent_recorded_at=now,
        referrer=referrer,
        referrer_profession=profession, referrer_organisation_id=organisation_id,
        scheme_id=scheme_id, idempotency_key=idempotency_key, request_hash=fingerprint,
        next_due=timezone.localdate() + dt.timedelta(days=DUE_AFTER_DAYS[Status.RECEIVED]),
    )
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
            _event(referral, "", Status.RECEIVED, "refer", referrer, code_event="received")
            audit(request_or_user, "create", referral, "direct care: referral received",
                  role=Role.REFERRER)
    except IntegrityError:
        # The key was used before (a retry, or a concurrent request that won the race):
        # return that referral. Anything else (a scheme deleted since it was cached) is raised.
        found = _by_key(referrer, idempotency_key)
        if found is None:
            lookups.clear_all()
            raise
        return _replay(found, fingerprint), False
    return referral, True


def _by_key(referrer: User, idempotency_key: str) -> Referral | None:
    if not idempotency_key:
        return None
    return Referral.objects.filter(referrer=referrer, idempotency_key=idempotency_key).first()


def create_self_referral(request_or_user, recorded_by: User, scheme: Organisation,
                         clean: CleanReferral) -> Referral:
    """Record a self-referral (the person contacted the scheme): no referrer, profession
    ``self``, the NHS number optional, consent recorded by the link worker. Audited and coded
    like any referral."""
    if scheme.pk not in scheme_ids_for_link_worker(recorded_by):
        raise ReferralInvalid({"scheme": ["Choose a scheme you work in."]})
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            is_synthetic=recorded_by.is_demo or scheme.is_demo,
            given_name=clean.given_name, family_name=clean.family_name,
            date_of_birth=clean.date_of_birth, nhs_number=clean.nhs_number,
            postcode=clean.postcode, lsoa21_code=clean.lsoa21_code, imd_decile=clean.imd_decile,
            phone=clean.phone, email=clean.email, contact_preference=clean.contact_preference,
            interpreter_language=clean.interpreter_language, needs=clean.needs,
            notes=clean.notes, risk_flag=clean.risk_flag,
            safeguarding_concern=clean.safeguarding_concern, consent_to_share=True,
            consent_recorded_by=recorded_by, consent_recorded_at=now, referrer=None,
            referrer_profession="self", scheme=scheme,
            next_due=timezone.localdate() + dt.timedelta(days=DUE_AFTER_DAYS[Status.RECEIVED]),
        )
        _event(referral, "", Status.RECEIVED, "self_refer", recorded_by, code_event="received")
        audit(request_or_user, "create", referral, "direct care: self-referral recorded",
              role=Role.LINK_WORKER)
    return referral


def _replay(found: Referral, fingerprint: str) -> Referral:
    if fingerprint and found.request_hash and fingerprint != found.request_hash:
        raise IdempotencyConflict(
            "This Idempotency-Key was already used for a different referral; use a new key "
            "for a new referral."
        )
    return found


def _event(referral, from_status, to_status, action, user, *, note="", code_event=None):
    coded = event_code(code_event) if code_event else None
    return ReferralEvent.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, action=action,
        by=user, note=note[:2000],
        snomed_code=coded.concept_id if coded else "",
        snomed_term=coded.term if coded else "",
        code_list_version=coded.version if coded else "",
    )


# Changing --------------------------------------------------------------------------------------


def _locked(referral_id, expected_version: int) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    if int(expected_version) != referral.version:
        raise StaleEditError(
            f"Someone else changed this referral after you opened it (you saw version "
            f"{expected_version}, it is now version {referral.version}). Their change is kept "
            "and yours was not saved: reload the page, check, and make your change again."
        )
    return referral


def _move(request, referral: Referral, action: str, user, *, note: str = "",
          to_status: str | None = None, code_event: str | None = None, reason: str,
          close_reason: str | None = None) -> Referral:
    step = pathway.check(referral.status, action, close_reason=close_reason)
    before = referral.status
    referral.status = to_status or step.to
    days = DUE_AFTER_DAYS.get(referral.status)
    referral.next_due = timezone.localdate() + dt.timedelta(days=days) if days else None
    referral.version += 1
    referral.save()
    _event(referral, before, referral.status, action, user, note=note, code_event=code_event)
    audit(request, "update", referral, reason)
    return referral


def _user_of(request):
    return getattr(request, "user", request)


def accept(request, referral_id, version: int, *, note: str = "") -> Referral:
    with transaction.atomic():
        referral = _locked(referral_id, version)
        return _move(request, referral, "accept", _user_of(request), note=note,
                     reason="direct care: referral accepted")


def decline(request, referral_id, version: int, *, decline_reason: str,
            note: str = "") -> Referral:
    if decline_reason not in pathway.DeclineReason.values:
        raise PathwayError("Choose a reason for declining the referral.")
    with transaction.atomic():
        referral = _locked(referral_id, version)
        referral.decline_reason = decline_reason
        code = "declined_by_person" if decline_reason == "person_declined" else None
        return _move(request, referral, "decline", _user_of(request), note=note,
                     code_event=code, reason="direct care: referral declined")


def assign(request, referral_id, version: int, *, link_worker: User) -> Referral:
    with transaction.atomic():
        referral = _locked(referral_id, version)
        if referral.scheme_id not in scheme_ids_for_link_worker(link_worker):
            raise PathwayError("Assign the referral to a link worker of its scheme.")
        referral.assigned_to = link_worker
        return _move(request, referral, "assign", _user_of(request),
                     note=f"assigned to {link_worker}", reason="direct care: assigned")


def log_contact_attempt(request, referral_id, version: int, *, method: str, outcome: str,
                        note: str = "") -> Referral:
    if method not in ContactPreference.values:
        raise PathwayError("Choose how you tried to make contact.")
    if outcome not in ContactAttempt.Outcome.values:
        raise PathwayError("Choose what happened when you tried to make contact.")
    user = _user_of(request)
    with transaction.atomic():
        referral = _locked(referral_id, version)
        pathway.check(referral.status, "contact_attempt")
        ContactAttempt.objects.create(referral=referral, by=user, method=method,
                                      outcome=outcome, note=note[:2000])
        unanswered = referral.attempts.exclude(outcome=ContactAttempt.Outcome.REACHED).count()
        to = Status.CONTACTING
        if outcome != ContactAttempt.Outcome.REACHED and unanswered >= MAX_CONTACT_ATTEMPTS:
            to = Status.UNABLE_TO_CONTACT
        return _move(request, referral, "contact_attempt", user, to_status=to,
                     note=f"contact attempt: {ContactAttempt.Outcome(outcome).label}",
                     reason="direct care: contact attempt")


def first_conversation(request, referral_id, version: int, *, note: str = "") -> Referral:
    with transaction.atomic():
        referral = _locked(referral_id, version)
        return _move(request, referral, "first_conversation", _user_of(request), note=note,
                     reason="direct care: first conversation")


def agree_plan(request, referral_id, version: int, *, what_matters: str,
               goals: list[str]) -> Referral:
    goals = [g.strip()[:300] for g in goals if g and g.strip()]
    errors = {}
    if not what_matters.strip():
        errors["what_matters"] = ["Write down what matters to the person."]
    if not goals:
        errors["goals"] = ["Add at least one goal."]
    if errors:
        raise ReferralInvalid(errors)
    user = _user_of(request)
    with transaction.atomic():
        referral = _locked(referral_id, version)
        pathway.check(referral.status, "plan")
        plan, _ = Plan.objects.update_or_create(
            referral=referral, defaults={"what_matters": what_matters.strip(), "created_by": user}
        )
        plan.goals.all().delete()
        Goal.objects.bulk_create([Goal(plan=plan, description=g) for g in goals])
        return _move(request, referral, "plan", user, reason="direct care: plan agreed")


def connect(request, referral_id, version: int, *, provider: Organisation,
            service_name: str, service=None, contact_agreed: bool = False) -> Referral:
    """Send an onward referral to ``provider``'s service ``service_name`` (``service``: the
    asset-map service it was chosen from, if any; a typed name that is the name of a map service
    the provider runs links to that service) and move the referral to connected.
    ``contact_agreed``: the person agreed that the service may contact them directly (the
    provider then sees their telephone or email; otherwise whom to ask)."""
    from .directory import map_service_named

    if not service_name.strip():
        raise ReferralInvalid({"service_name": ["Enter the name of the service."]})
    if service is None:
        service = map_service_named(provider, service_name)
    user = _user_of(request)
    with transaction.atomic():
        referral = _locked(referral_id, version)
        pathway.check(referral.status, "connect")
        OnwardReferral.objects.create(referral=referral, provider=provider, service=service,
                                      service_name=service_name.strip()[:200], sent_by=user,
                                      contact_agreed=contact_agreed)
        return _move(request, referral, "connect", user,
                     reason="direct care: onward referral sent")


def follow_up(request, referral_id, version: int, *, note: str = "") -> Referral:
    with transaction.atomic():
        referral = _locked(referral_id, version)
        return _move(request, referral, "follow_up", _user_of(request), note=note,
                     reason="direct care: follow-up")


def close(request, referral_id, version: int, *, close_reason: str, note: str = "") -> Referral:
    with transaction.atomic():
        referral = _locked(referral_id, version)
        pathway.check(referral.status, "close", close_reason=close_reason)
        referral.close_reason = close_reason
        return _move(request, referral, "close", _user_of(request), note=note,
                     close_reason=close_reason, reason="direct care: referral closed")


# Outcomes --------------------------------------------------------------------------------------

#: instrument -> (number of items, lowest, highest)
ITEM_RANGES: dict[str, tuple[int, int, int]] = {
    Instrument.SWEMWBS: (7, 1, 5),
    Instrument.ONS4: (4, 0, 10),
    Instrument.UCLA3: (3, 1, 3),
}
ONS4_ITEMS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")


def check_items(instrument: str, items: list) -> list[int]:
    """Whole-number item scores in range, all present. Raises :class:`ReferralInvalid` with one
    message per bad item (``item_1`` ...)."""
    count, low, high = ITEM_RANGES[instrument]
    errors: dict[str, list[str]] = {}
    values: list[int] = []
    for number in range(1, count + 1):
        raw = items[number - 1] if number <= len(items) else None
        name = f"item_{number}"
        if raw is None or str(raw).strip() == "":
            errors[name] = [f"Item {number} is missing: enter a score from {low} to {high}."]
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            errors[name] = [f"Item {number} must be a whole number from {low} to {high}."]
            continue
        if not low <= value <= high:
            errors[name] = [f"Item {number} is {value}: scores go from {low} to {high}."]
            continue
        values.append(value)
    if errors:
        raise ReferralInvalid(errors)
    return values


def record_outcome(request, referral_id, version: int, *, instrument: str, timepoint: str,
                   items: list) -> OutcomeMeasure:
    """Check and save one instrument's item scores at a time point (baseline or follow-up)."""
    from rescomm import stats

    if instrument not in ITEM_RANGES:
        raise ReferralInvalid({"instrument": ["Choose SWEMWBS, ONS4 or UCLA-3."]})
    if timepoint not in Timepoint.values:
        raise ReferralInvalid({"timepoint": ["Choose baseline or follow-up."]})
    values = check_items(instrument, items)
    raw_total, score = None, None
    if instrument == Instrument.SWEMWBS:
        raw_total = int(stats.swemwbs_total(values))
        score = float(stats.swemwbs_metric(raw_total))
    elif instrument == Instrument.UCLA3:
        raw_total = int(stats.ucla3_total(values))
        score = float(raw_total)
    user = _user_of(request)
    with transaction.atomic():
        referral = _locked(referral_id, version)
        if referral.status in (Status.RECEIVED, Status.DECLINED):
            raise PathwayError("Outcome measures are recorded once the referral is accepted.")
        if OutcomeMeasure.objects.filter(referral=referral, instrument=instrument,
                                         timepoint=timepoint).exists():
            raise ReferralInvalid({"timepoint": [
                f"The {Timepoint(timepoint).label.lower()} {Instrument(instrument).name} is "
                "already recorded for this referral."]})
        outcome = OutcomeMeasure.objects.create(
            referral=referral, instrument=instrument, timepoint=timepoint, items=values,
            raw_total=raw_total, score=score, recorded_by=user,
        )
        referral.version += 1
        referral.save(update_fields=["version", "updated_at"])
        audit(request, "create", outcome, "direct care: outcome measure recorded")
        return outcome


def message_back(referral: Referral) -> dict:
    """The "message back to the referrer" summary, in the spirit of the PRSB Social Prescribing
    Information Standard (v1.1): person demographics, needs and concerns, support offered
    (activities referred to) and outcomes, plus the coded events."""
    from rescomm import stats

    outcomes = {}
    for measure in referral.outcomes.all():
        outcomes.setdefault(measure.instrument, {})[measure.timepoint] = measure
    lines = []
    swemwbs = outcomes.get(Instrument.SWEMWBS, {})
    if Timepoint.BASELINE in swemwbs and Timepoint.FOLLOW_UP in swemwbs:
        before = swemwbs[Timepoint.BASELINE].score
        after = swemwbs[Timepoint.FOLLOW_UP].score
        change = after - before
        verdict = (
            "a reliable improvement" if change >= stats.SWEMWBS_RELIABLE_CHANGE
            else "a reliable deterioration" if change <= -stats.SWEMWBS_RELIABLE_CHANGE
            else "no reliable change"
        )
        lines.append(f"SWEMWBS metric score {before:.2f} at baseline, {after:.2f} at follow-up "
                     f"({change:+.2f}; {verdict}, threshold {stats.SWEMWBS_RELIABLE_CHANGE}).")
    elif Timepoint.BASELINE in swemwbs:
        lines.append(f"SWEMWBS metric score {swemwbs[Timepoint.BASELINE].score:.2f} at "
                     "baseline; no follow-up yet.")
    ucla = outcomes.get(Instrument.UCLA3, {})
    for timepoint, measure in sorted(ucla.items()):
        lonely = "lonely" if measure.raw_total >= 6 else "not lonely"
        lines.append(f"UCLA-3 loneliness {measure.raw_total} ({lonely}) at "
                     f"{Timepoint(timepoint).label.lower()}.")
    return {
        "status": pathway.status_label(referral.status),
        "decline_reason": referral.get_decline_reason_display() if referral.decline_reason
        else "",
        "close_reason": referral.get_close_reason_display() if referral.close_reason else "",
        "needs": [need_label(code) for code in referral.needs],
        "support": [f"{o.service_name} ({o.provider}): {o.get_status_display().lower()}"
                    for o in referral.onward.select_related("provider")],
        "outcomes": lines,
        "codes": [(e.snomed_code, e.snomed_term, e.at) for e in referral.events.all()
                  if e.snomed_code],
    }



def code_list_version() -> str:
    return load_code_list()[0].version
