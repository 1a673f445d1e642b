"""The reminder outbox: decide which reminders are due, then send each exactly once.

1. The sweep decides and inserts in the database, one INSERT … SELECT … ON CONFLICT DO
   NOTHING per subject (evaluations, action items, agreements, mentorships): one `Reminder`
   row per (kind, recipient, subject, date), none of a kind the recipient turned off. It
   then enqueues the ids of all sendable rows after the transaction commits. Running it
   twice adds nothing. The rules are also written as pure functions (`evaluation_dues`,
   `repeat_slot`), which the tests hold the SQL to.
2. Sending claims the row with a conditional UPDATE (pending → sending), so two workers
   given the same id cannot both send; then sends with a Message-ID derived from the row;
   then marks it sent. The only window for a duplicate is between the SMTP server's
   acceptance and that last UPDATE; the repeated copy carries the same Message-ID.
3. A row left in "sending" by a dead worker is put back to "pending" by a later sweep or
   by the requeue every 15 minutes, which also re-enqueues rows whose message was lost
   (Redis down when it was published, or held by a killed worker); SMTP errors retry with
   exponential backoff up to a limit, then the row is "failed".
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.emails import templated_email
from core.messaging import ProviderError
from evaluations.channels import backend_for, next_channel
from evaluations.models import (
    Channel,
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


# --- the same rules in SQL ---------------------------------------------------------------
#
# The sweep decides and inserts in the database: one INSERT … SELECT … ON CONFLICT DO NOTHING
# per reminder kind, so a million evaluations never travel to Python. The functions above
# are the rules' reference; tests hold the two to the same answers. The few expressions that
# differ between PostgreSQL and SQLite (date arithmetic, the JSON list of muted kinds) are
# the small helpers below. Only code constants are formatted into the SQL (hence the S608
# exemptions); every value goes as a query parameter.


def _days_between(later: str, earlier: str) -> str:
    """SQL for the whole days from `earlier` to `later` (two date expressions)."""
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _plus_days(date: str, days: str) -> str:
    """SQL for a date expression moved by an integer expression of days."""
    if connection.vendor == "postgresql":
        return f"({date} + {days})"
    return f"date({date}, ({days}) || ' days')"


def _slot(first: str, every: int) -> str:
    """`repeat_slot` in SQL, given `late`: the days from `first` minus one to today."""
    return _plus_days(first, f"1 + {every} * ((late - 1) / {every})")


def _muted() -> str:
    """SQL true when the recipient `d.recipient_id` turned the kind `d.kind` off."""
    if connection.vendor == "postgresql":
        muted = "p.muted_kinds @> jsonb_build_array(d.kind::text)"
    else:
        muted = "EXISTS (SELECT 1 FROM json_each(p.muted_kinds) WHERE value = d.kind)"
    return (
        "EXISTS (SELECT 1 FROM evaluations_reminderpreference p"  # noqa: S608
        f" WHERE p.user_id = d.recipient_id AND {muted})"
    )


def _channel() -> str:
    """SQL for the channel the recipient `d.recipient_id` chose for the kind `d.kind`."""
    if connection.vendor == "postgresql":
        chosen = "p.channels ->> d.kind::text"
    else:
        chosen = "json_extract(p.channels, '$.' || d.kind)"
    return (
        f"COALESCE((SELECT {chosen} FROM evaluations_reminderpreference p"  # noqa: S608
        " WHERE p.user_id = d.recipient_id), 'email')"
    )


def _insert(subject: str, select: str, params: list, now: dt.datetime) -> int:
    """Insert the rows `select` yields (kind, recipient_id, for_date, subject_id) unless the
    recipient muted that kind or the row is there already; the number inserted."""
    now_value = connection.ops.adapt_datetimefield_value(now)
    sql = f"""
        INSERT INTO {Reminder._meta.db_table} (
            kind, recipient_id, for_date, subject_key, {subject}_id,
            status, attempts, next_attempt_at, last_error, created_at,
            channel, provider_message_id, delivery
        )
        SELECT d.kind, d.recipient_id, d.for_date, %s || CAST(d.subject_id AS TEXT),
            d.subject_id, %s, 0, %s, '', %s, {_channel()}, '', ''
        FROM ({select}) d
        WHERE d.recipient_id IS NOT NULL AND NOT {_muted()}
        ON CONFLICT DO NOTHING
    """  # noqa: S608
    head = [f"{subject}:", Reminder.Status.PENDING, now_value, now_value]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *params])
        return cursor.rowcount


def _date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


# --- who is responsible ------------------------------------------------------------------
#
# An overdue evaluation, an ending or lapsed agreement goes to the coordinator responsible for
# its subject (the agreement, the program, or the cadre of a pair): the one the subject names
# (agreement.coordinator, program.coordinator, the pair's program's coordinator) while they
# still hold a coordinator membership covering it (the subject's organisation, at its unit or
# above); otherwise the coordinator of the nearest office at or above the subject's unit in its
# organisation (the longest unit path, then the oldest membership). `Evaluation.coordinator()`
# is the same rule in Python. Only active people count: a deactivated one reads no e-mail.

COORDINATOR_ROLE = "coordinator"


def _nearest_coordinators() -> str:
    """SQL rows (organisation_id, unit_id, user_id): per organisation and unit, the coordinator
    of the nearest office at or above it. One pass over the memberships (a few hundred), each
    spread over the units below it (at most the 553 units of a national one), ranked."""
    users = get_user_model()._meta.db_table
    return f"""
        SELECT r.organisation_id, r.unit_id, r.user_id
        FROM (
            SELECT rm.organisation_id, su.id AS unit_id, rm.user_id,
                ROW_NUMBER() OVER (
                    PARTITION BY rm.organisation_id, su.id
                    ORDER BY LENGTH(ru.path) DESC, rm.id
                ) AS place
            FROM jurisdictions_membership rm
            JOIN {users} rp ON rp.id = rm.user_id AND rp.is_active
            JOIN jurisdictions_unit ru ON ru.id = rm.unit_id
            JOIN jurisdictions_unit su ON su.path LIKE ru.path || '%%'
            WHERE rm.role = '{COORDINATOR_ROLE}'
        ) r
        WHERE r.place = 1
    """  # noqa: S608


def _with_responsible(subjects: str) -> str:
    """SQL: the rows of `subjects` (with named_id, organisation_id, unit_id: the subject's named
    coordinator and where it belongs) and the coordinator responsible, as coordinator_id.

    The named one is checked row by row on the membership's (user, …) index; the nearest
    office's coordinator comes from one hash join, never a subquery per row (~1 M rows)."""
    users = get_user_model()._meta.db_table
    return f"""
        SELECT s.*,
            CASE WHEN s.named_id IS NOT NULL AND EXISTS (
                    SELECT 1 FROM jurisdictions_membership cm
                    JOIN {users} cp ON cp.id = cm.user_id AND cp.is_active
                    JOIN jurisdictions_unit cu ON cu.id = cm.unit_id
                    JOIN jurisdictions_unit su ON su.id = s.unit_id
                    WHERE cm.user_id = s.named_id AND cm.role = '{COORDINATOR_ROLE}'
                        AND cm.organisation_id = s.organisation_id
                        AND su.path LIKE cu.path || '%%'
                ) THEN s.named_id
                ELSE n.user_id END AS coordinator_id
        FROM ({subjects}) s
        LEFT JOIN ({_nearest_coordinators()}) n
            ON n.organisation_id = s.organisation_id AND n.unit_id = s.unit_id
    """  # noqa: S608


