"""The program page at scale: bounded sections with their own pages, totals from aggregates."""

import datetime as dt

import pytest

from factories import (
    DevelopmentGoalFactory,
    EnrolmentFactory,
    MentorProfileFactory,
    MentorshipFactory,
)
from programs.tests.conftest import english
from programs.timeline import DUE_SHOWN
from programs.views.programs import SECTION_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_program(program):
    """More pairs than a section shows, all stale (paired long ago, never met)."""
    program.capacity = 100
    program.save()
    mentor = MentorProfileFactory(mentee_capacity=100)
    for _ in range(SECTION_ROWS + 5):
        MentorshipFactory(mentor=mentor, enrolment=EnrolmentFactory(program=program))
    return program


def test_it_shows_a_page_of_enrolments_and_pairs_with_the_totals(client, coordinator, big_program):
    # The coordinator opens a program with 30 enrolled cadres: 25 shown, 30 counted.
    english(client).force_login(coordinator)
    response = client.get(big_program.get_absolute_url())
    assert len(response.context["enrolments"]["page"]) == SECTION_ROWS
    assert len(response.context["mentorships"]["page"]) == SECTION_ROWS
    page = response.content.decode()
    assert 'data-testid="enrolment-count">30<' in page
    assert "?page=2#enrolled" in page
    assert "?pairs=2#pairs" in page


def test_it_keeps_the_other_sections_page_when_turning_one(client, coordinator, big_program):
    # The coordinator is on the second page of pairs and turns the enrolments' page.
    english(client).force_login(coordinator)
    response = client.get(big_program.get_absolute_url(), {"pairs": 2, "page": 2})
    assert len(response.context["enrolments"]["page"]) == 5
    assert len(response.context["mentorships"]["page"]) == 5
    assert "?pairs=2&amp;page=1#enrolled" in response.content.decode()


def test_it_answers_a_bad_page_number_with_the_first_page(client, coordinator, big_program):
    english(client).force_login(coordinator)
    response = client.get(big_program.get_absolute_url(), {"page": "x", "pairs": "99999"})
    assert response.status_code == 200
    assert response.context["enrolments"]["page"].number == 1


def test_it_lists_only_the_earliest_of_whats_due(client, coordinator, big_program):
    # 30 stale pairs and 30 goals past their date: DUE_SHOWN of each, earliest first.
    for pair in big_program.enrolments.all():
        for mentorship in pair.mentorships.all():
            DevelopmentGoalFactory(mentorship=mentorship, target_date=dt.date(2025, 3, 1))
    english(client).force_login(coordinator)
    response = client.get(big_program.get_absolute_url())
    due = response.context["due"]
    titles = [item.title for item in due]
    assert sum("has not met" in t for t in titles) == DUE_SHOWN
    assert sum(t.startswith("Goal") for t in titles) == DUE_SHOWN
    assert 'data-testid="due-cut"' in response.content.decode()
