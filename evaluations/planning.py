"""Planning: which evaluations each agreement, program and mentorship should have.

Pure date arithmetic first (`agreement_periods`, `program_periods`), then one sync step
that compares what should exist with what exists and only ever creates, moves or deletes
evaluations that have not been started. Every function issues a fixed number of queries,
so the daily sweep can plan everything at once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.limits import LATEST_DATE
from evaluations.models import Evaluation

# An evaluation is due this long after its period ends: time to collect the numbers.
DUE_AFTER_PERIOD = dt.timedelta(days=14)
MIDPOINT_DUE_AFTER = dt.timedelta(days=7)
# How many periods that have not ended yet are planned ahead of time.
PLAN_AHEAD = 2


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date
    due: dt.date


def due_after(end: dt.date, delay: dt.timedelta) -> dt.date:
    """`delay` after the period's end, never past the last date the database accepts
    (a program ending in late December 2099 would otherwise be due in 2100)."""
    return max(min(end + delay, LATEST_DATE), end)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month, `months` later; the 31st becomes the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def agreement_periods(
    start: dt.date, end: dt.date | None, months: int, until: dt.date
) -> Iterable[Period]:
    """The cadence's periods from the agreement's start, the last cut at its end date.

    Each boundary is counted from the start date (not from the previous boundary), so a
    period starting on the 31st does not drift to the 28th for ever after February.
    """
    i = 0
    while True:
        p_start = add_months(start, i * months)
        if p_start > until or (end and p_start > end):
            return
        p_end = add_months(start, (i + 1) * months) - dt.timedelta(days=1)
        if end and p_end > end:
            p_end = end
        yield Period(Evaluation.Kind.PERIODIC, p_start, p_end, due_after(p_end, DUE_AFTER_PERIOD))
        i += 1


def agreement_plan(
    agreement, today: dt.date, covered: Callable[[Period], bool] = lambda p: False
) -> list[Period]:
    """Periods still to be evaluated: due today or later, up to two not yet ended.

    `covered` periods (days a started evaluation already covers) are skipped and do not
    count towards the two.
    """
    months = agreement.CADENCE_MONTHS[agreement.evaluation_cadence]
    # Far enough for two open periods even when a started one covers the next year.
    horizon = add_months(today, months * (PLAN_AHEAD + 1) + 12)
    wanted, ahead = [], 0
    for period in agreement_periods(agreement.start_date, agreement.end_date, months, horizon):
        if period.due < today or covered(period):
            continue
        wanted.append(period)
        ahead += period.end >= today
        if ahead >= PLAN_AHEAD:
            break
    return wanted


def span_periods(start: dt.date, end: dt.date) -> list[Period]:
    """A mid-point and a final evaluation for something that runs from start to end."""
    mid = start + (end - start) // 2
    return [
        Period(Evaluation.Kind.MIDPOINT, start, mid, due_after(mid, MIDPOINT_DUE_AFTER)),
        Period(Evaluation.Kind.FINAL, start, end, due_after(end, DUE_AFTER_PERIOD)),
    ]


# --- sync ------------------------------------------------------------------------------


@dataclass
class Changes:
    create: list[Evaluation]
    update: list[Evaluation]
    delete: list[int]

    def __iadd__(self, other: Changes) -> Changes:
        self.create += other.create
        self.update += other.update
        self.delete += other.delete
        return self


@dataclass
class Counts:
    """How many evaluations a run of the whole plan created, moved and deleted."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    # Where a run stopped by its time limit continues (`evaluations_plan_all`), or None.
    resume: tuple[str, int] | None = None

    def __iadd__(self, changes: Changes) -> Counts:
        self.created += len(changes.create)
        self.updated += len(changes.update)
        self.deleted += len(changes.delete)
        return self


def chunk_size() -> int:
    return settings.KADER_PLANNING_CHUNK


def in_chunks(queryset: QuerySet, size: int, after: int = 0) -> Iterator[list]:
    """The rows of `queryset` with ids above `after` in lists of `size`, by ascending id
    (keyset: each chunk is one indexed range read, whatever the offset; its prefetches run
    per chunk)."""
    last = after
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def _overlaps(period: Period, evaluation: Evaluation) -> bool:
    return period.start <= evaluation.period_end and evaluation.period_start <= period.end


def sync_agreement(agreement, existing: list[Evaluation], today: dt.date) -> Changes:
    """Create missing periods, drop not-started ones that left the schedule."""
    changes = Changes([], [], [])
    evaluator = agreement.coordinator_id
    # Started or added by hand: kept as they are, and no new period may overlap them.
    started = [e for e in existing if e.status != Evaluation.Status.SCHEDULED or not e.planned]
    kept = {e.pk for e in started}
    waiting = {(e.period_start, e.period_end): e for e in existing if e.pk not in kept}
    months = agreement.CADENCE_MONTHS[agreement.evaluation_cadence]
    latest = max([e.period_start for e in existing] + [today])
    schedule = {
        (p.start, p.end)
        for p in agreement_periods(agreement.start_date, agreement.end_date, months, latest)
    }
    for key, evaluation in waiting.items():
        if key not in schedule:
            changes.delete.append(evaluation.pk)
        elif evaluation.evaluator_id != evaluator:
            evaluation.evaluator_id = evaluator
            changes.update.append(evaluation)
    covered = lambda p: any(_overlaps(p, e) for e in started)  # noqa: E731
    for period in agreement_plan(agreement, today, covered):
        if (period.start, period.end) in waiting:
            continue
        changes.create.append(_new(period, evaluator, agreement=agreement))
    return changes


