"""A reminder whose worker finds PostgreSQL unreachable (a restart, a failover) is tried
again within seconds by the task itself, not left for the next day's sweep.

The same under real load, with PostgreSQL really restarted: kader/tests/test_faults_under_load.py.
"""

import pytest
from django.db import InterfaceError, OperationalError

from evaluations import reminders
from evaluations.tasks import send_reminder
from factories import ReminderFactory


@pytest.fixture
def reminder(world):
    evaluation = world["mentor_evaluation"]
    return ReminderFactory(evaluation=evaluation, recipient=evaluation.evaluator, kind="due_today")


@pytest.mark.parametrize(
    "exc",
    [OperationalError("the database system is shutting down"), InterfaceError("closed")],
)
@pytest.mark.django_db
def test_it_tries_again_when_the_database_was_briefly_gone(reminder, smtp, monkeypatch, exc):
    real, calls = reminders.reminder_send, []

    def database_gone_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise exc
        return real(**kwargs)

    monkeypatch.setattr(reminders, "reminder_send", database_gone_once)
    send_reminder.apply(args=(reminder.pk,))  # eager: the retry runs at once
    assert len(calls) == 2
    assert smtp.inbox.message_ids() == [f"<reminder-{reminder.pk}@kader>"]
    reminder.refresh_from_db()
    assert reminder.status == "sent"


def test_its_backoff_stays_below_the_broker_visibility_timeout(settings):
    # A countdown beyond it would make Redis deliver the retry twice.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert send_reminder.retry_backoff_max < visibility
    assert OperationalError in send_reminder.autoretry_for
