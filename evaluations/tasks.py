"""Thin Celery tasks: they take ids, call the service, and enqueue follow-up work.

`acks_late` is global (settings): a task whose worker dies is delivered again, which is
safe because sending claims its outbox row first. No countdown ever exceeds the broker's
visibility timeout (`reminders.retry_delay` caps it), or Redis would deliver it twice.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django import db
from kombu.exceptions import KombuError, OperationalError

from evaluations import reminders
from evaluations.services import evaluations_plan_all

log = logging.getLogger(__name__)
# Publishing while Redis is down fails fast: the rows stay pending and the next sweep
# enqueues them again, so a page or a form never waits on the broker.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def _queue_of(task) -> str | None:
    # Follow-up work goes where this task came from (tests run workers on their own queue).
    return (task.request.delivery_info or {}).get("routing_key")


@shared_task(bind=True)
def sweep_reminders(self) -> int:
    """The daily beat: plan evaluations ahead, then decide and enqueue reminders."""
    evaluations_plan_all()
    return len(reminders.reminders_sweep(queue=_queue_of(self)).enqueued)


@shared_task(
    bind=True,
    # PostgreSQL restarting or failing over: try again in seconds, not at tomorrow's sweep.
    # The claim makes a repeat harmless; the backoff stays far below the visibility timeout.
    autoretry_for=(db.OperationalError, db.InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=10,
)
def send_reminder(self, reminder_id: int) -> None:
    delay = reminders.reminder_send(reminder_id=reminder_id)
    if delay is not None:
        enqueue_sends([reminder_id], queue=_queue_of(self), countdown=delay)


def enqueue_sends(ids: list[int], *, queue: str | None = None, countdown: int = 0) -> int:
    """Publish one send task per id over one connection; never raises when Redis is down."""
    if not ids:
        return 0
    options = {"queue": queue} if queue else {}
    if countdown:
        options["countdown"] = countdown
    try:
        with send_reminder.app.producer_or_acquire() as producer:
            for reminder_id in ids:
                send_reminder.apply_async(
                    (reminder_id,), producer=producer, retry_policy=PUBLISH_RETRY, **options
                )
    except (OperationalError, KombuError, OSError) as exc:
        log.warning("could not enqueue %s reminders, the next sweep will: %s", len(ids), exc)
        return 0
    return len(ids)
