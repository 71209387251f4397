"""API token service: create (plaintext shown once), revoke, and check a presented token.

A token reads ``rct_<prefix>_<secret>``: ``prefix`` (10 lower-case letters and digits) finds the
row and names the token; only the SHA-256 of ``secret`` is stored and compared.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from .audit import Actor, audit
from .demo_policy import demo_accounts_allowed
from .models import ApiToken, AuditEvent, Membership, User

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


@dataclass(frozen=True)
class Bearer:
    """Who a usable token speaks for: the token (its ``user`` loaded), and the user's active
    memberships as ``(role, organisation_id, profession)`` tuples, oldest first."""

    token: ApiToken
    memberships: list[tuple[str, int, str]]


def authenticate_token(plaintext: str) -> ApiToken | None:
    """The usable token matching ``plaintext``, or ``None`` (unknown, wrong secret, revoked,
    expired, inactive user, or a demo account in production). Records when it was last used."""
    bearer = authenticate_bearer(plaintext)
    return bearer.token if bearer is not None else None


def authenticate_bearer(plaintext: str) -> Bearer | None:
    """:func:`authenticate_token` and the user's active memberships, read in one SQL statement.

    Every API request runs this, so it reads the token, its user and the memberships with one
    query (a join, one row per active membership) instead of three through the ORM; revocation,
    expiry and a deactivated user still take effect on the next request (nothing is cached).
    The token's other fields (``expires_at``, ...) load on first use.
    """
    if not plaintext or len(plaintext) > _MAX_TOKEN_LENGTH or not plaintext.startswith(MARKER):
        return None
    prefix, separator, secret = plaintext[len(MARKER):].partition("_")
    if not separator or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(now), adapt(now - LAST_USED_RESOLUTION), True, prefix]
    rows = list(User.objects.raw(_bearer_sql(), params))
    if not rows:
        return None
    user = rows[0]
    if not hmac.compare_digest(user.tok_hash, hash_secret(secret)):
        return None
    if not user.tok_live or not user.is_active or (user.is_demo and not demo_accounts_allowed()):
        return None
    token = ApiToken.from_db(connection.alias, ["id", "user_id", "name", "prefix"],
                             [user.tok_id, user.pk, user.tok_name, prefix])
    token.user = user
    if user.tok_stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    memberships = [(row.m_role, row.m_org, row.m_profession) for row in rows
                   if row.m_role is not None]
    return Bearer(token, memberships)


_BEARER_SQL: dict[str, str] = {}


def _bearer_sql() -> str:
    """``SELECT`` the user of the token with prefix ``%s`` (4th parameter), with the token's
    id, name and secret hash, whether it is live (not revoked, not expired at the 1st
    parameter), whether its last use is older than the 2nd parameter (or unknown), and one row
    per membership whose ``active`` is the 3rd parameter (none: one row with nulls), oldest
    membership first. Built once per database vendor from the models' table and column names."""
    vendor = connection.vendor
    if vendor not in _BEARER_SQL:
        q = connection.ops.quote_name
        users = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
        # Only our models' table and column names go into the text; values are parameters.
        _BEARER_SQL[vendor] = (
            f"SELECT {users}, t.{q('id')} AS tok_id, t.{q('name')} AS tok_name, "  # noqa: S608
            f"t.{q('secret_hash')} AS tok_hash, "
            f"(t.{q('revoked_at')} IS NULL AND (t.{q('expires_at')} IS NULL "
            f"OR t.{q('expires_at')} > %s)) AS tok_live, "
            f"(t.{q('last_used_at')} IS NULL OR t.{q('last_used_at')} <= %s) AS tok_stale, "
            f"m.{q('role')} AS m_role, m.{q('organisation_id')} AS m_org, "
            f"m.{q('profession')} AS m_profession "
            f"FROM {q(ApiToken._meta.db_table)} t "
            f"INNER JOIN {q(User._meta.db_table)} u ON u.{q('id')} = t.{q('user_id')} "
            f"LEFT JOIN {q(Membership._meta.db_table)} m ON m.{q('user_id')} = u.{q('id')} "
            f"AND m.{q('active')} = %s "
            f"WHERE t.{q('prefix')} = %s ORDER BY m.{q('id')}"
        )
    return _BEARER_SQL[vendor]
