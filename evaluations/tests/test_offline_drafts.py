"""An evaluation draft kept on a mentor's phone and sent later (issue 19, core/offline.py):
saved once whatever the retries, refused in words once the evaluation was submitted."""

import uuid

import pytest

from core.models import OfflineSend
from evaluations.models import Evaluation
from evaluations.tests.test_views import fill_data, url

pytestmark = pytest.mark.django_db

OFFLINE = {"HTTP_X_KADER_OFFLINE": "1", "HTTP_ACCEPT": "application/json"}
ACTION = {"description": "Tambah sesi daring", "owner": None, "due_date": "2025-07-01"}


def draft(evaluation, mentor, key) -> dict:
    action = {**ACTION, "owner": mentor.pk}
    return fill_data(evaluation, action=action, save="", idempotency_key=str(key))


def test_a_draft_sent_twice_is_saved_once(client, mentor_a, world):
    # Mentor A's phone sends the draft (with a new action item); the answer is lost; again.
    evaluation = world["mentor_evaluation"]
    client.force_login(mentor_a)
    data = draft(evaluation, mentor_a, uuid.uuid4())
    first = client.post(url("evaluation_fill", evaluation.pk), data, **OFFLINE)
    again = client.post(url("evaluation_fill", evaluation.pk), data, **OFFLINE)
    expected = {"status": "sent", "location": url("evaluation_fill", evaluation.pk)}
    assert first.json() == again.json() == expected
    evaluation.refresh_from_db()
    assert evaluation.status == "in_progress"
    assert evaluation.action_items.count() == 1
    assert OfflineSend.objects.get().object_type == "evaluations.evaluation"


def test_a_draft_of_an_evaluation_submitted_meanwhile_is_refused_in_words(client, mentor_a, world):
    # The draft waited on the phone; meanwhile the evaluation was submitted (another device).
    evaluation = world["mentor_evaluation"]
    data = draft(evaluation, mentor_a, uuid.uuid4())
    Evaluation.objects.filter(pk=evaluation.pk).update(status="submitted", findings="Final.")
    client.cookies["kader_language"] = "en"
    client.force_login(mentor_a)
    response = client.post(url("evaluation_fill", evaluation.pk), data, **OFFLINE)
    assert response.status_code == 409
    assert response.json()["status"] == "refused"
    assert "submitted meanwhile" in response.json()["reason"]
    evaluation.refresh_from_db()
    assert evaluation.findings == "Final."
    assert not evaluation.action_items.exists()
    assert not OfflineSend.objects.exists()


def test_a_submitted_evaluation_still_redirects_an_ordinary_post(client, mentor_a, world):
    evaluation = world["mentor_evaluation"]
    data = draft(evaluation, mentor_a, uuid.uuid4())
    Evaluation.objects.filter(pk=evaluation.pk).update(status="submitted")
    client.force_login(mentor_a)
    response = client.post(url("evaluation_fill", evaluation.pk), data)
    assert response.status_code == 302
    assert response["Location"] == evaluation.get_absolute_url()


def test_another_mentors_draft_is_a_404_in_words_and_saves_nothing(
    client, mentor_a, mentor_b, world
):
    # Mentor B's phone sends a draft into Mentor A's evaluation.
    evaluation = world["mentor_evaluation"]
    data = draft(evaluation, mentor_b, uuid.uuid4())
    client.force_login(mentor_b)
    response = client.post(url("evaluation_fill", evaluation.pk), data, **OFFLINE)
    assert response.status_code == 404
    assert response.json()["status"] == "refused"
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.findings) == ("scheduled", "")
    assert not OfflineSend.objects.exists()


def test_an_invalid_draft_is_refused_with_its_errors_and_keeps_no_key(client, mentor_a, world):
    evaluation = world["mentor_evaluation"]
    key = uuid.uuid4()
    data = {**draft(evaluation, mentor_a, key), "act-0-due_date": "not a date"}
    client.force_login(mentor_a)
    response = client.post(url("evaluation_fill", evaluation.pk), data, **OFFLINE)
    assert response.status_code == 422
    assert response.json()["reason"]
    assert not OfflineSend.objects.exists()
