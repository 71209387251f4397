from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "rescomm.web.areas"
    label = "areas"
    verbose_name = "Areas (geography reference data)"