def _insert_evaluation_reminders(today: dt.date, now: dt.datetime) -> int:
    """`evaluation_dues` for every open evaluation due within 7 days or overdue, in one pass:
    each evaluation is joined to the kinds its lateness calls for. Its coordinator is the
    one responsible for its subject (`_with_responsible`)."""
    open_statuses = ", ".join(f"'{status}'" for status in Evaluation.OPEN_STATUSES)
    kinds = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind"
        for kind in (K.DUE_IN_7, K.DUE_IN_1, K.DUE_TODAY, K.OVERDUE, K.OVERDUE_ESCALATION)
    )
    # Exactly one subject is set, so exactly one of each COALESCE's joins matched.
    subjects = f"""
        SELECT e.id, e.due_date, e.evaluator_id,
            {_days_between("%s", "e.due_date")} AS late,
            CASE WHEN e.agreement_id IS NOT NULL THEN a.coordinator_id
                 WHEN e.program_id IS NOT NULL THEN p.coordinator_id
                 ELSE mp.coordinator_id END AS named_id,
            COALESCE(a.organisation_id, p.organisation_id, c.organisation_id) AS organisation_id,
            COALESCE(a.unit_id, p.unit_id, c.unit_id) AS unit_id
        FROM evaluations_evaluation e
        LEFT JOIN partners_agreement a ON a.id = e.agreement_id
        LEFT JOIN programs_program p ON p.id = e.program_id
        LEFT JOIN programs_mentorship m ON m.id = e.mentorship_id
        LEFT JOIN programs_enrolment en ON en.id = m.enrolment_id
        LEFT JOIN programs_program mp ON mp.id = en.program_id
        LEFT JOIN programs_cadre c ON c.id = en.cadre_id
        WHERE e.status IN ({open_statuses}) AND e.due_date <= %s
    """  # noqa: S608
    select = f"""
        SELECT k.kind,
            CASE WHEN k.kind = '{K.OVERDUE_ESCALATION}' THEN e.coordinator_id
                 ELSE COALESCE(e.evaluator_id, e.coordinator_id) END AS recipient_id,
            CASE k.kind WHEN '{K.DUE_IN_7}' THEN {_plus_days("e.due_date", "-7")}
                        WHEN '{K.DUE_IN_1}' THEN {_plus_days("e.due_date", "-1")}
                        WHEN '{K.DUE_TODAY}' THEN e.due_date
                        ELSE {_slot("e.due_date", OVERDUE_EVERY)} END AS for_date,
            e.id AS subject_id
        FROM ({_with_responsible(subjects)}) e
        JOIN ({kinds}) k ON (
            (k.kind = '{K.DUE_IN_7}' AND e.late BETWEEN -7 AND -2)
            OR (k.kind = '{K.DUE_IN_1}' AND e.late = -1)
            OR (k.kind = '{K.DUE_TODAY}' AND e.late = 0)
            OR (k.kind = '{K.OVERDUE}' AND e.late >= 1)
            -- to the coordinator as well, unless they are the evaluator themself
            OR (k.kind = '{K.OVERDUE_ESCALATION}' AND e.late >= 1
                AND e.evaluator_id <> e.coordinator_id)
        )
    """  # noqa: S608
    params = [_date(today), _date(today + dt.timedelta(days=7))]
    return _insert("evaluation", select, params, now)


