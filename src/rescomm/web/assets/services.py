"""State changes for community assets: each one atomic, versioned and audited.

``actor`` is what :func:`rescomm.web.accounts.audit.audit` accepts: a request (its signed-in user
is recorded), a user, or ``None`` for the system (command line, demo load).
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from rescomm.web.accounts.public import audit

from . import documents, notify
from .models import (
    AssetStatus,
    Attribute,
    ProblemReport,
    Service,
    Taxonomy,
    TaxonomyTerm,
    Version,
)

TAXONOMY_FILE = Path(__file__).with_name("taxonomies.json")
CAPITALS = "community_capitals"
NEEDS = "social_prescribing_needs"


@cache
def shipped_taxonomies() -> dict:
    """The shipped taxonomies (``taxonomies.json``) with their stable UUIDs filled in."""
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    namespace = uuid.UUID(data["namespace"])
    for taxonomy in data["taxonomies"]:
        taxonomy["id"] = uuid.uuid5(namespace, taxonomy["code"])
        for term in taxonomy["terms"]:
            term["id"] = uuid.uuid5(namespace, f"{taxonomy['code']}:{term['code']}")
    return data


def term_codes(taxonomy_code: str) -> tuple[str, ...]:
    """Codes of the terms of a shipped taxonomy, in their shipped order."""
    for taxonomy in shipped_taxonomies()["taxonomies"]:
        if taxonomy["code"] == taxonomy_code:
            return tuple(term["code"] for term in taxonomy["terms"])
    raise KeyError(taxonomy_code)


def ensure_taxonomies() -> dict[tuple[str, str], TaxonomyTerm]:
    """Create or update the shipped taxonomies; return ``{(taxonomy code, term code): term}``."""
    terms: dict[tuple[str, str], TaxonomyTerm] = {}
    before = {t.id: (t.taxonomy.name, t.code, t.name, t.description)
              for t in TaxonomyTerm.objects.select_related("taxonomy")}
    with transaction.atomic():
        for spec in shipped_taxonomies()["taxonomies"]:
            taxonomy, _ = Taxonomy.objects.update_or_create(
                id=spec["id"],
                defaults={k: spec[k] for k in ("code", "name", "description", "uri", "version")},
            )
            for t in spec["terms"]:
                term, _ = TaxonomyTerm.objects.update_or_create(
                    id=t["id"],
                    defaults={"taxonomy": taxonomy, "code": t["code"], "name": t["name"],
                              "description": t["description"]},
                )
                terms[(spec["code"], t["code"])] = term
        changed = [t.id for t in terms.values() if t.id in before
                   and before[t.id] != (t.taxonomy.name, t.code, t.name, t.description)]
        if changed:  # a renamed term appears in the documents of the services tagged with it
            documents.refresh(Attribute.objects.filter(taxonomy_term_id__in=changed)
                              .values_list("service_id", flat=True))
    return terms


def actor_user(actor):
    """The user behind ``actor`` (request, user or None), or None."""
    if isinstance(actor, HttpRequest):
        user = getattr(actor, "user", None)
        return user if user is not None and user.is_authenticated else None
    return actor


def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def _prefetched(obj, relation: str) -> bool:
    return relation in getattr(obj, "_prefetched_objects_cache", {})


def snapshot(service: Service) -> dict:
    """Everything editable about an asset as plain JSON, in the importer's record shape (kept
    in each :class:`Version`; :func:`revert` writes it back through the importer)."""
    # A service read with oruk.with_relations (the export) costs no query here; otherwise a
    # few. The first link and address are those with the lowest id either way.
    if _prefetched(service, "service_at_locations"):
        sal = min(service.service_at_locations.all(), key=lambda x: x.pk, default=None)
    else:
        sal = service.service_at_locations.select_related("location").order_by("pk").first()
    loc = sal.location if sal is not None else None
    address = min(loc.addresses.all(), key=lambda x: x.pk, default=None) if loc else None
    if _prefetched(service, "attributes"):
        terms = sorted((a.taxonomy_term for a in service.attributes.all()),
                       key=lambda t: (t.taxonomy.code, t.code))
    else:
        terms = list(service.terms.select_related("taxonomy").order_by("taxonomy__code", "code"))
    org = service.organization
    return {
        "source_id": service.source_id or "",
        "name": service.name,
        "description": service.description,
        "category": service.category,
        "asset_kind": service.asset_kind,
        "asset_status": service.asset_status,
        "capitals": [t.code for t in terms if t.taxonomy.code == CAPITALS],
        "needs": [t.code for t in terms if t.taxonomy.code == NEEDS],
        "address": address.address_1 if address else "",
        "city": address.city if address else "",
        "postcode": address.postal_code if address else "",
        "phone": next((p.number for p in service.phones.all()), ""),
        "email": service.email,
        "url": service.url,
        "latitude": loc.latitude if loc else None,
        "longitude": loc.longitude if loc else None,
        "easting": loc.easting if loc else None,
        "northing": loc.northing if loc else None,
        "lsoa21_code": loc.lsoa21_code if loc else "",
        "lad_code": loc.lad_code if loc else "",
        "transportation": loc.transportation if loc else "",
        "accessibility": [a.description for a in loc.accessibility.all()] if loc else [],
        "opening_times": [
            {"byday": s.byday, "opens_at": _time(s.opens_at), "closes_at": _time(s.closes_at)}
            for s in service.schedules.all()
        ],
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "review_due": service.review_due.isoformat() if service.review_due else None,
        "organization": org.name if org else "",
        "organization_id": (org.source_id or "") if org else "",
        "source": service.source,
        "licence": service.licence,
        "attribution": service.attribution,
        "hide_exact_location": service.hide_exact_location,
        "is_example": service.is_example,
    }


def record_version(service: Service, *, actor, action: str, reason: str = "") -> Version:
    """Append the next :class:`Version` of ``service`` (call inside the change's transaction)."""
    last = service.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return Version.objects.create(
        service=service, number=last + 1, action=action, actor=actor_user(actor),
        reason=reason[:500], snapshot=snapshot(service),
    )


def set_terms(service: Service, taxonomy_code: str, codes, terms=None) -> None:
    """Replace the service's terms of one taxonomy with ``codes``."""
    terms = terms or ensure_taxonomies()
    Attribute.objects.filter(service=service, taxonomy_term__taxonomy__code=taxonomy_code).delete()
    Attribute.objects.bulk_create(
        [Attribute(service=service, taxonomy_term=terms[(taxonomy_code, c)]) for c in codes]
    )


def set_status(service: Service, status: str, *, actor, reason: str) -> Service:
    """Publish, hide, close, ... an asset (a new version and an audit event)."""
    if status not in AssetStatus.values:
        raise ValueError(f"unknown status {status!r}; choose from {AssetStatus.values}")
    with transaction.atomic():
        service.asset_status = status
        service.save(update_fields=["asset_status", "last_modified"])
        documents.refresh([service.id])
        record_version(service, actor=actor, action=f"status_{status}", reason=reason)
        audit(actor, "update", service, reason=f"status {status}: {reason}"[:500])
    return service


def mark_verified(service: Service, *, actor, review_in_days: int = 365) -> Service:
    """Record that someone checked the asset is still correct; the next review is due later."""
    now = timezone.now()
    with transaction.atomic():
        service.verified_at = now
        service.verified_by = actor_user(actor)
        service.review_due = (now + timezone.timedelta(days=review_in_days)).date()
        service.save(update_fields=["verified_at", "verified_by", "review_due", "last_modified"])
        documents.refresh([service.id])
        record_version(service, actor=actor, action="verify", reason="still correct")
        audit(actor, "update", service, reason="verified as still correct")
    return service


def revert(service: Service, number: int, *, actor, reason: str) -> Version:
    """Bring an asset back to version ``number``: the result is a new version, history is kept."""
    from .importer import apply_record  # the importer knows how to write a snapshot back

    old = service.versions.get(number=number)
    with transaction.atomic():
        apply_record(service, dict(old.snapshot), terms=ensure_taxonomies())
        version = record_version(
            service, actor=actor, action="revert", reason=f"revert to version {number}: {reason}"
        )
        audit(actor, "update", service, reason=f"reverted to version {number}: {reason}"[:500])
    return version


def report_problem(service: Service, *, kind: str, details: str, email: str = "",
                   request: HttpRequest | None = None) -> ProblemReport:
    """Save a public problem report about a published asset (audited, no personal data kept in
    the audit event)."""
    from rescomm.web.accounts.public import client_ip

    with transaction.atomic():
        report = ProblemReport.objects.create(
            service=service, kind=kind, details=details, email=email,
            ip_address=client_ip(request),
        )
        audit(request, "create", report, reason=f"problem report ({kind})")
        transaction.on_commit(lambda: _route_report(report))
    return report


def moderator_emails() -> list[str]:
    """E-mail addresses of active moderators (the accounts app's memberships)."""
    from rescomm.web.accounts.public import Membership, Role

    return sorted(set(
        Membership.objects.filter(role=Role.MODERATOR, active=True, user__is_active=True)
        .exclude(user__email="").values_list("user__email", flat=True)))


def _route_report(report: ProblemReport) -> None:
    """E-mail a problem report to the asset's owner and to the moderators (Django's backend)."""
    from django.core.mail import send_mail

    service = report.service
    to = sorted({*(a for a in (service.assurer_email, service.email) if a),
                 *moderator_emails()})
    if not to:
        return
    body = (f"Someone reported a problem with '{service.name}' on the community asset map.\n\n"
            f"What is wrong: {report.get_kind_display()}\n\n{report.details}\n\n"
            f"Reply to: {report.email or 'no address given'}\n")
    send_mail(f"Problem reported: {service.name}", body, None, to, fail_silently=True)


__all__ = [
    "CAPITALS",
    "NEEDS",
    "ensure_taxonomies",
    "mark_verified",
    "record_version",
    "report_problem",
    "revert",
    "set_status",
    "set_terms",
    "shipped_taxonomies",
    "snapshot",
    "term_codes",
]


# Review cycle ----------------------------------------------------------------------------------

#: How long a "still correct" link works.
CONFIRM_MAX_AGE = 60 * 24 * 3600
_SALT = "rescomm.assets.still-correct"


def confirm_token(service: Service) -> str:
    """A signed token for the one-click "still correct" link of ``service`` (60 days)."""
    from django.core import signing

    return signing.TimestampSigner(salt=_SALT).sign(str(service.id)).split(":", 1)[1]


def check_confirm_token(service: Service, token: str) -> bool:
    from django.core import signing

    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(f"{service.id}:{token}",
                                                           max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return False
    return value == str(service.id)


def due_for_review(*, within_days: int = 14, today=None):
    """Published assets whose review is due within ``within_days`` (or overdue), soonest first."""
    today = today or timezone.localdate()
    limit = today + timezone.timedelta(days=within_days)
    return Service.objects.filter(asset_status=AssetStatus.PUBLISHED,
                                  review_due__lte=limit).order_by("review_due", "name")


def hide_overdue(*, grace_days: int, today=None, dry_run: bool = False) -> list[Service]:
    """Hide published assets whose review is more than ``grace_days`` overdue (each a version
    and an audit event); they come back when someone checks and republishes them."""
    today = today or timezone.localdate()
    cutoff = today - timezone.timedelta(days=grace_days)
    stale = list(Service.objects.filter(asset_status=AssetStatus.PUBLISHED,
                                        review_due__lt=cutoff))
    if not dry_run:
        for service in stale:
            set_status(service, AssetStatus.HIDDEN, actor=None,
                       reason=f"review overdue since {service.review_due:%Y-%m-%d} "
                              f"(more than {grace_days} days)")
    return stale


def send_review_reminders(*, base_url: str, within_days: int = 14, today=None,
                          dry_run: bool = False) -> dict:
    """E-mail each due asset's owner (``assurer_email``, else the asset's ``email``) a reminder
    with a one-click "still correct" link, through Django's e-mail backend.

    An owner is reminded once before the review date and once after it (each send is a
    :class:`.models.Notification`); a reminder sent before is not sent again and is counted in
    neither ``sent`` nor ``no_address``.

    Returns counts: ``due``, ``overdue``, ``sent``, ``no_address``.
    """
    from django.urls import reverse

    from .models import Notification

    today = today or timezone.localdate()
    counts = {"due": 0, "overdue": 0, "sent": 0, "no_address": 0}
    for service in due_for_review(within_days=within_days, today=today):
        counts["due"] += 1
        overdue = service.review_due < today
        counts["overdue"] += overdue
        to = service.assurer_email or service.email
        if not to:
            counts["no_address"] += 1
            continue
        # once before the date and once after it, per review date
        key = (f"reminder:{service.id}:{service.review_due:%Y-%m-%d}:"
               f"{'overdue' if overdue else 'due'}")
        if notify.already_sent(key):
            continue
        link = base_url.rstrip("/") + reverse(
            "assets:still-correct", args=[service.id, confirm_token(service)])
        when = "was due on" if overdue else "is due on"
        body = (f"The check of '{service.name}' on the community asset map {when} "
                f"{service.review_due:%d %B %Y}.\n\nIf the details are still correct, confirm "
                f"with one click:\n{link}\n\nIf something has changed, reply to this e-mail or "
                "use 'Report a problem' on the asset's page.\n")
        if not dry_run and not notify.send_once(
                kind=Notification.Kind.REVIEW_REMINDER, keys=[key],
                subject=f"Please check: {service.name}", body=body, to=[to],
                services=[service]):
            continue
        counts["sent"] += 1
    if not dry_run:
        audit(None, "review_reminders_sent", object_type="assets.service",
              reason=f"review reminders: {counts['sent']} sent, {counts['due']} due")
    return counts


# Suggestions and moderation ---------------------------------------------------------------------

#: Fields a suggestion may propose (the rest, such as status and source, are the moderators').
SUGGESTIBLE = ("name", "description", "category", "asset_kind", "capitals", "needs", "address",
               "city", "postcode", "phone", "email", "url", "opening_times", "accessibility",
               "transportation")


def suggest(*, proposed: dict, service: Service | None = None, note: str = "",
            submitter_email: str = "", request: HttpRequest | None = None):
    """Save a suggested new asset (``service`` None) or edit, pending moderation; audited."""
    from rescomm.web.accounts.public import client_ip

    from .models import Suggestion

    user = actor_user(request)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            service=service, proposed={k: proposed[k] for k in SUGGESTIBLE if k in proposed},
            note=note, submitter_email=submitter_email, submitted_by=user,
            ip_address=client_ip(request),
        )
        audit(request, "create", suggestion,
              reason="suggested edit" if service else "suggested new asset")
    return suggestion


def suggestion_diff(suggestion) -> list[dict]:
    """``[{"field", "before", "after"}]`` for every field the suggestion would change."""
    current = snapshot(suggestion.service) if suggestion.service_id else {}
    rows = []
    for key in SUGGESTIBLE:
        if key not in suggestion.proposed:
            continue
        before, after = current.get(key), suggestion.proposed[key]
        if (before or None) != (after or None):
            rows.append({"field": key, "before": before, "after": after})
    return rows


class SuggestionNotApplicable(ValueError):
    """Approving would store an invalid asset: ``problems`` lists ``(field, message)``. Nothing
    was changed; the suggestion stays pending (reject it or ask for changes instead)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))


def _checked(record: dict, proposed: dict) -> dict:
    """``record`` re-checked with the importer's current rules (a suggestion may have been
    stored before a rule, e.g. a free-text category before categories were made slugs): the
    clean category, or :class:`SuggestionNotApplicable` naming each proposed field at fault."""
    from .importer import normalise_record

    clean, problems = normalise_record(record, source=record["source"])
    problems = [(f, m) for f, m in problems if f in proposed or f == "record"]
    if problems:
        raise SuggestionNotApplicable(problems)
    return {**record, "category": clean["category"]}


def decide(suggestion, decision: str, *, actor, reason: str = ""):
    """Approve, reject or ask for changes to a pending suggestion (a moderator's decision).

    Approving a new asset publishes it (source "Community suggestion"); approving an edit
    applies it as a new version. Rejections and requests for changes need a reason. Audited.

    Raises :class:`SuggestionNotApplicable` (nothing changed, still pending) when the approved
    suggestion would not be a valid asset under the importer's rules; ``ValueError`` for an
    unknown decision, a missing reason or a suggestion already decided.
    """
    from .importer import apply_record
    from .models import Suggestion

    if decision not in ("approved", "rejected", "changes_requested"):
        raise ValueError(f"unknown decision {decision!r}")
    if decision != "approved" and not reason.strip():
        raise ValueError("say why: the reason is sent to the person who suggested it")
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != Suggestion.Status.PENDING:
            raise ValueError(f"this suggestion was already decided ({suggestion.status})")
        if decision == "approved":
            terms = ensure_taxonomies()
            if suggestion.service_id is None:
                record = {
                    **{k: None for k in ("latitude", "longitude", "easting", "northing",
                                         "minimum_age", "maximum_age", "review_due")},
                    **suggestion.proposed,
                    "source_id": f"suggestion:{suggestion.id}",
                    "asset_status": AssetStatus.PUBLISHED, "source": "Community suggestion",
                    "licence": "", "attribution": "", "organization": "",
                    "organization_id": "", "hide_exact_location": False, "is_example": False,
                    "lsoa21_code": "", "lad_code": "",
                }
                record.update(_place_of(record))
                record = _checked(record, suggestion.proposed)
                service = _apply(apply_record, Service(), record, terms)
                suggestion.service = service
            else:
                service = suggestion.service
                record = {**snapshot(service), **suggestion.proposed}
                if suggestion.proposed.get("postcode") != snapshot(service)["postcode"]:
                    record.update(_place_of(record))
                record = _checked(record, suggestion.proposed)
                _apply(apply_record, service, record, terms)
            record_version(service, actor=actor, action="suggestion_approved",
                           reason=(reason or f"suggestion {suggestion.id}")[:500])
        suggestion.status = decision
        suggestion.decided_by = actor_user(actor)
        suggestion.decided_at = timezone.now()
        suggestion.decision_reason = reason[:500]
        suggestion.save()
        audit(actor, "update", suggestion, reason=f"{decision}: {reason}"[:500])
        base_url = actor.build_absolute_uri("/") if isinstance(actor, HttpRequest) else ""
        notify.tell_submitter_after_commit(suggestion, base_url=base_url)
    return suggestion


def _apply(apply_record, service: Service, record: dict, terms) -> Service:
    """:func:`.importer.apply_record`, a model rule it breaks as :class:`SuggestionNotApplicable`
    (in a savepoint, so that the decision's transaction stays usable)."""
    from django.core.exceptions import ValidationError

    try:
        with transaction.atomic():
            return apply_record(service, record, terms=terms)
    except ValidationError as exc:
        raise SuggestionNotApplicable(
            [(field, " ".join(messages)) for field, messages in exc.message_dict.items()]
        ) from exc


def _place_of(record: dict) -> dict:
    """Coordinates and areas from the record's postcode (as the importer derives them)."""
    from .importer import normalise_record

    raw = {k: record.get(k) for k in ("source_id", "name", "postcode")}
    clean, _ = normalise_record(raw, source="")
    return {k: clean[k] for k in ("postcode", "latitude", "longitude", "easting", "northing",
                                  "lsoa21_code", "lad_code")}


def reference(suggestion) -> str:
    """The reference a person is given for a suggestion ("S-1A2B-3C4D"): the first eight hex
    digits of its random id, shown in the moderation queue and in "your suggestions"."""
    return suggestion.reference


#: How far back :func:`typical_decision_days` looks, and how many decisions it needs.
TYPICAL_WINDOW_DAYS = 90
TYPICAL_MIN_DECISIONS = 5


def typical_decision_days(*, now=None) -> int | None:
    """The median whole days (rounded up) from suggestion to decision over the decisions of the
    last :data:`TYPICAL_WINDOW_DAYS` days; None with fewer than :data:`TYPICAL_MIN_DECISIONS`
    of them (too few to say what is typical)."""
    import math
    from statistics import median

    from .models import Suggestion

    now = now or timezone.now()
    spans = [
        (decided - created).total_seconds() / 86400
        for created, decided in Suggestion.objects.filter(
            decided_at__gte=now - timezone.timedelta(days=TYPICAL_WINDOW_DAYS),
        ).values_list("created_at", "decided_at")
    ]
    if len(spans) < TYPICAL_MIN_DECISIONS:
        return None
    return max(1, math.ceil(median(spans)))


def queue_counts() -> dict[str, int]:
    """What waits for a moderator: ``suggestions`` pending, ``reports`` open, and ``total``."""
    from .models import Suggestion

    suggestions = Suggestion.objects.filter(status=Suggestion.Status.PENDING).count()
    reports = ProblemReport.objects.filter(status=ProblemReport.Status.OPEN).count()
    return {"suggestions": suggestions, "reports": reports, "total": suggestions + reports}


#: A moderator's decisions on a problem report: "closed" resolves it by marking the asset
#: closed (off the map; a new version), for a place that has shut.
REPORT_DECISIONS = ("resolved", "closed", "dismissed")


def decide_report(report: ProblemReport, decision: str, *, actor, note: str) -> ProblemReport:
    """Resolve (the asset was put right, or needs no change because the report was acted on),
    resolve by marking the asset closed (``"closed"``: :func:`set_status`, a version of its
    own) or dismiss (nothing to change) an open problem report, with a note; audited. When the
    report left an address, its author is told by e-mail (once).

    Raises ``ValueError`` for an unknown decision, a missing note or a report already decided.
    """
    if decision not in REPORT_DECISIONS:
        raise ValueError(f"unknown decision {decision!r}: use {', '.join(REPORT_DECISIONS)}")
    if not note.strip():
        raise ValueError("write a note: what was done, or why nothing needs to change")
    with transaction.atomic():
        report = ProblemReport.objects.select_for_update().select_related("service").get(
            pk=report.pk)
        if report.status != ProblemReport.Status.OPEN:
            raise ValueError(f"this report was already decided ({report.status})")
        if decision == "closed":
            set_status(report.service, AssetStatus.CLOSED, actor=actor,
                       reason=f"problem report {report.pk}: {note}"[:500])
        report.status = "resolved" if decision == "closed" else decision
        report.decided_by = actor_user(actor)
        report.resolved_at = timezone.now()
        report.decision_note = note.strip()[:500]
        report.save(update_fields=["status", "decided_by", "resolved_at", "decision_note"])
        audit(actor, "update", report, reason=f"problem report {report.status}: {note}"[:500])
        if report.email:
            transaction.on_commit(lambda: notify.tell_reporter(report))
    return report
