from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KaderConfig(AppConfig):
    name = "kader"
    verbose_name = _("Kader")

    def ready(self) -> None:
        # Auth signal receivers: logins, failures and logouts are logged.
        from kader import security, two_factor  # noqa: F401
