"""The program report costs the same queries with 3 pairs as with 20, and lists the
evaluations of the program and of each of its pairs (issue 20: the pairs' ids are read
first, so that PostgreSQL no longer tests every evaluation of the country)."""

import pytest
from django.urls import reverse

from factories import EnrolmentFactory, EvaluationFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SIZES = [3, 20]


@pytest.mark.parametrize("size", SIZES)
def test_it_keeps_the_program_report_constant(as_coordinator, size, django_assert_num_queries):
    # The coordinator opens the report of a program with `size` pairs, each evaluated once,
    # and one evaluation of the program itself; another program's pair is left out.
    program = ProgramFactory()
    for _ in range(size):
        pair = MentorshipFactory(enrolment=EnrolmentFactory(program=program))
        EvaluationFactory(agreement=None, mentorship=pair)
    EvaluationFactory(agreement=None, program=program)
    EvaluationFactory(agreement=None, mentorship=MentorshipFactory())
    url = reverse("dashboard:program_report", args=[program.pk])
    as_coordinator.get(url)
    with django_assert_num_queries(EXPECTED):
        response = as_coordinator.get(url)
    assert len(response.context["evaluations"]) == size + 1


# Written out so that a change shows up: the request's own five (session, user, groups,
# scope, unread count), the program, its pairs' ids, then one query per part of the report.
EXPECTED = 16
