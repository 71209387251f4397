"""Referrals API: ``POST /api/referrals`` and ``GET /api/referrals/{id}``.

Mounted by ``rescomm.web.core.api`` with ``api.add_router("/referrals", ...)``. Validation is the
same function the referral form uses (:func:`.services.validate_referral`), so the API and the
page refuse the same input with the same messages, in the project's error shape.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from rescomm.data import need_label
from rescomm.web.accounts.public import Role, RoleAuth
from rescomm.web.core.errors import ApiError
from rescomm.web.core.schemas import errors

from . import services
from .pathway import status_label

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


class ReferralIn(Schema):
    nhs_number: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None
    postcode: str | None = None
    needs: list[str] | None = None
    consent_to_share: bool | None = None
    notes: str | None = None
    phone: str | None = None
    email: str | None = None
    contact_preference: str | None = None
    interpreter_language: str | None = None
    risk_flag: bool | None = None
    safeguarding_concern: bool | None = None


class DuplicateOut(Schema):
    """Another open referral with the same NHS number in the same scheme. ``status``,
    ``status_label`` and ``url`` are null unless the caller may read it."""

    reference: str
    received_at: dt.datetime
    status_label: str | None
    url: str | None


class ReferralCreated(Schema):
    id: uuid.UUID
    reference: str
    status: str
    is_synthetic: bool
    created_at: dt.datetime
    possible_duplicates: list[DuplicateOut]


class NeedOut(Schema):
    code: str
    label: str


class EventOut(Schema):
    to_status: str
    label: str
    at: dt.datetime
    snomed_code: str


class SummaryOut(Schema):
    status: str
    decline_reason: str
    close_reason: str
    needs: list[str]
    support: list[str]
    outcomes: list[str]
    codes: list[tuple[str, str, dt.datetime]]


class ReferralOut(Schema):
    id: uuid.UUID
    reference: str
    is_synthetic: bool
    status: str
    status_label: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    nhs_number: str
    postcode: str
    lsoa21_code: str
    imd_decile: int | None
    needs: list[NeedOut]
    notes: str
    consent_to_share: bool
    consent_recorded_at: dt.datetime | None
    referrer_profession: str
    scheme: str
    created_at: dt.datetime
    events: list[EventOut]
    summary: SummaryOut
    possible_duplicates: list[DuplicateOut]


def _duplicates(request: HttpRequest, referral) -> list[dict]:
    return [{"reference": d.reference, "received_at": d.received_at,
             "status_label": d.status_label, "url": d.api_url}
            for d in services.notices(referral, services.opener(request))]


def _created(request: HttpRequest, referral) -> dict:
    return {
        "id": referral.id, "reference": referral.reference, "status": referral.status,
        "is_synthetic": referral.is_synthetic, "created_at": referral.created_at,
        "possible_duplicates": _duplicates(request, referral),
    }


def create(request: HttpRequest, response: HttpResponse, payload: ReferralIn):
    """Refer a person to social prescribing. Send an ``Idempotency-Key`` header (up to 100
    letters, digits, ``_.:-``): the same key again returns the same referral, never a second.

    If the person (the same NHS number) already has an open referral at the scheme, the
    referral is still made (201) and ``possible_duplicates`` lists the others: reference and
    date received always; status and ``url`` only for those you may read. Empty otherwise."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if key and not IDEMPOTENCY_KEY.match(key):
        raise ApiError(400, "invalid_request", "Some parameters are not valid.", {
            "Idempotency-Key": ["Use up to 100 letters, digits, '_', '.', ':' or '-'."]})
    data = payload.dict()
    try:
        clean = services.validate_referral(data)
        referral, created = services.create_referral(
            request, request.user, clean, idempotency_key=key,
            fingerprint=services.request_fingerprint(data) if key else "",
        )
    except services.ReferralInvalid as exc:
        raise ApiError(400, "invalid_request", "Some fields are not valid.", exc.fields) from None
    except services.IdempotencyConflict as exc:
        raise ApiError(409, "idempotency_key_reused", str(exc)) from None
    if not created:
        response["Idempotent-Replayed"] = "true"
    response["Location"] = f"/api/referrals/{referral.id}"
    return Status(201, _created(request, referral))


def read(request: HttpRequest, referral_id: str):
    """One referral: for the referrer who made it and the link workers of its scheme; 404 for
    anyone else (the answer never says whether the referral exists)."""
    referral = services.get_referral(request.user, referral_id)
    role = Role.REFERRER if referral.referrer_id == request.user.pk else Role.LINK_WORKER
    request.acting_role = role
    services.record_view(request, referral, "direct care: referral read through the API")
    return Status(200, {
        **{name: getattr(referral, name) for name in (
            "id", "reference", "is_synthetic", "status", "given_name", "family_name",
            "date_of_birth", "nhs_number", "postcode", "lsoa21_code", "imd_decile", "notes",
            "consent_to_share", "consent_recorded_at", "referrer_profession", "created_at")},
        "status_label": status_label(referral.status),
        "needs": [{"code": code, "label": need_label(code)} for code in referral.needs],
        "scheme": referral.scheme.name,
        "summary": services.message_back(referral),
        "events": [
            {"to_status": e.to_status, "label": status_label(e.to_status), "at": e.at,
             "snomed_code": e.snomed_code}
            for e in referral.events.all()
        ],
        "possible_duplicates": _duplicates(request, referral),
    })


def message(request: HttpRequest, referral_id: str):
    """The message back to the referrer as a structured JSON document, following the headings
    of the PRSB Social Prescribing Information Standard v1.1 (not a certified FHIR message;
    JSON Schema: ``rescomm/web/prescribing/message_back.schema.json``). Same permissions as
    the referral: 404 for anyone who may not read it."""
    from .message import structured_message

    referral = services.get_referral(request.user, referral_id)
    role = Role.REFERRER if referral.referrer_id == request.user.pk else Role.LINK_WORKER
    request.acting_role = role
    services.record_view(request, referral, "direct care: message back read through the API")
    return Status(200, structured_message(referral))


def build_router() -> Router:
    """A new router with the referral operations (a router belongs to one API only)."""
    router = Router(tags=["referrals"])
    router.add_api_operation(
        "", ["POST"], create, auth=RoleAuth(Role.REFERRER),
        response={201: ReferralCreated, **errors(400, 401, 403, 409)},
        url_name="referral_create", summary="Refer a person to social prescribing",
    )
    router.add_api_operation(
        "/{referral_id}", ["GET"], read, auth=RoleAuth(),
        response={200: ReferralOut, **errors(401, 404)},
        url_name="referral_detail", summary="Read a referral",
    )
    router.add_api_operation(
        "/{referral_id}/message", ["GET"], message, auth=RoleAuth(),
        response={200: dict, **errors(401, 404)},
        url_name="referral_message",
        summary="The message back to the referrer (PRSB headings, JSON)",
    )
    return router


router = build_router()