def _insert_action_item_reminders(today: dt.date, now: dt.datetime) -> int:
    select = f"""
        SELECT '{K.ACTION_OVERDUE}' AS kind, i.owner_id AS recipient_id,
            {_slot("i.due_date", OVERDUE_EVERY)} AS for_date, i.id AS subject_id
        FROM (
            SELECT id, owner_id, due_date, {_days_between("%s", "due_date")} AS late
            FROM evaluations_actionitem WHERE done = %s AND due_date < %s
        ) i
    """  # noqa: S608
    params = [_date(today), False, _date(today)]
    return _insert("action_item", select, params, now)


def _insert_agreement_reminders(today: dt.date, now: dt.datetime) -> int:
    from partners.models import Agreement

    subjects = """
        SELECT id, end_date, coordinator_id AS named_id, organisation_id, unit_id
        FROM partners_agreement
        WHERE status = %s AND end_date BETWEEN %s AND %s
    """
    select = f"""
        SELECT '{K.AGREEMENT_ENDING}' AS kind, a.coordinator_id AS recipient_id,
            a.end_date AS for_date, a.id AS subject_id
        FROM ({_with_responsible(subjects)}) a
    """  # noqa: S608
    until = today + dt.timedelta(days=ENDING_WITHIN)
    params = [Agreement.Status.ACTIVE, _date(today), _date(until)]
    return _insert("agreement", select, params, now)


