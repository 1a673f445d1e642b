from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The top layer: the programme at a glance, reports, exports and calendar feeds."""

    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from dashboard import signals, slots  # noqa: F401

        slots.register_all()
