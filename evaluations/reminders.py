"""The reminder outbox: decide which reminders are due, then send each exactly once.

1. The sweep decides (pure functions over a few queries), inserts one `Reminder` row per
   (kind, recipient, subject, date) with ON CONFLICT DO NOTHING, and enqueues the ids of
   all sendable rows after the transaction commits. Running it twice adds nothing.
2. Sending claims the row with a conditional UPDATE (pending → sending), so two workers
   given the same id cannot both send; then sends with a Message-ID derived from the row;
   then marks it sent. The only window for a duplicate is between the SMTP server's
   acceptance and that last UPDATE; the repeated copy carries the same Message-ID.
3. A row left in "sending" by a dead worker is put back to "pending" by a later sweep;
   SMTP errors retry with exponential backoff up to a limit, then the row is "failed".
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from evaluations.models import (
    ActionItem,
    Evaluation,
    Reminder,
    ReminderKind,
    ReminderPreference,
)

log = logging.getLogger(__name__)
K = ReminderKind
OVERDUE_EVERY = 7  # days between two overdue reminders for the same thing
STALE_AFTER = 30  # days without a session before the mentor hears of it
ENDING_WITHIN = 30  # days before an agreement's end date the coordinator hears of it


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def sending_timeout() -> dt.timedelta:
    """After this long in "sending" the worker is presumed dead and the row is retried.

    Far longer than one SMTP conversation can last (EMAIL_TIMEOUT), so a slow send is
    never mistaken for a dead one.
    """
    return dt.timedelta(seconds=setting("REMINDER_SENDING_TIMEOUT", 900))


def retry_delay(attempts: int) -> int:
    """Exponential backoff, capped below the broker's visibility timeout."""
    base = setting("REMINDER_RETRY_BASE", 60)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return int(min(base * 2 ** max(attempts - 1, 0), visibility * 0.8))


def max_attempts() -> int:
    return setting("REMINDER_MAX_ATTEMPTS", 6)


# --- decisions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    kind: str
    recipient_id: int
    for_date: dt.date
    subject: str  # "evaluation", "action_item", "agreement" or "mentorship"
    subject_id: int


