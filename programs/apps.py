from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs, cadres and mentoring")

    def ready(self) -> None:
        from partners.models import register_mentor_reach
        from programs import slots
        from programs.models import partners_mentored_by

        register_mentor_reach(partners_mentored_by)
        slots.register_all()