def _insert_mentee_reminders(today: dt.date, now: dt.datetime) -> int:
    """Active mentorships whose last session (or start) is more than 30 days old.

    The last session is one backward step of the (mentorship, date) index per mentorship,
    not an aggregate over every session.
    """
    from programs.models import Mentorship

    cutoff = today - dt.timedelta(days=STALE_AFTER)
    # The first reminder falls on last_met + 31, then every 30 days.
    select = f"""
        SELECT '{K.MENTEE_STALE}' AS kind, s.user_id AS recipient_id,
            {_slot("s.quiet_since", STALE_AFTER)} AS for_date, s.id AS subject_id
        FROM (
            SELECT x.id, x.user_id, {_plus_days("x.last_met", str(STALE_AFTER))} AS quiet_since,
                {_days_between("%s", "x.last_met")} - {STALE_AFTER} AS late
            FROM (
                SELECT m.id, mp.user_id, COALESCE(
                    (SELECT MAX(se.date) FROM programs_session se WHERE se.mentorship_id = m.id),
                    m.started_on
                ) AS last_met
                FROM programs_mentorship m
                JOIN programs_mentorprofile mp ON mp.id = m.mentor_id
                WHERE m.status = %s
            ) x
            WHERE x.last_met < %s
        ) s
    """  # noqa: S608
    params = [_date(today), Mentorship.Status.ACTIVE, _date(cutoff)]
    return _insert("mentorship", select, params, now)


def _insert_lapsed_agreement_reminders(ids: list[int], now: dt.datetime) -> int:
    """One "it lapsed" reminder to each of these agreements' coordinators, for the end date:
    the unique constraint makes it once per agreement, however often this runs."""
    if not ids:
        return 0
    subjects = f"""
        SELECT id, end_date, coordinator_id AS named_id, organisation_id, unit_id
        FROM partners_agreement
        WHERE id IN ({", ".join(["%s"] * len(ids))})
    """  # noqa: S608
    select = f"""
        SELECT '{K.AGREEMENT_LAPSED}' AS kind, a.coordinator_id AS recipient_id,
            a.end_date AS for_date, a.id AS subject_id
        FROM ({_with_responsible(subjects)}) a
    """  # noqa: S608
    return _insert("agreement", select, ids, now)


def agreements_end_lapsed(
    *, today: dt.date | None = None, queue: str | None = None, enqueue: bool = True
) -> list[int]:
    """The daily step: active agreements past their end date become "ended" (with history)
    and their coordinators are told once, through the outbox. Set-based and idempotent: a
    second run finds nothing active past its end. The ids of the reminders to send."""
    from partners.models import Agreement

    now = timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        lapsed = [agreement.pk for agreement in Agreement.end_lapsed(today)]
        _insert_lapsed_agreement_reminders(lapsed, now)
        ids = list(
            Reminder.objects.sendable(now)
            .filter(kind=K.AGREEMENT_LAPSED, agreement__in=lapsed)
            .values_list("pk", flat=True)
        )
        if enqueue and ids:
            transaction.on_commit(lambda: _enqueue(ids, queue))
    return ids


def reminders_insert_due(*, today: dt.date, now: dt.datetime) -> int:
    """Insert every reminder due today that is not there yet; the number inserted."""
    return (
        _insert_evaluation_reminders(today, now)
        + _insert_action_item_reminders(today, now)
        + _insert_agreement_reminders(today, now)
        + _insert_mentee_reminders(today, now)
    )


# --- the outbox ------------------------------------------------------------------------


def _row(due: Due, now: dt.datetime) -> Reminder:
    chosen = ReminderPreference.objects.filter(user_id=due.recipient_id).first()
    return Reminder(
        next_attempt_at=now,  # sendable by this very sweep
        channel=chosen.channel_for(due.kind) if chosen else Channel.EMAIL,
        kind=due.kind,
        recipient_id=due.recipient_id,
        for_date=due.for_date,
        subject_key=f"{due.subject}:{due.subject_id}",
        **{f"{due.subject}_id": due.subject_id},
    )


