"""Open Referral UK (HSDS 3.0) tables with their ORUK field names, plus community-asset fields.

Every table has a UUID ``id`` as HSDS requires. A community asset is a :class:`Service` (HSDS's
"service" row, whatever the asset is: a place, a group, a service, a volunteering opportunity or a
people-powered role) at one or more :class:`Location` rows. Capitals and needs are
:class:`TaxonomyTerm` rows of two shipped taxonomies (``taxonomies.json``), linked to services by
:class:`Attribute` rows (HSDS's generic "tag anything with a term").

Only :class:`Service` rows with ``asset_status == "published"`` are ever shown to the public or in
the API; ``hide_exact_location`` keeps coordinates and street address off every public output.
Every change to an asset is a :class:`Version` row (who, why, a JSON snapshot).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from . import opening


class AssetKind(models.TextChoices):
    PLACE = "place", "Place"
    GROUP = "group", "Group"
    SERVICE = "service", "Service"
    VOLUNTEERING = "volunteering", "Volunteering opportunity"
    PEOPLE_ROLE = "people_role", "People-powered role"


class AssetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Waiting for review"
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Hidden"
    CLOSED = "closed", "Closed"


#: HSDS 3.0 ``service.status`` for each asset status (the ORUK enum).
ORUK_STATUS = {
    AssetStatus.DRAFT: "inactive",
    AssetStatus.PENDING: "inactive",
    AssetStatus.PUBLISHED: "active",
    AssetStatus.HIDDEN: "inactive",
    AssetStatus.CLOSED: "defunct",
}


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)
    term_uri = models.URLField(blank=True)
    language = models.CharField(max_length=10, default="en")

    class Meta:
        ordering = ["taxonomy__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="assets_term_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    alternate_name = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True, max_length=500)
    uri = models.URLField(blank=True, max_length=500)
    #: Stable key from the source (``ods:...``, ``org:<source>:<name>``) for idempotent imports.
    source_id = models.CharField(max_length=200, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """An HSDS service row: one community asset."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="services"
    )
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    email = models.EmailField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.TextField(blank=True)
    assurer_email = models.EmailField(blank=True)
    # Community-asset fields (not in HSDS).
    asset_kind = models.CharField(max_length=20, choices=AssetKind.choices, default=AssetKind.PLACE)
    category = models.SlugField(max_length=60, blank=True, help_text="e.g. gp_practice, library")
    asset_status = models.CharField(
        max_length=20, choices=AssetStatus.choices, default=AssetStatus.DRAFT, db_index=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True, db_index=True)
    source = models.CharField(max_length=300, blank=True, help_text="Public source of the record")
    source_id = models.CharField(max_length=200, unique=True, null=True, blank=True)
    licence = models.CharField(max_length=100, blank=True)
    attribution = models.TextField(blank=True)
    hide_exact_location = models.BooleanField(default=False)
    is_example = models.BooleanField(default=False, help_text="Invented example, not real data")
    #: SHA-256 of the last imported record: a re-import of the same record changes nothing.
    import_fingerprint = models.CharField(max_length=64, blank=True)
    terms = models.ManyToManyField(
        TaxonomyTerm, through="Attribute", related_name="services", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True, db_index=True)
    #: The ORUK JSON of this service, fully nested (``/services/{id}``) and as a list item
    #: (``/services``), serialised. Written only by :func:`.documents.refresh`; empty until then.
    oruk_document = models.TextField(blank=True, default="", editable=False)
    oruk_summary = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Save, never writing the stored ORUK documents back from this (possibly older) copy:
        only :func:`.documents.refresh` writes them."""
        _keep_documents(self, kwargs, DOCUMENT_FIELDS[Service])
        super().save(*args, **kwargs)

    @property
    def status(self) -> str:
        """The HSDS ``status`` (active, inactive, defunct)."""
        return ORUK_STATUS[self.asset_status]

    @property
    def assured_date(self):
        return self.verified_at.date() if self.verified_at else None

    def clean(self) -> None:
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValidationError({"maximum_age": "The maximum age must not be below the minimum."})

    def terms_of(self, taxonomy_code: str) -> list[TaxonomyTerm]:
        return [t for t in self.terms.all() if t.taxonomy.code == taxonomy_code]


class Attribute(models.Model):
    """HSDS attribute: links a taxonomy term to a record (here always a service)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "taxonomy_term"], name="assets_attribute_unique"
            )
        ]

    link_type = "service"
    link_entity = "service"

    def __str__(self) -> str:
        return f"{self.service_id} {self.taxonomy_term_id}"