def sync_span(subject_field: str, subject, periods: list[Period], evaluator, existing) -> Changes:
    """Programs and mentorships: move not-started mid-point/final evaluations with the dates."""
    changes = Changes([], [], [])
    by_kind = {e.kind: e for e in existing}
    for period in periods:
        evaluation = by_kind.get(period.kind)
        if evaluation is None:
            changes.create.append(_new(period, evaluator, **{subject_field: subject}))
        elif evaluation.planned and evaluation.status == "scheduled" and _moved(evaluation, period):
            evaluation.period_start, evaluation.period_end = period.start, period.end
            evaluation.due_date, evaluation.evaluator_id = period.due, evaluator
            changes.update.append(evaluation)
    return changes


def _moved(evaluation: Evaluation, period: Period) -> bool:
    return (
        evaluation.period_start,
        evaluation.period_end,
        evaluation.due_date,
    ) != (period.start, period.end, period.due)


def _new(period: Period, evaluator_id: int | None, **subject) -> Evaluation:
    return Evaluation(
        kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        due_date=period.due,
        evaluator_id=evaluator_id,
        planned=True,
        **subject,
    )


# The history rows say why; who is the person whose request planned (HistoryRequestMiddleware),
# or nobody (the daily sweep: the system).
PLANNED = "Planned from the cadence"
BATCH = 1000


@transaction.atomic
def apply(changes: Changes) -> Changes:
    """Write the changes, each with its history row (who planned, when, why)."""
    if changes.delete:
        # Re-checked in the query: a delete never touches an evaluation started meanwhile.
        # QuerySet.delete() sends post_delete per row: each gets its "deleted" history.
        # unscoped: the ids are the subjects' own evaluations, read through their related
        # managers (or by the system's sweep); the planner acts for the subject, not a person.
        Evaluation.objects.filter(
            pk__in=changes.delete, status=Evaluation.Status.SCHEDULED, planned=True
        ).unscoped().delete()
    if changes.update:
        _update(changes.update)
    if changes.create:
        _create(changes.create)
    return changes


MOVED = ["period_start", "period_end", "due_date", "evaluator"]


def _update(evaluations: list[Evaluation]) -> None:
    """The moved evaluations' dates and evaluator, with their history rows.

    On PostgreSQL one `UPDATE … FROM (VALUES …)` per batch: a join on the ids, where
    `bulk_update`'s `CASE WHEN id = …` per column makes every row search the whole batch.
    Re-checked in the query, as the delete is: never an evaluation started meanwhile.
    """
    if connection.vendor != "postgresql":
        bulk_update_with_history(
            evaluations, Evaluation, MOVED, batch_size=BATCH, default_change_reason=PLANNED
        )
        return
    table = Evaluation._meta.db_table
    for start in range(0, len(evaluations), BATCH):
        batch = evaluations[start : start + BATCH]
        rows = ", ".join(["(%s::bigint, %s::date, %s::date, %s::date, %s::bigint)"] * len(batch))
        params = [
            value
            for e in batch
            for value in (e.pk, e.period_start, e.period_end, e.due_date, e.evaluator_id)
        ]
        sql = f"""
            UPDATE {table} e SET period_start = v.period_start, period_end = v.period_end,
                due_date = v.due_date, evaluator_id = v.evaluator_id
            FROM (VALUES {rows}) AS v (id, period_start, period_end, due_date, evaluator_id)
            WHERE e.id = v.id AND e.status = %s AND e.planned
        """  # noqa: S608 -- only the table's name and placeholders are formatted in
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, Evaluation.Status.SCHEDULED])
    Evaluation.history.bulk_history_create(
        evaluations, batch_size=BATCH, update=True, default_change_reason=PLANNED
    )


def _create(evaluations: list[Evaluation]) -> None:
    """All in one INSERT with their history; if another planner raced us to some of them
    (the unique constraints refuse the batch), one by one, skipping those now there."""
    try:
        with transaction.atomic():
            bulk_create_with_history(
                evaluations, Evaluation, batch_size=BATCH, default_change_reason=PLANNED
            )
        return
    except IntegrityError:
        pass
    for evaluation in evaluations:
        evaluation.pk, evaluation._state.adding = None, True
        evaluation._change_reason = PLANNED
        try:
            with transaction.atomic():
                evaluation.save()
        except IntegrityError:
            evaluation.pk = None


def group_by(items: Iterable[Evaluation], key: Callable[[Evaluation], Hashable]) -> dict:
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()
