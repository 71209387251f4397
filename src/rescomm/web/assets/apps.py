from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "rescomm.web.assets"
    label = "assets"
    verbose_name = "Community asset map (Open Referral UK)"
    default_auto_field = "django.db.models.BigAutoField"
