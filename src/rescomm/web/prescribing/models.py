"""Social prescribing records: referrals, their events, contact attempts, plans and goals,
onward referrals and outcome measures.

Rows are changed only by :mod:`.services` (atomic, audited, optimistic locking on
``Referral.version``). Ids of referrals are random UUIDs, so they cannot be guessed, and carry
no personal data when they appear in URLs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .pathway import CloseReason, DeclineReason, Status


class ContactPreference(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class Referral(models.Model):
    """One person referred to a social prescribing scheme (special-category health data)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    is_synthetic = models.BooleanField(
        default=False, help_text="Made-up demo data, never a real person."
    )
    # The person
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, help_text="Empty only for self-referrals."
    )
    postcode = models.CharField(max_length=8)
    lsoa21_code = models.CharField("LSOA 2021", max_length=9, blank=True)
    imd_decile = models.PositiveSmallIntegerField("IMD 2025 decile", null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )
    interpreter_language = models.CharField(
        max_length=60, blank=True, help_text="Empty: no interpreter needed."
    )
    needs = models.JSONField(default=list, help_text="Need codes (rescomm.data NEED_CODES).")
    notes = models.TextField(blank=True)
    risk_flag = models.BooleanField(default=False)
    safeguarding_concern = models.BooleanField(default=False)
    consent_to_share = models.BooleanField(default=False)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    # Who referred, to whom
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals_made", help_text="Empty for a self-referral.",
    )
    referrer_profession = models.CharField(max_length=32, help_text="Profession code or 'self'.")
    referrer_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="referrals_made",
    )
    scheme = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    # Where it is on the pathway
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="prescribing_caseload",
    )
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    next_due = models.DateField(null=True, blank=True, help_text="When the next step is due.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock.")
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the retention rule removed the personal data."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referrer", "idempotency_key"], condition=~Q(idempotency_key=""),
                name="referral_idempotency_key_unique_per_referrer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="referral_status_known"
            ),
            models.CheckConstraint(
                condition=Q(imd_decile__isnull=True) | Q(imd_decile__gte=1, imd_decile__lte=10),
                name="referral_imd_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=~Q(nhs_number="") | Q(referrer__isnull=True)
                | Q(anonymised_at__isnull=False),
                name="referral_nhs_number_unless_self_referral",
            ),
            models.CheckConstraint(
                condition=Q(consent_to_share=True), name="referral_has_consent_to_share"
            ),
        ]
        indexes = [
            models.Index(fields=["scheme", "status", "next_due"]),
            models.Index(fields=["referrer", "created_at"]),
            # The caseload reads only open referrals of a scheme, by due date: a partial index
            # keeps that to the open rows however many closed ones accumulate.
            models.Index(fields=["scheme", "next_due"],
                         condition=~Q(status__in=["declined", "closed"]),
                         name="referral_open_by_scheme_due"),
            # Possible duplicates: open referrals of one NHS number in a scheme.
            models.Index(fields=["scheme", "nhs_number"],
                         condition=~Q(status__in=["declined", "closed"]),
                         name="referral_open_by_scheme_nhs"),
        ]

    def __str__(self) -> str:  # never personal data: this ends up in logs and admin titles
        return f"Referral {str(self.id)[:8]}"

    @property
    def reference(self) -> str:
        """A short reference shown on screen (the first 8 characters of the id)."""
        return str(self.id)[:8].upper()

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def referrer_profession_label(self) -> str:
        """The referrer's profession in plain words ("Self-referral" for a self-referral)."""
        from rescomm.web.accounts.public import profession_label

        return profession_label(self.referrer_profession)


class ReferralEvent(models.Model):
    """A status change (or a coded event): from, to, when, who, and the SNOMED CT code if coded."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    action = models.CharField(max_length=30)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    snomed_code = models.CharField(max_length=18, blank=True)
    snomed_term = models.CharField(max_length=200, blank=True)
    code_list_version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} -> {self.to_status}"

    @property
    def to_status_label(self) -> str:
        """The status it moved to, in plain words (as everywhere on screen)."""
        from .pathway import status_label

        return status_label(self.to_status)


class ContactAttempt(models.Model):
    class Outcome(models.TextChoices):
        REACHED = "reached", "Spoke to the person"
        NO_ANSWER = "no_answer", "No answer"
        MESSAGE_LEFT = "message_left", "Left a message"
        WRONG_NUMBER = "wrong_number", "Wrong number or address"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=ContactPreference.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"contact attempt ({self.outcome})"


class Plan(models.Model):
    """The person's "what matters to me" plan."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="plan")
    what_matters = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"plan for {self.referral}"


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=300)
    achieved = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"goal {self.pk}"


