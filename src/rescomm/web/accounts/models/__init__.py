"""Accounts models: people and organisations, API tokens, the audit log, rate-limit counters,
single sign-on identities.

``AUTH_USER_MODEL = "accounts.User"``.
"""

from .audit import AuditEvent
from .people import Membership, Organisation, User
from .sso import SingleSignOnIdentity
from .throttle import ThrottleBucket
from .tokens import ApiToken

__all__ = ["ApiToken", "AuditEvent", "Membership", "Organisation", "SingleSignOnIdentity",
           "ThrottleBucket", "User"]
