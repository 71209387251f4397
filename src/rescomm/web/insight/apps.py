from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "rescomm.web.insight"
    label = "insight"
    verbose_name = "Insight (maps and area profiles)"