class Location(models.Model):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True, help_text="How to get there")
    url = models.URLField(blank=True, max_length=500)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    #: British National Grid (EPSG:27700), metres: used for distances.
    easting = models.FloatField(null=True, blank=True, db_index=True)
    northing = models.FloatField(null=True, blank=True, db_index=True)
    lsoa21_code = models.CharField(max_length=9, blank=True, db_index=True)
    lad_code = models.CharField(max_length=9, blank=True, db_index=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=50, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Address(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=300)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(max_length=10, default="physical")

    def __str__(self) -> str:
        return self.address_1


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)
    #: The ORUK list item of ``/service_at_locations`` (link, location, service), serialised.
    oruk_document = models.TextField(blank=True, default="", editable=False)
    #: British National Grid metres of the location while the asset may appear in distance
    #: searches (published, location not hidden, coordinates known), else null. Kept here with
    #: the document so a proximity search reads one table; written by :func:`.documents.refresh`.
    search_easting = models.FloatField(null=True, blank=True, editable=False)
    search_northing = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="assets_sal_unique")
        ]
        indexes = [
            models.Index(fields=["search_easting", "search_northing"], name="assets_sal_search",
                         condition=models.Q(search_easting__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"

    def save(self, *args, **kwargs) -> None:
        _keep_documents(self, kwargs, DOCUMENT_FIELDS[ServiceAtLocation])
        super().save(*args, **kwargs)


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=40)
    extension = models.CharField(max_length=10, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """Opening times as an iCal-style weekly rule: ``byday`` (e.g. ``MO,TU``) from ``opens_at``
    to ``closes_at``."""

    DAYS = opening.DAYS

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE,
        related_name="schedules",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    freq = models.CharField(max_length=10, default="WEEKLY")
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=30, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["byday", "opens_at", "id"]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at}-{self.closes_at}"

    def clean(self) -> None:
        days = [d for d in self.byday.split(",") if d]
        bad = [d for d in days if d not in self.DAYS]
        if bad:
            raise ValidationError({"byday": f"Unknown day {bad[0]!r}; use MO, TU, ... SU."})
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": "Closing time must be after opening time."})

    @property
    def week_order(self) -> tuple[int, str]:
        """Sort key for showing a week: first day (Monday first), then opening time. The
        table's ordering is by the ``byday`` text, which puts "SA" before "TU"."""
        first = self.byday.split(",")[0]
        day = self.DAYS.index(first) if first in self.DAYS else len(self.DAYS)
        return day, f"{self.opens_at:%H:%M}" if self.opens_at else ""

    @property
    def day_names(self) -> str:
        return ", ".join(opening.DAY_NAMES.get(d, d) for d in self.byday.split(",") if d)


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.option or str(self.id)


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=10, blank=True)
    uri = models.URLField(blank=True, max_length=500)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Accessibility(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description[:60]


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or self.code


class Version(models.Model):
    """One change to an asset: who, why, and a JSON snapshot of the asset after it."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=500, blank=True)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="assets_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.number}"


class ProblemReport(models.Model):
    """A public "report a problem" about a published asset."""

    class Kind(models.TextChoices):
        WRONG_DETAILS = "wrong_details", "Contact details or address are wrong"
        WRONG_TIMES = "wrong_times", "Opening times are wrong"
        CLOSED = "closed", "It has closed"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.TextField(max_length=2000)
    email = models.EmailField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    #: When a moderator decided (resolved or dismissed).
    resolved_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.service_id}"


class Suggestion(models.Model):
    """A proposed new asset (``service`` is None) or a proposed edit, waiting for a moderator.

    ``proposed`` holds importer-shaped fields (see ``importer.FIELDS``), already validated.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions"
    )
    proposed = models.JSONField()
    note = models.TextField(blank=True, max_length=2000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    submitter_email = models.EmailField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.proposed.get('name', '')} ({self.status})"

    @property
    def is_new(self) -> bool:
        return self.service_id is None

    @property
    def reference(self) -> str:
        """What the person is given to quote ("S-1A2B-3C4D"): the first eight hex digits of
        the random id, enough to find it in a list, useless for guessing others'."""
        digits = self.id.hex[:8].upper()
        return f"S-{digits[:4]}-{digits[4:]}"


#: Columns written only by :func:`.documents.refresh` (derived from the other tables).
DOCUMENT_FIELDS = {
    Service: ("oruk_document", "oruk_summary"),
    ServiceAtLocation: ("oruk_document", "search_easting", "search_northing"),
}


def _keep_documents(instance: models.Model, kwargs: dict, fields: tuple[str, ...]) -> None:
    """On an update without ``update_fields``, update every column except ``fields``."""
    if instance._state.adding or kwargs.get("update_fields") is not None:
        return
    if kwargs.get("force_insert"):
        return
    kwargs["update_fields"] = [
        f.attname for f in instance._meta.concrete_fields
        if not f.primary_key and f.attname not in fields
    ]


class Notification(models.Model):
    """One e-mail the asset map sent, recorded so that it is never sent twice (``key``).

    Keys: ``reminder:<service>:<review_due>:<due|overdue>`` (an owner is reminded once before
    the date and once after it), ``escalation:<service>:<review_due>`` (moderators are told once
    per missed review), ``decision:<suggestion>`` (the person who suggested is told once),
    ``report:<problem report>`` (the person who reported a problem is told the decision once).
    """

    class Kind(models.TextChoices):
        REVIEW_REMINDER = "review_reminder", "Review reminder to the owner"
        REVIEW_ESCALATION = "review_escalation", "Overdue review escalated to moderators"
        SUGGESTION_DECISION = "suggestion_decision", "Decision told to the person who suggested"
        REPORT_DECISION = "report_decision", "Decision told to the person who reported a problem"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="notifications")
    suggestion = models.ForeignKey(Suggestion, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="notifications")
    recipients = models.TextField(help_text="Comma-separated e-mail addresses")
    subject = models.CharField(max_length=300)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class ListingClaim(models.Model):
    """A signed-in person's request to manage a listing, proved by a one-time link e-mailed to
    the address listed on the service (never one the person types). The link's token is not
    stored, only its SHA-256 (``token_hash``); it works once, before ``expires_at``, for the
    person who asked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="listing_claims")
    sent_to = models.EmailField(help_text="The listed address the link was sent to")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"claim of {self.service_id} by {self.claimant_id}"


class ListingEditor(models.Model):
    """A person who manages a listing (after a confirmed :class:`ListingClaim`): their changes
    are suggestions, moderated like anyone's."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="editors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="managed_listings")
    claim = models.ForeignKey(ListingClaim, null=True, blank=True, on_delete=models.SET_NULL)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "user"],
                                               name="one_editor_row_per_listing_and_user")]
        ordering = ["service__name"]

    def __str__(self) -> str:
        return f"{self.user_id} edits {self.service_id}"
