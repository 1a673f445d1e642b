from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """Development tooling: demo data, national-scale seeding and the benchmark pages.

    Its commands are for development machines and the benchmark; its pages are mounted only
    with KADER_BENCH_PAGES (kader/urls.py), never in production.
    """

    name = "devtools"
    verbose_name = _("Development tools")
