"""Sign-in throttling: too many failures for one username from one IP address lock that pair.

After ``ACCOUNTS_LOGIN_MAX_FAILURES`` (default 5) failures within ``ACCOUNTS_LOGIN_LOCK_SECONDS``
(default 900, 15 minutes), further attempts for that username from that address are refused,
even with the right password, until the oldest of those failures is older than the window.
Failures live in the database (:class:`~.models.LoginFailure`), so every server process sees them.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def max_failures() -> int:
    return int(getattr(settings, "ACCOUNTS_LOGIN_MAX_FAILURES", 5))


def window() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "ACCOUNTS_LOGIN_LOCK_SECONDS", 900)))


def username_key(username: str) -> str:
    """SHA-256 of the stripped, case-folded username: the typed text is never stored."""
    return hashlib.sha256(username.strip().casefold().encode("utf-8")).hexdigest()


def _recent(username: str, ip: str | None):
    since = timezone.now() - window()
    return LoginFailure.objects.filter(key=username_key(username), ip=ip, at__gt=since)


def lock_remaining(username: str, ip: str | None) -> timedelta | None:
    """How long ``username`` from ``ip`` stays locked, or ``None`` if it may try now."""
    limit = max_failures()
    times = list(_recent(username, ip).order_by("-at").values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    remaining = times[-1] + window() - timezone.now()
    return remaining if remaining > timedelta(0) else None


def record_failure(username: str, ip: str | None) -> None:
    """Record one failed attempt, pruning failures older than the window."""
    now = timezone.now()
    LoginFailure.objects.filter(at__lte=now - window()).delete()
    LoginFailure.objects.create(key=username_key(username), ip=ip, at=now)


def clear_failures(username: str, ip: str | None) -> None:
    """Forget failures for this pair (after a successful sign-in)."""
    LoginFailure.objects.filter(key=username_key(username), ip=ip).delete()


def minutes_text(remaining: timedelta) -> str:
    """``remaining`` as whole minutes in words, rounded up: "1 minute", "15 minutes"."""
    minutes = max(1, -(-int(remaining.total_seconds()) // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
