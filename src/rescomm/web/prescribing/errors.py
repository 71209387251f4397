"""Errors the social prescribing services raise; views turn them into 400 or 409 answers."""

from __future__ import annotations


class ReferralInvalid(ValueError):
    """Input refused; ``fields`` maps each bad field to its messages."""

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("Some fields are not valid.")
        self.fields = fields


class StaleEditError(Exception):
    """The referral changed since the user loaded it; nothing was written."""


class IdempotencyConflict(Exception):
    """An idempotency key reused for a different referral."""



class CapacityFull(Exception):
    """No free place at the service: the onward referral stays waiting (nothing changed)."""

