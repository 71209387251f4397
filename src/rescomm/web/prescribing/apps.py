from django.apps import AppConfig


class PrescribingConfig(AppConfig):
    name = "rescomm.web.prescribing"
    label = "prescribing"
    verbose_name = "Social prescribing"
    default_auto_field = "django.db.models.BigAutoField"
