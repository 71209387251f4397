"""API token service: create (plaintext shown once), revoke, and check a presented token.

A token reads ``rct_<prefix>_<secret>``: ``prefix`` (10 lower-case letters and digits) finds the
row and names the token; only the SHA-256 of ``secret`` is stored and compared.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .audit import Actor, audit
from .demo_policy import demo_accounts_allowed
from .models import ApiToken, AuditEvent, User

MARKER = "rct_"
PREFIX_LENGTH = 10
#: Default lifetime of a new token; ``expires_in=None`` makes one that never expires.
DEFAULT_LIFETIME = timedelta(days=90)
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_MAX_TOKEN_LENGTH = 200
#: ``last_used_at`` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class UnknownTokenError(LookupError):
    """No token has this prefix."""


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest of a token's secret part."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


def create_token(
    user: User,
    name: str,
    *,
    expires_in: timedelta | None = DEFAULT_LIFETIME,
    by: Actor = None,
    reason: str = "",
) -> str:
    """Create a token for ``user`` and return its plaintext, which is not stored anywhere.

    ``by`` is who asked (a request, a user, or ``None`` for the command line); the creation is
    audited as ``token_created``. Raises ``ValueError`` for an empty or over-long ``name``, an
    inactive user, or a non-positive lifetime.
    """
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValueError("a token needs a name of 1 to 100 characters, saying what it is for")
    if not user.is_active:
        raise ValueError(f"user {user.username!r} is not active")
    if expires_in is not None and expires_in <= timedelta(0):
        raise ValueError("a token's lifetime must be positive")
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=_new_prefix(),
            secret_hash=hash_secret(secret),
            created_at=now,
            expires_at=now + expires_in if expires_in is not None else None,
        )
        audit(by, AuditEvent.TOKEN_CREATED, token, reason)
    return f"{MARKER}{token.prefix}_{secret}"


def find_token(prefix: str) -> ApiToken:
    """The token named ``prefix`` (``rct_<prefix>``, the bare prefix, or the whole token);
    raises :class:`UnknownTokenError`."""
    key = prefix.strip().removeprefix(MARKER).split("_", 1)[0]
    try:
        return ApiToken.objects.select_related("user").get(prefix=key)
    except ApiToken.DoesNotExist:
        raise UnknownTokenError(f"no API token {MARKER}{key}") from None


def revoke_token(token: ApiToken, *, by: Actor = None, reason: str = "") -> ApiToken:
    """Revoke ``token`` (audited as ``token_revoked``); revoking twice changes nothing."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            audit(by, AuditEvent.TOKEN_REVOKED, locked, reason)
    return locked


def authenticate_token(plaintext: str) -> ApiToken | None:
    """The usable token matching ``plaintext``, or ``None`` (unknown, wrong secret, revoked,
    expired, inactive user, or a demo account in production). Records when it was last used."""
    if not plaintext or len(plaintext) > _MAX_TOKEN_LENGTH or not plaintext.startswith(MARKER):
        return None
    prefix, separator, secret = plaintext[len(MARKER):].partition("_")
    if not separator or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None
    now = timezone.now()
    if not token.is_usable(now) or (token.user.is_demo and not demo_accounts_allowed()):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
