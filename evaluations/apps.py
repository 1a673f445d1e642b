from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations and reminders")

    def ready(self) -> None:
        from evaluations import signals, timeline

        post_save.connect(signals.agreement_saved, sender="partners.Agreement")
        post_save.connect(signals.program_saved, sender="programs.Program")
        post_save.connect(signals.mentorship_saved, sender="programs.Mentorship")
        from evaluations.reminders import mentee_paired
        from programs.signals import mentorship_paired

        mentorship_paired.connect(mentee_paired)
        from programs.timeline import register_due_source, register_timeline_source

        register_timeline_source(timeline.cadre_entries)
        register_due_source(timeline.program_due)
        from core.slots import register

        register("agreement.history", timeline.agreement_history)
