"""The daily planning step in chunks: over more subjects than one chunk it plans exactly
what one pass over everything plans, a second run changes nothing, and moves go through
the set-based update with their history rows."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluations.models import Evaluation
from evaluations.planning import Counts
from evaluations.services import evaluations_plan_all
from factories import AgreementFactory, MentorshipFactory, ProgramFactory
from programs.models import Program

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


@pytest.fixture
def subjects(coordinator):
    """7 agreements of mixed cadences, 5 running programs and 9 active pairs among them,
    their evaluations not planned yet (the factories' saves plan after a commit that
    never comes in these tests)."""
    cadences = ["monthly", "quarterly", "half_yearly", "yearly"]
    for i in range(7):
        AgreementFactory(
            status="active",
            coordinator=coordinator,
            evaluation_cadence=cadences[i % 4],
            start_date=D(2024, 1 + i, 1 + 3 * i),
            end_date=None if i % 3 else D(2026, 6, 30),
        )
    programs = [
        ProgramFactory(
            coordinator=coordinator,
            start_date=D(2025, 1, 6) + dt.timedelta(days=9 * i),
            end_date=D(2025, 12, 19) - dt.timedelta(days=5 * i),
        )
        for i in range(5)
    ]
    for i in range(9):
        MentorshipFactory(enrolment__program=programs[i % 5], started_on=D(2025, 2, 1 + i))
    Evaluation.objects.all().delete()


def plan() -> set[tuple]:
    return set(
        Evaluation.objects.values_list(
            "agreement", "program", "mentorship", "kind", "period_start", "period_end",
            "due_date", "evaluator", "status",
        )
    )  # fmt: skip


def test_planning_in_small_chunks_plans_what_one_pass_plans(subjects):
    with time_machine.travel(TODAY, tick=False):
        whole = evaluations_plan_all(chunk=10_000)
        expected = plan()
        Evaluation.objects.all().delete()
        chunked = evaluations_plan_all(chunk=2)
    assert plan() == expected
    assert chunked == whole
    # At least 2 periods for each of the 7 agreements, a mid-point and a final for each of
    # the 5 programs and 9 pairs: all of them over 2-subject chunks.
    assert chunked.created == Evaluation.objects.count() >= 7 * 2 + 5 * 2 + 9 * 2
    assert Evaluation.objects.filter(mentorship__isnull=False).count() == 9 * 2


def test_a_second_run_in_chunks_changes_nothing(subjects):
    with time_machine.travel(TODAY, tick=False):
        evaluations_plan_all(chunk=2)
        before, history = plan(), Evaluation.history.count()
        with CaptureQueriesContext(connection) as queries:
            again = evaluations_plan_all(chunk=2)
    assert again == Counts()
    assert plan() == before
    assert Evaluation.history.count() == history
    # Reads only: no INSERT, UPDATE or DELETE.
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(writes)]


def test_moved_evaluations_are_updated_in_chunks_with_their_history(subjects, coordinator):
    with time_machine.travel(TODAY, tick=False):
        evaluations_plan_all(chunk=2)
        started = Evaluation.objects.filter(program__isnull=False, kind="final").first()
        Evaluation.objects.filter(pk=started.pk).update(status="in_progress")
        for program in Program.objects.all():
            program.end_date = D(2026, 3, 31)
            program.save()
        counts = evaluations_plan_all(chunk=2)
    finals = Evaluation.objects.filter(program__isnull=False, kind="final").exclude(pk=started.pk)
    assert counts.updated >= 2 * 4  # each other program's mid-point and final moved
    assert set(finals.values_list("period_end", "due_date")) == {(D(2026, 3, 31), D(2026, 4, 14))}
    # The started one stayed where it was.
    started_now = Evaluation.objects.get(pk=started.pk)
    assert (started_now.period_end, started_now.status) == (started.period_end, "in_progress")
    moved = finals.first()
    record = moved.history.latest()
    assert record.history_type == "~" and record.history_change_reason == "Planned from the cadence"
    assert record.period_end == D(2026, 3, 31)


def test_the_database_picks_exactly_the_pairs_planning_would_change(postgres, subjects):
    """`_mentorships_to_plan` (SQL) and `_mentorship_changes` (Python) agree: a missing
    evaluation, a moved program, a moved start, a started or hand-made evaluation."""
    from evaluations.services import _mentorship_changes, _mentorships_to_plan
    from programs.models import Mentorship

    with time_machine.travel(TODAY, tick=False):
        evaluations_plan_all(chunk=3)
    assert not _mentorships_to_plan(Mentorship.objects.active()).exists()
    pairs = list(Mentorship.objects.order_by("pk"))
    Evaluation.objects.filter(mentorship=pairs[0], kind="midpoint").delete()
    Evaluation.objects.filter(mentorship=pairs[1], kind="final").update(due_date=D(2026, 1, 1))
    Evaluation.objects.filter(mentorship=pairs[2], kind="final").update(
        due_date=D(2026, 1, 1), status="in_progress"
    )
    Evaluation.objects.filter(mentorship=pairs[3], kind="final").update(
        period_end=D(2025, 12, 1), planned=False
    )
    Mentorship.objects.filter(pk=pairs[4].pk).update(started_on=D(2025, 3, 1))
    program = pairs[5].enrolment.program
    Program.objects.filter(pk=program.pk).update(end_date=D(2026, 2, 27))

    def changed(pair) -> bool:
        changes = _mentorship_changes(pair, list(pair.evaluations.all()))
        return bool(changes.create or changes.update or changes.delete)

    every = Mentorship.objects.active().select_related("enrolment__program", "mentor")
    expected = {pair.pk for pair in every if changed(pair)}
    picked = set(_mentorships_to_plan(Mentorship.objects.active()).values_list("pk", flat=True))
    assert picked == expected
    assert {pairs[0].pk, pairs[1].pk, pairs[4].pk, pairs[5].pk} <= picked
    assert pairs[2].pk not in picked and pairs[3].pk not in picked
