from django.apps import AppConfig


class PrescribingConfig(AppConfig):
    name = "rescomm.web.prescribing"
    label = "prescribing"
    verbose_name = "Social prescribing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .lookups import connect_signals

        connect_signals()