def reminder_create(
    *,
    kind: str,
    recipient,
    for_date: dt.date,
    evaluation: Evaluation | None = None,
    mentorship=None,
) -> None:
    """One reminder outside the sweep (an evaluation "submitted", a mentor's new mentee),
    about an evaluation or a mentorship, sent after the commit."""
    subject, subject_id = (
        ("evaluation", evaluation.pk) if evaluation is not None else ("mentorship", mentorship.pk)
    )
    due = Due(kind, recipient.pk, for_date, subject, subject_id)
    Reminder.objects.bulk_create([_row(due, timezone.now())], ignore_conflicts=True)
    # unscoped: the one row just written, found again to be enqueued; the outbox is the
    # system's, and the person whose action caused it (a mentor submitting) need not see it.
    ids = list(
        Reminder.objects.filter(
            kind=kind,
            recipient=recipient,
            subject_key=f"{subject}:{subject_id}",
            for_date=for_date,
            status=Reminder.Status.PENDING,
        )
        .unscoped()
        .values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue(ids, None))


def mentee_paired(sender, mentorship, **kwargs) -> None:
    """A coordinator paired a mentor with a cadre (`programs.signals.mentorship_paired`):
    the mentor hears of their new mentee through the outbox, once."""
    reminder_create(
        kind=K.MENTEE_NEW,
        recipient=mentorship.mentor.user,
        mentorship=mentorship,
        for_date=mentorship.started_on,
    )


@dataclass
class SweepResult:
    decided: int  # reminders inserted by this sweep (those already there are not counted)
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
    with transaction.atomic():
        inserted = reminders_insert_due(today=today, now=now)
        reclaimed = reclaim_stuck(now=now)
        ids = list(Reminder.objects.sendable(now).order_by("pk").values_list("pk", flat=True))
        if enqueue:
            transaction.on_commit(lambda: _enqueue(ids, queue))
    return SweepResult(inserted, reclaimed, ids)


def reclaim_stuck(*, now: dt.datetime) -> int:
    """Rows a dead worker left in "sending" go back to the queue, or fail at the limit."""
    stuck = Reminder.objects.filter(
        status=Reminder.Status.SENDING, claimed_at__lt=now - sending_timeout()
    )
    stuck.filter(attempts__gte=max_attempts()).update(
        status=Reminder.Status.FAILED, last_error="The worker stopped while sending."
    )
    return stuck.update(status=Reminder.Status.PENDING, next_attempt_at=now)


def lost_after() -> dt.timedelta:
    """A pending row still unclaimed this long after it became sendable has lost its
    message: a healthy worker claims a row within seconds of its message arriving."""
    return dt.timedelta(seconds=setting("REMINDER_LOST_AFTER", 900))


REQUEUE_LIMIT = 5_000  # per run: a backlog drains over runs instead of flooding the queue


def reminders_requeue(
    *, now: dt.datetime | None = None, queue: str | None = None, enqueue: bool = True
) -> list[int]:
    """Between two daily sweeps: send again what a dead worker or a lost message left.

    Nothing new is decided here. Enqueueing an id twice is harmless (the claim lets only
    one send through), so the only cost of a false "lost" is one no-op message.
    """
    now = now or timezone.now()
    with transaction.atomic():
        stuck = Reminder.objects.filter(
            status=Reminder.Status.SENDING, claimed_at__lt=now - sending_timeout()
        )
        ids = set(stuck.values_list("pk", flat=True)[:REQUEUE_LIMIT])
        reclaim_stuck(now=now)
        lost = Reminder.objects.sendable(now - lost_after()).order_by("next_attempt_at", "pk")
        ids.update(lost.values_list("pk", flat=True)[:REQUEUE_LIMIT])
        ids = sorted(ids)
        if enqueue and ids:
            transaction.on_commit(lambda: _enqueue(ids, queue))
    return ids


