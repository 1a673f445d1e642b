"""The evaluations of the scale data set, in every state, with what follows a review.

Part of `manage.py seed_scale` (orchestrated by `devtools/scale.py`). Agreements get periodic
evaluations, programs and mentorships a mid-point and a final one, until the budget is spent;
each has exactly one subject and a status consistent with its dates. Reviewed ones carry
health ratings, action items and the reminders already sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import chain

from django.db.models import Model

from core.seeding import SeedRun
from partners.seeding import Register, Term
from programs.seeding import TOPICS, Cohort

from .models import (
    ActionItem,
    Evaluation,
    HealthFactor,
    HealthRating,
    IndicatorResult,
    Reminder,
    ReminderPreference,
)

NONE = r"\N"
EVALUATION_COLUMNS = (
    "id",
    "agreement_id",
    "program_id",
    "mentorship_id",
    "kind",
    "period_start",
    "period_end",
    "due_date",
    "evaluator_id",
    "status",
    "planned",
    "findings",
    "submitted_at",
    "reviewed_at",
    "reviewed_by_id",
)
REMINDER_COLUMNS = (
    "id",
    "kind",
    "recipient_id",
    "subject_key",
    "for_date",
    "evaluation_id",
    "status",
    "attempts",
    "next_attempt_at",
    "sent_at",
)

Reviewed = list[tuple[int, int]]  # evaluation pk, evaluator


def domain_models() -> list[type[Model]]:
    """The tables `seed_scale` checks are empty, and `--force` empties."""
    return [Evaluation, IndicatorResult, HealthRating, ActionItem, Reminder, ReminderPreference]


def seed(
    run: SeedRun, *, evaluations: int, register: Register, cohort: Cohort, coordinators: list[int]
) -> None:
    plan = _Plan(run, budget=evaluations, reviewer=coordinators[0])
    rows = chain(
        _for_agreements(plan, register.agreements, coordinators),
        _for_programs(plan, cohort.programs, coordinators),
        _for_mentorships(plan, cohort),
    )
    run.out.copy(Evaluation, EVALUATION_COLUMNS, rows)
    reviewed = plan.reviewed()
    _ratings(run, reviewed)
    _action_items(run, reviewed)
    run.out.copy(Reminder, REMINDER_COLUMNS, _reminders(run, reviewed))


class _Plan:
    """Numbers the evaluations, spends the budget, and remembers each one's status."""

    def __init__(self, run: SeedRun, *, budget: int, reviewer: int) -> None:
        self.run, self.budget, self.reviewer = run, budget, str(reviewer)
        self.made: list[tuple[int, str, int]] = []  # pk, status, evaluator

    def row(
        self,
        subject: tuple[str, str, str],  # agreement, program, mentorship: one is set
        kind: str,
        start: dt.date,
        end: dt.date,
        due: dt.date,
        evaluator: int,
    ) -> tuple:
        self.budget -= 1
        today = self.run.today
        pk = len(self.made) + 1
        status = _state(self.run, due)
        submitted = reviewed = reviewer = NONE
        if status in ("submitted", "reviewed"):
            submitted = (min(due, today).isoformat()) + " 09:00:00+07"
        if status == "reviewed":
            reviewed = (min(due + dt.timedelta(days=3), today)).isoformat() + " 15:00:00+07"
            reviewer = self.reviewer
        self.made.append((pk, status, evaluator))
        return (
            str(pk),
            *subject,
            kind,
            start.isoformat(),
            end.isoformat(),
            due.isoformat(),
            str(evaluator),
            status,
            "t",
            "Berjalan baik" if status in ("submitted", "reviewed") else "",
            submitted,
            reviewed,
            reviewer,
        )

    def reviewed(self) -> Reviewed:
        return [(pk, evaluator) for pk, status, evaluator in self.made if status == "reviewed"]


def _state(run: SeedRun, due: dt.date) -> str:
    """A status believable for the due date: far ahead is scheduled, long past mostly reviewed."""
    if due > run.today + dt.timedelta(days=30):
        return "scheduled"
    if due >= run.today - dt.timedelta(days=14):
        return run.rng.choices(("scheduled", "in_progress", "submitted"), (50, 35, 15))[0]
    return run.rng.choices(("reviewed", "submitted", "scheduled", "in_progress"), (78, 8, 8, 6))[0]


