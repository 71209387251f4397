"""Service-level agreements: checked, saved with optimistic locking, audited.

Service managers keep the agreements of the schemes they manage. :func:`validate_agreement`
checks form input and names every bad field at once (never writes); :func:`save_agreement`
creates or changes one in a transaction, refuses a stale edit, and writes an audit event
listing the fields that changed (targets and dates only: agreements hold no personal data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from rescomm.web.accounts.public import (
    Organisation,
    OrganisationKind,
    Role,
    audit,
    organisations_for,
)

from .errors import ReferralInvalid, StaleEditError
from .models import ServiceAgreement

Party = ServiceAgreement.Party

#: Time targets: field -> (label, applies to). Whole days, 1 to 365.
DAY_TARGETS: dict[str, tuple[str, str]] = {
    "decision_days": ("Days to accept or decline the referral", Party.REFERRERS),
    "first_contact_days": ("Days to the first contact attempt", Party.REFERRERS),
    "first_conversation_days": ("Days to the first conversation", Party.REFERRERS),
    "provider_response_days": ("Days for the provider to accept or decline",
                               Party.PROVIDER),
}
#: Outcome completeness targets: field -> label. Percent, 0 to 100.
PERCENT_TARGETS: dict[str, str] = {
    "baseline_percent": "People with a baseline SWEMWBS (% of first conversations)",
    "follow_up_percent": "People with a follow-up SWEMWBS (% of first conversations)",
}
MAX_DAYS = 365
#: Form fields in page order (the error summary follows it).
FIELD_ORDER = ("scheme", "party_kind", "party", "name", "valid_from", "valid_to",
               *DAY_TARGETS, *PERCENT_TARGETS)


def managed_schemes(user) -> QuerySet[Organisation]:
    """The social prescribing schemes where ``user`` is a service manager."""
    return organisations_for(user, Role.SERVICE_MANAGER).filter(
        kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME)


def agreements_for(user) -> QuerySet[ServiceAgreement]:
    return ServiceAgreement.objects.filter(scheme__in=managed_schemes(user)).select_related(
        "scheme", "party")


def get_agreement(user, agreement_id) -> ServiceAgreement:
    """The agreement if ``user`` manages its scheme; ``Http404`` otherwise."""
    try:
        return agreements_for(user).get(pk=int(agreement_id))
    except (ServiceAgreement.DoesNotExist, ValueError, TypeError):
        raise Http404("No agreement with this id.") from None


def party_choices(user) -> QuerySet[Organisation]:
    """Organisations an agreement may be with: any but a scheme, demo ones for demo users."""
    return Organisation.objects.exclude(kind=OrganisationKind.SOCIAL_PRESCRIBING_SCHEME).filter(
        is_demo=user.is_demo)


@dataclass(frozen=True)
class CleanAgreement:
    scheme: Organisation
    party_kind: str
    party: Organisation
    name: str
    valid_from: dt.date
    valid_to: dt.date | None
    targets: dict[str, int | None]


def _date(raw: str, field: str, errors: dict, *, required: bool) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        if required:
            errors[field] = ["Enter the date the agreement starts, as YYYY-MM-DD."]
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[field] = [
            f"Enter the date as YYYY-MM-DD, for example 2026-04-01 (not {raw[:20]!r})."]
        return None


def _whole(raw: str, field: str, errors: dict, low: int, high: int, unit: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[field] = [f"Enter a whole number of {unit} from {low} to {high}, or leave it empty."]
        return None
    if not low <= value <= high:
        errors[field] = [f"{value} is out of range: enter {unit} from {low} to {high}."]
        return None
    return value


def validate_agreement(data, user, *, instance: ServiceAgreement | None = None) -> CleanAgreement:
    """Check agreement input; raises :class:`ReferralInvalid` naming every bad field.

    Rules: the scheme is one ``user`` manages; a provider agreement is with a voluntary or
    community organisation and sets the provider response time only; a referrer agreement is
    with any other organisation and sets at least one referral target (not the provider
    response time); days are whole numbers 1 to 365, percentages 0 to 100; ``valid_to`` is on
    or after ``valid_from``; two agreements between the same scheme and organisation may not
    overlap in time.
    """
    errors: dict[str, list[str]] = {}
    get = data.get
    scheme_id = str(get("scheme", "") or "").strip()
    scheme = managed_schemes(user).filter(pk=scheme_id if scheme_id.isdigit() else None).first()
    if scheme is None:
        errors["scheme"] = ["Choose a scheme you manage."]
    kind = str(get("party_kind", "") or "")
    if kind not in Party.values:
        errors["party_kind"] = ["Choose who the agreement is with: referrers or a provider."]
    party_id = str(get("party", "") or "").strip()
    party = party_choices(user).filter(pk=party_id if party_id.isdigit() else None).first()
    if party is None:
        errors["party"] = ["Choose the organisation the agreement is with."]
    elif kind == Party.PROVIDER and party.kind != OrganisationKind.VOLUNTARY_ORGANISATION:
        errors["party"] = [f"{party} is not a voluntary or community organisation: choose a "
                           "provider, or make this a referrer agreement."]
    elif kind == Party.REFERRERS and party.kind == OrganisationKind.VOLUNTARY_ORGANISATION:
        errors["party"] = [f"{party} is a provider: make this a provider agreement."]
    name = str(get("name", "") or "").strip()[:200]
    if not name:
        errors["name"] = ["Enter a name for the agreement, for example 'Practices 2026/27'."]
    valid_from = _date(get("valid_from", ""), "valid_from", errors, required=True)
    valid_to = _date(get("valid_to", ""), "valid_to", errors, required=False)
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = [f"The end date must be on or after the start date ({valid_from})."]

    targets: dict[str, int | None] = {}
    for field, (label, applies_to) in DAY_TARGETS.items():
        targets[field] = _whole(get(field, ""), field, errors, 1, MAX_DAYS, "days")
        if targets[field] is not None and kind in Party.values and kind != applies_to:
            errors[field] = [f"{label}: not part of a {Party(kind).name.lower()} agreement; "
                             "leave it empty."]
    for field in PERCENT_TARGETS:
        targets[field] = _whole(get(field, ""), field, errors, 0, 100, "percent")
        if targets[field] is not None and kind == Party.PROVIDER:
            errors[field] = ["Outcome targets belong in referrer agreements; leave it empty."]
    if kind == Party.PROVIDER and targets["provider_response_days"] is None \
            and "provider_response_days" not in errors:
        errors["provider_response_days"] = ["Enter the days the provider has to answer."]
    if kind == Party.REFERRERS and not errors.keys() & set(targets) and not any(
            targets[f] is not None for f in targets if f != "provider_response_days"):
        errors["decision_days"] = ["Set at least one target."]

    if not errors and scheme and party and valid_from:
        overlapping = ServiceAgreement.objects.filter(scheme=scheme, party=party).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        if valid_to:
            overlapping = overlapping.filter(valid_from__lte=valid_to)
        if instance is not None:
            overlapping = overlapping.exclude(pk=instance.pk)
        clash = overlapping.first()
        if clash is not None:
            until = clash.valid_to.isoformat() if clash.valid_to else "open-ended"
            errors["valid_from"] = [
                f"'{clash.name}' already covers {party} from {clash.valid_from} ({until}): end "
                "it before this one starts, or change the dates."]
    if errors:
        raise ReferralInvalid(errors)
    return CleanAgreement(scheme=scheme, party_kind=kind, party=party, name=name,
                          valid_from=valid_from, valid_to=valid_to, targets=targets)


def _values(agreement: ServiceAgreement) -> dict[str, str]:
    fields = ("scheme_id", "party_kind", "party_id", "name", "valid_from", "valid_to",
              *DAY_TARGETS, *PERCENT_TARGETS)
    return {f: "" if getattr(agreement, f) is None else str(getattr(agreement, f))
            for f in fields}


def save_agreement(request, clean: CleanAgreement, *, agreement_id: int | None = None,
                   version: int | None = None) -> ServiceAgreement:
    """Create (``agreement_id`` None) or change an agreement; audited with the changed fields.

    Raises
    ------
    StaleEditError
        Someone changed the agreement after ``version`` was read; nothing is written.
    """
    user = getattr(request, "user", request)
    with transaction.atomic():
        if agreement_id is None:
            agreement = ServiceAgreement(created_by=user)
            before: dict[str, str] = {}
        else:
            agreement = ServiceAgreement.objects.select_for_update().get(pk=agreement_id)
            if version is None or int(version) != agreement.version:
                raise StaleEditError(
                    f"Someone else changed this agreement after you opened it (you saw version "
                    f"{version}, it is now version {agreement.version}). Their change is kept "
                    "and yours was not saved: reload the page, check, and make your change "
                    "again.")
            before = _values(agreement)
            agreement.version += 1
        agreement.scheme, agreement.party_kind, agreement.party = (
            clean.scheme, clean.party_kind, clean.party)
        agreement.name, agreement.valid_from, agreement.valid_to = (
            clean.name, clean.valid_from, clean.valid_to)
        for field, value in clean.targets.items():
            setattr(agreement, field, value)
        agreement.updated_by = user
        agreement.save()
        after = _values(agreement)
        if agreement_id is None:
            audit(request, "create", agreement, "service-level agreement created",
                  role=Role.SERVICE_MANAGER)
        else:
            changed = [f"{f} {before[f] or '-'} -> {after[f] or '-'}" for f in after
                       if before[f] != after[f]]
            audit(request, "update", agreement,
                  ("service-level agreement changed: " + "; ".join(changed))[:500]
                  if changed else "service-level agreement saved unchanged",
                  role=Role.SERVICE_MANAGER)
    return agreement
