from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rescomm.web.core"
    label = "core"
    verbose_name = "Core"
