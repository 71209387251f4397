"""Single sign-on identities: which person at an OpenID Connect provider is which account."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SingleSignOnIdentity(models.Model):
    """``user`` signs in as the provider ``issuer``'s ``subject`` (its stable ``sub`` claim).

    Made at the first single sign-on, when the provider's e-mail address matched exactly one
    account, or by an administrator (``rescomm users link-sso``). Afterwards the subject alone
    finds the account, so a changed e-mail address at the provider does not matter, and another
    identity claiming the same address cannot take the account over. One identity per account
    and provider. It carries no roles: roles are given in rescomm only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="sso_identities")
    issuer = models.CharField(max_length=255, help_text="The provider's issuer URL (iss).")
    subject = models.CharField(max_length=255, help_text="The person's id there (sub).")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique"),
            models.UniqueConstraint(fields=["user", "issuer"], name="sso_one_identity_per_user"),
        ]

    def __str__(self) -> str:
        return f"single sign-on identity of user {self.user_id}"
