from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "rescomm.web.profiles"
    label = "profiles"
    verbose_name = "Profiles (the indicator store and its releases)"
