"""Failed sign-in attempts, kept briefly to lock out password guessing (see ``throttle.py``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """One failed sign-in. ``key`` is a SHA-256 of the lower-cased username (the typed name is
    never stored: people sometimes type their password into it). Rows older than the lock
    window are pruned whenever a new failure is recorded, and cleared on a successful sign-in."""

    key = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "ip", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"failed sign-in at {self.at:%Y-%m-%d %H:%M}"
