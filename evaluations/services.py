"""Workflows that span models: planning, filling in, submitting and reviewing evaluations.

Each is one keyword-only function `<entity>_<action>(*, …)` that validates and runs in a
transaction; views and tasks call these and nothing else changes evaluation state.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Prefetch
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import User
from core.limits import LATEST_DATE
from evaluations import planning, planning_sql
from evaluations.models import (
    ActionItem,
    Evaluation,
    HealthFactor,
    HealthRating,
    IndicatorResult,
    ReminderKind,
)
from evaluations.planning import Changes, Counts, group_by

# --- planning --------------------------------------------------------------------------


def evaluations_plan_for_agreement(*, agreement, today: dt.date | None = None) -> Changes:
    """Plan an active agreement's coming evaluations; idempotent."""
    if agreement.status != agreement.Status.ACTIVE:
        return Changes([], [], [])
    existing = list(agreement.evaluations.all())
    today = planning.today_or(today)
    return planning.apply(planning.sync_agreement(agreement, existing, today))


def evaluations_plan_for_program(*, program, today: dt.date | None = None) -> Changes:
    if not _program_runs(program):
        return Changes([], [], [])
    existing = list(program.evaluations.all())
    return planning.apply(_program_changes(program, existing))


def evaluations_plan_for_mentorship(*, mentorship) -> Changes:
    existing = list(mentorship.evaluations.all())
    return planning.apply(_mentorship_changes(mentorship, existing))


# Where a stopped planning run continues: the kind of subject and the last id planned.
Resume = tuple[str, int]
PHASES = ("agreement", "program", "mentorship")
# Pairs planned set-based per statement, in planning chunks (50,000 pairs): a pair is two
# small rows, and each statement reads the pairs' enrolments and programs once.
PAIRS_PER_CHUNK = 25


def evaluations_plan_all(
    *,
    today: dt.date | None = None,
    chunk: int | None = None,
    seconds: float | None = None,
    resume: Resume | None = None,
) -> Counts:
    """Plan every active agreement, running program and active mentorship: idempotent.

    A chunk of subjects at a time (keyset on the id, `KADER_PLANNING_CHUNK`, 2,000): each
    is read in a fixed number of queries, compared, and its changes written in their own
    transaction. Memory and a transaction's size stay bounded however many subjects there
    are (930,000 mentorships at national scale), and a run stopped half-way leaves what it
    planned, which the next run completes. On PostgreSQL the pairs are planned set-based
    (`evaluations/planning_sql.py`), `PAIRS_PER_CHUNK` chunks' worth of pairs a statement.

    With `seconds`, the run stops before a chunk that would likely end past that time (one
    as long as the last) and says where (`Counts.resume`); `resume` starts a run there.
    The daily task uses it to stay bounded on a day with much to plan (a new rule, a
    restored database) and continues in a task of its own.
    """
    from partners.models import Agreement
    from programs.models import Mentorship, Program

    today = planning.today_or(today)
    chunk = chunk or planning.chunk_size()
    deadline = None if seconds is None else time.monotonic() + seconds
    counts = Counts()
    phase, after = resume or (PHASES[0], 0)

    chunk_started = time.monotonic()

    def stop(at: str, last: int) -> bool:
        # Stop before a chunk that would likely end past the deadline (one like the last).
        nonlocal chunk_started
        now = time.monotonic()
        took, chunk_started = now - chunk_started, now
        if deadline is None or now + took < deadline:
            return False
        counts.resume = (at, last)
        return True

    if PHASES.index(phase) <= 0:
        agreements = Agreement.objects.active().prefetch_related("evaluations")
        for rows in planning.in_chunks(agreements, chunk, after=after):
            changes = Changes([], [], [])
            for agreement in rows:
                evaluations = list(agreement.evaluations.all())
                changes += planning.sync_agreement(agreement, evaluations, today)
            counts += planning.apply(changes)
            if stop("agreement", rows[-1].pk):
                return counts
        after = 0
    if PHASES.index(phase) <= 1:
        programs = Program.objects.exclude(status__in=_PROGRAM_CLOSED)
        for rows in planning.in_chunks(programs.prefetch_related("evaluations"), chunk, after):
            changes = Changes([], [], [])
            for program in rows:
                changes += _program_changes(program, list(program.evaluations.all()))
            counts += planning.apply(changes)
            if stop("program", rows[-1].pk):
                return counts
        after = 0
    if connection.vendor == "postgresql":
        while (bound := planning_sql.next_bound(after, chunk * PAIRS_PER_CHUNK)) is not None:
            created, moved = planning_sql.plan_pairs(after, bound)
            counts.created, counts.updated = counts.created + created, counts.updated + moved
            after = bound
            if stop("mentorship", after):
                return counts
        return counts
    mentorships = (
        _mentorships_to_plan(Mentorship.objects.active())
        .select_related("enrolment__program", "mentor")
        .prefetch_related("evaluations")
    )
    for rows in planning.in_chunks(mentorships, chunk, after):
        changes = Changes([], [], [])
        for mentorship in rows:
            changes += _mentorship_changes(mentorship, list(mentorship.evaluations.all()))
        counts += planning.apply(changes)
        if stop("mentorship", rows[-1].pk):
            return counts
    return counts


