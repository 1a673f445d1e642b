from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who is who and how they log in: roles, rules predicates, login security, two-factor."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Auth signal receivers: logins, failures and logouts are logged.
        from accounts import security, two_factor  # noqa: F401
