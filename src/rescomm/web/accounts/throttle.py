"""Rate limits and the sign-in lockout, counted in the database so every server process (every
gunicorn worker, every server behind a load balancer) shares one count, atomically.

A limit allows at most ``limit`` hits per subject in any window of ``period`` (a sliding
window: the subject may hit again once its oldest counted hit is ``period`` old). Each subject
has one :class:`~.models.ThrottleBucket` row holding the times of its newest ``limit`` hits;
:func:`take` locks that row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite runs write
transactions one at a time, ``transaction_mode`` ``IMMEDIATE``), drops the hits older than the
window, and either refuses or appends the new hit, in one transaction. Twenty requests at the
same moment from one address against a limit of 5 therefore get exactly 5 through.

Limits in use:

- ``assets_report`` and ``assets_suggest``: 5 an hour from one IP address
  (:data:`REPORTS_PER_HOUR`, :data:`SUGGESTIONS_PER_HOUR`).
- ``login``: ``ACCOUNTS_LOGIN_MAX_FAILURES`` (default 5) failed sign-ins for one username from
  one IP address within ``ACCOUNTS_LOGIN_LOCK_SECONDS`` (default 900, 15 minutes) lock that pair,
  even with the right password, until the oldest of those failures is older than the window.
  Every attempt (a password, or a second-factor code) is counted *before* it is checked
  (:func:`start_sign_in`), so parallel guesses cannot slip past the lock while the first ones
  are still being checked; a right password takes its own attempt back
  (:func:`password_accepted`) and a complete sign-in (after the second factor, for people who
  have one) forgets the pair (:func:`clear_failures`), so a right password cannot reset the
  count of wrong codes.

The client address comes from :func:`rescomm.web.accounts.audit.client_ip`, which reads
``X-Forwarded-For`` only when ``TRUSTED_PROXY_COUNT`` says how many proxies set it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ThrottleBucket

REPORTS_PER_HOUR = 5
SUGGESTIONS_PER_HOUR = 5
HOUR = timedelta(hours=1)
#: Expired buckets deleted by one :func:`take`, at most (rows nobody else has locked).
PRUNE_BATCH = 100


def _key(scope: str, subject: str) -> str:
    return hashlib.sha256(f"{scope}\n{subject}".encode()).hexdigest()


def take(scope: str, subject: str, *, limit: int, period: timedelta) -> timedelta | None:
    """Count one hit of ``subject`` under the limit ``scope`` (at most ``limit`` hits in any
    ``period``), atomically across processes.

    Returns
    -------
    None if the hit is allowed (and counted); otherwise how long until the subject may try
    again (the oldest counted hit leaves the window), and nothing is counted.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    key = _key(scope, subject)
    for _ in range(3):
        with transaction.atomic():
            now = timezone.now()
            ThrottleBucket.objects.bulk_create(
                [ThrottleBucket(scope=scope, key=key, expires=now)], ignore_conflicts=True)
            bucket = ThrottleBucket.objects.select_for_update().filter(scope=scope,
                                                                      key=key).first()
            if bucket is None:  # pruned between the two statements: start again
                continue
            hits = _recent(bucket.hits, now, period)
            if len(hits) >= limit:
                return _until(hits[-limit], now, period)
            hits.append(now.timestamp())
            bucket.hits = hits[-limit:]
            bucket.expires = now + period
            bucket.save(update_fields=["hits", "expires"])
        _prune(now)
        return None
    raise RuntimeError(f"could not count a hit under {scope!r}: its row kept disappearing")


def retry_after(scope: str, subject: str, *, limit: int, period: timedelta) -> timedelta | None:
    """How long ``subject`` stays refused under ``scope``, or None if it may hit now (reads
    only; counts nothing)."""
    bucket = ThrottleBucket.objects.filter(scope=scope, key=_key(scope, subject)).first()
    if bucket is None:
        return None
    now = timezone.now()
    hits = _recent(bucket.hits, now, period)
    return _until(hits[-limit], now, period) if len(hits) >= limit else None