def _mentorships_to_plan(mentorships):
    """The pairs `_mentorship_changes` would change: those missing their mid-point or final
    evaluation, or whose not-started one no longer has the dates `span_periods` gives.

    On a usual day that is a few pairs of the 930,000 at national scale, found by two
    probes of the (mentorship, kind) index per pair instead of loading every pair and its
    evaluations into Python. The same rule as `_mentorship_changes` and `span_periods`,
    in SQL; a test holds the two to the same pairs. SQLite (laptops) compares them all.
    """
    if connection.vendor != "postgresql":
        return mentorships
    mid_days, final_days = planning.MIDPOINT_DUE_AFTER.days, planning.DUE_AFTER_PERIOD.days

    def settled(kind: str, end: str, delay: int) -> str:
        # Started, added by hand, or where the plan puts it: nothing to do.
        return f"""EXISTS (
            SELECT 1 FROM evaluations_evaluation x
            WHERE x.mentorship_id = programs_mentorship.id AND x.kind = '{kind}'
                AND (NOT (x.planned AND x.status = '{Evaluation.Status.SCHEDULED}')
                    OR (x.period_start = d.s AND x.period_end = {end}
                        AND x.due_date = GREATEST(LEAST({end} + {delay}, %s::date), {end})))
        )"""  # noqa: S608 -- code constants only; the one value is a parameter

    sql = f"""NOT EXISTS (
        SELECT 1 FROM programs_enrolment en
        JOIN programs_program p ON p.id = en.program_id
        CROSS JOIN LATERAL (
            SELECT GREATEST(programs_mentorship.started_on, p.start_date) AS s,
                COALESCE(programs_mentorship.ended_on, p.end_date) AS e
        ) d
        WHERE en.id = programs_mentorship.enrolment_id
            AND (d.e <= d.s OR (
                {settled(Evaluation.Kind.MIDPOINT, "(d.s + (d.e - d.s) / 2)", mid_days)}
                AND {settled(Evaluation.Kind.FINAL, "d.e", final_days)}
            ))
    )"""  # noqa: S608 -- code constants only
    # S611: the SQL above holds code constants only; the one value goes as a parameter.
    unplanned = RawSQL(sql, (LATEST_DATE, LATEST_DATE), output_field=BooleanField())  # noqa: S611
    return mentorships.alias(unplanned=unplanned).filter(unplanned=True)


_PROGRAM_CLOSED = ("completed", "cancelled")


def _program_runs(program) -> bool:
    return program.status not in _PROGRAM_CLOSED


def _program_changes(program, existing: list[Evaluation]) -> Changes:
    periods = planning.span_periods(program.start_date, program.end_date)
    return planning.sync_span("program", program, periods, program.coordinator_id, existing)


def _mentorship_changes(mentorship, existing: list[Evaluation]) -> Changes:
    program = mentorship.enrolment.program
    start = max(mentorship.started_on, program.start_date)
    end = mentorship.ended_on or program.end_date
    if mentorship.status != "active" or end <= start:
        return Changes([], [], [])
    periods = planning.span_periods(start, end)
    evaluator = mentorship.mentor.user_id
    return planning.sync_span("mentorship", mentorship, periods, evaluator, existing)


