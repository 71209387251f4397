"""The audit service: :func:`audit` appends one :class:`~.models.AuditEvent`.

Call it from services, inside the same transaction as the change it records, so the change and
its audit event are saved together or not at all.
"""

from __future__ import annotations

import ipaddress
import re
import uuid

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from .models import AuditEvent, User

_ACTION = re.compile(r"^[a-z][a-z_]{1,39}$")
_OBJECT_ID = re.compile(r"^[A-Za-z0-9_.:-]{0,64}$")
_OBJECT_TYPE = re.compile(r"^([a-z0-9_]+\.[a-z0-9_]+)?$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REASON_MAX = 500

Actor = HttpRequest | User | None

#: What each audit action is called on screen (the audit log, its filter). Apps' own verbs are
#: listed here too; an unknown one is shown with its underscores as spaces.
ACTION_LABELS: dict[str, str] = {
    AuditEvent.VIEW: "Viewed",
    AuditEvent.CREATE: "Created",
    AuditEvent.UPDATE: "Changed",
    AuditEvent.DELETE: "Deleted",
    AuditEvent.EXPORT: "Exported",
    AuditEvent.LOGIN: "Signed in",
    AuditEvent.LOGIN_FAILED: "Sign-in failed",
    AuditEvent.LOGOUT: "Signed out",
    AuditEvent.LOGIN_LOCKED: "Sign-in refused (locked)",
    AuditEvent.TOKEN_CREATED: "API token created",
    AuditEvent.TOKEN_REVOKED: "API token revoked",
    AuditEvent.ROLE_GRANTED: "Role given",
    AuditEvent.ROLE_ENDED: "Role ended",
    "invite_sent": "Invitation sent",
    "password_set": "Password set from an invitation",
    "escalate": "Escalated (no answer in time)",
    "anonymise": "Personal data removed (retention)",
    "import": "Imported",
    "review_reminders_sent": "Review reminders sent",
}


def action_label(code: str) -> str:
    """The plain-words name of an audit action."""
    return ACTION_LABELS.get(code) or code.replace("_", " ").capitalize()


def record_type_label(object_type: str) -> str:
    """The plain-words name of a record type (``app.model``), e.g. "Referral" for
    ``prescribing.referral``; the label itself if no such model."""
    from django.apps import apps

    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def request_id(request: HttpRequest) -> str:
    """The request's id: a well-formed ``X-Request-ID`` header, else a new random one (kept on
    the request, so every event of one request shares it)."""
    existing = getattr(request, "rescomm_request_id", None)
    if existing:
        return existing
    header = request.headers.get("X-Request-ID", "")
    value = header if _REQUEST_ID.match(header) else uuid.uuid4().hex
    request.rescomm_request_id = value
    return value


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the client, or None if it is not an IP address.

    With ``TRUSTED_PROXY_COUNT = 0`` (the default) that is ``REMOTE_ADDR``: any client can
    send ``X-Forwarded-For``, so it is ignored. With ``N`` trusted proxies in front of the
    server, each appending the address it received the request from to ``X-Forwarded-For``
    (nginx ``$proxy_add_x_forwarded_for``, Apache ``mod_proxy``, most load balancers), it is
    the ``N``-th address from the right: the one the outermost of our proxies saw. Addresses
    further left were written by the client and are never read. A request with fewer
    addresses than ``N`` did not come through all the proxies: ``REMOTE_ADDR`` again.
    """
    if request is None:
        return None
    value = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [part.strip() for part in
                     request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            value = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def audit(
    request_or_actor: Actor,
    action: str,
    obj: models.Model | None = None,
    reason: str = "",
    *,
    role: str | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append an audit event and return it.

    Parameters
    ----------
    request_or_actor
        The request (its signed-in user, IP address and request id are recorded), a user, or
        ``None`` for the system (command line, scheduled jobs).
    action
        A lower_snake_case verb: ``view``, ``create``, ``update``, ``delete``, ``export``,
        ``login``, ``token_created``, ... (constants on :class:`AuditEvent`).
    obj
        The record acted on; only its model label and primary key are stored.
    reason
        Why, in free text (e.g. "direct care"); at most 500 characters. Never personal data.
    role
        The role the actor acted in; defaults to the role that authorised the request
        (``request.acting_role``, set by the permission checks).
    object_type, object_id
        Instead of ``obj``: a model label (``app.model``) and primary key, for records that are
        not loaded.

    Raises
    ------
    ValueError
        For a malformed action, object id or type, an over-long reason, or ``obj`` that is not a
        saved model instance.
    """
    if not _ACTION.match(action):
        raise ValueError(f"audit action must be lower_snake_case, got {action!r}")
    if obj is not None:
        if not isinstance(obj, models.Model) or obj.pk is None:
            raise ValueError("audit obj must be a saved model instance (only its key is kept)")
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    if not _OBJECT_TYPE.match(object_type) or not _OBJECT_ID.match(object_id):
        raise ValueError("audit object_type must be 'app.model' and object_id a key")
    if len(reason) > REASON_MAX:
        raise ValueError(f"audit reason must be at most {REASON_MAX} characters")

    request = request_or_actor if isinstance(request_or_actor, HttpRequest) else None
    if request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        acting_role = role if role is not None else getattr(request, "acting_role", "")
    else:
        actor = request_or_actor
        acting_role = role or ""
    return AuditEvent.objects.create(
        actor=actor,
        actor_role=acting_role or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        request_id=request_id(request) if request is not None else "",
        ip=client_ip(request),
    )