RETRIED_BY_HAND = "Sent again by hand"


@transaction.atomic
def reminders_retry(*, reminders, user, statuses: tuple[str, ...]) -> list[int]:
    """A person sends reminders again (the reminders page, the admin's action): back to
    pending, enqueued after the commit, and a history row naming who asked, and when.

    The worker's own state changes (claimed, sent, failed) are answered by the row's
    columns (claimed_at, sent_at, attempts, last_error) and are the system's: they add
    no history row, so that sending stays one conditional UPDATE per reminder.
    """
    # Only the reminder rows are locked: a scoped queryset joins the subjects (outer joins,
    # which PostgreSQL refuses to lock).
    rows = list(reminders.filter(status__in=statuses).select_for_update(of=("self",)))
    if not rows:
        return []
    now = timezone.now()
    fields = {"status": Reminder.Status.PENDING, "attempts": 0, "next_attempt_at": now}
    # Through the caller's queryset: the rows it chose, and only those (it says for whom).
    reminders.filter(pk__in=[r.pk for r in rows]).update(last_error="", **fields)
    for row in rows:
        row.last_error = ""
        for name, value in fields.items():
            setattr(row, name, value)
    Reminder.history.bulk_history_create(
        rows, update=True, default_user=user, default_change_reason=RETRIED_BY_HAND
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _enqueue(ids, None))
    return ids


def _enqueue(ids: list[int], queue: str | None) -> None:
    from evaluations.tasks import enqueue_sends

    enqueue_sends(ids, queue=queue)


# --- sending ---------------------------------------------------------------------------


def reminder_send(
    *, reminder_id: int, now: dt.datetime | None = None, queue: str | None = None
) -> int | None:
    """Send one reminder on its channel if it is still pending; return a retry delay if
    the channel failed for now. A channel that failed for good (or cannot carry it: off,
    no confirmed number) hands the reminder to the next channel, in a new row."""
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
    backend = backend_for(reminder.channel)
    why_not = backend.unavailable(reminder)
    if why_not:
        _fall_back(reminder, why_not, now, queue)
        return None
    try:
        provider_id = backend.send(reminder)
    except ProviderError as exc:
        error = f"{reminder.channel}: {exc}"
        if exc.permanent:
            _fall_back(reminder, error, now, queue)
            return None
        return _failed(reminder, error, now, retry_after=exc.retry_after, queue=queue)
    except (smtplib.SMTPException, OSError) as exc:
        return _failed(reminder, f"{type(exc).__name__}: {exc}", now, queue=queue)
    _finish(
        reminder,
        Reminder.Status.SENT,
        sent_at=timezone.now(),
        provider_message_id=provider_id,
        last_error="",
    )
    return None


def _claim(reminder_id: int, now: dt.datetime) -> bool:
    claimed = Reminder.objects.filter(
        pk=reminder_id,
        status=Reminder.Status.PENDING,
        next_attempt_at__lte=now,
        attempts__lt=max_attempts(),
    ).update(status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def _finish(reminder: Reminder, status: str, **fields) -> bool:
    # Only the claim's owner may finish it: a reclaimed row is someone else's now.
    return (
        Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.SENDING).update(
            status=status, **fields
        )
        == 1
    )


def _failed(
    reminder: Reminder,
    error: str,
    now: dt.datetime,
    *,
    retry_after: int | None = None,
    queue: str | None = None,
) -> int | None:
    error = error[:500]
    log.warning(
        "reminder %s: sending failed (attempt %s): %s", reminder.pk, reminder.attempts, error
    )
    if reminder.attempts >= max_attempts():
        if reminder.channel != Channel.EMAIL:
            _fall_back(reminder, error, now, queue)
        else:
            _finish(reminder, Reminder.Status.FAILED, last_error=error)
        return None
    delay = retry_delay(reminder.attempts)
    if retry_after is not None:
        # The provider said when: no sooner, and never past the broker's visibility timeout.
        delay = min(max(retry_after, 1), retry_delay(10**3))
    _finish(
        reminder,
        Reminder.Status.PENDING,
        last_error=error,
        next_attempt_at=now + dt.timedelta(seconds=delay),
    )
    return delay


