from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rescomm.web.accounts"
    label = "accounts"
    verbose_name = "Accounts (users, organisations, roles, tokens, audit)"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the audit receivers
