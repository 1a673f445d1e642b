from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The bottom layer: tools every app uses, importing no app (see docs/architecture.md)."""

    name = "core"
    verbose_name = _("Core")
