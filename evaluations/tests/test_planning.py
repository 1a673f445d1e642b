"""Planning: periods from each agreement's cadence, mid-point and final evaluations for
programs and mentorships; idempotent; re-planning touches only what has not started."""

import datetime as dt
from itertools import pairwise

import pytest
import time_machine
from django.db import IntegrityError

from evaluations.models import Evaluation
from evaluations.planning import add_months, agreement_periods, agreement_plan, span_periods
from evaluations.services import (
    evaluations_plan_all,
    evaluations_plan_for_agreement,
    evaluations_plan_for_mentorship,
    evaluations_plan_for_program,
)
from factories import AgreementFactory, EvaluationFactory, MentorshipFactory, ProgramFactory

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a leap day a year later
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),  # across the year end
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
    ],
)
def test_it_adds_months_clamping_to_the_last_day(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("months", [1, 3, 6, 12])
@pytest.mark.parametrize("start", [D(2024, 1, 31), D(2024, 2, 29), D(2025, 3, 1), D(2025, 8, 31)])
def test_it_tiles_the_agreement_without_gaps_or_overlaps(start, months):
    end = D(2028, 12, 31)
    periods = list(agreement_periods(start, end, months, end))
    assert periods[0].start == start
    assert periods[-1].end == end
    for before, after in pairwise(periods):
        assert after.start == before.end + dt.timedelta(days=1)
    # Boundaries are counted from the start, so the 31st comes back after February.
    assert all(p.start.day in (start.day, 28, 29, 30) for p in periods)


def test_it_cuts_the_last_period_at_the_end_date():
    periods = list(agreement_periods(D(2025, 1, 1), D(2025, 5, 15), 3, D(2030, 1, 1)))
    assert [(p.start, p.end) for p in periods] == [
        (D(2025, 1, 1), D(2025, 3, 31)),
        (D(2025, 4, 1), D(2025, 5, 15)),
    ]
    assert periods[-1].due == D(2025, 5, 29)


class _Agreement:
    CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}

    def __init__(self, cadence, end=None):
        self.evaluation_cadence, self.start_date, self.end_date = cadence, D(2025, 1, 1), end


@pytest.mark.parametrize(
    ("today", "cadence", "expected_starts"),
    [
        # The current period and the next one.
        (D(2025, 2, 10), "quarterly", [D(2025, 1, 1), D(2025, 4, 1)]),
        # A period that ended but is not due yet (due 14 days after) is still planned.
        (D(2025, 4, 10), "quarterly", [D(2025, 1, 1), D(2025, 4, 1), D(2025, 7, 1)]),
        (D(2025, 4, 15), "quarterly", [D(2025, 4, 1), D(2025, 7, 1)]),
        (D(2025, 12, 31), "monthly", [D(2025, 12, 1), D(2026, 1, 1)]),
        (D(2025, 6, 30), "half_yearly", [D(2025, 1, 1), D(2025, 7, 1)]),
        (D(2025, 6, 30), "yearly", [D(2025, 1, 1), D(2026, 1, 1)]),
        # Before the agreement starts: its first two periods.
        (D(2024, 11, 1), "quarterly", [D(2025, 1, 1), D(2025, 4, 1)]),
    ],
)
def test_it_plans_the_next_two_periods(today, cadence, expected_starts):
    assert [p.start for p in agreement_plan(_Agreement(cadence), today)] == expected_starts


def test_it_plans_nothing_past_the_end_date():
    agreement = _Agreement("quarterly", end=D(2025, 6, 30))
    assert agreement_plan(agreement, D(2025, 8, 1)) == []
    assert [p.end for p in agreement_plan(agreement, D(2025, 5, 1))] == [D(2025, 6, 30)]


def test_it_puts_the_midpoint_halfway_and_the_final_at_the_end():
    mid, final = span_periods(D(2024, 1, 1), D(2024, 12, 31))
    assert (mid.kind, mid.end, mid.due) == ("midpoint", D(2024, 7, 1), D(2024, 7, 8))
    assert (final.kind, final.end, final.due) == ("final", D(2024, 12, 31), D(2025, 1, 14))


# --- against the database --------------------------------------------------------------


def _periods(agreement):
    return list(
        Evaluation.objects.filter(agreement=agreement)
        .order_by("period_start")
        .values_list("period_start", "period_end", "status")
    )


@pytest.mark.django_db
def test_it_plans_an_agreement_idempotently(coordinator):
    agreement = AgreementFactory(status="active", coordinator=coordinator)
    with time_machine.travel(D(2025, 2, 10)):
        first = evaluations_plan_for_agreement(agreement=agreement)
        second = evaluations_plan_for_agreement(agreement=agreement)
        evaluations_plan_all()
    assert len(first.create) == 2
    assert second.create == second.delete == []
    assert Evaluation.objects.filter(agreement=agreement).count() == 2
    assert set(Evaluation.objects.values_list("evaluator", flat=True)) == {coordinator.pk}


