"""Keep today's links between capacity, onward referrals and asset-map services, now as keys.

Until migration 0010, a provider's ``ServiceCapacity`` was matched to an asset-map service by
name: the service of an organisation the provider runs (``DirectoryLink``) whose name (first 200
characters) equals ``service_name``. Each capacity row gets that service as its ``service``
foreign key, and each onward referral sent by name only (typed by the link worker) gets it as
its ``service`` when the name matches a service of an organisation its provider runs. Where a
provider runs several map services of the same name, the published one is chosen, then the one
with the lowest id. Rows whose name matches no map service keep their name: a service that is
not on the map.
"""

from django.db import migrations


def _map_service(Service, DirectoryLink, provider_id, name, cache):
    key = (provider_id, name)
    if key not in cache:
        organizations = DirectoryLink.objects.filter(provider_id=provider_id).values(
            "organization_id"
        )
        candidates = sorted(
            (
                s
                for s in Service.objects.filter(
                    organization_id__in=organizations, name__startswith=name[:200]
                )
                if s.name[:200] == name
            ),
            key=lambda s: (s.asset_status != "published", str(s.pk)),
        )
        cache[key] = candidates[0].pk if candidates else None
    return cache[key]


def forwards(apps, schema_editor):
    Service = apps.get_model("assets", "Service")
    DirectoryLink = apps.get_model("prescribing", "DirectoryLink")
    ServiceCapacity = apps.get_model("prescribing", "ServiceCapacity")
    OnwardReferral = apps.get_model("prescribing", "OnwardReferral")
    cache: dict = {}
    for capacity in ServiceCapacity.objects.filter(service__isnull=True).order_by("pk"):
        found = _map_service(
            Service, DirectoryLink, capacity.provider_id, capacity.service_name, cache
        )
        if found is not None:
            capacity.service_id = found
            capacity.save(update_fields=["service"])
    onward = OnwardReferral.objects.filter(service__isnull=True).order_by("pk")
    for item in onward.iterator(chunk_size=1000):
        found = _map_service(Service, DirectoryLink, item.provider_id, item.service_name, cache)
        if found is not None:
            item.service_id = found
            item.save(update_fields=["service"])


class Migration(migrations.Migration):
    dependencies = [("prescribing", "0010_service_capacity_map_service")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
