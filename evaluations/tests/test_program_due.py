"""The program page lists the earliest open evaluations, in the same queries at any size."""

import datetime as dt

import pytest

from factories import EvaluationFactory, MentorshipFactory
from programs.timeline import DUE_SHOWN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 30])
def test_the_program_page_query_count_is_fixed_with_evaluations_due(
    client, coordinator, world, count, django_assert_num_queries
):
    # Each pair of the program has an open evaluation; the subject names need no query.
    program = world["program"]
    for i in range(count):
        pair = MentorshipFactory(enrolment__program=program)
        EvaluationFactory(
            agreement=None, mentorship=pair, due_date=dt.date(2025, 7, 1) + dt.timedelta(days=i)
        )
    EvaluationFactory(agreement=None, program=program, kind="final")
    client.force_login(coordinator)
    client.get(program.get_absolute_url())
    with django_assert_num_queries(EXPECTED):
        response = client.get(program.get_absolute_url())
    evaluations = [i for i in response.context["due"] if i.url.startswith("/evaluations/")]
    # Those of the new pairs, the world's pair and the program's own, earliest first.
    assert len(evaluations) == min(count + 2, DUE_SHOWN)
    assert evaluations[0].title.endswith(program.name)  # due on 14 April 2025
    assert [e.date for e in evaluations] == sorted(e.date for e in evaluations)


# +1 since jurisdictions: the scope, once per request; +1: the nav's unread count;
# +1 since issue 20: the program's pairs' ids, read before their evaluations.
EXPECTED = 20
