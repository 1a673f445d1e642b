"""Thin Celery tasks: they take ids, call the service, and enqueue follow-up work.

`acks_late` is global (settings): a task whose worker dies is delivered again, which is
safe because sending claims its outbox row first. No countdown ever exceeds the broker's
visibility timeout (`reminders.retry_delay` caps it), or Redis would deliver it twice.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django import db
from django.conf import settings
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
def sweep_reminders(self, resume: list | None = None) -> int:
    """The daily beat: plan evaluations ahead, then decide and enqueue reminders.

    Planning stops after `KADER_PLANNING_SECONDS` and continues in a new message from where
    it stopped (a day with much to plan: a new rule, a restored database), so no run holds a
    worker for long; the sweep follows the run that finishes the plan.
    """
    counts = evaluations_plan_all(
        seconds=settings.KADER_PLANNING_SECONDS, resume=tuple(resume) if resume else None
    )
    if counts.resume is not None:
        queue = _queue_of(self)
        options = {"queue": queue} if queue else {}
        try:
            sweep_reminders.apply_async(
                kwargs={"resume": list(counts.resume)}, retry_policy=PUBLISH_RETRY, **options
            )
            log.info("planning continues after %s %s", *counts.resume)
            return 0
        except (OperationalError, KombuError, OSError) as exc:
            # The plan so far is kept; tomorrow's run completes it. Remind about it today.
            log.warning("planning stopped after %s %s, not continued: %s", *counts.resume, exc)
    return len(reminders.reminders_sweep(queue=_queue_of(self)).enqueued)


@shared_task(bind=True)
def end_lapsed_agreements(self) -> int:
    """Daily, just after midnight: agreements past their end date end; coordinators hear."""
    return len(reminders.agreements_end_lapsed(queue=_queue_of(self)))


@shared_task(bind=True)
def requeue_reminders(self) -> int:
    """Every 15 minutes: re-enqueue reminders a dead worker or a lost message left behind."""
    return len(reminders.reminders_requeue(queue=_queue_of(self)))


# Ids per message. Publishing costs about a millisecond per message, so a sweep of 100,000
# reminders queues in 2 s rather than 100. Bounded so that a batch whose every send hits
# EMAIL_TIMEOUT (30 s) still ends within the broker's visibility timeout (3,600 s).
SEND_BATCH = 50

# PostgreSQL restarting or failing over: try again in seconds, not at tomorrow's sweep.
# The claim makes a repeat harmless (a batch's already-sent ids are skipped); the backoff
# stays far below the visibility timeout.
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": (db.OperationalError, db.InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "max_retries": 10,
}


@shared_task(bind=True, **RETRY_ON_DATABASE_ERRORS)
def send_reminder(self, reminder_id: int) -> None:
    """One reminder (messages queued before batches existed still arrive here)."""
    _send(self, [reminder_id])


@shared_task(bind=True, **RETRY_ON_DATABASE_ERRORS)
def send_reminders(self, reminder_ids: list[int]) -> None:
    """A batch: each reminder is claimed, sent and retried on its own."""
    _send(self, reminder_ids)


def _send(task, reminder_ids: list[int]) -> None:
    for reminder_id in reminder_ids:
        delay = reminders.reminder_send(reminder_id=reminder_id, queue=_queue_of(task))
        if delay is not None:
            enqueue_sends([reminder_id], queue=_queue_of(task), countdown=delay)


def enqueue_sends(ids: list[int], *, queue: str | None = None, countdown: int = 0) -> int:
    """Publish the ids in batches over one connection; never raises when Redis is down."""
    if not ids:
        return 0
    options = {"queue": queue} if queue else {}
    if countdown:
        options["countdown"] = countdown
    try:
        with send_reminders.app.producer_or_acquire() as producer:
            for start in range(0, len(ids), SEND_BATCH):
                send_reminders.apply_async(
                    (list(ids[start : start + SEND_BATCH]),),
                    producer=producer,
                    retry_policy=PUBLISH_RETRY,
                    **options,
                )
    except (OperationalError, KombuError, OSError) as exc:
        log.warning("could not enqueue %s reminders, the next sweep will: %s", len(ids), exc)
        return 0
    return len(ids)
