"""The social prescribing pathway as a state machine (pure; no database).

received -> accepted | declined -> assigned -> contacting (attempts logged; unable_to_contact
after :data:`MAX_CONTACT_ATTEMPTS` unanswered) -> first_conversation -> planned -> connected ->
follow_up (one or more) -> closed (with a reason).

Declined, unable to contact and did-not-attend are outcomes recorded on the referral, never
deletions. Closing is allowed from any open stage after acceptance, with a reason; "completed" is
only a reason after a follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

#: Unanswered contact attempts after which a referral becomes "unable to contact".
MAX_CONTACT_ATTEMPTS = 3


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    ASSIGNED = "assigned", "Assigned to a link worker"
    CONTACTING = "contacting", "Trying to make contact"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
    FIRST_CONVERSATION = "first_conversation", "First conversation held"
    PLANNED = "planned", "Plan agreed"
    CONNECTED = "connected", "Connected to support"
    FOLLOW_UP = "follow_up", "Followed up"
    CLOSED = "closed", "Closed"


class CloseReason(models.TextChoices):
    COMPLETED = "completed", "Support completed"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    PERSON_WITHDREW = "person_withdrew", "The person chose to stop"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    NEEDS_OTHER_SERVICE = "needs_other_service", "Needs a different service"
    DIED = "died", "Died"


class DeclineReason(models.TextChoices):
    PERSON_DECLINED = "person_declined", "The person declined social prescribing"
    NOT_ELIGIBLE = "not_eligible", "Not eligible for this scheme"
    NEEDS_CLINICAL_CARE = "needs_clinical_care", "Needs clinical or crisis care instead"
    DUPLICATE = "duplicate", "A duplicate of another referral"
    OUT_OF_AREA = "out_of_area", "Outside the scheme's area"


OPEN_AFTER_ACCEPTANCE = (
    Status.ACCEPTED, Status.ASSIGNED, Status.CONTACTING, Status.UNABLE_TO_CONTACT,
    Status.FIRST_CONVERSATION, Status.PLANNED, Status.CONNECTED, Status.FOLLOW_UP,
)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    allowed_from: tuple[str, ...]
    to: str | None  # None: the service decides (contact attempts)


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("accept", "Accept the referral", (Status.RECEIVED,), Status.ACCEPTED),
        Action("decline", "Decline the referral", (Status.RECEIVED,), Status.DECLINED),
        Action("assign", "Assign a link worker", (Status.ACCEPTED, Status.ASSIGNED,
                                                  Status.CONTACTING), Status.ASSIGNED),
        Action("contact_attempt", "Log a contact attempt", (Status.ASSIGNED, Status.CONTACTING),
               None),
        Action("first_conversation", "Record the first conversation",
               (Status.ASSIGNED, Status.CONTACTING), Status.FIRST_CONVERSATION),
        Action("plan", "Agree a 'what matters to me' plan", (Status.FIRST_CONVERSATION,
                                                              Status.PLANNED), Status.PLANNED),
        Action("connect", "Connect to a service", (Status.PLANNED, Status.CONNECTED),
               Status.CONNECTED),
        Action("follow_up", "Record a follow-up", (Status.CONNECTED, Status.FOLLOW_UP),
               Status.FOLLOW_UP),
        Action("close", "Close the referral", OPEN_AFTER_ACCEPTANCE, Status.CLOSED),
    )
}

#: The step that has to come next, per status (for refusal messages).
NEXT_STEP: dict[str, str] = {
    Status.RECEIVED: "accept or decline it",
    Status.ACCEPTED: "assign a link worker",
    Status.ASSIGNED: "log a contact attempt or record the first conversation",
    Status.CONTACTING: "log a contact attempt or record the first conversation",
    Status.UNABLE_TO_CONTACT: "close it",
    Status.FIRST_CONVERSATION: "agree a plan with at least one goal",
    Status.PLANNED: "connect the person to a service",
    Status.CONNECTED: "record a follow-up",
    Status.FOLLOW_UP: "record another follow-up or close it",
    Status.DECLINED: "nothing: a declined referral is finished",
    Status.CLOSED: "nothing: a closed referral is finished",
}


class PathwayError(ValueError):
    """A status change the pathway does not allow; the message names the next step."""


def status_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


def check(status: str, action: str, *, close_reason: str | None = None) -> Action:
    """The :class:`Action` if ``action`` is allowed from ``status``, else :class:`PathwayError`
    with a message naming the step that has to come first."""
    try:
        step = ACTIONS[action]
    except KeyError:
        raise PathwayError(f"Unknown action {action!r}.") from None
    if status not in step.allowed_from:
        raise PathwayError(
            f"Cannot {step.label[0].lower()}{step.label[1:]}: this referral is "
            f"'{status_label(status).lower()}'. Next step: {NEXT_STEP.get(status, 'none')}."
        )
    if action == "close":
        if close_reason not in CloseReason.values:
            raise PathwayError("Choose a reason for closing the referral.")
        if close_reason == CloseReason.COMPLETED and status != Status.FOLLOW_UP:
            raise PathwayError(
                "A referral can only be closed as 'support completed' after a follow-up; "
                "record the follow-up first, or choose another reason."
            )
    return step


def available_actions(status: str) -> list[Action]:
    """Actions allowed from ``status``, in pathway order (for the referral page)."""
    return [a for a in ACTIONS.values() if status in a.allowed_from]
