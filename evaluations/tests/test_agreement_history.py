"""The agreement page's evaluation history: attainment per indicator over time."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from evaluations.services import evaluation_prepare
from evaluations.timeline import agreement_history_context
from factories import EvaluationFactory

pytestmark = pytest.mark.django_db


def test_it_shows_attainment_over_time(world, coordinator, django_assert_num_queries):
    agreement = world["agreement"]
    for month, actual in ((3, 10), (6, 30)):
        evaluation = EvaluationFactory(
            agreement=agreement,
            evaluator=coordinator,
            period_start=dt.date(2024, month, 1),
            period_end=dt.date(2024, month, 28),
            status="reviewed",
        )
        evaluation_prepare(evaluation=evaluation)  # a no-op once reviewed: add rows by hand
        for indicator in agreement.indicators.all():
            evaluation.indicator_results.create(indicator=indicator, actual=actual)
    # roles, scope, evaluations, results, indicators
    with django_assert_num_queries(5):
        context = agreement_history_context(agreement, coordinator)
    trained = next(r for r in context["history_rows"] if r["indicator"].name == "Kader terlatih")
    assert [c.attainment if c else None for c in trained["cells"]] == [25, 75, None]
    request = RequestFactory().get("/")
    request.user = coordinator
    html = render_to_string("evaluations/_agreement_history.html", context, request=request)
    assert "75%" in html


def test_a_mentor_sees_no_history(world, mentor_a):
    context = agreement_history_context(world["agreement"], mentor_a)
    assert context["history_evaluations"] == []
