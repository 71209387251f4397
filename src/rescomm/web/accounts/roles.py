"""Roles, referrer professions and organisation kinds: stable codes with plain-words labels.

The codes are stored in the database and used in code (``has_role(user, Role.LINK_WORKER)``);
never rename one. Labels and descriptions are what people read, and may change.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    """What a person does for an organisation (one :class:`Membership` per role)."""

    REFERRER = "referrer", "Referrer"
    LINK_WORKER = "link_worker", "Link worker"
    PROVIDER_STAFF = "provider_staff", "Staff at a service that takes referrals"
    SERVICE_MANAGER = "service_manager", "Service manager"
    COMMISSIONER = "commissioner", "Commissioner"
    MODERATOR = "moderator", "Asset map moderator"
    CONTRIBUTOR = "contributor", "Asset map contributor"
    ADMINISTRATOR = "administrator", "Administrator"


#: What each role may do, in plain words (shown on "Your account" and in docs/accounts.md).
ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.REFERRER: "Refers people to social prescribing and hears back about their referrals.",
    Role.LINK_WORKER: "Works with referred people, keeps their case notes and refers them on "
    "to community services.",
    Role.PROVIDER_STAFF: "Accepts or declines referrals to their service and records what "
    "happened.",
    Role.SERVICE_MANAGER: "Runs a social prescribing scheme: caseloads, capacity and agreements "
    "with providers.",
    Role.COMMISSIONER: "Sees aggregate, anonymised reports for the areas they fund; never "
    "individual records.",
    Role.MODERATOR: "Reviews suggested changes to the community asset map before they are "
    "published.",
    Role.CONTRIBUTOR: "Suggests new community assets and changes to existing ones.",
    Role.ADMINISTRATOR: "Manages accounts, organisations and roles, and reads the audit log.",
}


#: Roles whose holders can see personal data (people's records, contact details, accounts), so
#: must sign in with a second factor (``two_factor.required_for``). Commissioners see only
#: aggregate, suppressed reports and contributors only their own suggestions.
PERSONAL_DATA_ROLES: frozenset[str] = frozenset({
    Role.REFERRER,          # the referrals they made
    Role.LINK_WORKER,       # referred people's records and case notes
    Role.PROVIDER_STAFF,    # onward referrals: names, contact details, reasons
    Role.SERVICE_MANAGER,   # outcome change per person (by reference), caseload flow
    Role.MODERATOR,         # suggestions with their submitters' e-mail addresses
    Role.ADMINISTRATOR,     # everyone's accounts, the audit log; can give any role
})


class Profession(models.TextChoices):
    """A referrer's profession (needed for referrer-role analytics); only referrers have one."""

    GP = "gp", "GP"
    PRACTICE_NURSE = "practice_nurse", "Practice nurse"
    PHARMACIST = "pharmacist", "Pharmacist"
    SOCIAL_WORKER = "social_worker", "Social worker"
    HOUSING_OFFICER = "housing_officer", "Housing officer"
    OTHER = "other", "Other profession"


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    ICB = "icb", "Integrated care board (ICB)"
    GP_PRACTICE = "gp_practice", "GP practice"
    PCN = "pcn", "Primary care network (PCN)"
    PHARMACY = "pharmacy", "Pharmacy"
    SOCIAL_PRESCRIBING_SCHEME = "social_prescribing_scheme", "Social prescribing scheme"
    VOLUNTARY_ORGANISATION = "voluntary_organisation", "Voluntary or community organisation"
    HOUSING = "housing", "Housing provider"
    SOCIAL_CARE = "social_care", "Social care"
    OTHER = "other", "Other organisation"


#: A referral's referrer profession is a :class:`Profession` code or this, for self-referrals.
SELF_REFERRAL = "self"


def profession_label(code: str) -> str:
    """The plain-words label for a referrer profession code ("Self-referral" for ``self``;
    the code itself if unknown)."""
    if code == SELF_REFERRAL:
        return "Self-referral"
    try:
        return Profession(code).label
    except ValueError:
        return code


def role_label(code: str) -> str:
    """The plain-words label for a role code (the code itself if unknown)."""
    try:
        return Role(code).label
    except ValueError:
        return code
