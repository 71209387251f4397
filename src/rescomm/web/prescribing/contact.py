"""How a provider can contact a person referred on to their service.

The person's telephone number or email address is shown to the provider only if the person
agreed that the service may contact them directly (``OnwardReferral.contact_agreed``, recorded
by the link worker when sending the onward referral), in the order of the person's contact
preference. Otherwise, or when no usable detail was given, the provider is told whom to ask:
the link worker who sent it, at the scheme, with that link worker's email address if known.
NHS Transformation Directorate guidance on sharing with the VCSE: only what is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import ContactPreference, OnwardReferral


@dataclass(frozen=True)
class Route:
    """One way to reach someone: ``kind`` ("Telephone", "Text message", "Email"), the value,
    and a link (``tel:``/``mailto:``)."""

    kind: str
    value: str
    href: str


@dataclass(frozen=True)
class ContactRoute:
    """``direct``: routes to the person (preferred first), empty if the provider must ask;
    ``ask``: whom to ask (always given, for when the direct routes fail); ``why``: why there
    is no direct route, or ""."""

    direct: list[Route] = field(default_factory=list)
    ask_name: str = ""
    ask_scheme: str = ""
    ask_email: str = ""
    why: str = ""


def _dialable(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def contact_route(onward: OnwardReferral) -> ContactRoute:
    """How the provider of ``onward`` can contact the person (see the module docstring)."""
    referral = onward.referral
    sender = onward.sent_by
    ask = {"ask_name": str(sender), "ask_scheme": str(referral.scheme),
           "ask_email": sender.email or ""}
    if not onward.contact_agreed:
        return ContactRoute(why="The person has not agreed to be contacted by your service "
                                "directly.", **ask)
    routes: list[Route] = []
    phone, email = referral.phone.strip(), referral.email.strip()
    if phone:
        kind = "Text message" if referral.contact_preference == ContactPreference.TEXT \
            else "Telephone"
        scheme = "sms" if kind == "Text message" else "tel"
        routes.append(Route(kind, phone, f"{scheme}:{_dialable(phone)}"))
    if email:
        routes.append(Route("Email", email, f"mailto:{email}"))
    if referral.contact_preference == ContactPreference.EMAIL:
        routes.sort(key=lambda r: r.kind != "Email")
    if not routes:
        return ContactRoute(why="The person agreed to be contacted, but no telephone number or "
                                "email address was given.", **ask)
    return ContactRoute(direct=routes, **ask)


__all__ = ["ContactRoute", "Route", "contact_route"]
