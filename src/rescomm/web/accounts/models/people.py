"""People and organisations: the user model, organisations and role memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from ..roles import OrganisationKind, Profession, Role

#: What every demo organisation's name must contain, so it cannot pass for a real one.
SYNTHETIC_MARK = "(synthetic)"

lad_code_validator = RegexValidator(
    r"^[EW]0[6-9]\d{6}$",
    "Enter a local authority district code like E08000012 (Liverpool).",
)
ods_code_validator = RegexValidator(
    r"^[A-Z0-9]{3,10}$",
    "Enter an ODS code: 3 to 10 capital letters and digits, like Y02905.",
)


class User(AbstractUser):
    """A person who signs in. ``display_name`` is shown on screen; ``is_demo`` marks synthetic
    demo accounts, which are labelled as such wherever they appear."""

    display_name = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False, help_text="A synthetic demo account.")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username


class Organisation(models.Model):
    """A council, ICB, GP practice, PCN, pharmacy, scheme, voluntary organisation, ...

    Demo organisations hold no ODS code and carry "(synthetic)" in their name (database
    constraints), so synthetic data can never be mistaken for a real practice or council.
    """

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=OrganisationKind.choices)
    ods_code = models.CharField(
        "ODS code", max_length=10, blank=True, validators=[ods_code_validator],
        help_text="NHS Organisation Data Service code, if it has one.",
    )
    lad_code = models.CharField(
        "local authority code", max_length=9, blank=True, validators=[lad_code_validator],
        help_text="The local authority district it mainly serves (ONS code).",
    )
    is_demo = models.BooleanField(default=False, help_text="A synthetic demo organisation.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~Q(ods_code=""), name="organisation_ods_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_demo=False) | (Q(ods_code="") & Q(name__contains=SYNTHETIC_MARK)),
                name="organisation_demo_is_synthetic",
                violation_error_message=(
                    f"A demo organisation has no ODS code and its name contains {SYNTHETIC_MARK}."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """``user`` holds ``role`` at ``organisation``. Ending a membership sets ``active=False``
    (it is never deleted, so the audit log keeps its meaning). Referrers have a profession;
    no other role does."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    profession = models.CharField(
        max_length=32, choices=Profession.choices, blank=True,
        help_text="Referrers only: their profession.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
            models.CheckConstraint(
                condition=(Q(role=Role.REFERRER) & Q(profession__in=Profession.values))
                | (~Q(role=Role.REFERRER) & Q(profession="")),
                name="membership_profession_for_referrers_only",
                violation_error_message="Referrers need a profession; other roles have none.",
            ),
        ]
        indexes = [models.Index(fields=["user", "role", "active"])]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.organisation}"

    def clean(self) -> None:
        super().clean()
        user, organisation = getattr(self, "user", None), getattr(self, "organisation", None)
        if user is not None and organisation is not None and user.is_demo != organisation.is_demo:
            raise ValidationError(
                "Demo accounts may only belong to demo organisations, and real accounts only "
                "to real organisations."
            )
