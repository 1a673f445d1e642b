from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JurisdictionsConfig(AppConfig):
    name = "jurisdictions"
    verbose_name = _("Offices and organisations")
