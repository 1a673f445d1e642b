"""Evaluation dates that cannot be true: an action item due before the period it follows, a
due date decades ahead, and a planner that must never plan past the last date it may."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import limits
from core.testing import rendered_form
from evaluations import services
from evaluations.models import ActionItem, Evaluation
from evaluations.planning import agreement_periods, span_periods
from factories import ActionItemFactory, EvaluationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    # The messages are asserted in English: the person chose English (the language cookie).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_an_action_item_due_before_its_evaluated_period_is_refused(client, mentor_a, world):
    # The mentor's evaluation covers 1 Feb – 9 Jun 2025; a follow-up due in January is a typo.
    evaluation = world["mentor_evaluation"]
    client.force_login(mentor_a)
    url = reverse("evaluations:evaluation_fill", args=[evaluation.pk])
    form = rendered_form(client, url, testid="evaluation-form")
    action = {"act-0-description": "Tambah sesi", "act-0-owner": str(mentor_a.pk)}
    response = form.submit(
        client, {**action, "act-0-due_date": "2025-01-15", "findings": "Baik."}, button="save"
    )
    assert response.status_code == 200
    errors = response.context["action_formset"].forms[0].errors
    assert "before the evaluated period" in errors["due_date"][0]
    assert not ActionItem.objects.exists()
    tag = re.search(r'<input[^>]*name="act-0-due_date"[^>]*>', response.content.decode())
    assert 'min="2000-01-01"' in tag.group(0)


def test_a_plan_due_decades_ahead_is_refused_at_its_field(client, coordinator, world):
    evaluation = world["agreement_evaluation"]
    client.force_login(coordinator)
    url = reverse("evaluations:evaluation_plan", args=[evaluation.pk])
    form = rendered_form(client, url, method="post")
    response = form.submit(client, {"due_date": "2101-01-14"})
    assert response.status_code == 200
    assert "10 years" in response.context["form"].errors["due_date"][0]
    evaluation.refresh_from_db()
    assert evaluation.due_date == dt.date(2025, 6, 16)
    tag = re.search(r'<input[^>]*name="due_date"[^>]*>', client.get(url).content.decode())
    assert 'min="2025-04-01"' in tag.group(0)
    assert f'max="{limits.latest_planning_date().isoformat()}"' in tag.group(0)


def test_the_planner_never_plans_past_the_last_date():
    # A program ending just before the database's last date: the final evaluation used to be
    # due 14 days later, in 2100 (and with a later end, in 2101).
    final = span_periods(dt.date(2099, 1, 1), dt.date(2099, 12, 25))[1]
    assert final.due == limits.LATEST_DATE
    edge = dt.date(2099, 12, 1), dt.date(2099, 12, 31)
    (last,) = list(agreement_periods(*edge, 12, limits.LATEST_DATE))
    assert last.due == limits.LATEST_DATE


def test_planning_a_program_at_the_edge_stores_valid_evaluations():
    program = ProgramFactory(start_date=dt.date(2099, 1, 1), end_date=dt.date(2099, 12, 25))
    services.evaluations_plan_for_program(program=program, today=timezone.localdate())
    dues = sorted(program.evaluations.values_list("due_date", flat=True))
    assert dues and max(dues) <= limits.LATEST_DATE


def test_the_database_refuses_a_due_date_before_the_period_or_past_the_last_date():
    evaluation = EvaluationFactory()
    for due in (dt.date(2024, 12, 31), dt.date(2101, 1, 14)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evaluation.objects.filter(pk=evaluation.pk).update(due_date=due)
    item = ActionItemFactory(evaluation=evaluation)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(due_date=dt.date(1900, 1, 1))