@pytest.mark.django_db
def test_it_rolls_the_plan_forward_as_time_passes(coordinator):
    agreement = AgreementFactory(
        status="active", coordinator=coordinator, evaluation_cadence="monthly"
    )
    for day in (D(2025, 1, 30), D(2025, 2, 28), D(2025, 3, 1), D(2025, 3, 31)):
        with time_machine.travel(day):
            evaluations_plan_for_agreement(agreement=agreement)
    starts = [p[0] for p in _periods(agreement)]
    # Nothing is removed once planned, even when it falls due: it is still to be done.
    assert starts == [D(2025, m, 1) for m in range(1, 5)]


@pytest.mark.django_db
def test_it_replans_only_not_started_evaluations_on_a_cadence_change(coordinator):
    agreement = AgreementFactory(status="active", coordinator=coordinator)
    with time_machine.travel(D(2025, 2, 10)):
        evaluations_plan_for_agreement(agreement=agreement)
        started = Evaluation.objects.get(agreement=agreement, period_start=D(2025, 1, 1))
        started.status = "in_progress"
        started.save()
        agreement.evaluation_cadence = "monthly"
        agreement.save()
        evaluations_plan_for_agreement(agreement=agreement)
    periods = _periods(agreement)
    # The started quarter stays; the not-started quarter made way for monthly periods
    # that do not overlap it.
    assert (D(2025, 1, 1), D(2025, 3, 31), "in_progress") in periods
    assert (D(2025, 4, 1), D(2025, 6, 30), "scheduled") not in periods
    assert (D(2025, 4, 1), D(2025, 4, 30), "scheduled") in periods
    assert all(p[0] >= D(2025, 4, 1) for p in periods if p[2] == "scheduled")


@pytest.mark.django_db
def test_it_replans_when_the_start_date_moves(coordinator):
    agreement = AgreementFactory(status="active", coordinator=coordinator)
    with time_machine.travel(D(2025, 2, 10)):
        evaluations_plan_for_agreement(agreement=agreement)
        agreement.start_date = D(2025, 2, 1)
        agreement.save()
        evaluations_plan_for_agreement(agreement=agreement)
    assert [p[0] for p in _periods(agreement)] == [D(2025, 2, 1), D(2025, 5, 1)]


@pytest.mark.django_db
def test_it_does_not_plan_drafts(coordinator):
    agreement = AgreementFactory(coordinator=coordinator)
    assert evaluations_plan_for_agreement(agreement=agreement).create == []


@pytest.mark.django_db
def test_it_plans_midpoint_and_final_for_programs_and_mentorships(coordinator, mentor_a):
    program = ProgramFactory(
        coordinator=coordinator, start_date=D(2025, 1, 6), end_date=D(2025, 12, 19)
    )
    mentorship = MentorshipFactory(
        enrolment__program=program, mentor__user=mentor_a, started_on=D(2025, 3, 1)
    )
    evaluations_plan_for_program(program=program)
    evaluations_plan_for_mentorship(mentorship=mentorship)
    evaluations_plan_all()
    assert set(Evaluation.objects.filter(program=program).values_list("kind", "evaluator")) == {
        ("midpoint", coordinator.pk),
        ("final", coordinator.pk),
    }
    mine = Evaluation.objects.filter(mentorship=mentorship)
    assert set(mine.values_list("kind", "evaluator")) == {
        ("midpoint", mentor_a.pk),
        ("final", mentor_a.pk),
    }
    assert mine.get(kind="midpoint").period_start == D(2025, 3, 1)


@pytest.mark.django_db
def test_it_moves_a_not_started_final_evaluation_with_the_program_dates(coordinator):
    program = ProgramFactory(
        coordinator=coordinator, start_date=D(2025, 1, 6), end_date=D(2025, 12, 19)
    )
    evaluations_plan_for_program(program=program)
    Evaluation.objects.filter(program=program, kind="midpoint").update(status="submitted")
    program.end_date = D(2026, 3, 31)
    program.save()
    evaluations_plan_for_program(program=program)
    final = Evaluation.objects.get(program=program, kind="final")
    midpoint = Evaluation.objects.get(program=program, kind="midpoint")
    assert final.period_end == D(2026, 3, 31)
    assert midpoint.period_end == D(2025, 6, 28)  # submitted: left as it was


@pytest.mark.django_db
def test_the_database_refuses_an_evaluation_with_two_subjects(coordinator):
    program = ProgramFactory()
    with pytest.raises(IntegrityError):
        EvaluationFactory(program=program)


@pytest.mark.django_db
def test_the_database_refuses_an_evaluation_without_a_subject():
    with pytest.raises(IntegrityError):
        EvaluationFactory(agreement=None)
