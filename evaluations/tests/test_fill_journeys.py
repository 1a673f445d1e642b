"""Filling in an evaluation through the page as rendered: every kind of evaluation can be
saved and submitted, and every refusal is shown next to its cause with the input kept."""

import datetime as dt

import pytest
from django.urls import reverse

from core.testing import form_fields
from evaluations.models import Evaluation
from factories import EvaluationFactory

pytestmark = pytest.mark.django_db


def fill_url(evaluation) -> str:
    return reverse("evaluations:evaluation_fill", args=[evaluation.pk])


def rendered(client, evaluation) -> dict[str, str]:
    response = client.get(fill_url(evaluation))
    assert response.status_code == 200
    return form_fields(response.content.decode(), "evaluation-form")


def rate(fields: dict, score: str) -> None:
    for name in [n for n in fields if n.startswith("rat-") and n.endswith("-score")]:
        fields[name] = score


@pytest.fixture
def program_evaluation(coordinator, world):
    return EvaluationFactory(
        agreement=None,
        program=world["program"],
        kind="final",
        evaluator=coordinator,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 6, 30),
    )


def test_it_lets_a_mentor_submit_a_mentorship_evaluation(client, mentor_a, world):
    # Mentor A fills in their mentee's evaluation (no success indicators) and submits it.
    evaluation = world["mentor_evaluation"]
    client.force_login(mentor_a)
    fields = rendered(client, evaluation)
    fields["findings"] = "Budi dan kadernya bertemu tiap pekan."
    rate(fields, "4")
    response = client.post(fill_url(evaluation), {**fields, "submit": ""}, follow=True)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert evaluation.findings == "Budi dan kadernya bertemu tiap pekan."
    assert response.redirect_chain[-1][0] == evaluation.get_absolute_url()
    # The report they land on shows the status badge (Indonesian, the default language).
    assert '<span class="badge text-bg-primary">Dikirim</span>' in response.content.decode()


def test_it_lets_a_mentor_save_a_draft_of_a_mentorship_evaluation(client, mentor_a, world):
    # Mentor A saves half-done work; it is there when they come back.
    evaluation = world["mentor_evaluation"]
    client.force_login(mentor_a)
    fields = rendered(client, evaluation)
    fields["findings"] = "Belum selesai."
    response = client.post(fill_url(evaluation), {**fields, "save": ""})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.IN_PROGRESS
    assert "Belum selesai." in rendered(client, evaluation)["findings"]


def test_it_lets_the_coordinator_submit_a_program_evaluation(
    client, coordinator, program_evaluation
):
    # The coordinator evaluates their own program (no indicators) and submits it.
    client.force_login(coordinator)
    fields = rendered(client, program_evaluation)
    fields["findings"] = "Program berjalan sesuai rencana."
    rate(fields, "5")
    response = client.post(fill_url(program_evaluation), {**fields, "submit": ""}, follow=True)
    program_evaluation.refresh_from_db()
    assert program_evaluation.status == Evaluation.Status.SUBMITTED
    assert response.redirect_chain[-1][0] == program_evaluation.get_absolute_url()
    assert '<span class="badge text-bg-primary">Dikirim</span>' in response.content.decode()


def test_it_shows_a_missing_rating_value_and_keeps_the_findings(client, coordinator, world):
    # The coordinator submits an agreement evaluation without one indicator's actual value:
    # the error is next to that field and the findings typed stay in the page.
    evaluation = world["agreement_evaluation"]
    client.force_login(coordinator)
    fields = rendered(client, evaluation)
    fields["findings"] = "Temuan yang diketik dengan susah payah."
    fields["ind-0-actual"] = "12"
    fields["ind-1-actual"] = ""
    response = client.post(fill_url(evaluation), {**fields, "submit": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_ind-1-actual_error"' in html
    assert 'id="id_ind-0-actual_error"' not in html
    assert form_fields(html, "evaluation-form")["findings"] == fields["findings"]
    evaluation.refresh_from_db()
    assert evaluation.status != Evaluation.Status.SUBMITTED


def test_it_shows_an_out_of_range_score_next_to_it(client, mentor_a, world):
    # A rating outside 1–5 (a tampered drop-down) is refused at the rating, input kept.
    evaluation = world["mentor_evaluation"]
    client.force_login(mentor_a)
    fields = rendered(client, evaluation)
    fields["findings"] = "Catatan saya."
    fields["rat-0-score"] = "9"
    response = client.post(fill_url(evaluation), {**fields, "submit": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_rat-0-score_error"' in html
    assert form_fields(html, "evaluation-form")["findings"] == "Catatan saya."


def test_it_shows_a_tampered_management_form(client, mentor_a, world):
    # A crafted form count on the ratings: a message on the page, nothing saved, no 500.
    evaluation = world["mentor_evaluation"]
    client.force_login(mentor_a)
    fields = rendered(client, evaluation)
    fields["findings"] = "Catatan saya."
    fields["rat-TOTAL_FORMS"] = "x"
    response = client.post(fill_url(evaluation), {**fields, "save": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="formset-errors-rat"' in html
    assert form_fields(html, "evaluation-form")["findings"] == "Catatan saya."
    evaluation.refresh_from_db()
    assert evaluation.findings == ""


@pytest.mark.parametrize(
    "prefix, where",
    [
        ("ind", 'data-testid="formset-errors-ind"'),
        ("rat", 'data-testid="formset-errors-rat"'),
        # Action items may be added: the invented row is one more row, refused at its fields.
        ("act", 'id="id_act-1-owner_error"'),
    ],
)
def test_it_refuses_one_form_more_than_the_page_rendered(client, coordinator, world, prefix, where):
    # A hostile tester raises a formset's TOTAL_FORMS one above what the page rendered and
    # fills the invented row: a clear message, no 500, nothing saved.
    evaluation = world["agreement_evaluation"]
    client.force_login(coordinator)
    fields = rendered(client, evaluation)
    total = int(fields[f"{prefix}-TOTAL_FORMS"])
    fields[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    extra = {"ind": {"actual": "7"}, "rat": {"score": "3"}, "act": {"description": "Palsu"}}
    for name, value in extra[prefix].items():
        fields[f"{prefix}-{total}-{name}"] = value
    fields["findings"] = "Tetap di sini."
    response = client.post(fill_url(evaluation), {**fields, "save": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert where in html
    assert form_fields(html, "evaluation-form")["findings"] == "Tetap di sini."
    evaluation.refresh_from_db()
    assert evaluation.findings == ""


def test_it_sends_an_admin_back_from_a_submitted_evaluation(client, admin, world):
    # An admin (superuser) opens the fill page of a submitted evaluation: they are sent to
    # the report with a message instead of a form that can only fail.
    evaluation = world["mentor_evaluation"]
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.SUBMITTED)
    client.force_login(admin)
    response = client.get(fill_url(evaluation))
    assert response.status_code == 302
    assert response.url == evaluation.get_absolute_url()
