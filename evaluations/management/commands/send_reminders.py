"""`manage.py send_reminders`: the daily sweep for cron, the same code the beat runs.

Plans evaluations ahead, decides the reminders due today, and sends them in this process
(no worker needed). Safe to run as often as you like: each reminder goes out once.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from evaluations import reminders
from evaluations.services import evaluations_plan_all


class Command(BaseCommand):
    help = "Plan evaluations and send the reminders due today, synchronously."

    def handle(self, *args, **options) -> None:
        evaluations_plan_all()
        now = timezone.now()
        result = reminders.reminders_sweep(now=now, enqueue=False)
        sent = 0
        for reminder_id in result.enqueued:
            reminders.reminder_send(reminder_id=reminder_id, now=now)
            sent += 1
        self.stdout.write(
            f"{result.decided} new reminders, {result.reclaimed} reclaimed, {sent} processed."
        )