def repeat_slot(first: dt.date, today: dt.date, every: int) -> dt.date:
    """The latest date on or before today in first, first+every, first+2·every, …"""
    return first + dt.timedelta(days=every * ((today - first).days // every))


def evaluation_dues(evaluation: Evaluation, coordinator_id: int | None, today: dt.date):
    """Reminders an open evaluation calls for today, as (kind, recipient, for_date)."""
    evaluator_id = evaluation.evaluator_id or coordinator_id
    if evaluator_id is None:
        return []
    days = (evaluation.due_date - today).days
    due = evaluation.due_date
    if 2 <= days <= 7:
        return [(K.DUE_IN_7, evaluator_id, due - dt.timedelta(days=7))]
    if days == 1:
        return [(K.DUE_IN_1, evaluator_id, due - dt.timedelta(days=1))]
    if days == 0:
        return [(K.DUE_TODAY, evaluator_id, due)]
    if days > 7:
        return []
    slot = repeat_slot(due + dt.timedelta(days=1), today, OVERDUE_EVERY)
    dues = [(K.OVERDUE, evaluator_id, slot)]
    if coordinator_id and coordinator_id != evaluator_id:
        dues.append((K.OVERDUE_ESCALATION, coordinator_id, slot))
    return dues


def _coordinator_id(evaluation: Evaluation) -> int | None:
    if evaluation.agreement_id:
        return evaluation.agreement.coordinator_id
    if evaluation.program_id:
        return evaluation.program.coordinator_id
    return evaluation.mentorship.enrolment.program.coordinator_id


def decide(today: dt.date) -> list[Due]:
    """Every reminder due today, in four queries whatever the number of rows."""
    return (
        _evaluation_dues(today)
        + _action_item_dues(today)
        + _agreement_dues(today)
        + _mentee_dues(today)
    )


def _evaluation_dues(today: dt.date) -> list[Due]:
    evaluations = (
        Evaluation.objects.open()
        .filter(due_date__lte=today + dt.timedelta(days=7))
        .select_related("agreement", "program", "mentorship__enrolment__program")
        .only(
            "due_date",
            "evaluator_id",
            "agreement__coordinator_id",
            "program__coordinator_id",
            "mentorship__enrolment__program__coordinator_id",
        )
    )
    return [
        Due(kind, recipient, for_date, "evaluation", e.pk)
        for e in evaluations
        for kind, recipient, for_date in evaluation_dues(e, _coordinator_id(e), today)
    ]


def _action_item_dues(today: dt.date) -> list[Due]:
    items = ActionItem.objects.past_due(today).only("owner_id", "due_date")
    return [
        Due(
            K.ACTION_OVERDUE,
            item.owner_id,
            repeat_slot(item.due_date + dt.timedelta(days=1), today, OVERDUE_EVERY),
            "action_item",
            item.pk,
        )
        for item in items
    ]


def _agreement_dues(today: dt.date) -> list[Due]:
    from partners.models import Agreement

    agreements = (
        Agreement.objects.active()
        .filter(
            coordinator__isnull=False,
            end_date__gte=today,
            end_date__lte=today + dt.timedelta(days=ENDING_WITHIN),
        )
        .only("coordinator_id", "end_date")
    )
    return [
        Due(K.AGREEMENT_ENDING, a.coordinator_id, a.end_date, "agreement", a.pk) for a in agreements
    ]


def _mentee_dues(today: dt.date) -> list[Due]:
    from programs.models import Mentorship

    cutoff = today - dt.timedelta(days=STALE_AFTER)
    mentorships = (
        Mentorship.objects.active()
        .annotate(last_met=Coalesce(Max("sessions__date"), "started_on"))
        .filter(last_met__lt=cutoff)
        .values_list("pk", "mentor__user_id", "last_met")
    )
    return [
        Due(
            K.MENTEE_STALE,
            user_id,
            repeat_slot(last + dt.timedelta(days=STALE_AFTER + 1), today, STALE_AFTER),
            "mentorship",
            pk,
        )
        for pk, user_id, last in mentorships
    ]


# --- the outbox ------------------------------------------------------------------------


def _row(due: Due, now: dt.datetime) -> Reminder:
    return Reminder(
        next_attempt_at=now,  # sendable by this very sweep
        kind=due.kind,
        recipient_id=due.recipient_id,
        for_date=due.for_date,
        subject_key=f"{due.subject}:{due.subject_id}",
        **{f"{due.subject}_id": due.subject_id},
    )


def reminder_create(*, kind: str, recipient, evaluation: Evaluation, for_date: dt.date) -> None:
    """One reminder outside the sweep (e.g. "submitted"), sent after the commit."""
    due = Due(kind, recipient.pk, for_date, "evaluation", evaluation.pk)
    Reminder.objects.bulk_create([_row(due, timezone.now())], ignore_conflicts=True)
    ids = list(
        Reminder.objects.filter(
            kind=kind,
            recipient=recipient,
            subject_key=f"evaluation:{evaluation.pk}",
            for_date=for_date,
            status=Reminder.Status.PENDING,
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue(ids, None))


@dataclass
class SweepResult:
    decided: int
    reclaimed: int
    enqueued: list[int]


def reminders_sweep(
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    queue: str | None = None,
    enqueue: bool = True,
) -> SweepResult:
    """Insert the reminders due today and enqueue every sendable row, once committed.

    With `enqueue=False` the caller sends the returned ids itself (the cron command).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    dues = decide(today)
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [_row(d, now) for d in dues], ignore_conflicts=True, batch_size=2000
        )
        reclaimed = reclaim_stuck(now=now)
        ids = list(Reminder.objects.sendable(now).order_by("pk").values_list("pk", flat=True))
        if enqueue:
            transaction.on_commit(lambda: _enqueue(ids, queue))
    return SweepResult(len(dues), reclaimed, ids)


def reclaim_stuck(*, now: dt.datetime) -> int:
    """Rows a dead worker left in "sending" go back to the queue, or fail at the limit."""
    stuck = Reminder.objects.filter(
        status=Reminder.Status.SENDING, claimed_at__lt=now - sending_timeout()
    )
    stuck.filter(attempts__gte=max_attempts()).update(
        status=Reminder.Status.FAILED, last_error="The worker stopped while sending."
    )
    return stuck.update(status=Reminder.Status.PENDING, next_attempt_at=now)


def _enqueue(ids: list[int], queue: str | None) -> None:
    from evaluations.tasks import enqueue_sends

    enqueue_sends(ids, queue=queue)


# --- sending ---------------------------------------------------------------------------


def reminder_send(*, reminder_id: int, now: dt.datetime | None = None) -> int | None:
    """Send one reminder if it is still pending; return a retry delay if SMTP failed."""
    now = now or timezone.now()
    if not _claim(reminder_id, now):
        return None  # sent, being sent, or not due yet: someone else has it
    reminder = Reminder.objects.select_related(
        "recipient", "evaluation", "action_item__evaluation", "agreement", "mentorship"
    ).get(pk=reminder_id)
    reason = skip_reason(reminder)
    if reason:
        _finish(reminder, Reminder.Status.SKIPPED, last_error=reason)
        return None
    try:
        build_message(reminder).send()
    except (smtplib.SMTPException, OSError) as exc:
        return _failed(reminder, exc, now)
    _finish(reminder, Reminder.Status.SENT, sent_at=timezone.now())
    return None


def _claim(reminder_id: int, now: dt.datetime) -> bool:
    claimed = Reminder.objects.filter(
        pk=reminder_id,
        status=Reminder.Status.PENDING,
        next_attempt_at__lte=now,
        attempts__lt=max_attempts(),
    ).update(status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def _finish(reminder: Reminder, status: str, **fields) -> None:
    # Only the claim's owner may finish it: a reclaimed row is someone else's now.
    Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.SENDING).update(
        status=status, **fields
    )


def _failed(reminder: Reminder, exc: Exception, now: dt.datetime) -> int | None:
    error = f"{type(exc).__name__}: {exc}"[:500]
    log.warning(
        "reminder %s: sending failed (attempt %s): %s", reminder.pk, reminder.attempts, error
    )
    if reminder.attempts >= max_attempts():
        _finish(reminder, Reminder.Status.FAILED, last_error=error)
        return None
    delay = retry_delay(reminder.attempts)
    _finish(
        reminder,
        Reminder.Status.PENDING,
        last_error=error,
        next_attempt_at=now + dt.timedelta(seconds=delay),
    )
    return delay


def skip_reason(reminder: Reminder) -> str:
    """Why a reminder should not go out after all; empty when it should."""
    if not reminder.recipient.email or not reminder.recipient.is_active:
        return "The recipient has no active e-mail address."
    if not preference_for(reminder.recipient).wants(reminder.kind):
        return "The recipient turned this reminder off."
    evaluation = reminder.evaluation
    if evaluation and reminder.kind != K.SUBMITTED and not evaluation.is_open:
        return "The evaluation was submitted meanwhile."
    if reminder.action_item and reminder.action_item.done:
        return "The action item was done meanwhile."
    return ""


def preference_for(user) -> ReminderPreference:
    found = ReminderPreference.objects.filter(user=user).first()
    return found or ReminderPreference(user=user)


# --- the message -----------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def link_for(reminder: Reminder) -> str:
    if reminder.evaluation_id:
        return absolute(reminder.evaluation.get_absolute_url())
    if reminder.action_item_id:
        return absolute(reminder.action_item.evaluation.get_absolute_url())
    if reminder.agreement_id:
        return absolute(reminder.agreement.get_absolute_url())
    return absolute(reminder.mentorship.get_absolute_url())


def build_message(reminder: Reminder) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language, text and HTML, with its stable Message-ID."""
    preference = preference_for(reminder.recipient)
    context = {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "evaluation": reminder.evaluation or getattr(reminder.action_item, "evaluation", None),
        "action_item": reminder.action_item,
        "agreement": reminder.agreement,
        "mentorship": reminder.mentorship,
        "link": link_for(reminder),
        "preferences_link": absolute(reverse("evaluations:preferences")),
        "days_overdue": _days_overdue(reminder),
    }
    with translation.override(preference.language):
        base = f"evaluations/emails/{reminder.kind}"
        subject = render_to_string(f"{base}-subject.txt", context).strip()
        text = render_to_string(f"{base}-body-text.txt", context)
        html = render_to_string(f"{base}-body-html.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[reminder.recipient.email],
        headers={"Message-ID": reminder.message_id, "Content-Language": preference.language},
    )
    message.attach_alternative(html, "text/html")
    return message


def _days_overdue(reminder: Reminder) -> int:
    evaluation = reminder.evaluation
    if evaluation is None:
        return 0
    return max((reminder.for_date - evaluation.due_date).days, 0)
