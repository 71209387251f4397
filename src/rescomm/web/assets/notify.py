"""E-mails the asset map sends, each recorded once (:class:`.models.Notification`).

- **Review reminders** to an asset's owner (``services.send_review_reminders``): once before the
  review date and once after it, per review cycle.
- **Escalations** to the moderators: published assets whose review is overdue (by more than
  ``after_days``), one digest per run listing the assets not escalated before; each asset is
  escalated once per missed review date.
- **Decisions** to the person who made a suggestion, when they left an e-mail address (or were
  signed in with one): sent when the moderator decides, and caught up by the next
  ``rescomm assets review-reminders`` run if sending failed then.
- **Decisions on problem reports** to the person who reported, when they left an address.

Everything goes through Django's e-mail backend (the console in the demo). A send and its
record are one transaction: if the backend raises, nothing is recorded and the next run tries
again; a unique key stops two runs from sending the same e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rescomm.web.core.batches import chunked

from .models import AssetStatus, Notification, ProblemReport, Service, Suggestion

logger = logging.getLogger(__name__)


def already_sent(key: str) -> bool:
    return Notification.objects.filter(key=key).exists()


def send_once(*, kind: str, keys: Iterable[str], subject: str, body: str, to: list[str],
              services: Iterable[Service | None] = (None,),
              suggestion: Suggestion | None = None) -> bool:
    """Send one e-mail and record it under each of ``keys`` (one per service it is about),
    unless any of them was recorded before. Returns whether it was sent."""
    keys, services = list(keys), list(services)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Notification.objects.bulk_create([
                    Notification(kind=kind, key=key, service=service, suggestion=suggestion,
                                 recipients=", ".join(to), subject=subject[:300])
                    for key, service in zip(keys, services, strict=True)
                ])
        except IntegrityError:
            return False
        send_mail(subject, body, None, to)  # raising rolls the records back
    return True


# Escalation -------------------------------------------------------------------------------------

def overdue(*, after_days: int = 0, today=None):
    """Published assets whose review date is more than ``after_days`` days in the past."""
    today = today or timezone.localdate()
    cutoff = today - timezone.timedelta(days=after_days)
    return (Service.objects.filter(asset_status=AssetStatus.PUBLISHED, review_due__lt=cutoff)
            .order_by("review_due", "name"))


def escalation_key(service: Service) -> str:
    return f"escalation:{service.id}:{service.review_due:%Y-%m-%d}"


def escalate_overdue(*, base_url: str, after_days: int = 0, today=None,
                     dry_run: bool = False) -> dict:
    """E-mail the moderators one list of the overdue assets not escalated before.

    Returns counts: ``overdue`` (all), ``escalated`` (in this e-mail), ``already`` (escalated
    by an earlier run), ``moderators`` (addresses written to; with none, nothing is recorded,
    so the assets are escalated once a moderator has an address).
    """
    from .services import moderator_emails

    today = today or timezone.localdate()
    rows = list(overdue(after_days=after_days, today=today))
    sent_keys = set()
    for keys in chunked([escalation_key(s) for s in rows]):
        sent_keys.update(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [s for s in rows if escalation_key(s) not in sent_keys]
    to = moderator_emails()
    counts = {"overdue": len(rows), "escalated": 0, "already": len(rows) - len(new),
              "moderators": len(to)}
    if not new or not to:
        return counts
    base = base_url.rstrip("/")
    lines = []
    for s in new:
        days = (today - s.review_due).days
        owner = s.assurer_email or s.email or "no owner e-mail address"
        lines.append(f"- {s.name}: review due {s.review_due:%d %B %Y} ({days} days overdue); "
                     f"owner: {owner}\n  {base}{reverse('assets:history', args=[s.id])}")
    body = (f"{len(new)} published asset(s) on the community asset map have missed their "
            "review date and their owners have been reminded. Please check them, or hide "
            "them until someone can:\n\n" + "\n".join(lines) + "\n\nEach asset is listed "
            "once per missed review date.\n")
    subject = f"Overdue reviews: {len(new)} asset(s) to check"
    if dry_run:
        counts["escalated"] = len(new)
        return counts
    if send_once(kind=Notification.Kind.REVIEW_ESCALATION,
                 keys=[escalation_key(s) for s in new], subject=subject, body=body, to=to,
                 services=new):
        counts["escalated"] = len(new)
    return counts


# Decisions on suggestions -----------------------------------------------------------------------

def decision_key(suggestion: Suggestion) -> str:
    return f"decision:{suggestion.id}"


def submitter_address(suggestion: Suggestion) -> str:
    """The address the person who suggested left, else their account's, else ''."""
    if suggestion.submitter_email:
        return suggestion.submitter_email
    user = suggestion.submitted_by
    return (user.email or "") if user is not None else ""


