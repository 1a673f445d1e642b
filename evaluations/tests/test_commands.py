"""`send_reminders` (cron) runs the same sweep synchronously; the benchmark changes nothing."""

import pytest
import time_machine
from django.core.management import call_command

from evaluations.models import Evaluation, Reminder


@pytest.mark.django_db
def test_send_reminders_sends_each_reminder_once(world, smtp):
    with time_machine.travel("2025-06-16 08:00 +0700"):
        call_command("send_reminders")
        call_command("send_reminders")
    ids = smtp.inbox.message_ids()
    assert ids
    assert len(ids) == len(set(ids))
    assert not Reminder.objects.exclude(status="sent").exists()


@pytest.mark.django_db
def test_the_benchmark_rolls_back(world, capsys):
    before = Evaluation.objects.count()
    call_command("bench_reminder_sweep", "--evaluations", "50")
    assert "sweep" in capsys.readouterr().out
    assert Evaluation.objects.count() == before
