"""Accounts models: people and organisations, API tokens, the audit log, sign-in failures,
single sign-on identities.

``AUTH_USER_MODEL = "accounts.User"``.
"""

from .audit import AuditEvent
from .people import Membership, Organisation, User
from .sso import SingleSignOnIdentity
from .throttle import LoginFailure
from .tokens import ApiToken

__all__ = ["ApiToken", "AuditEvent", "LoginFailure", "Membership", "Organisation",
           "SingleSignOnIdentity", "User"]
