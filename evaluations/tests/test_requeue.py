"""Between daily sweeps, reminders a dead worker or a lost message left behind are enqueued
again within 15 minutes; rows that are simply not due yet, or just queued, are left alone."""

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from evaluations.models import Reminder
from evaluations.reminders import reminder_send, reminders_requeue
from factories import ReminderFactory


def make(world, kind: str, **fields) -> Reminder:
    evaluation = world["mentor_evaluation"]
    reminder = ReminderFactory(evaluation=evaluation, recipient=evaluation.evaluator, kind=kind)
    Reminder.objects.filter(pk=reminder.pk).update(**fields)
    return reminder


@pytest.mark.django_db
def test_it_requeues_lost_and_stuck_rows_only(world, smtp):
    now = timezone.now()
    lost = make(world, "due_today", next_attempt_at=now - dt.timedelta(minutes=40))
    just_queued = make(world, "due_in_1", next_attempt_at=now - dt.timedelta(minutes=2))
    stuck = make(
        world,
        "due_in_7",
        status="sending",
        attempts=1,
        claimed_at=now - dt.timedelta(hours=1),
        next_attempt_at=now - dt.timedelta(hours=1),
    )
    being_sent = make(
        world, "overdue", status="sending", attempts=1, claimed_at=now - dt.timedelta(minutes=1)
    )
    sent = make(world, "submitted", status="sent", next_attempt_at=now - dt.timedelta(days=1))

    ids = reminders_requeue(now=now, enqueue=False)

    assert ids == sorted([lost.pk, stuck.pk])
    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert statuses[stuck.pk] == "pending"  # given back to the queue
    assert statuses[being_sent.pk] == "sending"  # a live worker's claim is left alone
    assert statuses[sent.pk] == "sent"
    assert statuses[just_queued.pk] == "pending"

    # Enqueued twice by accident (requeue and a late redelivery): still one e-mail each.
    for reminder_id in ids + ids:
        reminder_send(reminder_id=reminder_id)
    assert sorted(smtp.inbox.message_ids()) == sorted(
        f"<reminder-{pk}@kader>" for pk in (lost.pk, stuck.pk)
    )


@pytest.mark.django_db
def test_it_finds_nothing_to_requeue_on_a_quiet_outbox(world):
    make(world, "due_today", status="sent")
    assert reminders_requeue(enqueue=False) == []


@pytest.mark.django_db
def test_it_is_scheduled_every_15_minutes():
    task = PeriodicTask.objects.get(task="evaluations.tasks.requeue_reminders")
    assert task.enabled
    assert task.crontab.minute == "*/15"