def tell_submitter(suggestion: Suggestion, *, base_url: str = "") -> bool:
    """E-mail the decision on ``suggestion`` to the person who made it (once). Returns whether
    an e-mail was sent."""
    to = submitter_address(suggestion)
    if not to or suggestion.status == Suggestion.Status.PENDING:
        return False
    name = suggestion.proposed.get("name") or (suggestion.service.name if suggestion.service
                                               else "your suggestion")
    # an approved new asset is linked to the asset it created (source_id suggestion:<id>)
    created = f"suggestion:{suggestion.id}"
    new = suggestion.service is None or suggestion.service.source_id == created
    what = "new asset" if new else "change to"
    if suggestion.status == Suggestion.Status.APPROVED:
        link = ""
        if base_url and suggestion.service_id:
            page = reverse("assets:detail", args=[suggestion.service_id])
            link = f" You can see it at {base_url.rstrip('/')}{page}"
        text = f"A moderator approved it and it is now on the map.{link}"
    elif suggestion.status == Suggestion.Status.REJECTED:
        text = f"A moderator decided not to add it, because: {suggestion.decision_reason}"
    else:
        text = ("A moderator asked for some changes before it can go on the map: "
                f"{suggestion.decision_reason}\n\nPlease send the suggestion again with them.")
    body = (f"Thank you for suggesting a {what} '{name}' on the community asset map.\n\n"
            f"{text}\n")
    subject = f"Your suggestion: {name} ({suggestion.get_status_display().lower()})"
    return send_once(kind=Notification.Kind.SUGGESTION_DECISION, keys=[decision_key(suggestion)],
                     subject=subject, body=body, to=[to], services=[suggestion.service],
                     suggestion=suggestion)


def tell_submitter_after_commit(suggestion: Suggestion, *, base_url: str = "") -> None:
    """Schedule :func:`tell_submitter` for when the decision is committed. A failure is
    logged, not raised (the decision stands); the next review-reminders run sends it."""

    def send() -> None:
        try:
            tell_submitter(suggestion, base_url=base_url)
        except Exception:  # noqa: BLE001 - the backend's errors vary; retried by the cron
            logger.exception("could not e-mail the decision on suggestion %s", suggestion.id)

    transaction.on_commit(send)


def send_pending_decisions(*, base_url: str, within_days: int = 7,
                           dry_run: bool = False) -> int:
    """Send the decision e-mails of the last ``within_days`` days not sent yet (e.g. the mail
    server was down when the moderator decided). Returns how many were (or, with ``dry_run``,
    would be) sent."""
    from django.db.models import Q

    since = timezone.now() - timezone.timedelta(days=within_days)
    decided = (Suggestion.objects.exclude(status=Suggestion.Status.PENDING)
               .filter(decided_at__gte=since)
               .filter(Q(submitter_email__gt="") | Q(submitted_by__email__gt=""))
               .exclude(notifications__kind=Notification.Kind.SUGGESTION_DECISION)
               .select_related("service", "submitted_by").order_by("decided_at"))
    sent = 0
    for suggestion in decided:
        if dry_run or tell_submitter(suggestion, base_url=base_url):
            sent += 1
    return sent


# Decisions on problem reports -------------------------------------------------------------------

def tell_reporter(report: ProblemReport) -> bool:
    """E-mail a moderator's decision on a problem report to the address it left (once). A
    failure is logged, not raised (the decision stands). Returns whether an e-mail was sent."""
    if not report.email or report.status == ProblemReport.Status.OPEN:
        return False
    done = ("A moderator has dealt with it" if report.status == ProblemReport.Status.RESOLVED
            else "A moderator looked at it and decided that nothing needs to change")
    body = (f"Thank you for reporting a problem with '{report.service.name}' on the community "
            f"asset map ({report.get_kind_display().lower()}).\n\n{done}: "
            f"{report.decision_note}\n")
    try:
        return send_once(kind=Notification.Kind.REPORT_DECISION, keys=[f"report:{report.pk}"],
                         subject=f"Your report about {report.service.name}", body=body,
                         to=[report.email], services=[report.service])
    except Exception:  # noqa: BLE001 - the backend's errors vary
        logger.exception("could not e-mail the decision on problem report %s", report.pk)
        return False