def refund(scope: str, subject: str) -> None:
    """Take back the newest counted hit of ``subject`` under ``scope`` (an attempt counted by
    :func:`take` that turned out not to count, e.g. a right password before its second
    factor), atomically; nothing happens if there is none."""
    with transaction.atomic():
        bucket = ThrottleBucket.objects.select_for_update().filter(
            scope=scope, key=_key(scope, subject)).first()
        if bucket is None or not bucket.hits:
            return
        bucket.hits = sorted(bucket.hits)[:-1]
        bucket.save(update_fields=["hits"])


def forget(scope: str, subject: str) -> None:
    """Drop every counted hit of ``subject`` under ``scope``."""
    ThrottleBucket.objects.filter(scope=scope, key=_key(scope, subject)).delete()


def _recent(hits: list[float], now: datetime, period: timedelta) -> list[float]:
    since = (now - period).timestamp()
    return sorted(t for t in hits if t > since)


def _until(oldest: float, now: datetime, period: timedelta) -> timedelta:
    return datetime.fromtimestamp(oldest, tz=UTC) + period - now


def _prune(now: datetime) -> None:
    """Delete a batch of buckets whose hits have all left their window, skipping rows another
    request holds (so two prunes never wait on each other)."""
    with transaction.atomic():
        stale = list(ThrottleBucket.objects.select_for_update(skip_locked=True)
                     .filter(expires__lt=now).values_list("pk", flat=True)[:PRUNE_BATCH])
        if stale:
            ThrottleBucket.objects.filter(pk__in=stale, expires__lt=now).delete()


# ------------------------------------------------------------------------------ per-IP limits
def take_report(ip: str | None) -> timedelta | None:
    """Count one problem report from ``ip`` (:data:`REPORTS_PER_HOUR`); see :func:`take`."""
    return take("assets_report", ip or "unknown", limit=REPORTS_PER_HOUR, period=HOUR)


def take_suggestion(ip: str | None) -> timedelta | None:
    """Count one asset suggestion from ``ip`` (:data:`SUGGESTIONS_PER_HOUR`); see :func:`take`."""
    return take("assets_suggest", ip or "unknown", limit=SUGGESTIONS_PER_HOUR, period=HOUR)


# ------------------------------------------------------------------------------ sign-in lockout
def max_failures() -> int:
    return int(getattr(settings, "ACCOUNTS_LOGIN_MAX_FAILURES", 5))


def window() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "ACCOUNTS_LOGIN_LOCK_SECONDS", 900)))


def username_key(username: str) -> str:
    """SHA-256 of the stripped, case-folded username: the typed text is never stored."""
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()


def _login_subject(username: str, ip: str | None) -> str:
    return f"{username_key(username)}@{ip or 'unknown'}"


def start_sign_in(username: str, ip: str | None) -> timedelta | None:
    """Count a sign-in attempt for ``username`` from ``ip`` before its password is checked.

    Returns None if it may go ahead (the attempt stays counted as a failure unless
    :func:`clear_failures` follows a success), else how long the pair stays locked.
    """
    return take("login", _login_subject(username, ip), limit=max_failures(), period=window())


def lock_remaining(username: str, ip: str | None) -> timedelta | None:
    """How long ``username`` from ``ip`` stays locked, or ``None`` if it may try now."""
    return retry_after("login", _login_subject(username, ip), limit=max_failures(),
                       period=window())


def password_accepted(username: str, ip: str | None) -> None:
    """The password of this attempt was right: it is not a failure, but earlier failures
    (wrong second-factor codes included) stay counted until :func:`clear_failures` follows a
    complete sign-in."""
    refund("login", _login_subject(username, ip))


def clear_failures(username: str, ip: str | None) -> None:
    """Forget failures for this pair (after a successful sign-in)."""
    forget("login", _login_subject(username, ip))


def minutes_text(remaining: timedelta) -> str:
    """``remaining`` as whole minutes in words, rounded up: "1 minute", "15 minutes"."""
    minutes = max(1, -(-int(remaining.total_seconds()) // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
