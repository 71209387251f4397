"""The message back to the referrer as a structured JSON document.

It follows the headings of the PRSB Social Prescribing Information Standard v1.1 (model
"Message back to GP and referrer"; owned by NHS England from 2026, OGL v3.0): person
demographics, referral details, needs and concerns, support offered (activities referred to),
outcomes, coded events, author and organisation, date. It is **not** a certified FHIR message
and has not been assessed for conformance; it carries the standard's content in a documented
shape, described by the JSON Schema shipped next to this module
(``message_back.schema.json``, draft 2020-12), which the tests validate every message against.

Codes: needs use rescomm's stable need codes; coded events carry their SNOMED CT concept id,
term and code-list version (``rescomm.data.codes``); outcome instruments use rescomm's
instrument codes (``swemwbs``, ``ons4``, ``ucla3``) with ``snomed_code`` null until a verified
SNOMED CT concept is added to the code list (none is invented here).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from django.utils import timezone

from rescomm import stats
from rescomm.data import need_label

from . import pathway
from .models import Instrument, OnwardReferral, Referral, Timepoint

SCHEMA_NAME = "message_back.schema.json"
SCHEMA_ID = "https://rescomm.example/schemas/prescribing/message_back/1.0.json"
MESSAGE_VERSION = "1.0"
STANDARD = {
    "name": "PRSB Social Prescribing Information Standard",
    "version": "1.1",
    "model": "Message back to GP and referrer",
    "conformance": "Follows the standard's headings; not a certified FHIR message.",
}
INSTRUMENT_CODE_SYSTEM = "rescomm-outcome-instrument"
NEED_CODE_SYSTEM = "rescomm-need"
ONS4_ITEMS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")


def load_schema() -> dict:
    """The JSON Schema of the message (shipped in the package)."""
    text = resources.files(__package__).joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
    return json.loads(text)


def _organisation(org) -> dict | None:
    if org is None:
        return None
    return {"name": org.name, "ods_code": org.ods_code or None, "kind": org.kind}


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _outcome(measure) -> dict:
    entry = {
        "instrument": {"code": measure.instrument, "code_system": INSTRUMENT_CODE_SYSTEM,
                       "name": Instrument(measure.instrument).label, "snomed_code": None},
        "timepoint": measure.timepoint,
        "recorded_at": measure.recorded_at.isoformat(),
        "raw_total": measure.raw_total,
        "score": measure.score,
        "score_type": {"swemwbs": "metric", "ucla3": "total", "ons4": "items"}[
            measure.instrument],
        "items": None,
    }
    if measure.instrument == Instrument.ONS4:
        entry["items"] = dict(zip(ONS4_ITEMS, measure.items, strict=True))
    return entry


def _swemwbs_change(measures) -> dict | None:
    by_time = {m.timepoint: m for m in measures if m.instrument == Instrument.SWEMWBS}
    if Timepoint.BASELINE not in by_time or Timepoint.FOLLOW_UP not in by_time:
        return None
    before, after = by_time[Timepoint.BASELINE].score, by_time[Timepoint.FOLLOW_UP].score
    change = after - before
    threshold = stats.SWEMWBS_RELIABLE_CHANGE
    verdict = ("improved" if change >= threshold else "deteriorated" if change <= -threshold
               else "no_reliable_change")
    return {"baseline": before, "follow_up": after, "change": round(change, 2),
            "reliable_change_threshold": threshold, "verdict": verdict}


def structured_message(referral: Referral, *, now: dt.datetime | None = None) -> dict:
    """The message back to the referrer for ``referral`` as a JSON-ready dict (see the module
    docstring and ``message_back.schema.json``). Read-only; the caller audits the view."""
    now = now or timezone.now()
    measures = list(referral.outcomes.all())
    events = list(referral.events.all())
    onward = referral.onward.select_related("provider").order_by("sent_at", "id")
    plan = getattr(referral, "plan", None)
    author = referral.assigned_to
    return {
        "message_type": "social_prescribing_message_back",
        "message_version": MESSAGE_VERSION,
        "schema": SCHEMA_ID,
        "standard": STANDARD,
        "date": now.isoformat(),
        "is_synthetic": referral.is_synthetic,
        "person": {
            "nhs_number": referral.nhs_number or None,
            "given_name": referral.given_name,
            "family_name": referral.family_name,
            "date_of_birth": referral.date_of_birth.isoformat(),
            "postcode": referral.postcode or None,
            "lsoa21_code": referral.lsoa21_code or None,
            "anonymised": referral.anonymised_at is not None,
        },
        "referral": {
            "id": str(referral.id),
            "reference": referral.reference,
            "received_at": referral.created_at.isoformat(),
            "referrer_profession": referral.referrer_profession,
            "referrer_organisation": _organisation(referral.referrer_organisation),
            "status": {"code": referral.status, "label": pathway.status_label(referral.status)},
            "decline_reason": {"code": referral.decline_reason,
                               "label": referral.get_decline_reason_display()}
            if referral.decline_reason else None,
            "close_reason": {"code": referral.close_reason,
                             "label": referral.get_close_reason_display()}
            if referral.close_reason else None,
        },
        "needs": [{"code": code, "code_system": NEED_CODE_SYSTEM, "label": need_label(code)}
                  for code in referral.needs],
        "support_offered": {
            "what_matters": plan.what_matters if plan else None,
            "goals": [{"description": g.description, "achieved": g.achieved}
                      for g in plan.goals.all()] if plan else [],
            "services": [{
                "service": o.service_name, "provider": _organisation(o.provider),
                "status": o.status,
                "status_label": OnwardReferral.Status(o.status).label,
                "sent_at": _iso(o.sent_at), "responded_at": _iso(o.responded_at),
                "started_at": _iso(o.started_at),
            } for o in onward],
        },
        "outcomes": {
            "measures": [_outcome(m) for m in measures],
            "swemwbs_change": _swemwbs_change(measures),
        },
        "coded_events": [{
            "snomed_code": e.snomed_code, "term": e.snomed_term,
            "code_system": "http://snomed.info/sct",
            "code_list_version": e.code_list_version, "at": e.at.isoformat(),
            "status": e.to_status,
        } for e in events if e.snomed_code],
        "author": {
            "name": (author.display_name or author.username) if author else None,
            "role": "Social prescribing link worker" if author else None,
            "organisation": _organisation(referral.scheme),
        },
        "recipient": {
            "name": (referral.referrer.display_name or referral.referrer.username)
            if referral.referrer else None,
            "organisation": _organisation(referral.referrer_organisation),
        },
    }
