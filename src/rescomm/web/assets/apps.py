from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AssetsConfig(AppConfig):
    name = "rescomm.web.assets"
    label = "assets"
    verbose_name = "Community asset map (Open Referral UK)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_build_missing_documents, sender=self)


def _build_missing_documents(sender, using="default", verbosity=1, apps=None,
                             **kwargs) -> None:
    """After ``migrate``, build the stored ORUK documents of assets that have none (assets
    created before the documents existed); a no-op when every asset has them, and when the
    database was migrated only part of the way (``migrate assets 0003``)."""
    from .documents import refresh_missing

    if using != "default" or apps is None:  # apps: the migrated state (None after a flush)
        return
    try:
        apps.get_model("assets", "Notification")  # the latest model: fully migrated
    except LookupError:
        return
    written = refresh_missing()
    if written and verbosity:
        print(f"  Built the stored Open Referral UK documents of {written} asset(s)")
