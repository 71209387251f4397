"""API tokens: only a SHA-256 hash of each token's secret is stored, never the token."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token for the JSON API, owned by one user and acting with that user's roles.

    The plaintext ``rct_<prefix>_<secret>`` is shown once at creation. ``prefix`` (random, not
    secret) finds the row and names the token in lists; ``secret_hash`` is the SHA-256 hex digest
    of the secret part. Revoking sets ``revoked_at``; tokens are never deleted, so the audit log
    keeps its meaning.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'nightly export'."
    )
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        """How the token is named in lists and logs: ``rct_<prefix>``; not secret."""
        return f"rct_{self.prefix}"

    def is_usable(self, now=None) -> bool:
        """Not revoked, not expired, and its user is active."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return self.user.is_active

    @property
    def status(self) -> str:
        """``active``, ``expired`` or ``revoked``, for display."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"
