"""The program and mentor lists count seats and mentees for the page's rows only (issue 20):
the same queries with 3 rows as with 30, and the figures they show are right."""

import pytest
from django.urls import reverse

from factories import EnrolmentFactory, MentorProfileFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_program_list_constant(as_coordinator, size, django_assert_num_queries):
    # The coordinator opens the program list: `size` programs, each with two cadres
    # holding a seat and one who withdrew (no seat).
    for _ in range(size):
        program = ProgramFactory(capacity=10)
        EnrolmentFactory.create_batch(2, program=program, status="active")
        EnrolmentFactory(program=program, status="withdrawn")
    url = reverse("programs:program_list")
    as_coordinator.get(url)
    with django_assert_num_queries(EXPECTED["program_list"]):
        response = as_coordinator.get(url)
    shown = response.context["page"].object_list
    assert shown and all(program.seats_taken() == 2 for program in shown)
    assert "2/10" in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_mentor_list_constant(as_coordinator, size, django_assert_num_queries):
    # The coordinator opens the mentor list: `size` mentors, each with one active pair and
    # one that ended.
    for _ in range(size):
        mentor = MentorProfileFactory(mentee_capacity=4)
        MentorshipFactory(mentor=mentor)
        MentorshipFactory(mentor=mentor, status="ended")
    url = reverse("programs:mentor_list")
    as_coordinator.get(url)
    with django_assert_num_queries(EXPECTED["mentor_list"]):
        response = as_coordinator.get(url)
    shown = response.context["page"].object_list
    assert shown and all(mentor.active_mentees() == 1 for mentor in shown)
    assert "1/4" in response.content.decode()


# Written out so that a change shows up: the session, user, groups, scope and unread
# count every page pays; the page's rows, their count, and (programs) one query
# counting seats for those rows only. A mentor's active pairs are kept on the profile
# (programs/mentor_load.py): the mentor list reads them with its rows.
EXPECTED = {"program_list": 8, "mentor_list": 7}
