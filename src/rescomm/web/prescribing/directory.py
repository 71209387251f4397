"""Which provider runs which organisation of the community asset map.

A :class:`~.models.DirectoryLink` lets a link worker send an onward referral straight from a
suggested service (:func:`provider_for_service`), and lets matching show the service's capacity.
Links are made and removed by service managers and administrators (:func:`link`,
:func:`unlink`), audited; a provider must be a voluntary or community organisation, and demo
providers may only run example (synthetic) map entries, so synthetic and real data never mix.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from rescomm.web.accounts.public import Organisation, OrganisationKind, audit

from .errors import ReferralInvalid
from .models import DirectoryLink


def _directory_organization(organization_id):
    from rescomm.web.assets import public

    found = public.organization(organization_id)
    if found is None:
        raise ReferralInvalid({"organization": [
            f"No asset-map organisation with id {str(organization_id)[:60]!r}: copy the id "
            "from the organisation's page on the asset map."]})
    return found


def link(actor, provider: Organisation, organization_id) -> DirectoryLink:
    """Record that ``provider`` runs the asset-map organisation ``organization_id``.

    Raises
    ------
    ReferralInvalid
        The provider is not a voluntary or community organisation; no such map organisation;
        it is already run by another provider; or a demo provider and a real map entry (or the
        other way round).
    """
    if provider.kind != OrganisationKind.VOLUNTARY_ORGANISATION:
        raise ReferralInvalid({"provider": [
            f"{provider.name} is not a voluntary or community organisation; only providers "
            "take onward referrals."]})
    from rescomm.web.assets import public

    organization = _directory_organization(organization_id)
    if provider.is_demo != public.organization_is_example(organization):
        raise ReferralInvalid({"organization": [
            "A demo (synthetic) provider can only run example entries of the asset map, and a "
            "real provider only real ones."]})
    try:
        with transaction.atomic():
            made = DirectoryLink.objects.create(provider=provider, organization=organization,
                                                linked_by=getattr(actor, "user", actor))
    except IntegrityError:
        current = DirectoryLink.objects.select_related("provider").get(
            organization=organization)
        if current.provider_id == provider.pk:
            return current
        raise ReferralInvalid({"organization": [
            f"{organization.name} is already run by {current.provider.name}: remove that link "
            "first."]}) from None
    audit(actor, "create", made, "asset-map organisation linked to its provider")
    return made


def unlink(actor, provider: Organisation, organization_id) -> bool:
    """Remove the link (True if there was one). Onward referrals already sent are kept."""
    organization = _directory_organization(organization_id)
    with transaction.atomic():
        found = DirectoryLink.objects.filter(provider=provider, organization=organization).first()
        if found is None:
            return False
        audit(actor, "delete", found, "asset-map organisation unlinked from its provider")
        found.delete()
    return True


def providers_by_organization(organization_ids) -> dict:
    """``{asset-map organisation id: provider Organisation}`` for the linked ones."""
    from rescomm.web.core.batches import chunked

    found = {}
    for ids in chunked([o for o in organization_ids if o is not None]):
        found.update((link.organization_id, link.provider) for link in
                     DirectoryLink.objects.filter(organization_id__in=ids)
                     .select_related("provider"))
    return found


def provider_for_service(service) -> Organisation | None:
    """The provider that takes onward referrals for an asset-map ``service`` (None if its
    organisation is not linked)."""
    if service.organization_id is None:
        return None
    return providers_by_organization([service.organization_id]).get(service.organization_id)


def map_service_named(provider: Organisation, name: str):
    """The asset-map service called ``name`` (its first 200 characters, as capacity and onward
    referrals store names) of an organisation ``provider`` runs, or None; where it runs several
    of that name, the published one, then the one with the lowest id."""
    from rescomm.web.assets import public

    name = (name or "").strip()[:200]
    if not name:
        return None
    organizations = DirectoryLink.objects.filter(provider=provider).values_list(
        "organization_id", flat=True)
    named = [s for s in public.services_of(organizations) if s.name[:200] == name]
    named.sort(key=lambda s: (s.asset_status != "published", str(s.pk)))
    return named[0] if named else None