def _for_agreements(plan: _Plan, terms: dict[int, Term], coordinators: list[int]) -> Iterator:
    """Quarterly periods from each started agreement's start until its end (or two months on)."""
    today = plan.run.today
    for agreement, (start, end, status) in terms.items():
        if status == "draft" or plan.budget <= 0:
            continue
        period_start = start
        while period_start < min(end, today + dt.timedelta(days=60)) and plan.budget > 0:
            period_end = period_start + dt.timedelta(days=89)
            yield plan.row(
                (str(agreement), NONE, NONE),
                "periodic",
                period_start,
                period_end,
                period_end + dt.timedelta(days=14),
                coordinators[agreement % len(coordinators)],
            )
            period_start = period_end + dt.timedelta(days=1)


def _for_programs(plan: _Plan, terms: dict[int, Term], coordinators: list[int]) -> Iterator:
    for program, (start, end, status) in terms.items():
        if status in ("open", "cancelled") or plan.budget <= 1:
            continue
        middle = start + (end - start) / 2
        for kind, due in (("midpoint", middle), ("final", end)):
            yield plan.row(
                (NONE, str(program), NONE),
                kind,
                start,
                due,
                due + dt.timedelta(days=14),
                coordinators[program % len(coordinators)],
            )


def _for_mentorships(plan: _Plan, cohort: Cohort) -> Iterator:
    """Mid-point and final evaluations for an even spread of pairs, until the budget is spent.

    About one in twenty is due within the sweep's window (overdue up to a week, or due within
    seven days). The spread is worked out from what the agreements and programs left.
    """
    rng, today = plan.run.rng, plan.run.today
    step = max(1, len(cohort.mentored) * 2 // max(1, plan.budget))
    for mentorship, _status, ago in cohort.mentored[::step]:
        if plan.budget <= 0:
            break
        start = today - dt.timedelta(days=ago)
        for kind in ("midpoint", "final"):
            if plan.budget <= 0:
                break
            if rng.random() < 0.05:
                due = today + dt.timedelta(days=rng.randrange(-7, 8))
            elif kind == "midpoint":
                due = start + dt.timedelta(days=90)
            else:
                due = start + dt.timedelta(days=rng.choice((180, 365, 540)))
            due = max(due, start)
            yield plan.row(
                (NONE, NONE, str(mentorship)),
                kind,
                start,
                max(start, due - dt.timedelta(days=7)),
                due,
                cohort.mentor_user(mentorship),
            )


def _ratings(run: SeedRun, reviewed: Reviewed) -> None:
    """Every health factor rated on one reviewed evaluation in ten."""

    def rows() -> Iterator[tuple]:
        pk = 0
        for evaluation, _evaluator in reviewed[::10]:
            for factor in HealthFactor.values:
                pk += 1
                yield (str(pk), str(evaluation), factor, str(run.rng.randrange(2, 6)))

    run.out.copy(HealthRating, ("id", "evaluation_id", "factor", "score"), rows())


def _action_items(run: SeedRun, reviewed: Reviewed) -> None:
    """An action item on one reviewed evaluation in five, two in three of them done."""
    rng = run.rng
    run.out.copy(
        ActionItem,
        ("id", "evaluation_id", "description", "owner_id", "due_date", "done", "done_on"),
        (
            (
                str(n),
                str(evaluation),
                f"Tindak lanjut: {rng.choice(TOPICS)}",
                str(evaluator),
                run.day[rng.randrange(0, 60)],
                "t" if n % 3 else "f",
                run.day[0] if n % 3 else NONE,
            )
            for n, (evaluation, evaluator) in enumerate(reviewed[::5], 1)
        ),
    )


def _reminders(run: SeedRun, reviewed: Reviewed) -> Iterator[tuple]:
    """The reminders already sent for one reviewed evaluation in three (the outbox history)."""
    for n, (evaluation, evaluator) in enumerate(reviewed[::3], 1):
        when = run.day[run.rng.randrange(1, 700)]
        yield (
            str(n),
            "due_in_7",
            str(evaluator),
            f"evaluation:{evaluation}",
            when,
            str(evaluation),
            "sent",
            "1",
            when + " 07:00:00+07",
            when + " 07:00:05+07",
        )