def _fall_back(reminder: Reminder, error: str, now: dt.datetime, queue: str | None) -> None:
    """This row failed for good: it says why, and the next channel gets a row of its own
    (once: the (fell_back_from, channel) constraint), enqueued after the commit."""
    with transaction.atomic():
        if not _finish(reminder, Reminder.Status.FAILED, last_error=error[:500]):
            return
        ids = reminder_fall_back(reminder=reminder, now=now)
    if ids:
        transaction.on_commit(lambda: _enqueue(ids, queue))


def reminder_fall_back(*, reminder: Reminder, now: dt.datetime) -> list[int]:
    """The row for the next channel after `reminder`'s; the ids to enqueue (none if no
    channel is left, or the row was there already)."""
    channel = next_channel(reminder)
    if channel is None:
        return []
    row = Reminder(
        kind=reminder.kind,
        recipient_id=reminder.recipient_id,
        for_date=reminder.for_date,
        subject_key=reminder.subject_key,
        evaluation_id=reminder.evaluation_id,
        action_item_id=reminder.action_item_id,
        agreement_id=reminder.agreement_id,
        mentorship_id=reminder.mentorship_id,
        channel=channel,
        fell_back_from=reminder,
        next_attempt_at=now,
    )
    Reminder.objects.bulk_create([row], ignore_conflicts=True)
    # unscoped: the system's own outbox row just written, found again to be enqueued.
    return list(
        Reminder.objects.filter(
            fell_back_from=reminder, channel=channel, status=Reminder.Status.PENDING
        )
        .unscoped()
        .values_list("pk", flat=True)
    )


def skip_reason(reminder: Reminder) -> str:
    """Why a reminder should not go out after all; empty when it should."""
    recipient = reminder.recipient
    if not recipient.is_active or (reminder.channel == Channel.EMAIL and not recipient.email):
        return "The recipient has no active e-mail address."
    if not preference_for(reminder.recipient).wants(reminder.kind):
        return "The recipient turned this reminder off."
    evaluation = reminder.evaluation
    if evaluation and reminder.kind != K.SUBMITTED and not evaluation.is_open:
        return "The evaluation was submitted meanwhile."
    if reminder.action_item and reminder.action_item.done:
        return "The action item was done meanwhile."
    if reminder.kind == K.AGREEMENT_LAPSED and reminder.agreement.status != "ended":
        return "The agreement is no longer lapsed."
    if reminder.kind == K.MENTEE_NEW and reminder.mentorship.status != "active":
        return "The pairing ended meanwhile."
    return ""


def preference_for(user) -> ReminderPreference:
    found = ReminderPreference.objects.filter(user=user).first()
    return found or ReminderPreference(user=user)


# --- the message -----------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def link_for(reminder: Reminder) -> str:
    return absolute(reminder.action_url())


def reminder_mark_seen(*, reminder: Reminder) -> None:
    """The person opened it in Kader: read, once (the first opening's time is kept)."""
    if reminder.seen_at is None:
        reminder.seen_at = timezone.now()
        # unscoped: the caller found the row through received_by(user), the person's own.
        Reminder.objects.filter(pk=reminder.pk, seen_at__isnull=True).unscoped().update(
            seen_at=reminder.seen_at
        )


def message_context(reminder: Reminder) -> dict:
    return {
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


def build_message(reminder: Reminder) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language, text and HTML, with its stable Message-ID."""
    preference = preference_for(reminder.recipient)
    return templated_email(
        f"evaluations/emails/{reminder.kind}",
        message_context(reminder),
        language=preference.language,
        to=[reminder.recipient.email],
        headers={"Message-ID": reminder.message_id, "Content-Language": preference.language},
    )


def _days_overdue(reminder: Reminder) -> int:
    evaluation = reminder.evaluation
    if evaluation is None:
        return 0
    return max((reminder.for_date - evaluation.due_date).days, 0)
