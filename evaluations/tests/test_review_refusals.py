"""Reviewing an evaluation that is not submitted: a message, never a server error."""

import pytest
from django.urls import reverse

from core.testing import form_fields
from evaluations.models import Evaluation
from factories import EvaluationFactory

pytestmark = pytest.mark.django_db


def review_url(evaluation) -> str:
    return reverse("evaluations:evaluation_review", args=[evaluation.pk])


def test_it_tells_an_admin_that_an_open_evaluation_cannot_be_reviewed(client, admin):
    # An admin (a superuser: every permission check says yes) posts a review of an
    # evaluation still being filled in, as a stale tab's review form would.
    evaluation = EvaluationFactory(status=Evaluation.Status.IN_PROGRESS)
    client.force_login(admin)
    response = client.post(
        review_url(evaluation), {"decision": "accept", "comment": ""}, follow=True
    )
    assert response.status_code == 200
    assert "Only a submitted evaluation can be reviewed." in response.content.decode() or (
        "Hanya evaluasi yang sudah dikirim" in response.content.decode()
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.IN_PROGRESS


def test_it_offers_no_review_form_for_an_open_evaluation_to_an_admin(client, admin):
    # The admin opens the report of a scheduled evaluation: no review form to post.
    evaluation = EvaluationFactory(status=Evaluation.Status.SCHEDULED)
    client.force_login(admin)
    response = client.get(evaluation.get_absolute_url())
    assert 'data-testid="review"' not in response.content.decode()


def test_it_lets_the_coordinator_send_back_through_the_rendered_form(client, coordinator):
    # The coordinator sends a submitted evaluation back without a comment: the error is at
    # the comment; with one, it goes back to its evaluator.
    evaluation = EvaluationFactory(status=Evaluation.Status.SUBMITTED, evaluator=coordinator)
    client.force_login(coordinator)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    fields = form_fields(page, "review-form")
    fields["decision"] = "send_back"
    response = client.post(review_url(evaluation), fields)
    assert response.status_code == 200
    assert 'id="error_1_id_comment"' in response.content.decode()
    fields["comment"] = "Lengkapi temuan."
    response = client.post(review_url(evaluation), fields)
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.IN_PROGRESS
