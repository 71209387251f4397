"""Accounts models: the project's user model (``AUTH_USER_MODEL = "accounts.User"``)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. ``display_name`` is shown on screen; ``is_demo`` marks synthetic
    demo accounts, which are labelled as such wherever they appear."""

    display_name = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False, help_text="A synthetic demo account.")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username
