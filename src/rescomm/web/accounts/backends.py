"""The authentication backend: Django's model backend, minus demo accounts in production."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .demo_policy import demo_accounts_allowed


class AccountsBackend(ModelBackend):
    """Username and password against :class:`~.models.User`; inactive users and, under the
    production settings, demo accounts cannot sign in."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not demo_accounts_allowed():
            return False
        return super().user_can_authenticate(user)
