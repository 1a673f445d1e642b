"""The pairs' plan in SQL (`evaluations/planning_sql.py`) writes what the Python rule writes
(`_mentorship_changes` through `planning.apply`): the same evaluations and the same history
rows, over every case the rule distinguishes; and a run stopped by its time limit continues
where it stopped."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from evaluations import planning, planning_sql
from evaluations.models import Evaluation
from evaluations.services import (
    _mentorship_changes,
    _mentorships_to_plan,
    evaluations_plan_all,
)
from factories import AgreementFactory, MentorshipFactory, ProgramFactory
from programs.models import Mentorship, Program

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


class Rollback(Exception):
    pass


@pytest.fixture
def pairs(postgres):
    """Pairs in every state the rule tells apart, then their evaluations put into the
    states planning must create, move or leave."""
    programs = [
        ProgramFactory(start_date=D(2025, 1, 6), end_date=D(2025, 12, 19)),
        ProgramFactory(start_date=D(2025, 2, 3), end_date=D(2026, 6, 30)),
        # Ends on the last date the database takes: the final is due that day, not after.
        ProgramFactory(start_date=D(2099, 12, 1), end_date=D(2099, 12, 31)),
    ]
    made = [
        MentorshipFactory(enrolment__program=programs[i % 2], started_on=D(2025, 1, 1 + i))
        for i in range(10)
    ] + [MentorshipFactory(enrolment__program=programs[2], started_on=D(2025, 1, 1))]
    Evaluation.objects.all().delete()
    with time_machine.travel(TODAY, tick=False):
        evaluations_plan_all()
    # 0: nothing planned yet; 1: its mid-point missing; 2: its final moved by hand while
    # planned (to be moved back); 3: the same, but started (kept); 4: added by hand (kept);
    # 5: started later (both move); 6: ended early (its final moves); 7: ended (not active:
    # left); 8: starts after its program ends (no plan); 9: its mentor changed (moved
    # evaluations take the new mentor; unmoved keep theirs).
    Evaluation.objects.filter(mentorship=made[0]).delete()
    Evaluation.objects.filter(mentorship=made[1], kind="midpoint").delete()
    Evaluation.objects.filter(mentorship=made[2], kind="final").update(due_date=D(2026, 1, 1))
    Evaluation.objects.filter(mentorship=made[3], kind="final").update(
        due_date=D(2026, 1, 1), status="in_progress"
    )
    Evaluation.objects.filter(mentorship=made[4], kind="final").update(
        period_end=D(2025, 12, 1), planned=False
    )
    Mentorship.objects.filter(pk=made[5].pk).update(started_on=D(2025, 4, 1))
    Mentorship.objects.filter(pk=made[6].pk).update(ended_on=D(2025, 9, 30))
    Mentorship.objects.filter(pk=made[7].pk).update(status="ended", ended_on=D(2025, 3, 1))
    Evaluation.objects.filter(mentorship=made[7]).delete()
    Mentorship.objects.filter(pk=made[8].pk).update(started_on=D(2026, 1, 1))
    Evaluation.objects.filter(mentorship=made[8]).delete()
    other = MentorshipFactory().mentor
    Mentorship.objects.filter(pk=made[9].pk).update(mentor=other)
    Evaluation.objects.filter(mentorship=made[9], kind="final").update(due_date=D(2026, 2, 2))
    Program.objects.filter(pk=programs[1].pk).update(end_date=D(2026, 3, 31))
    return made


def snapshot() -> tuple[set, list]:
    rows = set(
        Evaluation.objects.filter(mentorship__isnull=False).values_list(
            "mentorship", "kind", "period_start", "period_end", "due_date", "evaluator",
            "status", "planned", "findings", "organisation", "unit",
        )
    )  # fmt: skip
    history = sorted(
        Evaluation.history.filter(mentorship__isnull=False).values_list(
            "mentorship", "kind", "period_start", "period_end", "due_date", "evaluator",
            "status", "planned", "history_type", "history_change_reason", "history_user",
        ),
        key=repr,
    )  # fmt: skip
    return rows, history


def planned_in_python() -> tuple[set, list]:
    """The Python rule over every active pair, rolled back: what it would write."""
    try:
        with transaction.atomic():
            for pair in Mentorship.objects.active().select_related("enrolment__program", "mentor"):
                planning.apply(_mentorship_changes(pair, list(pair.evaluations.all())))
            result = snapshot()
            raise Rollback
    except Rollback:
        pass
    return result


def test_sql_plans_the_pairs_as_the_python_rule_does(pairs):
    with time_machine.travel(TODAY, tick=False):
        expected = planned_in_python()
        before = snapshot()
        assert expected != before  # there is something to plan
        counts = evaluations_plan_all()
    assert snapshot() == expected
    assert counts.created and counts.updated
    assert not _mentorships_to_plan(Mentorship.objects.active()).exists()
    # The plan's new rows carry the pair's cadre's office (the placing trigger ran).
    cadre = pairs[0].enrolment.cadre
    placed = Evaluation.objects.filter(mentorship=pairs[0]).values_list("organisation", "unit")
    assert set(placed) == {(cadre.organisation_id, cadre.unit_id)}


def test_a_second_sql_run_writes_nothing(pairs):
    with time_machine.travel(TODAY, tick=False):
        evaluations_plan_all()
        rows, history = snapshot()
        again = evaluations_plan_all()
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert snapshot() == (rows, history)


def test_a_pair_planned_meanwhile_is_not_planned_twice(pairs):
    # Another planner (a coordinator's save) made the mid-point between the read and the
    # insert: the unique constraint makes the insert skip it, the rest goes in.
    lo, hi = 0, max(p.pk for p in pairs)
    created, _moved = planning_sql.plan_pairs(lo, hi)
    assert created > 0
    assert planning_sql.plan_pairs(lo, hi) == (0, 0)


def test_a_run_stopped_by_its_time_limit_continues_where_it_stopped(pairs, monkeypatch):
    from evaluations import services

    monkeypatch.setattr(services, "PAIRS_PER_CHUNK", 1)
    AgreementFactory.create_batch(3, status="active", start_date=D(2024, 1, 1), end_date=None)
    with time_machine.travel(TODAY, tick=False):
        expected = planned_in_python()
        runs, resume = 0, None
        while True:
            counts = evaluations_plan_all(chunk=2, seconds=0, resume=resume)
            runs += 1
            if counts.resume is None:
                break
            resume = counts.resume
    assert snapshot() == expected
    # 4 agreement chunks of 2, 2 program chunks, 6 pair chunks of 2 (11 active pairs), and
    # the run that finds nothing left.
    assert runs >= 10
    assert Evaluation.objects.filter(agreement__isnull=False).count() >= 3 * 2
