"""Accounts models: people and organisations, API tokens, the audit log, sign-in failures.

``AUTH_USER_MODEL = "accounts.User"``.
"""

from .audit import AuditEvent
from .people import Membership, Organisation, User
from .throttle import LoginFailure
from .tokens import ApiToken

__all__ = ["ApiToken", "AuditEvent", "LoginFailure", "Membership", "Organisation", "User"]
