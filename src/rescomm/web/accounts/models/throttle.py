"""Recent hits under a rate limit, shared by every server process (see ``throttle.py``)."""

from __future__ import annotations

from django.db import models


class ThrottleBucket(models.Model):
    """The newest hits of one subject under one limit: ``scope`` names the limit (``login``,
    ``assets_suggest``, ...), ``key`` is a SHA-256 of the subject (an IP address, or a
    case-folded username and an IP address), so neither typed names nor addresses are stored in
    clear. ``hits`` holds the times of at most ``limit`` newest hits in POSIX seconds, oldest
    first; ``expires`` is when the newest one leaves the window (after that the row is empty
    and is deleted). One row per subject, locked while a hit is counted."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    hits = models.JSONField(default=list)
    expires = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"],
                                               name="accounts_throttle_one_bucket")]

    def __str__(self) -> str:
        return f"{self.scope}: {len(self.hits)} recent"