# --- filling in ------------------------------------------------------------------------


def evaluation_prepare(*, evaluation: Evaluation) -> None:
    """Make sure the form has a row for each indicator and health factor; idempotent."""
    if not evaluation.is_open:
        return
    rows = [HealthRating(evaluation=evaluation, factor=f) for f in HealthFactor.values]
    HealthRating.objects.bulk_create(rows, ignore_conflicts=True)
    if evaluation.agreement_id:
        results = [
            IndicatorResult(evaluation=evaluation, indicator=indicator)
            for indicator in evaluation.agreement.indicators.all()
        ]
        IndicatorResult.objects.bulk_create(results, ignore_conflicts=True)


def evaluation_for_report(queryset, pk: int) -> Evaluation:
    """One evaluation with everything its report shows, in a fixed number of queries."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        queryset.with_subjects().prefetch_related(
            Prefetch(
                "indicator_results",
                queryset=IndicatorResult.objects.select_related("indicator"),
            ),
            "ratings",
            Prefetch("action_items", queryset=_action_items()),
        ),
        pk=pk,
    )


def _action_items():
    return ActionItem.objects.select_related("owner")


def evaluation_save_draft(*, evaluation: Evaluation) -> None:
    """The form's rows are saved by the caller; this moves the status along."""
    if not evaluation.is_open:
        raise ValidationError(_("This evaluation has been submitted and can no longer change."))
    if evaluation.status == Evaluation.Status.SCHEDULED:
        evaluation.status = Evaluation.Status.IN_PROGRESS
        evaluation.save(update_fields=["status", "updated_at"])


def evaluation_submit_problems(*, evaluation: Evaluation) -> dict[str, str]:
    """What still stops a submission, by field; empty when it may be submitted."""
    problems: dict[str, str] = {}
    if not evaluation.findings.strip():
        problems["findings"] = _("Write down what you found before submitting.")
    missing = [r for r in evaluation.indicator_results.all() if r.actual is None]
    if missing:
        problems["indicators"] = _("Enter the actual value of every success indicator.")
    return problems


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, user: User) -> None:
    from evaluations import reminders

    evaluation_save_draft(evaluation=evaluation)
    problems = evaluation_submit_problems(evaluation=evaluation)
    if problems:
        raise ValidationError(problems)
    evaluation.status = Evaluation.Status.SUBMITTED
    evaluation.submitted_at = timezone.now()
    evaluation.save(update_fields=["status", "submitted_at", "updated_at"])
    coordinator = evaluation.coordinator()
    if coordinator and coordinator != user:
        # The coordinator hears of it through the outbox, like every other reminder.
        reminders.reminder_create(
            kind=ReminderKind.SUBMITTED,
            recipient=coordinator,
            evaluation=evaluation,
            for_date=timezone.localdate(),
        )


@transaction.atomic
def evaluation_review(
    *,
    evaluation: Evaluation,
    user: User,
    accept: bool,
    comment: str,
    action_item: dict | None = None,
) -> None:
    """Accept a submitted evaluation, or send it back to its evaluator with a comment.

    Accepting may add the action item the review agreed on (description, owner, due date):
    the decision and the item are saved together or not at all."""
    if evaluation.status != Evaluation.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted evaluation can be reviewed."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Say what must change before sending it back.")})
    if action_item and not accept:
        raise ValidationError({"action": _("An action item is agreed when accepting.")})
    evaluation.review_comment = comment.strip()
    if accept:
        evaluation.status = Evaluation.Status.REVIEWED
        evaluation.reviewed_at, evaluation.reviewed_by = timezone.now(), user
    else:
        evaluation.status = Evaluation.Status.IN_PROGRESS
        evaluation.submitted_at = None
    evaluation.save()
    if action_item:
        item = ActionItem(evaluation=evaluation, **action_item)
        item.full_clean()
        item.save()


def evaluations_by_subject(evaluations) -> dict:
    return group_by(evaluations, lambda e: (e.subject_type, e.subject.pk))