class OnwardReferral(models.Model):
    """The link worker connects the person to a service run by a provider organisation."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent, waiting for a reply"
        ACCEPTED = "accepted", "Accepted by the service"
        DECLINED = "declined", "Declined by the service"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False,
                                 help_text="The id used in URLs (not guessable).")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="onward")
    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="onward_referrals"
    )
    service_name = models.CharField(max_length=200)
    service = models.ForeignKey(
        "assets.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The asset-map service it was sent to, when sent from a suggestion.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    contact_agreed = models.BooleanField(
        default=False,
        help_text="The person agreed that this service may contact them directly (by their "
                  "preferred telephone or email); otherwise the service asks the link worker.")
    decline_reason = models.CharField(max_length=300, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the person started at the service (leaves its waiting list).")

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"onward referral to {self.service_name}"


class CapacityMode(models.TextChoices):
    TOTAL = "total", "Places in total"
    WEEKLY = "weekly", "Places per week (renews every Monday)"
    WAITING_LIST = "waiting_list", "Waiting list (people start as places come up)"


class ServiceCapacity(models.Model):
    """How many people a provider's service can take, in one of three modes:

    - ``total``: ``places`` in all; accepting takes one with a conditional update
      (``taken < places``) inside the acceptance transaction, and the database refuses
      ``taken > places`` too.
    - ``weekly``: ``places`` per ISO week (Monday to Sunday, local time), renewed each week;
      accepting locks this row and counts the week's acceptances, so concurrent accepts
      serialise and a week never goes over.
    - ``waiting_list``: every accepted person joins a queue (never refused for capacity);
      ``places`` is how many people the service starts each week, which gives the expected
      wait. The provider marks when a person starts, which takes them off the list.

    The service is the asset-map service (``service``, a foreign key) when it is on the map:
    matching shows its capacity, and the onward referrals sent to that service count against
    it. A provider's service that is not on the map is known by its name only (``service``
    null); onward referrals typed with that name count against it. :func:`.capacity.onward_of`
    and :func:`.capacity.capacity_for` hold that rule.
    """

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="service_capacity"
    )
    service = models.ForeignKey(
        "assets.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The asset-map service, when the service is on the map.")
    service_name = models.CharField(
        max_length=200, help_text="The service's name (its map name when it is on the map).")
    mode = models.CharField(max_length=12, choices=CapacityMode.choices,
                            default=CapacityMode.TOTAL)
    places = models.PositiveIntegerField(
        help_text="Total places, places per week, or people started per week (by mode).")
    taken = models.PositiveIntegerField(default=0, help_text="Places taken (total mode).")
    response_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days the provider has to accept or decline an onward referral."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider__name", "service_name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "service"],
                                    condition=Q(service__isnull=False),
                                    name="service_capacity_one_per_map_service"),
            models.UniqueConstraint(fields=["provider", "service_name"],
                                    condition=Q(service__isnull=True),
                                    name="service_capacity_one_per_named_service"),
            models.CheckConstraint(condition=Q(taken__lte=models.F("places")),
                                   name="service_capacity_never_exceeded"),
            models.CheckConstraint(condition=Q(mode__in=["total", "weekly", "waiting_list"]),
                                   name="service_capacity_mode_known"),
        ]

    def __str__(self) -> str:
        return f"{self.service_name}: {self.taken}/{self.places}"

    @property
    def free(self) -> int:
        return max(self.places - self.taken, 0)


class Instrument(models.TextChoices):
    SWEMWBS = "swemwbs", "SWEMWBS (short Warwick-Edinburgh Mental Wellbeing Scale)"
    ONS4 = "ons4", "ONS personal well-being (ONS4)"
    UCLA3 = "ucla3", "UCLA 3-item loneliness scale"


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    FOLLOW_UP = "follow_up", "Follow-up"


class OutcomeMeasure(models.Model):
    """Item scores of one instrument at one time point. ``score`` is the SWEMWBS metric score
    or the UCLA-3 total; ONS4 items are reported separately (no composite)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="outcomes")
    instrument = models.CharField(max_length=10, choices=Instrument.choices)
    timepoint = models.CharField(max_length=10, choices=Timepoint.choices)
    items = models.JSONField()
    raw_total = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "instrument", "timepoint"],
                name="outcome_one_per_instrument_and_timepoint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.timepoint}"


class ServiceAgreement(models.Model):
    """A service-level agreement between a scheme and a referring organisation (a practice, a
    pharmacy, ...) or a provider, with its own targets, valid from a date (to a date, or open).

    Time targets are whole days from the referral being received (decision, first contact
    attempt, first conversation) or from an onward referral being sent (provider response).
    Outcome targets are the percentage (0-100) of people who had a first conversation with a
    baseline, and with a follow-up, SWEMWBS. An empty target is not part of the agreement.
    Referrals and onward referrals not covered by an agreement are measured against the
    defaults in :mod:`.sla`.
    """

    class Party(models.TextChoices):
        REFERRERS = "referrers", "A referring organisation (practice, pharmacy, council, ...)"
        PROVIDER = "provider", "A provider (voluntary or community organisation)"

    scheme = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="agreements_as_scheme"
    )
    party_kind = models.CharField(max_length=10, choices=Party.choices)
    party = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="agreements_as_party"
    )
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Empty: open-ended.")
    decision_days = models.PositiveSmallIntegerField(null=True, blank=True)
    first_contact_days = models.PositiveSmallIntegerField(null=True, blank=True)
    first_conversation_days = models.PositiveSmallIntegerField(null=True, blank=True)
    provider_response_days = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    follow_up_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheme__name", "party_kind", "party__name", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_valid_to_after_valid_from",
            ),
            models.CheckConstraint(
                condition=(Q(baseline_percent__isnull=True) | Q(baseline_percent__lte=100))
                & (Q(follow_up_percent__isnull=True) | Q(follow_up_percent__lte=100)),
                name="agreement_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(party_kind__in=["referrers", "provider"]),
                name="agreement_party_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "party_kind", "valid_from"])]

    def __str__(self) -> str:
        return self.name


class DirectoryLink(models.Model):
    """A provider organisation (an account organisation whose staff answer onward referrals)
    runs an organisation of the community asset map: the map's services of that organisation
    can be sent onward referrals straight from a suggestion, and their capacity is the
    provider's :class:`ServiceCapacity` for the service's name.

    One asset-map organisation belongs to at most one provider; a provider may run several.
    Made and removed by service managers and administrators (audited).
    """

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="directory_links")
    organization = models.OneToOneField(
        "assets.Organization", on_delete=models.CASCADE, related_name="provider_link")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider__name", "organization__name"]

    def __str__(self) -> str:
        return f"{self.provider} runs {self.organization}"
