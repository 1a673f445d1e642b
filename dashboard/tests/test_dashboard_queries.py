"""The dashboard issues the same, small number of queries whatever the amount of data."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import HealthRating, IndicatorResult
from factories import (
    AgreementFactory,
    EnrolmentFactory,
    EvaluationFactory,
    MentorshipFactory,
    ProgramFactory,
    SessionFactory,
    SuccessIndicatorFactory,
)
from partners.models import Province
from programs.models import CadreBackground

pytestmark = pytest.mark.django_db
# 21 since the inbox: the nav's unread-reminder count (evaluations.context_processors).
MAX_QUERIES = 21


def grow(n: int, coordinator) -> ProgramFactory:
    """n of everything: agreements with evaluations, programs, cadres, pairs, sessions."""
    program = ProgramFactory(kind="mentoring")
    for i in range(n):
        agreement = AgreementFactory(status="active", formality=["formal", "informal"][i % 2])
        program.agreements.add(agreement)
        evaluation = EvaluationFactory(
            agreement=agreement, status="reviewed", evaluator=coordinator
        )
        HealthRating.objects.create(evaluation=evaluation, factor="trust", score=1 + i % 5)
        indicator = SuccessIndicatorFactory(agreement=agreement)
        IndicatorResult.objects.create(evaluation=evaluation, indicator=indicator, actual=i)
        enrolment = EnrolmentFactory(program=program)
        CadreBackground.objects.create(
            cadre=enrolment.cadre, gender="female", consent_given_on=dt.date(2026, 1, 1),
            consent_recorded_by=coordinator,
        )  # fmt: skip
        SessionFactory(mentorship=MentorshipFactory(enrolment=enrolment))
    return program


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("filtered", [False, True])
def test_it_renders_the_dashboard_in_a_fixed_number_of_queries(client, coordinator, filtered):
    # The coordinator opens the dashboard, with and without every filter, small and large.
    client.force_login(coordinator)
    counts = []
    for size in (3, 30):
        program = grow(size, coordinator)
        query = f"?months=6&formality=formal&basis=community&program={program.pk}&province="
        query += str(Province.objects.get(code="32").pk)
        cache.clear()  # the figures as computed, not as kept
        counts.append(count_queries(client, reverse("home") + (query if filtered else "")))
    assert counts[0] == counts[1]
    assert counts[0] <= MAX_QUERIES
