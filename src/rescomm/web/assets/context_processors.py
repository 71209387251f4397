"""Template context for the site navigation: the moderation link and its queue count.

Only people with the moderator role see the link (``/assets/moderation/`` is theirs alone); the
count is what waits for them: pending suggestions and open problem reports. Both are read only
when a template asks (the header does, on every page a moderator opens: two counts).
"""

from __future__ import annotations

from django.http import HttpRequest

from rescomm.web.accounts.public import Role, roles_of


def navigation(request: HttpRequest) -> dict:
    """``can_moderate`` and ``moderation_waiting`` (the queue count), each a callable."""

    def can_moderate() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        memberships = getattr(request, "memberships", None)
        held = {row[0] for row in memberships} if memberships is not None else roles_of(user)
        return Role.MODERATOR in held

    def moderation_waiting() -> int:
        from .services import queue_counts

        return queue_counts()["total"]

    return {"can_moderate": can_moderate, "moderation_waiting": moderation_waiting}
