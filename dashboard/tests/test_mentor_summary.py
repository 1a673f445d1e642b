"""The mentor's summary: hours this month, next evaluations and mentees' goal progress."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from dashboard.mentor_summary import mentor_summary
from factories import (
    DevelopmentGoalFactory,
    EvaluationFactory,
    MentorProfileFactory,
    MentorshipFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC), tick=False)


def pair(mentor, n_goals: int = 2):
    mentorship = MentorshipFactory(mentor=MentorProfileFactory(user=mentor))
    for progress in [100, 50][:n_goals]:
        DevelopmentGoalFactory(mentorship=mentorship, progress=progress)
    return mentorship


def test_it_sums_this_months_hours_and_lists_next_evaluations_and_goals(mentor_a, mentor_b):
    mine = pair(mentor_a)
    SessionFactory(mentorship=mine, date=dt.date(2026, 6, 2), duration_minutes=90)
    SessionFactory(mentorship=mine, date=dt.date(2026, 5, 30), duration_minutes=60)  # May
    SessionFactory(mentorship=mine, date=dt.date(2026, 6, 3), attendance="no_show")
    SessionFactory(mentorship=pair(mentor_b), date=dt.date(2026, 6, 4))  # someone else's
    due = EvaluationFactory(agreement=None, mentorship=mine, due_date=TODAY, evaluator=mentor_a)
    EvaluationFactory(
        agreement=None, mentorship=mine, kind="final", due_date=TODAY, status="submitted",
        evaluator=mentor_a,
    )  # fmt: skip
    summary = mentor_summary(mentor_a, TODAY)
    assert summary["hours_this_month"] == 1.5
    assert summary["next_evaluations"] == [due]
    [goals] = summary["mentee_goals"]
    assert (goals.goal_count, goals.goals_done, goals.progress) == (2, 1, 75)


@pytest.mark.parametrize("size", [3, 30])
def test_it_renders_in_a_fixed_number_of_queries_whatever_the_mentees(
    mentor_a, size, django_assert_num_queries
):
    # Mentor A's home renders the summary, with few or many mentees.
    for _ in range(size):
        SessionFactory(mentorship=pair(mentor_a), date=dt.date(2026, 6, 2))
    request = RequestFactory().get("/")
    request.user = mentor_a
    template = Template('{% load kader_slots %}{% slot "mentor_home.sections" %}')
    # the user's groups (cached for the rest of a real request), hours, evaluations, goals
    with django_assert_num_queries(4):
        html = template.render(Context({"request": request}))
    hours = html.split('data-testid="hours-this-month">')[1].split("<")[0]
    assert hours == str(size)  # one hour each; whole hours are written without ",0"
