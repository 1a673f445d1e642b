"""A national-scale data set, loaded through PostgreSQL COPY (`manage.py seed_scale`).

Believable and internally consistent: every cadre lives in a real regency of its province,
every mentorship joins an enrolment and a mentor, sessions fall between the pairing and
today, evaluations have exactly one subject and a status consistent with their dates.
Ids are assigned here (so rows can point at each other without reading back), then the
sequences are moved past them. Simple-history tables stay empty for seeded rows: the
history starts with the first change made through the app.

Everything is drawn from one `random.Random(seed)`: the same tier and seed give the same
rows, whatever the day (dates are relative to "today").
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models

from accounts import seeding as accounts
from core.seeding import SeedRun
from partners import seeding as partners
from programs import seeding as programs

PASSWORD = "kader-scale"  # noqa: S105 published on purpose: these are benchmark users, never real ones


@dataclass(frozen=True)
class Tier:
    partners: int
    mentors: int
    cadres: int
    programs: int
    sessions: int
    evaluations: int  # about; mentorship, program and agreement evaluations together


TIERS = {
    "tiny": Tier(partners=40, mentors=20, cadres=300, programs=9, sessions=1_500, evaluations=250),
    "district": Tier(
        partners=200, mentors=500, cadres=10_000, programs=60, sessions=100_000, evaluations=8_500
    ),
    "province": Tier(
        partners=2_000,
        mentors=5_000,
        cadres=100_000,
        programs=400,
        sessions=1_000_000,
        evaluations=85_000,
    ),
    "national": Tier(
        partners=20_000,
        mentors=60_000,
        cadres=1_200_000,
        programs=3_000,
        sessions=12_000_000,
        evaluations=1_000_000,
    ),
}

# ---------------------------------------------------------------- the data set


def domain_models() -> list[type[models.Model]]:
    from dashboard import models as k
    from evaluations import models as e

    return [
        *partners.domain_models(),
        *programs.domain_models(),
        e.Evaluation,
        e.IndicatorResult,
        e.HealthRating,
        e.ActionItem,
        e.Reminder,
        e.ReminderPreference,
        k.CalendarFeed,
    ]


def is_empty() -> bool:
    return not any(m.objects.exists() for m in domain_models())


def wipe() -> None:
    """Empty every domain table and all users (reference provinces and regions stay)."""
    tables = [m._meta.db_table for m in domain_models()]
    tables += [m.history.model._meta.db_table for m in domain_models() if hasattr(m, "history")]
    from programs.models import Program

    tables += [
        Program.agreements.through._meta.db_table,
        Program.partners.through._meta.db_table,
        get_user_model()._meta.db_table,
    ]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending checks
        cursor.execute(f"TRUNCATE {quoted} CASCADE")


def seed(tier: str | Tier, seed: int = 1, say: Callable[[str], None] = print) -> dict[str, int]:
    """Load one tier into an empty database; returns rows per table."""
    from evaluations.models import (
        ActionItem,
        Evaluation,
        HealthFactor,
        HealthRating,
        Reminder,
    )

    size = TIERS[tier] if isinstance(tier, str) else tier
    run = SeedRun.start(seed, say)
    rng, out, today, day = run.rng, run.out, run.today, run.day
    started = time.perf_counter()
    regions = partners.regions()  # before anything is written: none means no migrations yet
    staff = accounts.seed(run, mentors=size.mentors, password=PASSWORD)
    coordinators, mentor_users = staff.coordinators, staff.mentors
    register = partners.seed(
        run, partners=size.partners, regions=regions, coordinators=coordinators
    )
    agreement_dates = register.agreements

    cohort = programs.seed(
        run,
        programs=size.programs,
        cadres=size.cadres,
        sessions=size.sessions,
        regions=regions,
        register=register,
        staff=staff,
    )
    program_info, mentored, mentor_of = cohort.programs, cohort.mentored, cohort.mentor_of
    coordinator = str(coordinators[0])

    # -- evaluations in every state: agreements (periodic), programs (mid-point, final),
    #    mentorships (mid-point, final), with ratings and action items on reviewed ones.
    evaluation_rows: list[tuple[int, str, int]] = []  # (pk, status, evaluator)

    def state(due: dt.date) -> str:
        if due > today + dt.timedelta(days=30):
            return "scheduled"
        if due >= today - dt.timedelta(days=14):
            return rng.choices(("scheduled", "in_progress", "submitted"), (50, 35, 15))[0]
        return rng.choices(("reviewed", "submitted", "scheduled", "in_progress"), (78, 8, 8, 6))[0]

    def evaluations() -> Iterator[tuple]:
        pk = 0

        def row(
            subject: tuple[str, str, str],
            kind: str,
            start: dt.date,
            end: dt.date,
            due: dt.date,
            evaluator: str,
        ):
            nonlocal pk
            pk += 1
            status = state(due)
            submitted = reviewed = reviewer = r"\N"
            if status in ("submitted", "reviewed"):
                submitted = (min(due, today).isoformat()) + " 09:00:00+07"
            if status == "reviewed":
                reviewed = (min(due + dt.timedelta(days=3), today)).isoformat() + " 15:00:00+07"
                reviewer = coordinator
            evaluation_rows.append((pk, status, int(evaluator)))
            return (
                str(pk),
                *subject,
                kind,
                start.isoformat(),
                end.isoformat(),
                due.isoformat(),
                evaluator,
                status,
                "t",
                "Berjalan baik" if status in ("submitted", "reviewed") else "",
                submitted,
                reviewed,
                reviewer,
            )

        budget = size.evaluations
        for agreement, (start, end, status) in agreement_dates.items():
            if status == "draft" or budget <= 0:
                continue
            period_start = start
            while period_start < min(end, today + dt.timedelta(days=60)) and budget > 0:
                period_end = period_start + dt.timedelta(days=89)
                budget -= 1
                yield row(
                    (str(agreement), r"\N", r"\N"),
                    "periodic",
                    period_start,
                    period_end,
                    period_end + dt.timedelta(days=14),
                    str(coordinators[agreement % len(coordinators)]),
                )
                period_start = period_end + dt.timedelta(days=1)
        for program, (start, end, status) in program_info.items():
            if status in ("open", "cancelled") or budget <= 1:
                continue
            middle = start + (end - start) / 2
            for kind, due in (("midpoint", middle), ("final", end)):
                budget -= 1
                yield row(
                    (r"\N", str(program), r"\N"),
                    kind,
                    start,
                    due,
                    due + dt.timedelta(days=14),
                    str(coordinators[program % len(coordinators)]),
                )
        # Mentorships get mid-point and final evaluations until the budget is spent;
        # about one in twenty is due within the sweep's window (overdue up to a week, or
        # due within seven days).
        step = max(1, len(mentored) * 2 // max(1, budget))
        for mentorship, _status, ago in mentored[::step]:
            if budget <= 0:
                break
            start = today - dt.timedelta(days=ago)
            for kind in ("midpoint", "final"):
                if budget <= 0:
                    break
                budget -= 1
                if rng.random() < 0.05:
                    due = today + dt.timedelta(days=rng.randrange(-7, 8))
                elif kind == "midpoint":
                    due = start + dt.timedelta(days=90)
                else:
                    due = start + dt.timedelta(days=rng.choice((180, 365, 540)))
                due = max(due, start)
                yield row(
                    (r"\N", r"\N", str(mentorship)),
                    kind,
                    start,
                    max(start, due - dt.timedelta(days=7)),
                    due,
                    str(mentor_users[mentor_of[mentorship] - 1]),
                )

    out.copy(
        Evaluation,
        (
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
        ),
        evaluations(),
    )
    reviewed = [
        (pk, evaluator) for pk, status, evaluator in evaluation_rows if status == "reviewed"
    ]
    factors = HealthFactor.values

    def ratings() -> Iterator[tuple]:
        pk = 0
        for evaluation, _evaluator in reviewed[::10]:
            for factor in factors:
                pk += 1
                yield (str(pk), str(evaluation), factor, str(rng.randrange(2, 6)))

    out.copy(HealthRating, ("id", "evaluation_id", "factor", "score"), ratings())
    out.copy(
        ActionItem,
        ("id", "evaluation_id", "description", "owner_id", "due_date", "done", "done_on"),
        (
            (
                str(n),
                str(evaluation),
                f"Tindak lanjut: {rng.choice(programs.TOPICS)}",
                str(evaluator),
                day[rng.randrange(0, 60)],
                "t" if n % 3 else "f",
                day[0] if n % 3 else r"\N",
            )
            for n, (evaluation, evaluator) in enumerate(reviewed[::5], 1)
        ),
    )

    # -- the reminders already sent for reviewed evaluations (the outbox history)
    def reminders() -> Iterator[tuple]:
        for n, (evaluation, evaluator) in enumerate(reviewed[::3], 1):
            when = day[rng.randrange(1, 700)]
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

    out.copy(
        Reminder,
        (
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
        ),
        reminders(),
    )

    # -- move the sequences past the ids we chose, and refresh the planner's statistics
    touched = [get_user_model(), *domain_models()]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), touched):
            cursor.execute(sql)
        for model in touched:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    say(f"Seeded in {time.perf_counter() - started:.1f} s.")
    return out.counts
