"""Organisations claim their listing and keep it up to date.

1. A signed-in person asks to manage a published listing (:func:`request_claim`).
2. rescomm e-mails a one-time link to the e-mail address **listed on the service** (never one the
   person types), saying who asked. Only the SHA-256 of the link's token is stored.
3. Whoever reads that mailbox passes the link on; the person who asked follows it while signed in
   and confirms (:func:`confirm_claim`): they become the listing's editor (:class:`ListingEditor`).
   The link works once, for that person only, for :data:`CLAIM_VALID_FOR`.
4. An editor changes the listing through "Suggest a change", moderated exactly like anyone's
   suggestion; the moderator sees that it comes from the listing's editor (``is_editor``).

Limits keep the listed mailbox from being flooded: at most :data:`MAX_CLAIMS_PER_SERVICE` claim
e-mails a day per listing and :data:`MAX_CLAIMS_PER_USER` per person. Every request and every
confirmation is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from rescomm.web.accounts.public import audit

from .models import AssetStatus, ListingClaim, ListingEditor, Service

CLAIM_VALID_FOR = timedelta(hours=72)
MAX_CLAIMS_PER_SERVICE = 3
MAX_CLAIMS_PER_USER = 5


class ClaimRefused(ValueError):
    """The claim cannot be made (the message says why and what to do instead)."""


def is_editor(service: Service, user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and ListingEditor.objects.filter(
        service=service, user=user).exists()


def listings_of(user) -> list[ListingEditor]:
    """The listings ``user`` manages, by name."""
    return list(ListingEditor.objects.filter(user=user).select_related("service"))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mask_email(address: str) -> str:
    """``hello@example.org`` -> ``h****@example.org``: enough to recognise, not to harvest."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}{'*' * max(3, len(local) - 1)}@{domain}"


def request_claim(service: Service, *, request, link_for) -> ListingClaim:
    """Ask to manage ``service`` as ``request.user``; e-mail the one-time link to the listed
    address. ``link_for(token)`` gives the link's absolute URL.

    Raises :class:`ClaimRefused` when the listing is not published, has no e-mail address, the
    person already manages it, or a daily limit is reached."""
    user = request.user
    if service.asset_status != AssetStatus.PUBLISHED:
        raise ClaimRefused("Only published listings can be claimed.")
    if not service.email:
        raise ClaimRefused("This listing has no e-mail address to send the link to. Use "
                           "\"Report a problem\" on its page to ask a moderator to add your "
                           "organisation's address.")
    if is_editor(service, user):
        raise ClaimRefused("You already manage this listing.")
    since = timezone.now() - timedelta(days=1)
    if ListingClaim.objects.filter(service=service, created_at__gte=since).count() >= \
            MAX_CLAIMS_PER_SERVICE:
        raise ClaimRefused("This listing has been claimed several times today. Try again "
                           "tomorrow, or ask whoever reads its e-mail for the link already sent.")
    if ListingClaim.objects.filter(claimant=user, created_at__gte=since).count() >= \
            MAX_CLAIMS_PER_USER:
        raise ClaimRefused("You have asked to manage several listings today. Try again "
                           "tomorrow.")
    token = secrets.token_urlsafe(32)
    who = user.get_full_name() or user.get_username()
    contact = f" ({user.email})" if user.email else ""
    with transaction.atomic():
        claim = ListingClaim.objects.create(
            service=service, claimant=user, sent_to=service.email, token_hash=_hash(token),
            expires_at=timezone.now() + CLAIM_VALID_FOR)
        audit(request, "listing_claim_requested", service,
              reason=f"claim {claim.id}: link e-mailed to the listed address")
        body = (
            f"{who}{contact} has asked to manage the listing '{service.name}' on the community "
            "asset map. This e-mail went to the address the listing gives for your "
            "organisation.\n\n"
            f"If they speak for your organisation, pass them this link. They must follow it "
            f"while signed in to the asset map as {user.get_username()}; it works once, for "
            f"{int(CLAIM_VALID_FOR.total_seconds() // 3600)} hours:\n{link_for(token)}\n\n"
            "As the listing's editor they can suggest changes to it; a moderator checks every "
            "change before it is published.\n\n"
            "If you do not know them, ignore this e-mail: nothing changes.\n")
        send_mail(f"Someone asked to manage '{service.name}'", body, None, [service.email])
    return claim


def claim_for_token(token: str) -> ListingClaim | None:
    """The unexpired, unused claim of this link, or None."""
    claim = (ListingClaim.objects.select_related("service", "claimant")
             .filter(token_hash=_hash(token)).first())
    if claim is None or claim.confirmed_at is not None or claim.expires_at <= timezone.now():
        return None
    if claim.service.asset_status != AssetStatus.PUBLISHED:
        return None
    return claim


class WrongPerson(PermissionError):
    """The link was followed by someone other than the person who asked."""


def confirm_claim(token: str, *, request) -> Service | None:
    """Make the person who asked the listing's editor. None if the link is not valid (unknown,
    used or expired); :class:`WrongPerson` if ``request.user`` is not the person who asked."""
    with transaction.atomic():
        claim = claim_for_token(token)
        if claim is None:
            return None
        claim = ListingClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.confirmed_at is not None:
            return None
        if claim.claimant_id != request.user.pk:
            raise WrongPerson
        claim.confirmed_at = timezone.now()
        claim.save(update_fields=["confirmed_at"])
        try:
            with transaction.atomic():
                ListingEditor.objects.create(service=claim.service, user=request.user,
                                             claim=claim)
        except IntegrityError:
            pass  # already an editor (a second claim confirmed): nothing more to grant
        audit(request, "listing_claim_confirmed", claim.service,
              reason=f"claim {claim.id}: now an editor of the listing")
    return claim.service
