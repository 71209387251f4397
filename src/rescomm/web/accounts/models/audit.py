"""The audit log: who did what to which record, when, in which role and why. Append-only.

Append-only at three levels: :meth:`AuditEvent.save` refuses to update and :meth:`delete`
refuses to delete; the queryset refuses ``update()`` and ``delete()``; and database triggers
(migration ``0003``) raise on any UPDATE or DELETE, on PostgreSQL and on SQLite.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be updated")

    def delete(self):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")

    def _raw_delete(self, using):  # used by Django's cascade collector
        raise AuditLogIsAppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One thing that happened. ``object_type``/``object_id`` point at a record (model label and
    primary key) and never carry personal data; ``reason`` is why (e.g. "direct care")."""

    #: Actions used across the project; apps may add their own lower_snake_case verbs.
    VIEW, CREATE, UPDATE, DELETE, EXPORT = "view", "create", "update", "delete", "export"
    LOGIN, LOGIN_FAILED, LOGOUT, LOGIN_LOCKED = "login", "login_failed", "logout", "login_locked"
    TOKEN_CREATED, TOKEN_REVOKED = "token_created", "token_revoked"
    ROLE_GRANTED, ROLE_ENDED = "role_granted", "role_ended"
    TWO_FACTOR_ENROLLED, TWO_FACTOR_PASSED = "two_factor_enrolled", "two_factor_passed"
    TWO_FACTOR_FAILED, TWO_FACTOR_RESET = "two_factor_failed", "two_factor_reset"
    RECOVERY_CODE_USED, RECOVERY_CODES_RENEWED = "recovery_code_used", "recovery_codes_renewed"
    SSO_LINKED, SSO_UNLINKED = "sso_linked", "sso_unlinked"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (command line, scheduled jobs).",
    )
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("audit events cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("audit events cannot be deleted")
