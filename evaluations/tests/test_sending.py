"""Sending a reminder: claimed once, sent with a stable Message-ID in the recipient's
language, retried with backoff when SMTP fails, failed (and visible) at the limit."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from evaluations.models import Reminder, ReminderPreference
from evaluations.reminders import reclaim_stuck, reminder_send, reminders_sweep, retry_delay
from factories import ReminderFactory

DUE = dt.date(2025, 6, 16)


def deliver(ids):
    return [reminder_send(reminder_id=i) for i in ids]


@pytest.fixture
def reminder(world):
    evaluation = world["mentor_evaluation"]
    return ReminderFactory(evaluation=evaluation, recipient=evaluation.evaluator, kind="due_today")


@pytest.mark.django_db
def test_it_sends_a_claimed_reminder_once(reminder, smtp):
    deliver([reminder.pk, reminder.pk, reminder.pk])
    assert smtp.inbox.message_ids() == [f"<reminder-{reminder.pk}@kader>"]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 1)
    assert reminder.sent_at is not None


@pytest.mark.django_db
def test_a_row_being_sent_by_another_worker_is_left_alone(reminder, smtp):
    Reminder.objects.filter(pk=reminder.pk).update(status="sending", claimed_at=timezone.now())
    deliver([reminder.pk])
    assert smtp.inbox.messages == []


@pytest.mark.django_db
def test_it_writes_in_the_recipients_language_with_a_link(reminder, smtp, settings):
    settings.SITE_URL = "https://kader.example.org"
    link = f"https://kader.example.org/evaluations/{reminder.evaluation_id}/"
    deliver([reminder.pk])
    ReminderPreference.objects.create(user=reminder.recipient, language="en")
    english = ReminderFactory(
        evaluation=reminder.evaluation, recipient=reminder.recipient, kind="due_in_1"
    )
    deliver([english.pk])
    indonesian, in_english = smtp.inbox.messages
    assert indonesian["Content-Language"] == "id"
    assert in_english["Content-Language"] == "en"
    # Month names come from Django's own catalogue: a check independent of ours.
    assert "16 Jun 2025" in indonesian.get_body(("plain",)).get_content()
    assert "16 Jun 2025" in in_english.get_body(("plain",)).get_content()
    for message in (indonesian, in_english):
        assert link in message.get_body(("plain",)).get_content()
        assert f'href="{link}"' in message.get_body(("html",)).get_content()


@pytest.mark.django_db
def test_it_skips_a_kind_the_recipient_turned_off(reminder, smtp):
    ReminderPreference.objects.create(user=reminder.recipient, muted_kinds=["due_today"])
    deliver([reminder.pk])
    reminder.refresh_from_db()
    assert reminder.status == "skipped"
    assert smtp.inbox.messages == []


@pytest.mark.django_db
def test_it_retries_with_backoff_and_fails_visibly_at_the_limit(reminder, smtp, settings):
    settings.REMINDER_MAX_ATTEMPTS = 3
    smtp.stop()
    start = timezone.now()
    delays = []
    for minutes in (0, 2, 5):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            delays += deliver([reminder.pk])
    reminder.refresh_from_db()
    assert delays == [60, 120, None]
    assert reminder.status == "failed"
    assert "ConnectionRefusedError" in reminder.last_error


def test_the_backoff_never_exceeds_the_broker_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert [retry_delay(n) for n in (1, 2, 3)] == [60, 120, 240]
    assert max(retry_delay(n) for n in range(1, 30)) < visibility


@pytest.mark.django_db
def test_a_retry_is_not_sent_before_its_time(reminder, smtp):
    smtp.stop()
    deliver([reminder.pk])
    smtp.start()
    deliver([reminder.pk])
    assert smtp.inbox.messages == []
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        deliver([reminder.pk])
    assert len(smtp.inbox.messages) == 1


@pytest.mark.django_db
def test_smtp_down_during_a_sweep_loses_nothing_and_sends_each_once(world, smtp):
    smtp.stop()
    first = reminders_sweep(today=DUE, enqueue=False)
    deliver(first.enqueued)
    assert Reminder.objects.filter(status="pending", attempts=1).count() == len(first.enqueued) > 1
    smtp.start()
    later = timezone.now() + dt.timedelta(minutes=2)
    with time_machine.travel(later):
        for _ in range(2):
            deliver(reminders_sweep(today=DUE, enqueue=False).enqueued)
    ids = smtp.inbox.message_ids()
    assert sorted(ids) == sorted(r.message_id for r in Reminder.objects.all())
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_a_sweep_reclaims_a_row_whose_worker_died(reminder, smtp, settings):
    settings.REMINDER_SENDING_TIMEOUT = 60
    claimed = timezone.now() - dt.timedelta(seconds=61)
    Reminder.objects.filter(pk=reminder.pk).update(status="sending", claimed_at=claimed, attempts=1)
    assert reclaim_stuck(now=timezone.now()) == 1
    deliver([reminder.pk])
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 2)


@pytest.mark.django_db
def test_it_does_not_send_a_due_reminder_for_an_evaluation_submitted_meanwhile(reminder, smtp):
    reminder.evaluation.status = "submitted"
    reminder.evaluation.save()
    deliver([reminder.pk])
    reminder.refresh_from_db()
    assert reminder.status == "skipped"
