"""Dates that cannot be true are refused: at the field in the form (as the page renders it),
and in the database where the rule holds for one row whatever the day (docs/data-rules.md)."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import limits
from core.testing import rendered_form
from factories import DevelopmentGoalFactory, MentorshipFactory, ProgramFactory, SessionFactory
from programs.models import DevelopmentGoal, Mentorship, Program, Session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The messages are asserted in English: the person chose English (the language cookie).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def today() -> dt.date:
    return timezone.localdate()


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def refused(response, field: str) -> list[str]:
    assert response.status_code == 200, "the form was saved"
    return response.context["form"].errors[field]


# --- sessions ----------------------------------------------------------------------------


def test_a_session_in_1900_is_refused_at_its_date(client, mentor_a, pair_a):
    # The mentor types 1900 instead of 2025 in the session form.
    client.force_login(mentor_a)
    form = rendered_form(client, reverse("programs:session_create"), method="post")
    response = form.submit(client, {"mentorship": str(pair_a.pk), "date": "1900-03-01"})
    assert "2000" in refused(response, "date")[0]
    assert not Session.objects.exists()


def test_a_session_before_its_mentorship_started_is_refused(client, mentor_a, pair_a):
    # The pair started on 1 Feb 2025; a session on 10 Jan 2025 cannot be theirs.
    client.force_login(mentor_a)
    form = rendered_form(client, reverse("programs:session_create"), method="post")
    response = form.submit(client, {"mentorship": str(pair_a.pk), "date": "2025-01-10"})
    assert "before the mentoring started" in refused(response, "date")[0]


def test_a_session_after_its_mentorship_ended_is_refused(client, mentor_a, pair_a, session_a):
    # The pair ended; the mentor edits a session to a day after the end.
    Mentorship.objects.filter(pk=pair_a.pk).update(ended_on=today() - dt.timedelta(days=10))
    client.force_login(mentor_a)
    url = reverse("programs:session_edit", args=[session_a.pk])
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"date": (today() - dt.timedelta(days=2)).isoformat()})
    assert "after the mentoring ended" in refused(response, "date")[0]


def test_the_session_date_input_carries_its_bounds(client, mentor_a, pair_a):
    client.force_login(mentor_a)
    tag = input_tag(client.get(reverse("programs:session_create")).content.decode(), "date")
    assert 'min="2000-01-01"' in tag and f'max="{today().isoformat()}"' in tag


def test_the_database_refuses_a_session_in_1900(session_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session_a.pk).update(date=dt.date(1900, 1, 1))


def test_the_database_refuses_a_mentorship_ending_before_it_started(pair_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.filter(pk=pair_a.pk).update(ended_on=dt.date(2025, 1, 1))


# --- goals -------------------------------------------------------------------------------


def test_a_goal_whose_target_is_long_past_is_refused(client, mentor_a, pair_a):
    client.force_login(mentor_a)
    url = reverse("programs:goal_create", args=[pair_a.pk])
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"title": "Memimpin rapat", "target_date": "2019-06-01"})
    assert "past" in refused(response, "target_date")[0]
    assert not DevelopmentGoal.objects.exists()


def test_a_goal_absurdly_far_ahead_is_refused(client, mentor_a, pair_a):
    client.force_login(mentor_a)
    url = reverse("programs:goal_create", args=[pair_a.pk])
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"title": "Memimpin rapat", "target_date": "2300-01-01"})
    assert "10 years" in refused(response, "target_date")[0]


def test_a_goal_in_the_coming_months_is_saved_and_its_input_has_bounds(client, mentor_a, pair_a):
    client.force_login(mentor_a)
    url = reverse("programs:goal_create", args=[pair_a.pk])
    tag = input_tag(client.get(url).content.decode(), "target_date")
    assert f'min="{today().isoformat()}"' in tag
    assert f'max="{limits.latest_planning_date().isoformat()}"' in tag
    form = rendered_form(client, url, method="post")
    target = (today() + dt.timedelta(days=60)).isoformat()
    response = form.submit(client, {"title": "Memimpin rapat", "target_date": target})
    assert response.status_code == 302
    assert pair_a.goals.get().target_date.isoformat() == target


def test_a_goal_before_its_mentorship_is_refused_by_the_model(pair_a):
    # The admin's path: the goal's own rule, with its mentorship's start.
    goal = DevelopmentGoal(mentorship=pair_a, title="x", target_date=dt.date(2024, 12, 1))
    with pytest.raises(Exception) as error:
        goal.full_clean()
    assert "target_date" in error.value.message_dict


def test_the_database_refuses_a_goal_target_in_2300():
    goal = DevelopmentGoalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DevelopmentGoal.objects.filter(pk=goal.pk).update(target_date=dt.date(2300, 1, 1))


# --- programs, enrolments ----------------------------------------------------------------


def test_a_program_starting_in_1900_or_ending_in_2300_is_refused(client, coordinator):
    client.force_login(coordinator)
    url = reverse("programs:program_create")
    form = rendered_form(client, url, method="post")
    response = form.submit(
        client,
        {"name": "Program", "place": "Aula", "capacity": "10"}
        | {"start_date": "1900-01-01", "end_date": "2300-01-01"},
    )
    form = response.context["form"]
    assert "start_date" in form.errors and "end_date" in form.errors
    assert not Program.objects.exists()
    tag = input_tag(client.get(url).content.decode(), "end_date")
    assert 'min="2000-01-01"' in tag and "max=" in tag


def test_the_database_refuses_a_program_in_1900():
    program = ProgramFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(start_date=dt.date(1900, 1, 1))


def test_an_enrolment_after_its_program_ended_is_refused_by_the_model():
    pair = MentorshipFactory()
    enrolment = pair.enrolment
    enrolment.enrolled_on = enrolment.program.end_date + dt.timedelta(days=1)
    with pytest.raises(Exception) as error:
        enrolment.full_clean()
    assert "enrolled_on" in error.value.message_dict


def test_factories_make_dates_that_hold_every_rule():
    session = SessionFactory()
    goal = DevelopmentGoalFactory(target_date=today() + dt.timedelta(days=30))
    for row in (session, session.mentorship, session.mentorship.enrolment, goal):
        row.full_clean()
